import Config
import Foundation
import Measure

/// The rows of a file in the event format, turned into one path per conversion and one per
/// user's trailing touches (see `AttributionInput`).
struct EventRows {
  let table: CSVTable

  /// One row, read and checked.
  private struct Event {
    let row: Int
    let timestamp: Int64
    let channel: String
    let conversions: Double
    let value: Double
  }

  /// The kind of timestamp a file uses. A file may not mix them, because that would compare
  /// unrelated clocks.
  private enum TimestampKind: String {
    case milliseconds = "integer milliseconds"
    case iso8601 = "ISO 8601 date-times"
  }

  func paths() throws -> [ConversionPath] {
    let user = try column("user")
    let timestamp = try column("timestamp")
    let channel = try column("channel")
    let conversion = try column("conversion")
    let value = table.header.firstIndex(of: "value")

    var users: [String] = []
    var eventsByUser: [String: [Event]] = [:]
    var kind: TimestampKind?
    let parser = ISO8601Parser()
    for row in table.rows.indices {
      let fields = table.rows[row]
      let name = fields[user]
      guard !name.isEmpty else {
        throw error(row, "the user is empty", fix: "give every row the user it belongs to")
      }
      let (time, rowKind) = try parseTimestamp(fields[timestamp], row: row, parser: parser)
      if let kind, kind != rowKind {
        throw error(
          row, "the timestamp \"\(fields[timestamp])\" is one of \(rowKind.rawValue), but "
            + "earlier rows use \(kind.rawValue)",
          fix: "write every timestamp of the file the same way")
      }
      kind = rowKind
      let conversions = try AttributionInput.count(table, row: row, column: conversion)
      let rowValue = try value.map { try AttributionInput.count(table, row: row, column: $0, empty: 0) }
        ?? 0
      let channelName = fields[channel].trimmingCharacters(in: .whitespaces)
      if conversions == 0 && channelName.isEmpty {
        throw error(
          row, "the row is neither a touch (its channel is empty) nor a conversion "
            + "(its conversion is 0)",
          fix: "name the channel of a touch, or give a conversion above 0")
      }
      if conversions == 0 && rowValue > 0 {
        throw error(
          row, "the value is \(rowValue) but the conversion is 0",
          fix: "give the conversion that carries the value, or a value of 0")
      }
      if eventsByUser[name] == nil { users.append(name) }
      eventsByUser[name, default: []].append(
        Event(
          row: row, timestamp: time, channel: channelName, conversions: conversions,
          value: rowValue))
    }

    var paths: [ConversionPath] = []
    for name in users {
      // A stable sort: events with equal timestamps keep the file's order.
      let events = eventsByUser[name, default: []].enumerated().sorted {
        ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
      }.map(\.element)
      var touches: [Touch] = []
      for event in events {
        if !event.channel.isEmpty {
          touches.append(Touch(channel: event.channel, timestamp: event.timestamp))
        }
        if event.conversions > 0 {
          paths.append(
            ConversionPath(
              touches: touches, conversions: event.conversions, value: event.value,
              conversionTime: event.timestamp))
          touches = []
        }
      }
      if !touches.isEmpty {
        paths.append(ConversionPath(touches: touches, conversions: 0, nulls: 1))
      }
    }
    return paths
  }

  private func column(_ name: String) throws -> Int {
    guard let index = table.header.firstIndex(of: name) else {
      throw AttributionInputError(
        file: table.file, line: 1, problem: "the event format needs a column \"\(name)\"",
        fix: "name the columns " + AttributionInput.eventColumns.joined(separator: ","))
    }
    return index
  }

  private func error(_ row: Int, _ problem: String, fix: String) -> AttributionInputError {
    AttributionInputError(file: table.file, line: table.lines[row], problem: problem, fix: fix)
  }

  private func parseTimestamp(
    _ text: String, row: Int, parser: ISO8601Parser
  ) throws -> (Int64, TimestampKind) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let milliseconds = Int64(trimmed) {
      return (milliseconds, .milliseconds)
    }
    if let milliseconds = parser.milliseconds(trimmed) {
      return (milliseconds, .iso8601)
    }
    throw error(
      row, "the timestamp \"\(text)\" is neither an integer number of milliseconds nor an "
        + "ISO 8601 date-time",
      fix: "write it as milliseconds, such as 1714557600000, or as 2024-05-01T10:00:00Z")
  }
}

/// Parses ISO 8601 date-times with a time zone, with or without fractional seconds.
private struct ISO8601Parser {
  private let plain: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter
  }()
  private let fractional: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter
  }()

  /// Returns the milliseconds since 1970-01-01T00:00:00Z, rounded, or nil when the text is
  /// not a date-time or lies beyond the range of Int64 milliseconds.
  func milliseconds(_ text: String) -> Int64? {
    guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
    let value = (date.timeIntervalSince1970 * 1000).rounded()
    guard value.isFinite, abs(value) < 9e18 else { return nil }
    return Int64(value)
  }
}

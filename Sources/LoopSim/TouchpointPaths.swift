import Config
import Foundation
import Measure
import Warehouse

/// Touchpoint paths as they appear to marketing: cut from the warehouse's `messages` table after
/// identity stitching, not from the simulator's state.
///
/// A touch is a `page` or `screen` message with a `context.campaign.name` (a first touch's
/// landing or trailer, or a repeat visit that came through a channel), named after the
/// campaign, or an `Email Link Clicked` event, named after its `campaign_name` (the
/// workflow). A conversion is an `Order Completed` event, with its `revenue` property as
/// value. Messages belong to the person in `resolved_user_id`, else `user_id`, else their
/// anonymous id, and are ordered by `timestamp_ms` and then by load order.
///
/// For each person, a conversion at time t ends a path. The path contains the touches since
/// the person's previous conversion that are at most `lookback` older than t. When its last
/// touch is at most `conversionWindow` before t, the path has the conversion. Otherwise the
/// conversion is unattributed (a path without touches) and the touches, if any, form a path
/// with one null. After the person's last conversion, the touches at most `lookback` before
/// the end of the run form a path with one null. Older touches belong to no path.
struct TouchpointPaths {
  /// One message that matters for paths.
  struct Event: Equatable {
    enum Kind: Equatable {
      case touch(String)
      case conversion(value: Double)
    }

    let person: String
    let time: Int64
    let kind: Kind
  }

  /// One path per conversion and per person's trailing touches, in person order.
  let paths: [ConversionPath]

  /// Cuts paths from `events`, which must be grouped by person and sorted by time within
  /// each person. `end` is the end of the run in the events' milliseconds.
  init(events: [Event], lookback: Int64, conversionWindow: Int64, end: Int64) {
    var paths: [ConversionPath] = []
    var pending: [Touch] = []
    var person: String?

    func closeTrailing() {
      let kept = pending.filter { end - ($0.timestamp ?? end) <= lookback }
      if !kept.isEmpty {
        paths.append(ConversionPath(touches: kept, conversions: 0, nulls: 1))
      }
      pending = []
    }

    for event in events {
      if event.person != person {
        closeTrailing()
        person = event.person
      }
      switch event.kind {
      case .touch(let channel):
        pending.append(Touch(channel: channel, timestamp: event.time))
      case .conversion(let value):
        let kept = pending.filter { event.time - ($0.timestamp ?? event.time) <= lookback }
        let value = value.isFinite && value > 0 ? value : 0
        if let last = kept.last?.timestamp, event.time - last <= conversionWindow {
          paths.append(
            ConversionPath(
              touches: kept, conversions: 1, value: value, conversionTime: event.time))
        } else {
          paths.append(
            ConversionPath(touches: [], conversions: 1, value: value, conversionTime: event.time))
          if !kept.isEmpty {
            paths.append(ConversionPath(touches: kept, conversions: 0, nulls: 1))
          }
        }
        pending = []
      }
    }
    closeTrailing()
    self.paths = paths
  }

  /// Reads the touches and conversions of the `messages` table and cuts them into paths.
  init(database: Database, lookback: Int64, conversionWindow: Int64, end: Int64) throws {
    let events = try Self.events(in: database)
    self.init(events: events, lookback: lookback, conversionWindow: conversionWindow, end: end)
  }

  /// Reads the touches and conversions of the `messages` table, grouped by person and
  /// sorted by time.
  static func events(in database: Database) throws -> [Event] {
    try database.prepare(
      """
      SELECT COALESCE(resolved_user_id, user_id, 'anonymous:' || anonymous_id) AS person,
        timestamp_ms, event, json_extract(context, '$.campaign.name'),
        json_extract(properties, '$.campaign_name'), json_extract(properties, '$.revenue')
      FROM messages
      WHERE (type IN ('page', 'screen') AND json_extract(context, '$.campaign.name') IS NOT NULL)
        OR (type = 'track' AND event IN (?, ?))
      ORDER BY person, timestamp_ms, rowid
      """
    ).mapRows(binding: [emailClickEvent, conversionEvent]) { row in
      let person = try row.string(at: 0)
      let time = try row.int64(at: 1)
      let event = try row.isNull(at: 2) ? nil : try row.string(at: 2)
      let kind: Event.Kind
      switch event {
      case conversionEvent:
        kind = .conversion(value: try row.isNull(at: 5) ? 0 : try row.double(at: 5))
      case emailClickEvent:
        kind = .touch(try row.isNull(at: 4) ? "email" : try row.string(at: 4))
      default:
        kind = .touch(try row.string(at: 3))
      }
      return Event(person: person, time: time, kind: kind)
    }
  }

  static let emailClickEvent = "Email Link Clicked"
  static let conversionEvent = "Order Completed"

  /// The paths in ChannelAttribution's path format: a header, then one row per distinct
  /// sequence of channels, joined by ` > ` and sorted, with its conversions, their value
  /// and its nulls. Paths without touches are left out, because the format has no row for
  /// unattributed conversions.
  var csv: String {
    var totals: [String: (conversions: Double, value: Double, nulls: Double)] = [:]
    for path in paths where !path.touches.isEmpty {
      let key = path.channels.joined(separator: " > ")
      var total = totals[key] ?? (0, 0, 0)
      total.conversions += path.conversions
      total.value += path.value
      total.nulls += path.nulls
      totals[key] = total
    }
    var lines = ["path,total_conversions,total_conversion_value,total_null"]
    for key in totals.keys.sorted() {
      let total = totals[key] ?? (0, 0, 0)
      lines.append(
        [
          Self.csvField(key), Self.number(total.conversions), Self.number(total.value),
          Self.number(total.nulls),
        ].joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The number of distinct sequences of channels, as the CSV lists them.
  var distinctPathCount: Int {
    Set(paths.lazy.filter { !$0.touches.isEmpty }.map(\.channels)).count
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15
      ? String(Int64(value)) : JSONWriter.render(value)
  }

  /// Quotes a field that contains a comma, a quote or a line break, as RFC 4180 does.
  private static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

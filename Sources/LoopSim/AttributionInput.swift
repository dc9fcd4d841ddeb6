import Config
import Foundation
import Measure

/// The layout of a file of conversion paths, which its header identifies.
public enum AttributionFileFormat: String, Sendable {
  /// ChannelAttribution's path format: one row per path, with the columns `path`,
  /// `total_conversions`, and optionally `total_conversion_value` and `total_null`.
  case paths
  /// One row per touch or conversion, with the columns `user`, `timestamp`, `channel`,
  /// `conversion`, and optionally `value`.
  case events
}

/// Conversion paths read from a CSV file in the path format or the event format.
///
/// **Path format.** `path` lists the channels in order, separated by `>`, with spaces around
/// each name ignored (`email > search`). An empty `path` is a path without touches. Rows with
/// the same sequence of channels are summed into one path. `total_conversion_value` and
/// `total_null` are 0 when the column is missing.
///
/// **Event format.** Each user's rows are sorted by timestamp, keeping the file's order for
/// equal timestamps. A row with `conversion` 0 is a touch on its `channel`. A row with
/// `conversion` above 0 is a conversion: its channel, when not empty, is the path's last
/// touch, and the conversion ends the path. Its `conversion` is the path's conversion count,
/// `value` its value, and its timestamp the conversion time of time decay. Touches after a
/// user's last conversion form a path with 1 null. Timestamps are integer milliseconds on
/// any clock, or ISO 8601 date-times (converted to milliseconds since 1970), one kind per
/// file.
public struct AttributionInput: Sendable {
  /// The file's name as given, used in messages.
  public let file: String
  public let format: AttributionFileFormat
  /// The number of data rows, without the header.
  public let rowCount: Int
  /// The paths, checked.
  public let paths: ConversionPaths

  /// The columns of the path format, the first two required.
  static let pathColumns = ["path", "total_conversions", "total_conversion_value", "total_null"]
  /// The columns of the event format, the first four required.
  static let eventColumns = ["user", "timestamp", "channel", "conversion", "value"]

  /// Reads the CSV file at `path`. A large file in the path format is read by
  /// `PathFileScanner` when it can, with the same result.
  ///
  /// - Throws: `AttributionInputError` when the file cannot be read, is not UTF-8 or not
  ///   valid CSV, has neither header, or has an invalid value (with its line).
  public init(contentsOfFile path: String) throws {
    if let scan = PathFileScanner.scan(fileAtPath: path) {
      let rowCount = scan.rowCount
      let names = scan.names
      // Without other references to the scan's arrays, the paths renumber them in place.
      let flatPaths = (consume scan).paths
      if let paths = try? ConversionPaths(names: names, flatPaths: flatPaths) {
        self.init(file: path, format: .paths, rowCount: rowCount, paths: paths)
        return
      }
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw AttributionInputError(
        file: path, line: nil, problem: "cannot read the file: \(Self.readFailureReason(error))",
        fix: "check the path and that the file is readable")
    }
    let text = try Self.decodeUTF8(data, file: path)
    let table: CSVTable
    do {
      table = try CSVTable(parsing: text, file: path)
    } catch {
      throw AttributionInputError(error)
    }
    try self.init(table: table)
  }

  /// Reads paths from a CSV table already parsed.
  public init(table: CSVTable) throws {
    let header = Set(table.header)
    let paths: [ConversionPath]
    if header.contains("path") {
      format = .paths
      paths = try PathRows(table: table).paths()
    } else if header.isSuperset(of: Self.eventColumns.prefix(4)) {
      format = .events
      paths = try EventRows(table: table).paths()
    } else {
      throw AttributionInputError(
        file: table.file, line: 1,
        problem: "the header has neither a \"path\" column nor the columns "
          + Self.eventColumns.prefix(4).joined(separator: ", "),
        fix: "use the path format (" + Self.pathColumns.joined(separator: ",")
          + ") or the event format (" + Self.eventColumns.joined(separator: ",") + ")")
    }
    guard !table.rows.isEmpty else {
      throw AttributionInputError(
        file: table.file, line: 2, problem: "the file has a header but no data rows",
        fix: "add one row per path or event below the header")
    }

    do {
      self.paths = try ConversionPaths(paths)
    } catch {
      // The readers check every value, so this is a total that overflowed.
      throw AttributionInputError(
        file: table.file, line: nil, problem: error.description,
        fix: "split the file, or give counts and values in smaller units")
    }
    self.file = table.file
    self.rowCount = table.rows.count
  }

  private init(file: String, format: AttributionFileFormat, rowCount: Int, paths: ConversionPaths)
  {
    self.file = file
    self.format = format
    self.rowCount = rowCount
    self.paths = paths
  }

  /// The number of distinct paths after rows with the same sequence were summed.
  public var pathCount: Int { paths.pathCount }

  // MARK: Reading values

  /// Returns a column's value on one row as a finite number of at least 0, or `empty` when
  /// the field is blank and `empty` is given.
  static func count(
    _ table: CSVTable, row: Int, column: Int, empty: Double? = nil
  ) throws -> Double {
    let text = table.rows[row][column].trimmingCharacters(in: .whitespaces)
    if text.isEmpty, let empty { return empty }
    guard let number = Double(text), number.isFinite, number >= 0 else {
      throw AttributionInputError(
        file: table.file, line: table.lines[row],
        problem: "column \"\(table.header[column])\" has \"\(table.rows[row][column])\", "
          + "which is not a number of at least 0",
        fix: "give a finite number of 0 or more, such as 1 or 2.5")
    }
    return number
  }

  /// Returns the text as UTF-8, or an error naming the line of the first invalid byte.
  static func decodeUTF8(_ data: Data, file: String) throws -> String {
    let bytes = [UInt8](data)
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var line = 1
    var lineStart = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
      if String(validating: bytes[lineStart..<index], as: UTF8.self) == nil { break }
      line += 1
      lineStart = index + 1
    }
    throw AttributionInputError(
      file: file, line: line, problem: "the file is not valid UTF-8 text",
      fix: "save or export the file as UTF-8 (\"CSV UTF-8\" in spreadsheets)")
  }

  /// Returns the operating system's reason, such as "No such file or directory", when
  /// Foundation wraps one, else Foundation's own description without its final period.
  static func readFailureReason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
      let posix = underlying as NSError
      if posix.domain == NSPOSIXErrorDomain, let code = Int32(exactly: posix.code) {
        return String(cString: strerror(code))
      }
    }
    var reason = nsError.localizedDescription
    while reason.last == "." { reason.removeLast() }
    return reason
  }
}

/// The rows of a file in the path format.
private struct PathRows {
  let table: CSVTable

  func paths() throws -> [ConversionPath] {
    let path = try column("path")
    let conversions = try column("total_conversions")
    let value = table.header.firstIndex(of: "total_conversion_value")
    let nulls = table.header.firstIndex(of: "total_null")

    // Sums rows with the same channel sequence, in the order each sequence first appears.
    var order: [[String]] = []
    var sums: [[String]: (conversions: Double, value: Double, nulls: Double)] = [:]
    for row in table.rows.indices {
      let channels = try self.channels(row: row, column: path)
      let rowConversions = try AttributionInput.count(table, row: row, column: conversions)
      let rowValue = try value.map { try AttributionInput.count(table, row: row, column: $0) } ?? 0
      let rowNulls = try nulls.map { try AttributionInput.count(table, row: row, column: $0) } ?? 0
      if rowValue > 0 && rowConversions == 0 {
        throw AttributionInputError(
          file: table.file, line: table.lines[row],
          problem: "total_conversion_value is \(table.rows[row][value ?? 0]) but "
            + "total_conversions is 0",
          fix: "give the conversions that carry the value, or a value of 0")
      }
      if sums[channels] == nil {
        order.append(channels)
        sums[channels] = (0, 0, 0)
      }
      sums[channels]!.conversions += rowConversions
      sums[channels]!.value += rowValue
      sums[channels]!.nulls += rowNulls
    }
    return order.map { channels in
      let sum = sums[channels]!
      return ConversionPath(
        channels: channels, conversions: sum.conversions, value: sum.value, nulls: sum.nulls)
    }
  }

  private func column(_ name: String) throws -> Int {
    guard let index = table.header.firstIndex(of: name) else {
      throw AttributionInputError(
        file: table.file, line: 1, problem: "the path format needs a column \"\(name)\"",
        fix: "name the columns " + AttributionInput.pathColumns.joined(separator: ","))
    }
    return index
  }

  /// Splits a `path` field into channel names at each `>`, trimming spaces around them.
  private func channels(row: Int, column: Int) throws -> [String] {
    let text = table.rows[row][column]
    guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else { return [] }
    let names = text.split(separator: ">", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    if let position = names.firstIndex(of: "") {
      throw AttributionInputError(
        file: table.file, line: table.lines[row],
        problem: "the path \"\(text)\" has an empty channel name at position \(position + 1)",
        fix: "write one channel name between each pair of \">\", such as \"email > search\"")
    }
    return names
  }
}

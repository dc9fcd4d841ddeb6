/// A CSV file read into rows of text fields, following RFC 4180: fields separated by
/// commas, records by CRLF, LF or CR; a field in double quotes may contain commas, line
/// breaks and doubled quotes (`""` for one `"`). The first record is the header.
///
/// Every record must have as many fields as the header; a byte order mark at the start is
/// skipped. Errors name the file and the 1-based line where the problem starts.
public struct CSVTable: Sendable {
  public let file: String
  public let header: [String]
  /// Data records, without the header.
  public let rows: [[String]]
  /// The 1-based line on which each data record starts, parallel to `rows`.
  public let lines: [Int]

  /// Parses `text`; `file` names it in errors.
  public init(parsing text: String, file: String) throws(CSVError) {
    var records: [[String]] = []
    var recordLines: [Int] = []
    var field = ""
    var record: [String] = []
    var line = 1
    var recordStart = 1
    var inQuotes = false
    var quoteStart = 0
    var fieldWasQuoted = false
    var iterator = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = iterator.next()
    if pending == "\u{FEFF}" {
      pending = iterator.next()
    }

    func endRecord() {
      record.append(field)
      records.append(record)
      recordLines.append(recordStart)
      record = []
      field = ""
      fieldWasQuoted = false
    }

    while let scalar = pending {
      pending = iterator.next()
      if inQuotes {
        if scalar == "\"" {
          if pending == "\"" {
            field.unicodeScalars.append("\"")
            pending = iterator.next()
          } else {
            inQuotes = false
          }
        } else {
          if scalar == "\n" || (scalar == "\r" && pending != "\n") { line += 1 }
          field.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case "\"":
        guard field.isEmpty && !fieldWasQuoted else {
          throw CSVError(
            file: file, line: line,
            problem: "a double quote inside a field that does not start with one",
            fix: "put the whole field in double quotes and write each quote inside it as \"\"")
        }
        inQuotes = true
        fieldWasQuoted = true
        quoteStart = line
      case ",":
        record.append(field)
        field = ""
        fieldWasQuoted = false
      case "\r", "\n":
        if scalar == "\r" && pending == "\n" {
          pending = iterator.next()
        }
        endRecord()
        line += 1
        recordStart = line
      default:
        guard !fieldWasQuoted else {
          throw CSVError(
            file: file, line: line, problem: "text after the closing quote of a field",
            fix: "end the field at its closing quote, or write a quote inside it as \"\"")
        }
        field.unicodeScalars.append(scalar)
      }
    }
    if inQuotes {
      throw CSVError(
        file: file, line: quoteStart, problem: "a quoted field is never closed",
        fix: "add the closing double quote")
    }
    if !field.isEmpty || !record.isEmpty || fieldWasQuoted {
      endRecord()
    }

    guard let header = records.first else {
      throw CSVError(
        file: file, line: 1, problem: "the file is empty",
        fix: "give a header line with the column names, then one line per row")
    }
    for (index, record) in records.enumerated().dropFirst() where record.count != header.count {
      // A blank last line is not a record.
      if record == [""] { continue }
      throw CSVError(
        file: file, line: recordLines[index],
        problem: "\(record.count) fields where the header has \(header.count)",
        fix: "give every row one value per column")
    }
    let data = records.indices.dropFirst().filter { records[$0] != [""] }
    self.file = file
    self.header = header
    self.rows = data.map { records[$0] }
    self.lines = data.map { recordLines[$0] }
  }

  /// The index of the column `name`, or an error naming the columns that exist and the
  /// closest one.
  public func column(_ name: String, option: String) throws(CSVError) -> Int {
    if let index = header.firstIndex(of: name) { return index }
    var fix = "use one of the columns: " + header.joined(separator: ", ")
    if let suggestion = Suggestion.closest(to: name, among: header) {
      fix = "did you mean \"\(suggestion)\"? The columns are: " + header.joined(separator: ", ")
    }
    throw CSVError(
      file: file, line: 1, problem: "\(option) names column \"\(name)\", which is not in the header",
      fix: fix)
  }

  /// The values of column `index` as numbers, or an error naming the line of the first
  /// value that is not a finite number.
  public func numbers(column index: Int) throws(CSVError) -> [Double] {
    var values: [Double] = []
    values.reserveCapacity(rows.count)
    for (row, line) in zip(rows, lines) {
      let text = row[index].trimmingSpaces()
      guard let value = Double(text), value.isFinite else {
        throw CSVError(
          file: file, line: line,
          problem: "column \"\(header[index])\" has \"\(row[index])\", which is not a number",
          fix: "give a number in every row of \"\(header[index])\", or choose another column")
      }
      values.append(value)
    }
    return values
  }
}

/// A CSV file that could not be read: where, what is wrong, and the fix.
public struct CSVError: Error, Hashable, Sendable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let problem: String
  public let fix: String

  public var description: String { "\(file):\(line): error: \(problem). Fix: \(fix)." }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var slice = Substring(self)
    while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
    while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
    return String(slice)
  }
}

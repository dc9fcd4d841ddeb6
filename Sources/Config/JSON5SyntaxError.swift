/// A JSON5 input that could not be parsed: where, what was found there, and what was expected.
///
/// `description` renders the error the way compilers do, with the source line and a caret:
///
///     scenario.json5:3:14: error: expected ',' or '}' after an object member, found 'x'
///       seed: 42 x
///                ^
public struct JSON5SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A second location that explains the error, such as the first of two duplicate keys.
  public struct Note: Hashable, Sendable {
    public var location: SourceLocation
    public var message: String
  }

  public var location: SourceLocation
  /// The text that the parser found, such as `'x'`, `end of input`, `a line break`, `'012'`.
  public var found: String
  /// The text that the parser expected there, such as `',' or '}' after an object member`.
  public var expected: String
  public var note: Note?
  /// The text of the line that contains `location`, without its line break.
  public var sourceLine: String

  public init(
    location: SourceLocation, found: String, expected: String, note: Note? = nil,
    sourceLine: String
  ) {
    self.location = location
    self.found = found
    self.expected = expected
    self.note = note
    self.sourceLine = sourceLine
  }

  /// The error without its location: `expected …, found …`.
  public var message: String {
    "expected \(expected), found \(found)"
  }

  public var description: String {
    var lines = ["\(location): error: \(message)"]
    lines.append(contentsOf: caretExcerpt(line: sourceLine, column: location.column))
    if let note {
      lines.append("\(note.location): note: \(note.message)")
    }
    return lines.joined(separator: "\n")
  }
}

/// Returns the source line indented by two spaces and a caret line under `column`.
///
/// Lines longer than 120 columns are cut to a window around the column, marked with `…`.
/// Tabs in the line are kept in the caret line so that the caret lines up in a terminal, and
/// other control characters are shown as U+FFFD.
/// NOTE: a character that a terminal draws two cells wide (many CJK characters, most emoji)
/// still counts as one column, so the caret lands left of its target after such characters.
func caretExcerpt(line: String, column: Int) -> [String] {
  let width = 120
  let scalars = Array(line.unicodeScalars).map { scalar -> Unicode.Scalar in
    (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F ? "\u{FFFD}" : scalar
  }
  // A caret one column past the end of the line marks an error at the line break.
  let caretIndex = min(max(column - 1, 0), scalars.count)
  var start = 0
  var end = scalars.count
  if scalars.count > width {
    start = max(0, min(caretIndex - width / 2, scalars.count - width))
    end = min(scalars.count, start + width)
  }

  var excerpt = String.UnicodeScalarView()
  var caret = String.UnicodeScalarView()
  if start > 0 {
    excerpt.append("…")
    caret.append(" ")
  }
  excerpt.append(contentsOf: scalars[start..<end])
  if end < scalars.count {
    excerpt.append("…")
  }
  for scalar in scalars[start..<caretIndex] {
    caret.append(scalar == "\t" ? "\t" : " ")
  }
  caret.append("^")
  return ["  " + String(excerpt), "  " + String(caret)]
}

/// A strict JSON parser (RFC 8259) for one line of a JSON Lines file, which keeps the size
/// of every object member's value and reports the column of the first error.
///
/// It accepts exactly standard JSON: no comments, trailing commas, single quotes, `NaN` or
/// leading zeros. It also rejects what a `Message` cannot hold faithfully: a repeated key
/// in one object, a number outside the range of a double, an escape of a lone UTF-16
/// surrogate, and nesting deeper than `maximumDepth`. The input must be valid UTF-8, which
/// `firstInvalidUTF8Byte(in:)` checks first. Parsing is O(n) in the line's bytes.
public struct JSONLineParser {
  /// The deepest nesting of arrays and objects accepted. The parser recurses once per
  /// level, so the limit also bounds its stack use.
  public static let maximumDepth = 128

  private let bytes: [UInt8]
  private var index = 0

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Parses `bytes` as one JSON value, with optional whitespace around it.
  public static func parse(_ bytes: [UInt8]) throws(JSONLineSyntaxError) -> JSONLineValue {
    var parser = JSONLineParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else {
      throw parser.error("unexpected text after the JSON value")
    }
    return value
  }

  /// Returns the offset of the first byte that does not belong to well-formed UTF-8 (the
  /// Unicode Standard's table 3-7: no overlong forms, surrogates or code points above
  /// U+10FFFF), or nil when every byte does.
  public static func firstInvalidUTF8Byte(in bytes: [UInt8]) -> Int? {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      var secondRange: ClosedRange<UInt8> = 0x80...0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        secondRange = 0xA0...0xBF
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        secondRange = 0x80...0x9F
      case 0xF0:
        length = 4
        secondRange = 0x90...0xBF
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        secondRange = 0x80...0x8F
      default: return index
      }
      for offset in 1..<length {
        let position = index + offset
        guard position < bytes.count else { return index }
        let range = offset == 1 ? secondRange : 0x80...0xBF
        guard range.contains(bytes[position]) else { return index }
      }
      index += length
    }
    return nil
  }

  // MARK: Values

  private mutating func parseValue(depth: Int) throws(JSONLineSyntaxError) -> JSONLineValue {
    guard index < bytes.count else { throw error("unexpected end of the line") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["):
      return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""):
      return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try parseNumber()
    default:
      throw error("unexpected character \(describeByte(bytes[index]))")
    }
  }

  private mutating func parseObject(depth: Int) throws(JSONLineSyntaxError) -> JSONLineValue {
    guard depth <= Self.maximumDepth else {
      throw error("nesting deeper than \(Self.maximumDepth) levels")
    }
    index += 1
    skipWhitespace()
    var members: [JSONLineMember] = []
    var keys: Set<String> = []
    if consume(UInt8(ascii: "}")) { return .object(members) }

    while true {
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a quoted key")
      }
      let keyColumn = index + 1
      let key = try parseString()
      guard keys.insert(key).inserted else {
        throw JSONLineSyntaxError(
          column: keyColumn, problem: "repeated key \"\(key.prefix(100))\"")
      }
      skipWhitespace()
      guard consume(UInt8(ascii: ":")) else { throw error("expected ':' after a key") }
      skipWhitespace()
      let start = index
      let value = try parseValue(depth: depth)
      members.append(JSONLineMember(key: key, value: value, byteCount: index - start))
      skipWhitespace()
      if consume(UInt8(ascii: "}")) { return .object(members) }
      guard consume(UInt8(ascii: ",")) else { throw error("expected ',' or '}' in an object") }
      skipWhitespace()
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONLineSyntaxError) -> JSONLineValue {
    guard depth <= Self.maximumDepth else {
      throw error("nesting deeper than \(Self.maximumDepth) levels")
    }
    index += 1
    skipWhitespace()
    var elements: [JSONLineValue] = []
    if consume(UInt8(ascii: "]")) { return .array(elements) }

    while true {
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      if consume(UInt8(ascii: "]")) { return .array(elements) }
      guard consume(UInt8(ascii: ",")) else { throw error("expected ',' or ']' in an array") }
      skipWhitespace()
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONLineSyntaxError) {
    let count = literal.utf8CodeUnitCount
    let matches = literal.withUTF8Buffer { expected in
      index + count <= bytes.count && bytes[index..<index + count].elementsEqual(expected)
    }
    guard matches else { throw error("unexpected character \(describeByte(bytes[index]))") }
    index += count
  }

  // MARK: Numbers

  /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  private mutating func parseNumber() throws(JSONLineSyntaxError) -> JSONLineValue {
    let start = index
    _ = consume(UInt8(ascii: "-"))
    guard index < bytes.count, isDigit(bytes[index]) else {
      throw error("expected a digit in a number")
    }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count, isDigit(bytes[index]) {
        throw error("a number may not have a leading zero")
      }
    } else {
      skipDigits()
    }
    var isInteger = true
    if consume(UInt8(ascii: ".")) {
      isInteger = false
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit after the decimal point")
      }
      skipDigits()
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit in the exponent")
      }
      skipDigits()
    }

    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger, let integer = Int64(text) {
      return .integer(integer)
    }
    guard let number = Double(text), number.isFinite else {
      throw JSONLineSyntaxError(
        column: start + 1, problem: "number \(text.prefix(40)) is out of the range of a double")
    }
    return .number(number)
  }

  private mutating func skipDigits() {
    while index < bytes.count, isDigit(bytes[index]) { index += 1 }
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  // MARK: Strings

  /// Parses a string from its opening quote, decoding escapes.
  private mutating func parseString() throws(JSONLineSyntaxError) -> String {
    index += 1
    let start = index
    // Most strings have no escape, so the bytes become the string in one step.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("control character \(describeByte(byte)) in a string") }
      index += 1
    }

    var decoded = Array(bytes[start..<index])
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: decoded, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try decodeEscape(into: &decoded)
      case 0..<0x20:
        throw error("control character \(describeByte(byte)) in a string")
      default:
        decoded.append(byte)
        index += 1
      }
    }
    throw error("unterminated string")
  }

  /// Decodes the escape at `index` (a backslash) and appends its UTF-8 bytes.
  private mutating func decodeEscape(into decoded: inout [UInt8]) throws(JSONLineSyntaxError) {
    let escapeStart = index
    index += 1
    guard index < bytes.count else { throw error("unterminated string") }
    let letter = bytes[index]
    index += 1
    let simple: UInt8?
    switch letter {
    case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
    case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
    case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
    case UInt8(ascii: "b"): simple = 0x08
    case UInt8(ascii: "f"): simple = 0x0C
    case UInt8(ascii: "n"): simple = 0x0A
    case UInt8(ascii: "r"): simple = 0x0D
    case UInt8(ascii: "t"): simple = 0x09
    case UInt8(ascii: "u"): simple = nil
    default:
      throw JSONLineSyntaxError(column: escapeStart + 1, problem: "invalid escape in a string")
    }
    if let simple {
      decoded.append(simple)
      return
    }

    var scalar = try hexQuad()
    if (0xD800...0xDBFF).contains(scalar) {
      // A high surrogate must be followed by an escaped low surrogate; together they
      // encode one code point above U+FFFF.
      guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      else {
        throw JSONLineSyntaxError(column: escapeStart + 1, problem: "lone UTF-16 surrogate escape")
      }
      index += 2
      let low = try hexQuad()
      guard (0xDC00...0xDFFF).contains(low) else {
        throw JSONLineSyntaxError(column: escapeStart + 1, problem: "lone UTF-16 surrogate escape")
      }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00...0xDFFF).contains(scalar) {
      throw JSONLineSyntaxError(column: escapeStart + 1, problem: "lone UTF-16 surrogate escape")
    }
    // Every value left is a Unicode scalar, because surrogates were combined or rejected
    // above.
    if let unicode = Unicode.Scalar(scalar) {
      UTF8.encode(unicode) { decoded.append($0) }
    }
  }

  /// Reads four hexadecimal digits of a `\u` escape.
  private mutating func hexQuad() throws(JSONLineSyntaxError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("expected four hex digits after \\u")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  // MARK: Helpers

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
        index += 1
      default:
        return
      }
    }
  }

  private mutating func consume(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  private func error(_ problem: String) -> JSONLineSyntaxError {
    JSONLineSyntaxError(column: index + 1, problem: problem)
  }

  /// Describes a byte for an error: the character in quotes when printable ASCII,
  /// otherwise its hex value.
  private func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x20 && byte < 0x7F {
      return "'\(Character(Unicode.Scalar(byte)))'"
    }
    let hex = String(byte, radix: 16, uppercase: true)
    return "0x" + (hex.count == 1 ? "0" : "") + hex
  }
}

/// A syntax error in a line: the problem and its column.
public struct JSONLineSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The 1-based byte offset in the line where the problem was found.
  public let column: Int
  public let problem: String

  public init(column: Int, problem: String) {
    self.column = column
    self.problem = problem
  }

  public var description: String { "\(problem) at column \(column)" }
}

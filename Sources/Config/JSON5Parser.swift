/// A recursive-descent JSON5 parser over UTF-8 bytes that records the location of every value.
///
/// The grammar is the JSON5 specification, version 1.0.0 (https://spec.json5.org). The parser
/// decodes UTF-8 itself so that invalid bytes become a located `JSON5SyntaxError`, and it
/// counts lines and columns as it advances: a line ends at LF, CR, CR LF, U+2028 or U+2029, and
/// a column counts Unicode scalars.
struct JSON5Parser {
  let bytes: [UInt8]
  let file: String
  let maxDepth: Int
  var offset = 0
  var line = 1
  var column = 1

  init(bytes: [UInt8], file: String, maxDepth: Int) {
    self.bytes = bytes
    self.file = file
    self.maxDepth = maxDepth
  }

  /// Parses the whole input as one JSON5 value surrounded by optional whitespace and comments.
  mutating func parseDocument() throws(JSON5SyntaxError) -> ConfigNode {
    try skipByteOrderMark()
    try skipTrivia()
    guard !isAtEnd else {
      throw error(
        at: location, found: "end of input (the input contains no value)",
        expected: "a JSON5 value")
    }

    let root = try parseValue(depth: 0, expected: "a JSON5 value")

    try skipTrivia()
    guard isAtEnd else {
      throw unexpected(expected: "end of input after the top-level value")
    }
    return root
  }

  /// Parses the value at the current offset. `depth` is the number of arrays and objects that
  /// enclose it, and `expected` names what the caller expects there, for the error message.
  mutating func parseValue(depth: Int, expected: String) throws(JSON5SyntaxError) -> ConfigNode {
    let start = location
    guard let byte = currentByte else {
      throw error(at: start, found: "end of input", expected: expected)
    }

    switch byte {
    case UInt8(ascii: "{"):
      return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["):
      return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      return ConfigNode(.string(try parseString()), at: start)
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
      UInt8(ascii: "."):
      return ConfigNode(.number(try parseNumber()), at: start)
    default:
      break
    }

    switch asciiWord(at: offset) {
    case "true":
      advanceASCII(count: 4)
      return ConfigNode(.bool(true), at: start)
    case "false":
      advanceASCII(count: 5)
      return ConfigNode(.bool(false), at: start)
    case "null":
      advanceASCII(count: 4)
      return ConfigNode(.null, at: start)
    case "Infinity", "NaN":
      return ConfigNode(.number(try parseNumber()), at: start)
    default:
      throw unexpected(expected: expected)
    }
  }

  private mutating func parseObject(depth: Int) throws(JSON5SyntaxError) -> ConfigNode {
    let start = location
    try checkDepth(depth, bracket: "{")
    advanceASCII()

    var object = ConfigObject()
    while true {
      try skipTrivia()
      if currentByte == UInt8(ascii: "}") {
        advanceASCII()
        return ConfigNode(.object(object), at: start)
      }

      let keyLocation = location
      let key = try parseKey()
      if let first = object.member(forKey: key) {
        throw error(
          at: keyLocation, found: "duplicate key \(jsonQuoted(key))",
          expected: "a key not already used in this object",
          note: JSON5SyntaxError.Note(
            location: first.keyLocation, message: "the first \(jsonQuoted(key)) is here"))
      }

      try skipTrivia()
      guard currentByte == UInt8(ascii: ":") else {
        throw unexpected(expected: "':' after the key \(jsonQuoted(key))")
      }
      advanceASCII()
      try skipTrivia()
      let value = try parseValue(depth: depth, expected: "a value after ':'")
      object.setValue(value, forKey: key, keyLocation: keyLocation)

      try skipTrivia()
      switch currentByte {
      case UInt8(ascii: ","):
        advanceASCII()
      case UInt8(ascii: "}"):
        advanceASCII()
        return ConfigNode(.object(object), at: start)
      default:
        throw unexpected(expected: "',' or '}' after an object member")
      }
    }
  }

  private mutating func parseKey() throws(JSON5SyntaxError) -> String {
    guard let byte = currentByte else {
      throw unexpected(expected: "a key or '}'")
    }
    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
      return try parseString()
    }
    if isAtIdentifierStart {
      return try parseIdentifierName()
    }
    throw unexpected(expected: "a key or '}'")
  }

  private mutating func parseArray(depth: Int) throws(JSON5SyntaxError) -> ConfigNode {
    let start = location
    try checkDepth(depth, bracket: "[")
    advanceASCII()

    var elements: [ConfigNode] = []
    while true {
      try skipTrivia()
      if currentByte == UInt8(ascii: "]") {
        advanceASCII()
        return ConfigNode(.array(elements), at: start)
      }

      elements.append(try parseValue(depth: depth, expected: "a value or ']'"))

      try skipTrivia()
      switch currentByte {
      case UInt8(ascii: ","):
        advanceASCII()
      case UInt8(ascii: "]"):
        advanceASCII()
        return ConfigNode(.array(elements), at: start)
      default:
        throw unexpected(expected: "',' or ']' after an array element")
      }
    }
  }

  /// Rejects an array or object nested deeper than `maxDepth`, so that hostile input ends in an
  /// error instead of a stack overflow.
  private func checkDepth(_ depth: Int, bracket: String) throws(JSON5SyntaxError) {
    guard depth <= maxDepth else {
      throw error(
        at: location, found: "'\(bracket)' at nesting depth \(depth)",
        expected: "at most \(maxDepth) nested arrays and objects")
    }
  }

  /// Skips a UTF-8 byte order mark, and rejects a UTF-16 one with an error that names the
  /// encoding.
  private mutating func skipByteOrderMark() throws(JSON5SyntaxError) {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      // The mark is not part of the first line's text, so the column stays at 1.
      offset = 3
    } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw error(
        at: location, found: "a UTF-16 byte order mark",
        expected: "UTF-8 text (save the file as UTF-8)")
    }
  }
}

// MARK: - Position and errors

extension JSON5Parser {
  var location: SourceLocation {
    SourceLocation(file: file, line: line, column: column, offset: offset)
  }

  var isAtEnd: Bool {
    offset >= bytes.count
  }

  var currentByte: UInt8? {
    offset < bytes.count ? bytes[offset] : nil
  }

  func byte(at index: Int) -> UInt8? {
    index < bytes.count ? bytes[index] : nil
  }

  /// Advances over `count` ASCII characters on the current line.
  mutating func advanceASCII(count: Int = 1) {
    offset += count
    column += count
  }

  /// Advances over one Unicode scalar of `byteCount` UTF-8 bytes on the current line.
  mutating func advanceScalar(byteCount: Int) {
    offset += byteCount
    column += 1
  }

  /// Advances over a line terminator of `byteCount` bytes to the start of the next line.
  mutating func advanceLine(byteCount: Int) {
    offset += byteCount
    line += 1
    column = 1
  }

  func error(
    at location: SourceLocation, found: String, expected: String,
    note: JSON5SyntaxError.Note? = nil
  ) -> JSON5SyntaxError {
    JSON5SyntaxError(
      location: location, found: found, expected: expected, note: note,
      sourceLine: sourceLine(containing: location.offset))
  }

  /// Returns an error at the current offset that describes what is there.
  func unexpected(expected: String) -> JSON5SyntaxError {
    error(at: location, found: describeFound(), expected: expected)
  }

  func invalidUTF8() -> JSON5SyntaxError {
    error(at: location, found: describeFound(), expected: "UTF-8 text")
  }
}

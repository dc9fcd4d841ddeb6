// Strings, identifier keys and numbers.

extension JSON5Parser {
  /// Parses a single- or double-quoted string starting at the current offset.
  mutating func parseString() throws(JSON5SyntaxError) -> String {
    let start = location
    let quote = bytes[offset]
    advanceASCII()

    var utf8: [UInt8] = []
    while true {
      guard let byte = currentByte else {
        throw unterminatedString(startingAt: start, quote: quote, found: "end of input")
      }
      if byte == quote {
        advanceASCII()
        return String(decoding: utf8, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") {
        try parseEscape(into: &utf8, stringStart: start, quote: quote)
        continue
      }
      if byte == 0x0A || byte == 0x0D {
        throw unterminatedString(startingAt: start, quote: quote, found: "a line break")
      }
      if byte < 0x80 {
        utf8.append(byte)
        advanceASCII()
        continue
      }
      // JSON5 allows U+2028 and U+2029 unescaped in strings. They still end a line for
      // counting, as they do everywhere else.
      if let length = lineTerminatorLength(at: offset) {
        utf8.append(contentsOf: bytes[offset..<(offset + length)])
        advanceLine(byteCount: length)
        continue
      }
      guard let (_, length) = decodeScalar(at: offset) else {
        throw invalidUTF8()
      }
      utf8.append(contentsOf: bytes[offset..<(offset + length)])
      advanceScalar(byteCount: length)
    }
  }

  private func unterminatedString(
    startingAt start: SourceLocation, quote: UInt8, found: String
  ) -> JSON5SyntaxError {
    let quoteText = quote == UInt8(ascii: "'") ? "\"'\"" : "'\"'"
    return error(
      at: start, found: found, expected: "\(quoteText) to close the string that starts here")
  }

  /// Parses the escape sequence at the current backslash and appends its UTF-8 to `utf8`.
  ///
  /// Besides `\b \f \n \r \t \v \0 \xHH \uHHHH`, JSON5 lets a backslash before any other
  /// character stand for that character, and a backslash before a line terminator join the
  /// lines. `\1` to `\9`, and `\0` before a digit, are errors.
  private mutating func parseEscape(
    into utf8: inout [UInt8], stringStart: SourceLocation, quote: UInt8
  ) throws(JSON5SyntaxError) {
    let escapeStart = location
    advanceASCII()
    guard let byte = currentByte else {
      throw unterminatedString(startingAt: stringStart, quote: quote, found: "end of input")
    }
    if let length = lineTerminatorLength(at: offset) {
      advanceLine(byteCount: length)
      return
    }

    let simpleEscapes: [UInt8: UInt8] = [
      UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
    ]
    if let replacement = simpleEscapes[byte] {
      utf8.append(replacement)
      advanceASCII()
      return
    }

    switch byte {
    case UInt8(ascii: "0"):
      if let next = self.byte(at: offset + 1), JSON5Characters.isDigit(next) {
        throw error(
          at: escapeStart, found: "'\\0\(Character(Unicode.Scalar(next)))'",
          expected: "no digit after the escape '\\0' (write '\\x00' for NUL)")
      }
      utf8.append(0)
      advanceASCII()
    case UInt8(ascii: "1")...UInt8(ascii: "9"):
      throw error(
        at: escapeStart, found: "'\\\(Character(Unicode.Scalar(byte)))'",
        expected: "an escape sequence such as '\\n', '\\t', '\\xHH' or '\\uHHHH'")
    case UInt8(ascii: "x"):
      advanceASCII()
      let value = try parseHexDigits(count: 2, escapeStart: escapeStart, quote: quote)
      appendUTF8(of: Unicode.Scalar(UInt8(value)), to: &utf8)
    case UInt8(ascii: "u"):
      advanceASCII()
      let scalar = try parseUnicodeEscapeValue(escapeStart: escapeStart, quote: quote)
      appendUTF8(of: scalar, to: &utf8)
    default:
      guard let (_, length) = decodeScalar(at: offset) else {
        throw invalidUTF8()
      }
      utf8.append(contentsOf: bytes[offset..<(offset + length)])
      advanceScalar(byteCount: length)
    }
  }

  /// Parses the four hex digits after `\u`, and a second `\uHHHH` when the first is a high
  /// surrogate, and returns the scalar they encode. A surrogate without its partner is an error
  /// because a Swift `String` cannot hold it.
  private mutating func parseUnicodeEscapeValue(
    escapeStart: SourceLocation, quote: UInt8
  ) throws(JSON5SyntaxError) -> Unicode.Scalar {
    let unit = try parseHexDigits(count: 4, escapeStart: escapeStart, quote: quote)
    if let scalar = Unicode.Scalar(unit) {
      return scalar
    }

    let loneSurrogate = error(
      at: escapeStart, found: "lone surrogate '\\u\(hexDigits(unit))'",
      expected: "a high surrogate followed by a low surrogate, such as '\\uD83D\\uDE00'")
    guard (0xD800...0xDBFF).contains(unit),
      currentByte == UInt8(ascii: "\\"), byte(at: offset + 1) == UInt8(ascii: "u")
    else {
      throw loneSurrogate
    }
    let lowStart = location
    advanceASCII(count: 2)
    let low = try parseHexDigits(count: 4, escapeStart: lowStart, quote: quote)
    guard (0xDC00...0xDFFF).contains(low),
      let scalar = Unicode.Scalar(0x1_0000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
    else {
      throw loneSurrogate
    }
    return scalar
  }

  /// Parses exactly `count` hex digits of an escape that starts at `escapeStart`.
  private mutating func parseHexDigits(
    count: Int, escapeStart: SourceLocation, quote: UInt8
  ) throws(JSON5SyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<count {
      guard let byte = currentByte, let digit = JSON5Characters.hexDigitValue(byte) else {
        let written = String(decoding: bytes[escapeStart.offset..<offset], as: UTF8.self)
        let found: String
        if let byte = currentByte, (0x21..<0x7F).contains(byte), byte != quote {
          found = "'\(written)\(Character(Unicode.Scalar(byte)))'"
        } else {
          found = "'\(written)' followed by \(describeFound())"
        }
        let prefix = String(
          decoding: bytes[escapeStart.offset..<(escapeStart.offset + 2)], as: UTF8.self)
        throw error(
          at: escapeStart, found: found, expected: "\(count) hex digits after '\(prefix)'")
      }
      value = value << 4 | UInt32(digit)
      advanceASCII()
    }
    return value
  }

  private func appendUTF8(of scalar: Unicode.Scalar, to utf8: inout [UInt8]) {
    utf8.append(contentsOf: String(scalar).utf8)
  }

  private func hexDigits(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// Parses an unquoted key: an ECMAScript IdentifierName, in which `\uHHHH` may stand for any
  /// character that is allowed at its position.
  mutating func parseIdentifierName() throws(JSON5SyntaxError) -> String {
    var scalars = String.UnicodeScalarView()
    while let byte = currentByte {
      let isFirst = scalars.isEmpty
      if byte == UInt8(ascii: "\\") {
        let escapeStart = location
        guard self.byte(at: offset + 1) == UInt8(ascii: "u") else {
          throw error(
            at: escapeStart, found: "'\\' in a key",
            expected: "a key character or a '\\uHHHH' escape")
        }
        advanceASCII(count: 2)
        let value = try parseHexDigits(count: 4, escapeStart: escapeStart, quote: 0)
        guard let scalar = Unicode.Scalar(value),
          isFirst
            ? JSON5Characters.isIdentifierStart(scalar)
            : JSON5Characters.isIdentifierPart(scalar)
        else {
          throw error(
            at: escapeStart, found: "'\\u\(hexDigits(value))'",
            expected: "an escape of a character that is allowed in an unquoted key")
        }
        scalars.append(scalar)
        continue
      }

      guard let (scalar, length) = decodeScalar(at: offset) else {
        throw invalidUTF8()
      }
      let allowed =
        isFirst
        ? JSON5Characters.isIdentifierStart(scalar) : JSON5Characters.isIdentifierPart(scalar)
      guard allowed else { break }
      scalars.append(scalar)
      advanceScalar(byteCount: length)
    }
    return String(scalars)
  }
}

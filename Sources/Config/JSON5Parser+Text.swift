// UTF-8 decoding, whitespace, comments and the text of error messages.

extension JSON5Parser {
  /// Decodes the UTF-8 scalar that starts at `index`, or returns nil when the bytes there are
  /// not well-formed UTF-8: a stray continuation byte, a truncated sequence, an overlong form, a
  /// surrogate, or a value above U+10FFFF.
  func decodeScalar(at index: Int) -> (scalar: Unicode.Scalar, length: Int)? {
    guard index < bytes.count else { return nil }
    let lead = bytes[index]
    if lead < 0x80 {
      return (Unicode.Scalar(lead), 1)
    }

    let length: Int
    let minimum: UInt32
    var value: UInt32
    switch lead {
    case 0xC2...0xDF:
      (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1F))
    case 0xE0...0xEF:
      (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0F))
    case 0xF0...0xF4:
      (length, minimum, value) = (4, 0x1_0000, UInt32(lead & 0x07))
    default:
      return nil
    }
    guard index + length <= bytes.count else { return nil }
    for continuation in bytes[(index + 1)..<(index + length)] {
      guard continuation & 0xC0 == 0x80 else { return nil }
      value = value << 6 | UInt32(continuation & 0x3F)
    }
    // Unicode.Scalar.init rejects surrogates and values above U+10FFFF.
    guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
    return (scalar, length)
  }

  /// Returns the number of bytes of the line terminator at `index` (LF, CR, CR LF, U+2028 or U+2029),
  /// or nil when there is none.
  func lineTerminatorLength(at index: Int) -> Int? {
    guard index < bytes.count else { return nil }
    switch bytes[index] {
    case 0x0A:
      return 1
    case 0x0D:
      return byte(at: index + 1) == 0x0A ? 2 : 1
    case 0xE2:
      let isSeparator =
        byte(at: index + 1) == 0x80
        && (byte(at: index + 2) == 0xA8 || byte(at: index + 2) == 0xA9)
      return isSeparator ? 3 : nil
    default:
      return nil
    }
  }

  /// Skips whitespace, line terminators and comments.
  mutating func skipTrivia() throws(JSON5SyntaxError) {
    while let byte = currentByte {
      switch byte {
      case 0x09, 0x0B, 0x0C, 0x20:
        advanceASCII()
      case 0x0A, 0x0D:
        advanceLine(byteCount: lineTerminatorLength(at: offset) ?? 1)
      case UInt8(ascii: "/"):
        switch self.byte(at: offset + 1) {
        case UInt8(ascii: "/"):
          try skipLineComment()
        case UInt8(ascii: "*"):
          try skipBlockComment()
        default:
          return
        }
      case 0x80...:
        if let length = lineTerminatorLength(at: offset) {
          advanceLine(byteCount: length)
          continue
        }
        guard let (scalar, length) = decodeScalar(at: offset) else {
          throw invalidUTF8()
        }
        guard JSON5Characters.isWhitespace(scalar) else { return }
        advanceScalar(byteCount: length)
      default:
        return
      }
    }
  }

  /// Skips a `//` comment up to, but not including, the line terminator that ends it.
  private mutating func skipLineComment() throws(JSON5SyntaxError) {
    advanceASCII(count: 2)
    while !isAtEnd, lineTerminatorLength(at: offset) == nil {
      try advanceOverScalar()
    }
  }

  private mutating func skipBlockComment() throws(JSON5SyntaxError) {
    let start = location
    advanceASCII(count: 2)
    while true {
      guard let byte = currentByte else {
        throw error(
          at: start, found: "end of input", expected: "'*/' to close the comment that starts here")
      }
      if byte == UInt8(ascii: "*"), self.byte(at: offset + 1) == UInt8(ascii: "/") {
        advanceASCII(count: 2)
        return
      }
      if let length = lineTerminatorLength(at: offset) {
        advanceLine(byteCount: length)
      } else {
        try advanceOverScalar()
      }
    }
  }

  /// Advances over one scalar that is not a line terminator, checking that it is valid UTF-8.
  private mutating func advanceOverScalar() throws(JSON5SyntaxError) {
    guard let (_, length) = decodeScalar(at: offset) else {
      throw invalidUTF8()
    }
    advanceScalar(byteCount: length)
  }

  /// Whether an unquoted key starts at the current offset: an identifier start character, or a
  /// backslash that may begin a `\uHHHH` escape.
  var isAtIdentifierStart: Bool {
    guard let byte = currentByte else { return false }
    if byte == UInt8(ascii: "\\") {
      return true
    }
    guard let (scalar, _) = decodeScalar(at: offset) else { return false }
    return JSON5Characters.isIdentifierStart(scalar)
  }

  /// Returns the run of ASCII letters, digits, `_` and `$` at `index`, to match keywords.
  func asciiWord(at index: Int) -> String {
    var end = index
    while end < bytes.count, JSON5Characters.isASCIIWordByte(bytes[end]) {
      end += 1
    }
    return String(decoding: bytes[index..<end], as: UTF8.self)
  }

  /// Describes what is at the current offset for an error message: `'x'`, `'word'`,
  /// `end of input`, `a line break`, `invalid UTF-8 byte 0xFF` or `character U+200B`.
  func describeFound() -> String {
    guard !isAtEnd else { return "end of input" }
    if lineTerminatorLength(at: offset) != nil {
      return "a line break"
    }
    guard let (scalar, _) = decodeScalar(at: offset) else {
      return "invalid UTF-8 byte " + hexByte(bytes[offset])
    }

    if JSON5Characters.isIdentifierPart(scalar) {
      return "'\(identifierLikeRun(at: offset))'"
    }
    if scalar == "'" {
      return "\"'\""
    }
    if JSON5Characters.isInvisible(scalar) {
      return "character " + unicodeName(scalar)
    }
    return "'\(scalar)'"
  }

  /// Returns the word at `index` for an error message, cut after 24 scalars.
  private func identifierLikeRun(at index: Int) -> String {
    let limit = 24
    var scalars = String.UnicodeScalarView()
    var position = index
    while scalars.count < limit, let (scalar, length) = decodeScalar(at: position),
      JSON5Characters.isIdentifierPart(scalar)
    {
      scalars.append(scalar)
      position += length
    }
    if let (scalar, _) = decodeScalar(at: position), JSON5Characters.isIdentifierPart(scalar) {
      scalars.append("…")
    }
    return String(scalars)
  }

  /// Returns the text of the line that contains `offset`, without its line terminator or a leading byte
  /// order mark. Invalid UTF-8 in the line appears as U+FFFD.
  func sourceLine(containing offset: Int) -> String {
    let anchor = min(max(offset, 0), bytes.count)
    var start = anchor
    while start > 0 {
      let previous = bytes[start - 1]
      if previous == 0x0A || previous == 0x0D {
        break
      }
      let endsSeparator =
        start >= 3 && bytes[start - 3] == 0xE2 && bytes[start - 2] == 0x80
        && (previous == 0xA8 || previous == 0xA9)
      if endsSeparator {
        break
      }
      start -= 1
    }
    if start == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      start = min(3, bytes.count)
    }
    var end = max(anchor, start)
    while end < bytes.count, lineTerminatorLength(at: end) == nil {
      end += 1
    }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}

/// Character classes of the JSON5 grammar, which takes them from ECMAScript 5.1.
enum JSON5Characters {
  /// Returns whether `scalar` is JSON5 whitespace other than a line terminator: tab, vertical tab,
  /// form feed, space, no-break space, U+FEFF, or any other space separator (Unicode Zs).
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "\t", "\u{0B}", "\u{0C}", "\u{FEFF}":
      return true
    default:
      return scalar.properties.generalCategory == .spaceSeparator
    }
  }

  /// Returns whether `scalar` may start an ECMAScript IdentifierName: `$`, `_` or a Unicode letter
  /// (categories Lu, Ll, Lt, Lm, Lo and Nl).
  static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        || scalar == "$" || scalar == "_"
    }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .letterNumber:
      return true
    default:
      return false
    }
  }

  /// Returns whether `scalar` may continue an IdentifierName: a start character, a combining mark
  /// (Mn, Mc), a decimal digit (Nd), connector punctuation (Pc), ZWNJ or ZWJ.
  static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
    if isIdentifierStart(scalar) {
      return true
    }
    if scalar.isASCII {
      return ("0"..."9").contains(scalar)
    }
    if scalar == "\u{200C}" || scalar == "\u{200D}" {
      return true
    }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation:
      return true
    default:
      return false
    }
  }

  /// Returns whether `key` can be written without quotes: a non-empty IdentifierName.
  static func isIdentifierName(_ key: String) -> Bool {
    var scalars = key.unicodeScalars.makeIterator()
    guard let first = scalars.next(), isIdentifierStart(first) else { return false }
    while let scalar = scalars.next() {
      guard isIdentifierPart(scalar) else { return false }
    }
    return true
  }

  static func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  /// Returns the value of an ASCII hex digit, or nil for any other byte.
  static func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  static func isASCIIWordByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
      return true
    default:
      return false
    }
  }

  /// Returns whether `scalar` would be hard to see in a message: controls, format characters,
  /// separators, private-use, unassigned and noncharacter code points.
  static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse,
      .unassigned, .surrogate:
      return true
    default:
      return scalar.properties.isNoncharacterCodePoint
    }
  }
}

/// Formats the scalar as `U+` and at least four uppercase hex digits.
func unicodeName(_ scalar: Unicode.Scalar) -> String {
  let digits = String(scalar.value, radix: 16, uppercase: true)
  return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// Formats the byte as `0x` and two uppercase hex digits.
func hexByte(_ byte: UInt8) -> String {
  let digits = String(byte, radix: 16, uppercase: true)
  return "0x" + (digits.count < 2 ? "0" : "") + digits
}

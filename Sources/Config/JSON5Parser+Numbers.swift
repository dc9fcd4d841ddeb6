// JSON5 numbers: decimal and hex literals with an optional sign, Infinity and NaN.

extension JSON5Parser {
  /// Parses a number starting at the current offset.
  ///
  /// A finite literal whose value exceeds the range of `Double` (`1e999`) is an error, because
  /// reading it as infinity would change what the analyst wrote. A value too small for
  /// `Double` (`1e-999`) reads as zero, as it does in every JSON reader.
  mutating func parseNumber() throws(JSON5SyntaxError) -> ConfigNumber {
    let start = location
    var isNegative = false
    var signText = ""
    if let byte = currentByte, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
      isNegative = byte == UInt8(ascii: "-")
      signText = String(Character(Unicode.Scalar(byte)))
      advanceASCII()
    }

    switch asciiWord(at: offset) {
    case "Infinity":
      advanceASCII(count: 8)
      return ConfigNumber(
        literal: literal(from: start), isNegative: isNegative, integerMagnitude: nil,
        double: isNegative ? -Double.infinity : Double.infinity)
    case "NaN":
      advanceASCII(count: 3)
      return ConfigNumber(
        literal: literal(from: start), isNegative: isNegative, integerMagnitude: nil,
        double: Double.nan)
    default:
      break
    }

    if currentByte == UInt8(ascii: "0"),
      byte(at: offset + 1) == UInt8(ascii: "x") || byte(at: offset + 1) == UInt8(ascii: "X")
    {
      return try parseHexNumber(start: start, isNegative: isNegative)
    }

    let integerDigits = readDigits()
    if integerDigits.count > 1, bytes[integerDigits.lowerBound] == UInt8(ascii: "0") {
      throw error(
        at: start, found: "'\(literal(from: start))'",
        expected: "a number without leading zeros")
    }
    var fractionDigits = offset..<offset
    let hasPoint = currentByte == UInt8(ascii: ".")
    if hasPoint {
      advanceASCII()
      fractionDigits = readDigits()
    }
    if integerDigits.isEmpty && fractionDigits.isEmpty {
      throw unexpected(expected: hasPoint ? "a digit after '.'" : "a number after '\(signText)'")
    }

    var exponent = 0
    if currentByte == UInt8(ascii: "e") || currentByte == UInt8(ascii: "E") {
      advanceASCII()
      var exponentIsNegative = false
      if let byte = currentByte, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
        exponentIsNegative = byte == UInt8(ascii: "-")
        advanceASCII()
      }
      let exponentDigits = readDigits()
      guard !exponentDigits.isEmpty else {
        throw unexpected(expected: "digits in the exponent")
      }
      // Beyond 10^8 the value overflows or underflows Double whatever its digits, short of a
      // literal with a hundred million digits, so the exponent saturates there.
      for digit in bytes[exponentDigits] {
        exponent = min(exponent * 10 + Int(digit - UInt8(ascii: "0")), 100_000_000)
      }
      if exponentIsNegative {
        exponent = -exponent
      }
    }

    let text = literal(from: start)
    let integerText = String(decoding: bytes[integerDigits], as: UTF8.self)
    let fractionText = String(decoding: bytes[fractionDigits], as: UTF8.self)
    let normalized =
      (integerText.isEmpty ? "0" : integerText) + "."
      + (fractionText.isEmpty ? "0" : fractionText) + "e\(exponent)"
    guard let magnitude = Double(normalized), magnitude.isFinite else {
      throw error(
        at: start, found: "'\(text)'",
        expected: "a number within the range of a 64-bit float (below about 1.8e308)")
    }
    return ConfigNumber(
      literal: text, isNegative: isNegative,
      integerMagnitude: Self.exactIntegerMagnitude(
        integerDigits: bytes[integerDigits], fractionDigits: bytes[fractionDigits],
        exponent: exponent),
      double: isNegative ? -magnitude : magnitude)
  }

  private mutating func parseHexNumber(
    start: SourceLocation, isNegative: Bool
  ) throws(JSON5SyntaxError) -> ConfigNumber {
    advanceASCII(count: 2)
    var magnitude: UInt64 = 0
    var digitCount = 0
    var overflowed = false
    while let byte = currentByte, let digit = JSON5Characters.hexDigitValue(byte) {
      let (shifted, shiftOverflow) = magnitude.multipliedReportingOverflow(by: 16)
      magnitude = shifted | UInt64(digit)
      overflowed = overflowed || shiftOverflow
      digitCount += 1
      advanceASCII()
    }
    guard digitCount > 0 else {
      throw unexpected(expected: "hex digits after '0x'")
    }
    guard !overflowed else {
      throw error(
        at: start, found: "'\(literal(from: start))'",
        expected: "a hex number no larger than 0xFFFFFFFFFFFFFFFF")
    }
    let double = Double(magnitude)
    return ConfigNumber(
      literal: literal(from: start), isNegative: isNegative, integerMagnitude: magnitude,
      double: isNegative ? -double : double)
  }

  /// Advances over ASCII digits and returns their byte range.
  private mutating func readDigits() -> Range<Int> {
    let first = offset
    while let byte = currentByte, JSON5Characters.isDigit(byte) {
      advanceASCII()
    }
    return first..<offset
  }

  private func literal(from start: SourceLocation) -> String {
    String(decoding: bytes[start.offset..<offset], as: UTF8.self)
  }

  /// Returns the absolute value of `digits × 10^exponent` when it is an integer below 2^64, computed
  /// from the decimal digits rather than through `Double`, else nil.
  static func exactIntegerMagnitude(
    integerDigits: ArraySlice<UInt8>, fractionDigits: ArraySlice<UInt8>, exponent: Int
  ) -> UInt64? {
    var digits = Array(integerDigits) + Array(fractionDigits)
    var scale = exponent - fractionDigits.count
    guard let firstNonZero = digits.firstIndex(where: { $0 != UInt8(ascii: "0") }) else {
      return 0
    }
    digits.removeFirst(firstNonZero)
    while digits.last == UInt8(ascii: "0") {
      digits.removeLast()
      scale += 1
    }
    // UInt64.max has 20 digits.
    guard scale >= 0, digits.count + scale <= 20 else { return nil }

    var value: UInt64 = 0
    for digit in digits + Array(repeating: UInt8(ascii: "0"), count: scale) {
      let (multiplied, multiplyOverflow) = value.multipliedReportingOverflow(by: 10)
      let (added, addOverflow) = multiplied.addingReportingOverflow(
        UInt64(digit - UInt8(ascii: "0")))
      guard !multiplyOverflow, !addOverflow else { return nil }
      value = added
    }
    return value
  }
}

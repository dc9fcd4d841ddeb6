/// A number from a configuration source, kept with its literal text so that integers stay exact.
///
/// `JSONDecoder` reads every number through `Double`, which rounds integers beyond 2^53.
/// A `ConfigNumber` instead records whether the literal's mathematical value is an integer of
/// at most 64 bits of magnitude, and keeps that integer exactly. The spelling does not matter:
/// `5000`, `5e3`, `5000.0` and `0x1388` are all the exact integer 5000.
///
/// Two numbers are equal when their literals are equal, so `1` and `1.0` are different numbers
/// with the same value.
public struct ConfigNumber: Hashable, Sendable, CustomStringConvertible {
  /// The number as written in the source, sign included: `-0x1F`, `.5`, `+Infinity`.
  public let literal: String

  /// Whether the literal starts with `-`.
  let isNegative: Bool

  /// The absolute value when the literal is an exact integer of at most 64 bits, else nil.
  let integerMagnitude: UInt64?

  /// The nearest `Double`, or an infinity or NaN for those literals.
  public let double: Double

  init(literal: String, isNegative: Bool, integerMagnitude: UInt64?, double: Double) {
    self.literal = literal
    self.isNegative = isNegative
    self.integerMagnitude = integerMagnitude
    self.double = double
  }

  /// Creates an exact integer.
  public init(_ value: Int64) {
    self.init(
      literal: String(value), isNegative: value < 0, integerMagnitude: value.magnitude,
      double: Double(value))
  }

  /// Creates an exact unsigned integer.
  public init(_ value: UInt64) {
    self.init(
      literal: String(value), isNegative: false, integerMagnitude: value, double: Double(value))
  }

  /// Creates a number from a `Double`: `Infinity`, `-Infinity` and `NaN` for the special
  /// values, an exact integer when the value is integral and fits in 64 bits, else the
  /// shortest literal that reads back as the same `Double`.
  public init(_ value: Double) {
    if value.isNaN {
      self.init(literal: "NaN", isNegative: false, integerMagnitude: nil, double: value)
    } else if value.isInfinite {
      self.init(
        literal: value < 0 ? "-Infinity" : "Infinity", isNegative: value < 0,
        integerMagnitude: nil, double: value)
    } else if let magnitude = UInt64(exactly: value.magnitude) {
      let literal = value < 0 && magnitude != 0 ? "-\(magnitude)" : "\(magnitude)"
      self.init(
        literal: literal, isNegative: value < 0 && magnitude != 0, integerMagnitude: magnitude,
        double: value)
    } else {
      self.init(
        literal: value.description, isNegative: value < 0, integerMagnitude: nil, double: value)
    }
  }

  /// The exact value as an `Int64`, or nil when the number is not an integer in
  /// `Int64.min...Int64.max`.
  public var int64: Int64? {
    guard let magnitude = integerMagnitude else { return nil }
    if isNegative {
      if magnitude == Int64.min.magnitude { return Int64.min }
      guard magnitude < Int64.min.magnitude else { return nil }
      return -Int64(magnitude)
    }
    return Int64(exactly: magnitude)
  }

  /// The exact value as a `UInt64`, or nil when the number is not an integer in
  /// `0...UInt64.max`. Negative zero counts as 0.
  public var uint64: UInt64? {
    guard let magnitude = integerMagnitude else { return nil }
    guard !isNegative || magnitude == 0 else { return nil }
    return magnitude
  }

  /// Whether the value is an integer that fits in `Int64` or `UInt64`.
  public var isExactInteger: Bool {
    integerMagnitude != nil
  }

  public var description: String {
    literal
  }

  /// The number as standard JSON: an exact integer in decimal digits, any other finite value in
  /// the shortest form that reads back as the same `Double`, and nil for infinities and NaN,
  /// which JSON cannot express.
  ///
  /// Reading the result back gives a number whose `canonicalText` is the same string.
  var canonicalText: String? {
    if let magnitude = integerMagnitude {
      return isNegative && magnitude != 0 ? "-\(magnitude)" : "\(magnitude)"
    }
    guard double.isFinite else { return nil }
    // An integral Double below 2^64 is written as digits, because Swift would write
    // 9007199254740994 as "9.007199254740994e+15" and 0 as "0.0", which read back as exact
    // integers and would then render differently.
    if let magnitude = UInt64(exactly: double.magnitude) {
      return double < 0 && magnitude != 0 ? "-\(magnitude)" : "\(magnitude)"
    }
    return double.description
  }
}

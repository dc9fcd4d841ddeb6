/// A typed reader of one configuration value: it checks a `ConfigNode` and returns a `Value`,
/// or reports why it cannot.
///
/// Readers compose: `.array(of: .object { … })` reads a list of objects, and each stage
/// declares a reader for its own section that the scenario loader combines. Built-in readers
/// cover booleans, strings, enumerated strings, integers and doubles with ranges, exact
/// `UInt64`, probabilities, arrays and objects; `converted(expecting:_:)` and
/// `init(expecting:read:)` make new ones.
public struct ConfigReader<Value>: Sendable {
  /// The values the reader accepts, as a noun phrase for messages: `an integer of at least 1`.
  public let expectation: String
  private let body: @Sendable (ConfigNode, FieldPath, Diagnostics) -> Value?

  /// Creates a reader from a function that reads one node.
  ///
  /// The function reports each problem to the diagnostics with the given path. When it returns
  /// nil it should have reported an error. If it has not, `read(_:at:into:)` reports that the
  /// value is not `expectation`, so that no failure goes unreported.
  public init(
    expecting expectation: String,
    read body:
      @escaping @Sendable (
        _ node: ConfigNode, _ path: FieldPath, _ diagnostics: Diagnostics
      ) -> Value?
  ) {
    self.expectation = expectation
    self.body = body
  }

  /// Reads `node`, the value at `path`. Returns nil after reporting at least one error.
  public func read(_ node: ConfigNode, at path: FieldPath, into diagnostics: Diagnostics)
    -> Value?
  {
    let errorsBefore = diagnostics.errorCount
    let value = body(node, path, diagnostics)
    if value == nil && diagnostics.errorCount == errorsBefore {
      diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
    }
    return value
  }

  /// Returns a reader that reads with this one and then applies `transform`, reporting
  /// `expected …, found …` when `transform` returns nil.
  ///
  /// For example, `.string.converted(expecting: "a duration such as \"2h\"") { parse($0) }`.
  /// A value of the wrong kind is still reported with this reader's own expectation.
  public func converted<Converted>(
    expecting expectation: String,
    _ transform: @escaping @Sendable (Value) -> Converted?
  ) -> ConfigReader<Converted> {
    let inner = self
    return ConfigReader<Converted>(expecting: expectation) { node, path, diagnostics in
      guard let value = inner.read(node, at: path, into: diagnostics) else { return nil }
      guard let converted = transform(value) else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: false)
        return nil
      }
      return converted
    }
  }
}

// MARK: - Scalars

// The built-in readers are declared on every `ConfigReader`, not only on `ConfigReader<Bool>`
// and so on, so that a chain such as `.string.converted(expecting:_:)` can start from any
// contextual reader type.

extension ConfigReader {
  public static var bool: ConfigReader<Bool> {
    ConfigReader<Bool>(expecting: "a boolean (true or false)") { node, path, diagnostics in
      guard case .bool(let flag) = node.value else {
        diagnostics.reportMismatch(
          node, path: path, expected: "a boolean (true or false)", showingKind: true)
        return nil
      }
      return flag
    }
  }

  /// A reader that accepts any value and returns its node unchanged.
  public static var node: ConfigReader<ConfigNode> {
    ConfigReader<ConfigNode>(expecting: "a value") { node, _, _ in node }
  }

  public static var string: ConfigReader<String> {
    ConfigReader<String>(expecting: "a string") { node, path, diagnostics in
      guard case .string(let text) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: "a string", showingKind: true)
        return nil
      }
      return text
    }
  }

  /// A reader of strings with at least one character.
  public static var nonEmptyString: ConfigReader<String> {
    ConfigReader<String>.string.converted(expecting: "a non-empty string") {
      $0.isEmpty ? nil : $0
    }
  }

  /// Returns a reader of one string from `choices`, which suggests the closest choice for a
  /// near miss such as a typo or a difference in case.
  public static func oneOf(_ choices: [String]) -> ConfigReader<String> {
    let expectation = "one of " + choices.map(jsonQuoted).joined(separator: ", ")
    return ConfigReader<String>(expecting: expectation) { node, path, diagnostics in
      guard case .string(let text) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      guard choices.contains(text) else {
        let suggestion = Suggestion.closest(to: text, among: choices)
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.shortDescription,
          fix: suggestion.map { "did you mean \(jsonQuoted($0))?" }
            ?? Diagnostics.defaultFix(path: path, expected: expectation))
        return nil
      }
      return text
    }
  }

  /// Returns a reader of an enumeration's raw values, listed in the order of `allCases`.
  public static func oneOf<Choice>(_ type: Choice.Type) -> ConfigReader<Choice>
  where Choice: CaseIterable & RawRepresentable & Sendable, Choice.RawValue == String {
    let names = type.allCases.map(\.rawValue)
    let reader = ConfigReader<String>.oneOf(names)
    return reader.converted(expecting: reader.expectation) { Choice(rawValue: $0) }
  }
}

// MARK: - Integers

extension ConfigReader {
  /// A reader of any integer that fits in `Int`, however it is spelled (`5000`, `5e3`,
  /// `0x1388`).
  public static var int: ConfigReader<Int> {
    integer(within: Bounds())
  }

  public static func int(in range: ClosedRange<Int>) -> ConfigReader<Int> {
    integer(within: Bounds(range))
  }

  public static func int(in range: PartialRangeFrom<Int>) -> ConfigReader<Int> {
    integer(within: Bounds(range))
  }

  public static func int(in range: PartialRangeThrough<Int>) -> ConfigReader<Int> {
    integer(within: Bounds(range))
  }

  private static func integer(within bounds: Bounds<Int>) -> ConfigReader<Int> {
    let expectation = bounds.describe("an integer") { "\($0)" }
    return ConfigReader<Int>(expecting: expectation) { node, path, diagnostics in
      guard case .number(let number) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      guard let value = number.int64.flatMap({ Int(exactly: $0) }), bounds.contains(value) else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: false)
        return nil
      }
      return value
    }
  }

  /// A reader of exact unsigned 64-bit integers, such as seeds. Values beyond 2^53 stay exact.
  public static var uint64: ConfigReader<UInt64> {
    unsignedInteger(within: Bounds())
  }

  public static func uint64(in range: ClosedRange<UInt64>) -> ConfigReader<UInt64> {
    unsignedInteger(within: Bounds(range))
  }

  private static func unsignedInteger(within bounds: Bounds<UInt64>) -> ConfigReader<UInt64> {
    let expectation =
      bounds.isUnbounded
      ? "an unsigned 64-bit integer (0 to \(UInt64.max))"
      : bounds.describe("an integer") { "\($0)" }
    return ConfigReader<UInt64>(expecting: expectation) { node, path, diagnostics in
      guard case .number(let number) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      guard let value = number.uint64, bounds.contains(value) else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: false)
        return nil
      }
      return value
    }
  }
}

// MARK: - Doubles

extension ConfigReader {
  /// A reader of any finite number. `Infinity` and `NaN` are rejected by every `Double` reader.
  public static var double: ConfigReader<Double> {
    floatingPoint(within: Bounds())
  }

  public static func double(in range: ClosedRange<Double>) -> ConfigReader<Double> {
    floatingPoint(within: Bounds(range))
  }

  public static func double(in range: Range<Double>) -> ConfigReader<Double> {
    floatingPoint(within: Bounds(range))
  }

  public static func double(in range: PartialRangeFrom<Double>) -> ConfigReader<Double> {
    floatingPoint(within: Bounds(range))
  }

  public static func double(in range: PartialRangeThrough<Double>) -> ConfigReader<Double> {
    floatingPoint(within: Bounds(range))
  }

  /// Returns a reader of numbers strictly greater than `lower`, such as rates that must be
  /// positive.
  public static func double(greaterThan lower: Double) -> ConfigReader<Double> {
    floatingPoint(within: Bounds(lower: lower, lowerIsInclusive: false))
  }

  /// A reader of probabilities: numbers from 0 to 1, both included.
  public static var probability: ConfigReader<Double> {
    floatingPoint(within: Bounds(0...1), noun: "a probability")
  }

  private static func floatingPoint(
    within bounds: Bounds<Double>, noun: String = "a number"
  ) -> ConfigReader<Double> {
    let expectation =
      bounds.isUnbounded ? "a finite number" : bounds.describe(noun, format: formatBound)
    return ConfigReader<Double>(expecting: expectation) { node, path, diagnostics in
      guard case .number(let number) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      guard number.double.isFinite, bounds.contains(number.double) else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: false)
        return nil
      }
      return number.double
    }
  }

  /// Returns the bound as short text: `1` rather than `1.0`.
  private static func formatBound(_ value: Double) -> String {
    if let integer = Int64(exactly: value), abs(value) < 1e15 {
      return "\(integer)"
    }
    return value.description
  }
}

/// Lower and upper limits of an accepted range, each optional and inclusive or exclusive.
struct Bounds<Bound: Comparable & Sendable>: Sendable {
  var lower: Bound?
  var lowerIsInclusive = true
  var upper: Bound?
  var upperIsInclusive = true

  init(
    lower: Bound? = nil, lowerIsInclusive: Bool = true, upper: Bound? = nil,
    upperIsInclusive: Bool = true
  ) {
    self.lower = lower
    self.lowerIsInclusive = lowerIsInclusive
    self.upper = upper
    self.upperIsInclusive = upperIsInclusive
  }

  init(_ range: ClosedRange<Bound>) {
    self.init(lower: range.lowerBound, upper: range.upperBound)
  }

  init(_ range: Range<Bound>) {
    self.init(lower: range.lowerBound, upper: range.upperBound, upperIsInclusive: false)
  }

  init(_ range: PartialRangeFrom<Bound>) {
    self.init(lower: range.lowerBound)
  }

  init(_ range: PartialRangeThrough<Bound>) {
    self.init(upper: range.upperBound)
  }

  var isUnbounded: Bool {
    lower == nil && upper == nil
  }

  func contains(_ value: Bound) -> Bool {
    if let lower, lowerIsInclusive ? value < lower : value <= lower {
      return false
    }
    if let upper, upperIsInclusive ? value > upper : value >= upper {
      return false
    }
    return true
  }

  /// Returns `noun` with the limits in words: `an integer from 1 to 10`,
  /// `a number greater than 0`, `an integer of at least 1`.
  func describe(_ noun: String, format: (Bound) -> String) -> String {
    switch (lower, upper) {
    case (nil, nil):
      return noun
    case (let lower?, let upper?) where lowerIsInclusive && upperIsInclusive:
      return "\(noun) from \(format(lower)) to \(format(upper))"
    case (let lower?, nil):
      return "\(noun) \(lowerPhrase(format(lower)))"
    case (nil, let upper?):
      return "\(noun) \(upperPhrase(format(upper)))"
    case (let lower?, let upper?):
      return "\(noun) \(lowerPhrase(format(lower))) and \(upperPhrase(format(upper)))"
    }
  }

  private func lowerPhrase(_ text: String) -> String {
    lowerIsInclusive ? "of at least \(text)" : "greater than \(text)"
  }

  private func upperPhrase(_ text: String) -> String {
    upperIsInclusive ? "of at most \(text)" : "below \(text)"
  }
}

import Measure

/// The reason a value of a `CSVLift` report is undefined: one of the statistics' own
/// reasons, or one that only an export of raw rows can produce.
public enum LiftUndefinedReason: Hashable, Sendable, CustomStringConvertible {
  /// A reason from the statistic itself, such as a control rate of 0.
  case statistic(UndefinedReason)
  /// An arm has fewer than two values, so its standard deviation and every test or interval
  /// for its mean are undefined.
  case tooFewValues
  /// Every expected cell count of the 2×2 table is at least 5, so Fisher's exact test is not
  /// run and the z-test is the test.
  case exactTestNotNeeded

  /// The camelCase code written beside a null in JSON.
  public var code: String {
    switch self {
    case .statistic(let reason): reason.rawValue
    case .tooFewValues: "tooFewValues"
    case .exactTestNotNeeded: "exactTestNotNeeded"
    }
  }

  public var description: String {
    switch self {
    case .statistic(let reason): reason.description
    case .tooFewValues: "an arm has fewer than two values"
    case .exactTestNotNeeded: "every expected cell count is at least 5, so the z-test is used"
    }
  }
}

/// A value of a `CSVLift` report, or the reason it is undefined. Undefined values are never
/// NaN or infinity.
public enum LiftValue<Value> {
  case defined(Value)
  case undefined(LiftUndefinedReason)

  /// Converts a statistic's `MaybeDefined`, keeping its reason.
  public init(_ maybe: MaybeDefined<Value>) {
    switch maybe {
    case .defined(let value): self = .defined(value)
    case .undefined(let reason): self = .undefined(.statistic(reason))
    }
  }

  /// The value, or nil when it is undefined.
  public var value: Value? {
    if case .defined(let value) = self { value } else { nil }
  }

  /// The reason the value is undefined, or nil when it has one.
  public var undefinedReason: LiftUndefinedReason? {
    if case .undefined(let reason) = self { reason } else { nil }
  }

  /// Applies a transform to the value and keeps an undefined reason as it is.
  public func map<Mapped>(_ transform: (Value) throws -> Mapped) rethrows -> LiftValue<Mapped> {
    switch self {
    case .defined(let value): .defined(try transform(value))
    case .undefined(let reason): .undefined(reason)
    }
  }

  /// Applies a transform that may itself be undefined.
  public func flatMap<Mapped>(_ transform: (Value) -> LiftValue<Mapped>) -> LiftValue<Mapped> {
    switch self {
    case .defined(let value): transform(value)
    case .undefined(let reason): .undefined(reason)
    }
  }
}

extension LiftValue: Sendable where Value: Sendable {}

/// The reason a statistic has no value for the observed counts.
public enum UndefinedReason: String, Hashable, Sendable, Codable, CaseIterable,
  CustomStringConvertible
{
  /// The control arm has no successes, so its rate is 0: the relative lift divides by it and
  /// the Katz interval takes its logarithm.
  case zeroControlSuccesses
  /// The treatment arm has no successes, so the Katz interval would take the logarithm of 0.
  case zeroTreatmentSuccesses
  /// Both arms have rate 0, or both have rate 1, so the pooled variance of the z-test is 0
  /// and z would be 0/0.
  case zeroPooledVariance
  /// An arm has no customers, so its rate and every comparison with it are undefined.
  case emptyArm
  /// The workflow splits no one into arms, so there is nothing to compare.
  case noExperiment

  public var description: String {
    switch self {
    case .emptyArm: "an arm has no customers"
    case .noExperiment: "the workflow has no experiment split"
    case .zeroControlSuccesses: "the control arm has no successes (rate 0)"
    case .zeroTreatmentSuccesses: "the treatment arm has no successes (rate 0)"
    case .zeroPooledVariance: "both arms have rate 0 or both have rate 1 (pooled variance 0)"
    }
  }
}

/// A statistic's value, or the reason it is undefined for the observed counts.
///
/// Undefined statistics never surface as NaN or infinity. In JSON a defined value encodes as
/// `{"value": 0.12}` and an undefined one as
/// `{"value": null, "undefinedReason": "zeroControlSuccesses"}`.
public enum MaybeDefined<Value> {
  case defined(Value)
  case undefined(UndefinedReason)

  /// The value, or nil when the statistic is undefined.
  public var value: Value? {
    if case .defined(let value) = self { value } else { nil }
  }

  /// The reason the statistic is undefined, or nil when it has a value.
  public var undefinedReason: UndefinedReason? {
    if case .undefined(let reason) = self { reason } else { nil }
  }

  /// Applies a transform to the value and keeps an undefined reason as it is.
  public func map<Mapped>(_ transform: (Value) throws -> Mapped) rethrows -> MaybeDefined<Mapped> {
    switch self {
    case .defined(let value): .defined(try transform(value))
    case .undefined(let reason): .undefined(reason)
    }
  }
}

extension MaybeDefined: Sendable where Value: Sendable {}
extension MaybeDefined: Equatable where Value: Equatable {}
extension MaybeDefined: Hashable where Value: Hashable {}

extension MaybeDefined: Codable where Value: Codable {
  private enum CodingKeys: String, CodingKey {
    case value
    case undefinedReason
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let reason = try container.decodeIfPresent(UndefinedReason.self, forKey: .undefinedReason) {
      self = .undefined(reason)
    } else {
      self = .defined(try container.decode(Value.self, forKey: .value))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .defined(let value):
      try container.encode(value, forKey: .value)
    case .undefined(let reason):
      try container.encodeNil(forKey: .value)
      try container.encode(reason, forKey: .undefinedReason)
    }
  }
}

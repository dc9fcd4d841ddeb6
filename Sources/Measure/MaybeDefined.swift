/// The reason a statistic has no value for the observed data.
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
  /// Both samples have variance 0 and the same mean, so the t statistic is 0/0.
  case zeroVariance
  /// Both samples have variance 0 but different means, so the standard error is 0 and the t
  /// statistic would be infinite.
  case zeroVarianceUnequalMeans
  /// Every covariate value is the same, so CUPED's θ = cov(X, Y) / var(X) is 0/0.
  case zeroCovariateVariance
  /// Every outcome value is the same, so the variance reduction 1 − var(Y′) / var(Y) is 0/0.
  case zeroOutcomeVariance
  /// Every bootstrap replicate lies on one side of the estimate, so the BCa bias correction
  /// z₀ = Φ⁻¹(0) or Φ⁻¹(1) is infinite.
  case bootstrapReplicatesOnOneSide
  /// The BCa acceleration a is so large that 1 − a(z₀ + z) ≤ 0 at a limit, where the BCa
  /// adjustment of the percentile levels stops being increasing.
  case bcaAccelerationTooLarge

  public var description: String {
    switch self {
    case .emptyArm: "an arm has no customers"
    case .noExperiment: "the workflow has no experiment split"
    case .zeroControlSuccesses: "the control arm has no successes (rate 0)"
    case .zeroTreatmentSuccesses: "the treatment arm has no successes (rate 0)"
    case .zeroPooledVariance: "both arms have rate 0 or both have rate 1 (pooled variance 0)"
    case .zeroVariance: "both samples are constant with the same mean (variance 0)"
    case .zeroVarianceUnequalMeans:
      "both samples are constant with different means (variance 0, standard error 0)"
    case .zeroCovariateVariance: "the covariate is constant (variance 0), so CUPED adjusts nothing"
    case .zeroOutcomeVariance: "the outcome is constant (variance 0)"
    case .bootstrapReplicatesOnOneSide:
      "every bootstrap replicate lies on one side of the estimate (BCa bias correction infinite)"
    case .bcaAccelerationTooLarge:
      "the BCa acceleration is too large for the requested confidence level"
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

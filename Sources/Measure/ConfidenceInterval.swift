/// A two-sided confidence interval [lower, upper] at a confidence level.
public struct ConfidenceInterval: Hashable, Sendable, Codable {
  /// The lower limit.
  public let lower: Double
  /// The upper limit, at least `lower`.
  public let upper: Double
  /// The nominal coverage probability, strictly between 0 and 1 (0.95 for a 95 % interval).
  public let confidenceLevel: Double

  /// Creates an interval from limits already computed. The limits are not checked.
  public init(lower: Double, upper: Double, confidenceLevel: Double) {
    self.lower = lower
    self.upper = upper
    self.confidenceLevel = confidenceLevel
  }

  /// The distance from the lower to the upper limit.
  public var width: Double { upper - lower }

  /// Returns whether the closed interval contains the value.
  public func contains(_ value: Double) -> Bool {
    lower <= value && value <= upper
  }
}

/// Returns the two-sided normal critical value z(1 − α/2) for a confidence level 1 − α,
/// for example 1.959964 for 0.95.
///
/// - Throws: `ProportionError.invalidConfidenceLevel` unless 0 < confidenceLevel < 1.
func twoSidedCriticalValue(confidenceLevel: Double) throws(ProportionError) -> Double {
  // NaN fails both comparisons, so it is rejected too.
  guard confidenceLevel > 0, confidenceLevel < 1 else {
    throw .invalidConfidenceLevel(confidenceLevel)
  }

  let alpha = 1 - confidenceLevel
  let z = StandardNormal.upperCriticalValue(tailProbability: alpha / 2)
  // For a level in (0, 1), α/2 is in (0, 0.5], so GSL returns a finite z ≥ 0; the guard
  // turns any other result into an error rather than a NaN interval.
  guard z.isFinite, z >= 0 else { throw .invalidConfidenceLevel(confidenceLevel) }
  return z
}

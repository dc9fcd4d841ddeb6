import Measure

/// The analysis of one outcome column: binary (every value 0 or 1) or continuous.
public enum OutcomeLift: Sendable {
  case binary(BinaryOutcomeLift)
  case continuous(ContinuousOutcomeLift)

  /// The outcome column's name.
  public var column: String {
    switch self {
    case .binary(let lift): lift.column
    case .continuous(let lift): lift.column
    }
  }

  /// Returns the warnings about arms too small for the normal approximation.
  func warnings(arms: [CSVLift.Arm]) -> [LiftWarning] {
    switch self {
    case .binary(let lift):
      return lift.comparisons.filter(\.proportions.smallSampleWarning).map { comparison in
        let control = arms.first(where: \.isControl)?.value ?? ""
        return LiftWarning(
          code: "smallExpectedCount", outcome: lift.column, arm: comparison.treatment,
          message: "\(lift.column): \"\(comparison.treatment)\" vs \"\(control)\" has an "
            + "expected cell count below 5, too small for the normal approximation; the "
            + "p-value is from Fisher's exact test, and the intervals are approximate")
      }
    case .continuous(let lift):
      return zip(arms, lift.arms).filter { $1.isTooSmallForNormalApproximation }.map {
        arm, summary in
        let values = "\(summary.count) " + (summary.count == 1 ? "value" : "values")
        var reason = "\(values), fewer than \(ContinuousArmSummary.minimumCount)"
        if summary.count >= ContinuousArmSummary.minimumCount, let skewness = summary.skewness.value
        {
          reason =
            "\(values), no more than 25 × skewness² = \(LiftFormat.number(25 * skewness * skewness)) "
            + "(Cochran's rule for skewed data)"
        }
        return LiftWarning(
          code: "smallArm", outcome: lift.column, arm: arm.value,
          message: "\(lift.column): arm \"\(arm.value)\" has \(reason), too few for the normal "
            + "approximation of its mean; treat Welch's test and interval with caution")
      }
    }
  }
}

/// A binary outcome: each arm's rate, and each treatment arm's lift over the control.
public struct BinaryOutcomeLift: Sendable {
  public let column: String
  /// Each arm's successes (rows with 1) and rows, parallel to `CSVLift.arms`.
  public let arms: [BinomialArm]
  /// The Wilson score interval of each arm's rate, parallel to `arms`.
  public let rateIntervals: [ConfidenceInterval]
  /// One comparison per treatment arm, in the order of `CSVLift.treatmentIndices`.
  public let comparisons: [BinaryLiftComparison]
}

/// A treatment arm's rate compared with the control's.
public struct BinaryLiftComparison: Sendable {
  /// The treatment arm's value.
  public let treatment: String
  /// The lifts, their intervals, the z-test and, for small tables, Fisher's exact test.
  public let proportions: ProportionComparison
  /// `pValue` adjusted by Holm's method over the treatment arms of this outcome.
  public let pValueHolm: Double
  /// The CUPED analysis, or nil without a covariate.
  public let cuped: CUPEDLift?

  /// Whether Fisher's exact test replaces the z-test, because an expected cell count of the
  /// 2×2 table is below 5.
  public var usesExactTest: Bool { proportions.fisherExactTest != nil }

  /// The name of the test whose p-value is `pValue`.
  public var test: String {
    usesExactTest ? "Fisher's exact test" : "pooled two-proportion z-test"
  }

  /// The two-sided p-value of `test`.
  public var pValue: Double {
    proportions.fisherExactTest?.pValue ?? proportions.zTest.pValue
  }
}

/// A continuous outcome: each arm's mean and standard deviation, and each treatment arm's
/// difference of means from the control.
public struct ContinuousOutcomeLift: Sendable {
  public let column: String
  /// Each arm's summary, parallel to `CSVLift.arms`.
  public let arms: [ContinuousArmSummary]
  /// One comparison per treatment arm, in the order of `CSVLift.treatmentIndices`.
  public let comparisons: [ContinuousLiftComparison]
}

/// The values of one arm of a continuous outcome.
public struct ContinuousArmSummary: Sendable {
  /// Below this many values an arm is too small for the normal approximation of its mean
  /// whatever its skewness: the usual rule of thumb for the central limit theorem.
  public static let minimumCount = 30

  /// The number of values.
  public let count: Int
  /// The arithmetic mean.
  public let mean: Double
  /// The sample standard deviation (divisor n − 1), undefined for one value.
  public let standardDeviation: LiftValue<Double>
  /// The sample skewness g₁ = m₃ / m₂^(3/2) with central moments mₖ = Σ (xᵢ − x̄)ᵏ / n,
  /// undefined for one value or a constant arm.
  public let skewness: LiftValue<Double>

  /// Whether the arm is too small for the normal approximation of its mean: fewer than
  /// `minimumCount` values, or at most 25 g₁² of them. The second test is the rule of thumb
  /// known as Cochran's rule, n > 25 g₁², for skewed data such as revenue. R. A. Sugden,
  /// T. M. F. Smith and R. P. Jones (2000), "Cochran's rule for simple random sampling",
  /// J. R. Statist. Soc. B 62, 787–793, derive and refine it from the Edgeworth expansion.
  ///
  /// NOTE: the constant 25 is the rule as commonly stated, not checked against Cochran's
  /// text here. It decides only a warning.
  public var isTooSmallForNormalApproximation: Bool {
    if count < Self.minimumCount { return true }
    guard let skewness = skewness.value else { return false }
    return Double(count) <= 25 * skewness * skewness
  }
}

/// A treatment arm's mean compared with the control's.
public struct ContinuousLiftComparison: Sendable {
  /// The treatment arm's value.
  public let treatment: String
  /// The difference of means x̄_treatment − x̄_control.
  public let meanDifference: Double
  /// Welch's t-test and interval, undefined when an arm has fewer than two values.
  public let welch: LiftValue<WelchTTest>
  /// The Welch p-value adjusted by Holm's method over the treatment arms of this outcome.
  public let pValueHolm: LiftValue<Double>
  /// The percentile and BCa bootstrap intervals, undefined when an arm has fewer than two
  /// values.
  public let bootstrap: LiftValue<Bootstrap>
  /// The CUPED analysis, or nil without a covariate.
  public let cuped: CUPEDLift?

  /// Welch's two-sided p-value.
  public var pValue: LiftValue<Double> { welch.flatMap { LiftValue($0.pValue) } }
}

/// CUPED for one comparison: the outcome adjusted by the covariate, θ pooled over the two
/// arms compared.
public struct CUPEDLift: Sendable {
  /// θ, the adjusted means, Welch's test of the adjusted values and the variance reduction;
  /// undefined when an arm has fewer than two values.
  public let result: LiftValue<CUPED>
  /// The adjusted Welch p-value, adjusted again by Holm's method over the treatment arms.
  public let pValueHolm: LiftValue<Double>

  /// The two-sided p-value of Welch's test of the adjusted values.
  public var pValue: LiftValue<Double> { result.flatMap { LiftValue($0.test.pValue) } }
}

import CGSL
import Simulation

/// The sample ratio mismatch (SRM) check: Pearson's chi-squared goodness-of-fit test of the
/// arms' customer counts against the shares the experiment assigns them.
///
/// With counts Oᵢ, N = Σ Oᵢ and expected counts Eᵢ = N sᵢ for shares sᵢ over k arms,
///
///     χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ,   df = k − 1,   p = P(χ²_df > χ²)
///
/// with p from `gsl_cdf_chisq_Q`. It is scipy's `chisquare(f_obs, f_exp)`. A mismatch means
/// the assignment or the data pipeline lost or added customers unevenly, which biases every
/// comparison of the arms, so the lift should not be trusted until the cause is found.
///
/// `isMismatch` is p < 0.001, the threshold in common use for SRM alarms. It is stricter than
/// 0.05 because the check runs on every experiment, and at 0.05 one experiment in twenty
/// would raise a false alarm.
///
/// Zero counts are allowed. When every count is 0 there is no evidence of a mismatch, so the
/// statistic is 0, the p-value 1 and `isMismatch` false.
public struct SampleRatioMismatch: Hashable, Sendable, Codable {
  /// The p-value below which the counts are a mismatch.
  public static let threshold = 0.001
  /// How far the expected shares may sum from 1.
  public static let shareSumTolerance = 1e-9

  /// The observed count of each arm.
  public let counts: [Int]
  /// The share of customers each arm is assigned, summing to 1.
  public let expectedShares: [Double]
  /// The expected count N sᵢ of each arm.
  public let expectedCounts: [Double]
  /// Pearson's χ² statistic.
  public let statistic: Double
  /// The degrees of freedom k − 1.
  public let degreesOfFreedom: Int
  /// The p-value P(χ²_df > statistic).
  public let pValue: Double
  /// Whether the p-value is below `threshold`.
  public let isMismatch: Bool

  /// Tests observed counts against expected shares.
  ///
  /// - Throws: `SampleRatioMismatchError.lengthMismatch` when the arrays differ in length,
  ///   `.tooFewArms` for fewer than two, `.negativeCount`, `.invalidShare` for a share that is
  ///   not finite and positive, `.sharesDoNotSumToOne` when |Σ sᵢ − 1| > 10⁻⁹, and
  ///   `.distributionFailed` if GSL returns a p-value that is not finite.
  public init(counts: [Int], expectedShares: [Double]) throws(SampleRatioMismatchError) {
    guard counts.count == expectedShares.count else {
      throw .lengthMismatch(counts: counts.count, shares: expectedShares.count)
    }
    guard counts.count >= 2 else { throw .tooFewArms(counts.count) }
    for (index, count) in counts.enumerated() where count < 0 {
      throw .negativeCount(index: index, count: count)
    }
    for (index, share) in expectedShares.enumerated() where !(share > 0 && share.isFinite) {
      throw .invalidShare(index: index, share: share)
    }
    var shareSum = CompensatedSum()
    for share in expectedShares { shareSum.add(share) }
    guard abs(shareSum.value - 1) <= Self.shareSumTolerance else {
      throw .sharesDoNotSumToOne(shareSum.value)
    }

    // A Double sum, because the Int sum of large counts can overflow.
    let total = counts.reduce(0.0) { $0 + Double($1) }
    let expected = expectedShares.map { total * $0 }
    var statistic = 0.0
    if total > 0 {
      for (count, expectedCount) in zip(counts, expected) {
        let difference = Double(count) - expectedCount
        statistic += difference * difference / expectedCount
      }
    }

    let degreesOfFreedom = counts.count - 1
    GSL.setErrorHandlerOff()
    let p = total > 0 ? gsl_cdf_chisq_Q(statistic, Double(degreesOfFreedom)) : 1
    guard p.isFinite else { throw .distributionFailed(function: "gsl_cdf_chisq_Q") }

    self.counts = counts
    self.expectedShares = expectedShares
    self.expectedCounts = expected
    self.statistic = statistic
    self.degreesOfFreedom = degreesOfFreedom
    self.pValue = min(1, max(0, p))
    self.isMismatch = self.pValue < Self.threshold
  }
}

/// An invalid input to the sample ratio mismatch check.
public enum SampleRatioMismatchError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Counts and shares of different lengths.
  case lengthMismatch(counts: Int, shares: Int)
  /// Fewer than two arms.
  case tooFewArms(Int)
  /// A negative count, at its index.
  case negativeCount(index: Int, count: Int)
  /// A share that is not a finite positive number, at its index.
  case invalidShare(index: Int, share: Double)
  /// Shares whose sum differs from 1 by more than `SampleRatioMismatch.shareSumTolerance`.
  case sharesDoNotSumToOne(Double)
  /// A GSL distribution function returned a value that is not finite.
  case distributionFailed(function: String)

  public var description: String {
    switch self {
    case .lengthMismatch(let counts, let shares):
      "invalid input: \(counts) counts but \(shares) expected shares; give one share per arm"
    case .tooFewArms(let arms):
      "invalid input: \(arms) arms, expected 2 or more"
    case .negativeCount(let index, let count):
      "invalid count \(count) at index \(index): expected 0 or more"
    case .invalidShare(let index, let share):
      "invalid expected share \(share) at index \(index): expected a number above 0"
    case .sharesDoNotSumToOne(let sum):
      "invalid expected shares: they sum to \(sum), expected 1 (within "
        + "\(SampleRatioMismatch.shareSumTolerance))"
    case .distributionFailed(let function):
      "\(function) returned a value that is not finite for this statistic"
    }
  }
}

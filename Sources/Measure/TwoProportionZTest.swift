/// The alternative hypothesis of a test comparing the treatment rate with the control rate.
public enum Alternative: String, Hashable, Sendable, Codable, CaseIterable {
  /// H1: p_treatment ≠ p_control.
  case twoSided
  /// H1: p_treatment > p_control (statsmodels calls it "larger").
  case greater
  /// H1: p_treatment < p_control (statsmodels calls it "smaller").
  case less
}

/// The pooled two-proportion z-test of H0: p_treatment = p_control.
///
/// Source: the score test for two independent binomial proportions, with the variance
/// estimated under H0 from the pooled rate p̄ = (x_t + x_c) / (n_t + n_c):
///
///     z = (p̂_t − p̂_c) / √(p̄ (1 − p̄) (1/n_t + 1/n_c))
///
/// z² equals Pearson's chi-squared statistic for the 2×2 table without continuity
/// correction. It is statsmodels' `proportions_ztest` with its defaults (pooled variance,
/// no continuity correction). P-values come from the upper tail Q of the standard normal,
/// `gsl_cdf_ugaussian_Q`, so a p-value as small as 1e-300 keeps its relative precision and
/// underflows to 0 only past |z| ≈ 37.5. Two-sided p = 2 Q(|z|), greater p = Q(z) and
/// less p = Q(−z).
///
/// When both arms have rate 0, or both have rate 1, the pooled variance is 0 and z is 0/0.
/// The test then reports z as undefined (`UndefinedReason.zeroPooledVariance`) and a p-value
/// of 1 for every alternative. That p-value is exact: every 2×2 table with those margins
/// equals the observed one, so a conditional exact test (Fisher's) also returns 1.
public struct TwoProportionZTest: Hashable, Sendable, Codable {
  /// The z statistic, undefined when the pooled variance is 0.
  public let statistic: MaybeDefined<Double>
  /// The p-value for `alternative`, in [0, 1].
  public let pValue: Double
  /// The alternative hypothesis that `pValue` is computed for.
  public let alternative: Alternative

  /// Runs the test on two arms.
  public init(treatment: BinomialArm, control: BinomialArm, alternative: Alternative = .twoSided) {
    self.alternative = alternative

    // Sums in Double, because the Int sums of two arms' counts can overflow.
    let pooledSuccesses = Double(treatment.successes) + Double(control.successes)
    let pooledFailures = Double(treatment.failures) + Double(control.failures)
    guard pooledSuccesses > 0, pooledFailures > 0 else {
      statistic = .undefined(.zeroPooledVariance)
      pValue = 1
      return
    }

    let pooledTrials = pooledSuccesses + pooledFailures
    // p̄ (1 − p̄) from the counts, so that 1 − p̄ does not cancel when p̄ is close to 1.
    let pooledVariance = (pooledSuccesses / pooledTrials) * (pooledFailures / pooledTrials)
    let standardError =
      (pooledVariance * (1 / Double(treatment.trials) + 1 / Double(control.trials)))
      .squareRoot()
    let z = (treatment.rate - control.rate) / standardError

    statistic = .defined(z)
    pValue = Self.pValue(z: z, alternative: alternative)
  }

  /// Returns the p-value of a standard normal statistic z for an alternative.
  static func pValue(z: Double, alternative: Alternative) -> Double {
    switch alternative {
    case .twoSided: 2 * StandardNormal.upperTail(abs(z))
    case .greater: StandardNormal.upperTail(z)
    case .less: StandardNormal.upperTail(-z)
    }
  }
}

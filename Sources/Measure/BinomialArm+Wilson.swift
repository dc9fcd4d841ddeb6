extension BinomialArm {
  /// Computes the Wilson score interval for the arm's rate.
  ///
  /// Source: E. B. Wilson (1927), "Probable inference, the law of succession, and
  /// statistical inference", Journal of the American Statistical Association 22, 209–212.
  /// The limits are the two roots p of (p̂ − p)² = z² p (1 − p) / n:
  ///
  ///     (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)
  ///
  /// with p̂ = successes / trials, n = trials and z = z(1 − α/2) from
  /// `gsl_cdf_ugaussian_Pinv`. Both limits lie in [0, 1]. The lower limit is exactly 0 when
  /// there are no successes, and the upper limit is exactly 1 when every trial succeeds.
  ///
  /// The limit nearer the boundary comes from the product of the roots, p̂² / (1 + z²/n),
  /// instead of from a subtraction. It is therefore exactly 0 for no successes, where the
  /// textbook form leaves a rounding residue (statsmodels 0.15.0 returns 7e-18 for 0/50).
  /// Otherwise the limits match statsmodels' `proportion_confint(method="wilson")` to a
  /// relative 1e-9 in the tests.
  ///
  /// - Parameter confidenceLevel: The coverage 1 − α, strictly between 0 and 1.
  /// - Throws: `ProportionError.invalidConfidenceLevel` unless 0 < confidenceLevel < 1.
  public func wilsonInterval(confidenceLevel: Double = 0.95) throws(ProportionError)
    -> ConfidenceInterval
  {
    let z = try twoSidedCriticalValue(confidenceLevel: confidenceLevel)

    let limits: (lower: Double, upper: Double)
    if successes <= failures {
      limits = Self.wilsonLimits(rate: rate, complement: failureRate, trials: trials, z: z)
    } else {
      // Mirror the failure rate's interval, so the subtraction-free limit is the upper one.
      let mirrored = Self.wilsonLimits(
        rate: failureRate, complement: rate, trials: trials, z: z)
      limits = (1 - mirrored.upper, 1 - mirrored.lower)
    }

    return ConfidenceInterval(
      lower: limits.lower, upper: limits.upper, confidenceLevel: confidenceLevel)
  }

  /// Returns the Wilson limits for a rate of at most 1/2, whose lower limit is the one that
  /// would lose precision to cancellation.
  private static func wilsonLimits(rate: Double, complement: Double, trials: Int, z: Double)
    -> (lower: Double, upper: Double)
  {
    let n = Double(trials)
    let zSquaredOverN = z * z / n
    let denominator = 1 + zSquaredOverN
    let center = (rate + zSquaredOverN / 2) / denominator
    let halfWidth =
      z * (rate * complement / n + zSquaredOverN / (4 * n)).squareRoot() / denominator

    let upper = min(center + halfWidth, 1)
    // The roots multiply to rate² / denominator. The upper root is at least
    // zSquaredOverN / denominator > 0 for z > 0, and equals the rate when z is 0.
    let lower = upper > 0 ? rate * rate / (denominator * upper) : 0
    return (lower, upper)
  }
}

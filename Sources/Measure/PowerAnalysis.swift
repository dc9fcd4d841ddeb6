/// Sample size and minimum detectable effect for the two-sided pooled two-proportion z-test
/// (`TwoProportionZTest`) with equal arms.
///
/// Source: the normal-approximation formula without continuity correction in J. L. Fleiss,
/// B. Levin and M. C. Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed.,
/// Wiley. For a control (baseline) rate p₁ and a treatment rate p₂, the customers needed per
/// arm are
///
///     n = (z_{1−α/2} √(2 p̄ (1 − p̄)) + z_{1−β} √(p₁(1 − p₁) + p₂(1 − p₂)))² / (p₂ − p₁)²
///
/// with p̄ = (p₁ + p₂) / 2, rounded up. The first term is the standard error under H0 (the
/// pooled variance the test uses), the second under H1; the rejection region on the far side
/// of 0 is neglected. z comes from `gsl_cdf_ugaussian_Pinv`.
///
/// NOTE: the book itself was not available to check the equation against. The tests check
/// this code against a direct evaluation of the formula above in the committed reference
/// script, so a transcription error would be in both.
///
/// statsmodels' `NormalIndPower` with `proportion_effectsize` uses Cohen's h, the difference
/// of 2 arcsin √p, whose variance does not depend on p. It gives a different, also
/// approximate, n: 2254 instead of 2319 per arm for 1 % against 2 % at α = 0.05 and 80 %
/// power, and within 0.2 % of this formula for 10 % against 12 %.
///
/// With `arms` K > 2 (a control and K − 1 treatments, each compared with the control), the
/// Bonferroni split tests each comparison at α / (K − 1), so the chance of any false positive
/// stays at most α.
///
/// The power must be at least 1/2. Below it z_{1−β} < 0, and the formula stops describing the
/// test: it can give a non-positive numerator and stops decreasing in the effect size.
public struct PowerAnalysis: Hashable, Sendable, Codable {
  /// The family-wise significance level α.
  public let alpha: Double
  /// The power 1 − β of each comparison.
  public let power: Double
  /// The number of arms K, the control included.
  public let arms: Int

  /// Creates an analysis.
  ///
  /// - Parameters:
  ///   - alpha: the family-wise significance level, strictly between 0 and 1.
  ///   - power: the probability of detecting the effect, from 0.5 up to (not including) 1.
  ///   - arms: the number of arms K ≥ 2, the control included.
  /// - Throws: `PowerAnalysisError.invalidAlpha`, `.invalidPower` or `.invalidArmCount`.
  public init(alpha: Double = 0.05, power: Double = 0.8, arms: Int = 2)
    throws(PowerAnalysisError)
  {
    guard alpha > 0, alpha < 1 else { throw .invalidAlpha(alpha) }
    guard power >= 0.5, power < 1 else { throw .invalidPower(power) }
    guard arms >= 2 else { throw .invalidArmCount(arms) }
    self.alpha = alpha
    self.power = power
    self.arms = arms
  }

  /// The significance level of each comparison with the control, α / (K − 1).
  public var comparisonAlpha: Double { alpha / Double(arms - 1) }

  /// Returns the sample size per arm to detect a change from `baselineRate` to
  /// `treatmentRate`.
  ///
  /// - Throws: `PowerAnalysisError.invalidRate` unless both rates are strictly between 0 and
  ///   1, `.zeroEffect` when they are equal, and `.sampleSizeTooLarge` when n exceeds
  ///   `Int.max`.
  public func sampleSize(baselineRate: Double, treatmentRate: Double)
    throws(PowerAnalysisError) -> SampleSizeEstimate
  {
    guard baselineRate > 0, baselineRate < 1 else { throw .invalidRate(baselineRate) }
    guard treatmentRate > 0, treatmentRate < 1 else { throw .invalidRate(treatmentRate) }
    guard treatmentRate != baselineRate else { throw .zeroEffect }

    let effect = treatmentRate - baselineRate
    let root = requiredEffectTimesRootN(baseline: baselineRate, treatment: treatmentRate) / effect
    let perArm = root * root
    guard perArm.rounded(.up) < Double(Int.max) else { throw .sampleSizeTooLarge(perArm) }
    let rounded = Int(perArm.rounded(.up))
    let (total, overflow) = rounded.multipliedReportingOverflow(by: arms)
    guard !overflow else { throw .sampleSizeTooLarge(perArm * Double(arms)) }
    return SampleSizeEstimate(perArm: rounded, unroundedPerArm: perArm, total: total)
  }

  /// Returns the sample size per arm to detect an absolute change of the rate, p₂ = p₁ + effect.
  ///
  /// - Throws: as `sampleSize(baselineRate:treatmentRate:)`, with
  ///   `PowerAnalysisError.effectOutsideRateRange` when p₂ is not strictly between 0 and 1.
  public func sampleSize(baselineRate: Double, absoluteEffect: Double)
    throws(PowerAnalysisError) -> SampleSizeEstimate
  {
    guard baselineRate > 0, baselineRate < 1 else { throw .invalidRate(baselineRate) }
    let treatmentRate = baselineRate + absoluteEffect
    guard treatmentRate > 0, treatmentRate < 1 else {
      throw .effectOutsideRateRange(baselineRate: baselineRate, treatmentRate: treatmentRate)
    }
    return try sampleSize(baselineRate: baselineRate, treatmentRate: treatmentRate)
  }

  /// Returns the sample size per arm to detect a relative change of the rate,
  /// p₂ = p₁ (1 + effect).
  ///
  /// - Throws: as `sampleSize(baselineRate:absoluteEffect:)`.
  public func sampleSize(baselineRate: Double, relativeEffect: Double)
    throws(PowerAnalysisError) -> SampleSizeEstimate
  {
    guard baselineRate > 0, baselineRate < 1 else { throw .invalidRate(baselineRate) }
    let treatmentRate = baselineRate * (1 + relativeEffect)
    guard treatmentRate > 0, treatmentRate < 1 else {
      throw .effectOutsideRateRange(baselineRate: baselineRate, treatmentRate: treatmentRate)
    }
    return try sampleSize(baselineRate: baselineRate, treatmentRate: treatmentRate)
  }

  /// Returns the smallest change of the rate that `sampleSizePerArm` customers per arm detect
  /// with this power: the treatment rate p₂ that solves the sample-size equation with n equal
  /// to `sampleSizePerArm`, above the baseline for `.increase` and below it for `.decrease`.
  ///
  /// The equation is solved by bisection on p₂, down to adjacent doubles, in the form
  /// |p₂ − p₁| √n = z_{1−α/2} √(2 p̄ (1 − p̄)) + z_{1−β} √(p₁(1 − p₁) + p₂(1 − p₂)). The
  /// √n that the formula requires decreases as p₂ moves away from p₁ when the power is at
  /// least 1/2, so the root is unique. That is checked, not proved: the reference script
  /// tests it on 440 grids of 20,000 rates each, over baseline rates, α and power.
  ///
  /// - Throws: `PowerAnalysisError.invalidRate` unless 0 < baselineRate < 1,
  ///   `.sampleSizeTooSmall` when sampleSizePerArm < 2, and `.noDetectableEffect` when no
  ///   rate strictly between 0 and 1 reaches the power.
  public func minimumDetectableEffect(
    baselineRate: Double, sampleSizePerArm: Int, direction: EffectDirection = .increase
  ) throws(PowerAnalysisError) -> MinimumDetectableEffect {
    guard baselineRate > 0, baselineRate < 1 else { throw .invalidRate(baselineRate) }
    guard sampleSizePerArm >= 2 else { throw .sampleSizeTooSmall(sampleSizePerArm) }

    let rootN = Double(sampleSizePerArm).squareRoot()
    // Positive where n customers per arm reach the power.
    func margin(_ treatmentRate: Double) -> Double {
      abs(treatmentRate - baselineRate) * rootN
        - requiredEffectTimesRootN(baseline: baselineRate, treatment: treatmentRate)
    }

    let boundary: Double = direction == .increase ? 1 : 0
    guard margin(boundary) >= 0 else {
      throw .noDetectableEffect(sampleSizePerArm: sampleSizePerArm, direction: direction)
    }
    var reached = boundary
    var notReached = baselineRate
    while true {
      let middle = notReached + (reached - notReached) / 2
      if middle == notReached || middle == reached { break }
      if margin(middle) >= 0 {
        reached = middle
      } else {
        notReached = middle
      }
    }
    guard reached > 0, reached < 1 else {
      throw .noDetectableEffect(sampleSizePerArm: sampleSizePerArm, direction: direction)
    }

    let absolute = reached - baselineRate
    return MinimumDetectableEffect(
      treatmentRate: reached, absolute: absolute, relative: absolute / baselineRate)
  }

  /// Returns z_{1−α/2} √(2 p̄ (1 − p̄)) + z_{1−β} √(p₁(1 − p₁) + p₂(1 − p₂)), with α the
  /// per-comparison level, which is |p₂ − p₁| √n at the required n.
  func requiredEffectTimesRootN(baseline: Double, treatment: Double) -> Double {
    let zAlpha = StandardNormal.upperCriticalValue(tailProbability: comparisonAlpha / 2)
    let zPower = StandardNormal.upperCriticalValue(tailProbability: 1 - power)
    let pooled = (baseline + treatment) / 2
    let nullDeviation = (2 * pooled * (1 - pooled)).squareRoot()
    let alternativeDeviation =
      (baseline * (1 - baseline) + treatment * (1 - treatment)).squareRoot()
    return zAlpha * nullDeviation + zPower * alternativeDeviation
  }
}

/// The direction of the change that a minimum detectable effect is computed for.
public enum EffectDirection: String, Hashable, Sendable, Codable, CaseIterable {
  /// The treatment rate is above the baseline.
  case increase
  /// The treatment rate is below the baseline.
  case decrease
}

/// The sample size a power analysis requires.
public struct SampleSizeEstimate: Hashable, Sendable, Codable {
  /// Customers per arm: `unroundedPerArm` rounded up.
  public let perArm: Int
  /// The formula's value before rounding.
  public let unroundedPerArm: Double
  /// Customers over all arms, `perArm` × K.
  public let total: Int
}

/// The smallest change of a rate that a sample size detects with the analysis's power.
public struct MinimumDetectableEffect: Hashable, Sendable, Codable {
  /// The treatment rate p₂ at the detectable change.
  public let treatmentRate: Double
  /// The absolute change p₂ − p₁, negative for a decrease.
  public let absolute: Double
  /// The relative change (p₂ − p₁) / p₁.
  public let relative: Double
}

/// An invalid input to a power analysis.
public enum PowerAnalysisError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A significance level that is not strictly between 0 and 1.
  case invalidAlpha(Double)
  /// A power below 0.5 or not below 1.
  case invalidPower(Double)
  /// Fewer than two arms.
  case invalidArmCount(Int)
  /// A rate that is not strictly between 0 and 1.
  case invalidRate(Double)
  /// An effect that moves the treatment rate to 0, 1 or beyond.
  case effectOutsideRateRange(baselineRate: Double, treatmentRate: Double)
  /// Equal baseline and treatment rates, which no sample size can tell apart.
  case zeroEffect
  /// A sample size per arm below 2.
  case sampleSizeTooSmall(Int)
  /// A required sample size above `Int.max`.
  case sampleSizeTooLarge(Double)
  /// A sample size too small to detect any change in the direction, up to a rate of 0 or 1.
  case noDetectableEffect(sampleSizePerArm: Int, direction: EffectDirection)

  public var description: String {
    switch self {
    case .invalidAlpha(let alpha):
      "invalid significance level \(alpha): expected a value strictly between 0 and 1, such as 0.05"
    case .invalidPower(let power):
      "invalid power \(power): expected at least 0.5 and below 1, such as 0.8"
    case .invalidArmCount(let arms):
      "invalid number of arms \(arms): expected 2 or more, the control included"
    case .invalidRate(let rate):
      "invalid rate \(rate): expected a value strictly between 0 and 1"
    case .effectOutsideRateRange(let baselineRate, let treatmentRate):
      "invalid effect: it moves the rate from \(baselineRate) to \(treatmentRate), outside "
        + "0 to 1 (exclusive)"
    case .zeroEffect:
      "invalid effect: the treatment rate equals the baseline rate, so no sample size detects it"
    case .sampleSizeTooSmall(let n):
      "invalid sample size \(n) per arm: expected 2 or more"
    case .sampleSizeTooLarge(let n):
      "the required sample size \(n) exceeds the largest integer; choose a larger effect"
    case .noDetectableEffect(let n, let direction):
      "\(n) customers per arm cannot detect any \(direction.rawValue) of the rate at this "
        + "significance level and power; use more customers"
    }
  }
}

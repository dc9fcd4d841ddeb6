/// Welch's t-test of H0: μ_treatment = μ_control for two independent samples whose variances
/// may differ, with a confidence interval for μ_treatment − μ_control.
///
/// The unequal-variance t statistic with the Welch–Satterthwaite degrees of freedom. With
/// wᵢ = sᵢ² / nᵢ from each sample's `SampleSummary`:
///
///     d  = x̄_t − x̄_c
///     SE = √(w_t + w_c)
///     t  = d / SE
///     ν  = (w_t + w_c)² / (w_t² / (n_t − 1) + w_c² / (n_c − 1))
///     p  = P(|T_ν| > |t|) two-sided,  P(T_ν > t) greater,  P(T_ν < t) less
///     interval = d ± t_ν(1 − α/2) · SE
///
/// It is scipy's `ttest_ind(equal_var=False)`. ν is computed from the ratios wᵢ / max(w_t, w_c),
/// so it neither overflows nor underflows. The tails and the quantile come from `StudentT`,
/// which is accurate above 30 degrees of freedom, where GSL's own `gsl_cdf_tdist_Q` is not.
/// The interval is two-sided whatever the alternative.
///
/// When both samples are constant, SE is 0 and t is undefined, never NaN or infinite:
///
/// - equal means: d = 0, and t, ν and the interval are undefined (`zeroVariance`), but the
///   p-value is 1, because the data show no difference at all;
/// - different means: t, ν, the p-value and the interval are undefined
///   (`zeroVarianceUnequalMeans`). scipy returns t = ±∞ and p = 0 there, a significant result
///   that rests on assuming the variance is exactly 0.
///
/// When only one sample is constant, the test is defined, with ν = n − 1 of the other.
///
/// NOTE: each mean is a double, so d is exact only to about 2⁻⁵³ |x̄| / |d| relative. For
/// means near 10⁹ that differ by 0.2 that is 5·10⁻⁷, which t and the p-value inherit.
/// Subtracting a common offset from both samples first restores the digits.
public struct WelchTTest: Hashable, Sendable, Codable {
  /// The treatment sample's count, mean and variance.
  public let treatment: SampleSummary
  /// The control sample's count, mean and variance.
  public let control: SampleSummary
  /// The coverage 1 − α of `interval`.
  public let confidenceLevel: Double
  /// The alternative hypothesis that `pValue` is computed for.
  public let alternative: Alternative

  /// The difference of means x̄_t − x̄_c.
  public let meanDifference: Double
  /// The standard error of the difference, √(s_t²/n_t + s_c²/n_c).
  public let standardError: Double
  /// The t statistic d / SE, undefined when both samples are constant.
  public let statistic: MaybeDefined<Double>
  /// The Welch–Satterthwaite degrees of freedom, undefined when both samples are constant.
  public let degreesOfFreedom: MaybeDefined<Double>
  /// The p-value for `alternative`: 1 when both samples are constant and equal, undefined when
  /// they are constant and differ.
  public let pValue: MaybeDefined<Double>
  /// The two-sided confidence interval for μ_t − μ_c, undefined when both samples are
  /// constant.
  public let interval: MaybeDefined<ConfidenceInterval>

  /// Runs the test on two samples.
  ///
  /// - Throws: `SampleError.tooFewValues` when a sample has fewer than two values,
  ///   `.nonFiniteValue` for NaN or infinity, `.valuesTooLarge` when a sum overflows,
  ///   `.invalidConfidenceLevel` unless 0 < confidenceLevel < 1, and `.distributionFailed`
  ///   if a GSL function returns a value that is not finite.
  public init(
    treatment: [Double], control: [Double], confidenceLevel: Double = 0.95,
    alternative: Alternative = .twoSided
  ) throws(SampleError) {
    try self.init(
      treatment: SampleSummary(treatment, name: "treatment"),
      control: SampleSummary(control, name: "control"), confidenceLevel: confidenceLevel,
      alternative: alternative)
  }

  /// Runs the test on two sample summaries.
  ///
  /// - Throws: as `init(treatment:control:confidenceLevel:alternative:)` with arrays, except
  ///   for the checks that the summaries have already passed.
  public init(
    treatment: SampleSummary, control: SampleSummary, confidenceLevel: Double = 0.95,
    alternative: Alternative = .twoSided
  ) throws(SampleError) {
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw .invalidConfidenceLevel(confidenceLevel)
    }
    self.treatment = treatment
    self.control = control
    self.confidenceLevel = confidenceLevel
    self.alternative = alternative

    meanDifference = treatment.mean - control.mean
    guard meanDifference.isFinite else { throw .valuesTooLarge(sample: "treatment and control") }
    let treatmentWeight = treatment.variance / Double(treatment.count)
    let controlWeight = control.variance / Double(control.count)
    standardError = (treatmentWeight + controlWeight).squareRoot()

    guard standardError > 0 else {
      let reason: UndefinedReason = meanDifference == 0 ? .zeroVariance : .zeroVarianceUnequalMeans
      statistic = .undefined(reason)
      degreesOfFreedom = .undefined(reason)
      pValue = meanDifference == 0 ? .defined(1) : .undefined(reason)
      interval = .undefined(reason)
      return
    }

    let largerWeight = max(treatmentWeight, controlWeight)
    let treatmentShare = treatmentWeight / largerWeight
    let controlShare = controlWeight / largerWeight
    let nu =
      (treatmentShare + controlShare) * (treatmentShare + controlShare)
      / (treatmentShare * treatmentShare / Double(treatment.count - 1)
        + controlShare * controlShare / Double(control.count - 1))
    let t = meanDifference / standardError

    let p =
      switch alternative {
      case .twoSided: StudentT.twoSidedTail(t, degreesOfFreedom: nu)
      case .greater: StudentT.upperTail(t, degreesOfFreedom: nu)
      case .less: StudentT.upperTail(-t, degreesOfFreedom: nu)
      }
    guard p.isFinite else { throw .distributionFailed(function: "gsl_sf_beta_inc_e") }

    let criticalValue = StudentT.upperQuantile(
      upperTail: (1 - confidenceLevel) / 2, degreesOfFreedom: nu)
    guard criticalValue.isFinite else { throw .distributionFailed(function: "gsl_cdf_tdist_Qinv") }
    let halfWidth = criticalValue * standardError

    statistic = .defined(t)
    degreesOfFreedom = .defined(nu)
    pValue = .defined(min(1, p))
    interval = .defined(
      ConfidenceInterval(
        lower: meanDifference - halfWidth, upper: meanDifference + halfWidth,
        confidenceLevel: confidenceLevel))
  }
}

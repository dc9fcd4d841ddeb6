/// A treatment arm compared with a control (holdout) arm: both rates with Wilson intervals,
/// the absolute and relative lift with confidence intervals, and the pooled z-test. For small
/// tables it also carries a warning and Fisher's exact test.
///
/// Every field is a plain value, so a comparison encodes to JSON as it is. A statistic that
/// is undefined for the counts (see `UndefinedReason`) is a `MaybeDefined` carrying the
/// reason, never NaN or infinity.
///
/// ```swift
/// let treatment = try BinomialArm(successes: 4_120, trials: 100_000)
/// let control = try BinomialArm(successes: 3_870, trials: 100_000)
/// let comparison = try ProportionComparison(treatment: treatment, control: control)
/// comparison.absoluteLift              // 0.0025
/// comparison.absoluteLiftInterval      // 0.00078 to 0.00422 (Newcombe, 95 %)
/// comparison.relativeLift.value        // 0.0646
/// comparison.zTest.pValue              // 0.0043 (two-sided)
/// ```
public struct ProportionComparison: Hashable, Sendable, Codable {
  /// The treatment arm.
  public let treatment: BinomialArm
  /// The control (holdout) arm.
  public let control: BinomialArm
  /// The coverage 1 − α shared by every interval here.
  public let confidenceLevel: Double

  /// The Wilson score interval for the treatment rate.
  public let treatmentRateInterval: ConfidenceInterval
  /// The Wilson score interval for the control rate.
  public let controlRateInterval: ConfidenceInterval

  /// The absolute lift p_t − p_c.
  public let absoluteLift: Double
  /// Newcombe's hybrid score interval for the absolute lift.
  public let absoluteLiftInterval: ConfidenceInterval
  /// The relative lift (p_t − p_c) / p_c, undefined when the control rate is 0.
  public let relativeLift: MaybeDefined<Double>
  /// The Katz log interval for the relative lift, undefined when either arm has no successes.
  public let relativeLiftInterval: MaybeDefined<ConfidenceInterval>

  /// The pooled two-proportion z-test of p_t = p_c.
  public let zTest: TwoProportionZTest

  /// Whether some expected cell count of the 2×2 table under the pooled rate is below 5
  /// (`BinomialArm.needsExactTest(treatment:control:)`), so that the z-test's normal
  /// approximation, and the intervals' too, are doubtful.
  public let smallSampleWarning: Bool
  /// Fisher's exact test of the same table, present exactly when `smallSampleWarning` is set.
  public let fisherExactTest: FisherExactTest?

  /// Compares a treatment arm with a control arm.
  ///
  /// The formulas and their sources are documented on `BinomialArm.wilsonInterval`,
  /// `BinomialArm.absoluteLiftInterval`, `BinomialArm.relativeLiftInterval` and
  /// `TwoProportionZTest`. Fisher's exact test runs only when `smallSampleWarning` is set.
  ///
  /// - Parameters:
  ///   - confidenceLevel: The coverage 1 − α of every interval, strictly between 0 and 1.
  ///   - alternative: The alternative hypothesis of the z-test; the intervals are two-sided
  ///     whatever it is.
  /// - Throws: `ProportionError.invalidConfidenceLevel` unless 0 < confidenceLevel < 1.
  public init(
    treatment: BinomialArm, control: BinomialArm, confidenceLevel: Double = 0.95,
    alternative: Alternative = .twoSided
  ) throws(ProportionError) {
    self.treatment = treatment
    self.control = control
    self.confidenceLevel = confidenceLevel

    treatmentRateInterval = try treatment.wilsonInterval(confidenceLevel: confidenceLevel)
    controlRateInterval = try control.wilsonInterval(confidenceLevel: confidenceLevel)

    absoluteLift = treatment.absoluteLift(over: control)
    absoluteLiftInterval = try treatment.absoluteLiftInterval(
      over: control, confidenceLevel: confidenceLevel)
    relativeLift = treatment.relativeLift(over: control)
    relativeLiftInterval = try treatment.relativeLiftInterval(
      over: control, confidenceLevel: confidenceLevel)

    zTest = TwoProportionZTest(treatment: treatment, control: control, alternative: alternative)

    smallSampleWarning = BinomialArm.needsExactTest(treatment: treatment, control: control)
    // An expected count below 5 bounds the conditional variance of the table by 10, far below
    // FisherExactTest.maximumStandardDeviation², so the exact test cannot throw here.
    fisherExactTest =
      smallSampleWarning ? try FisherExactTest(treatment: treatment, control: control) : nil
  }
}

/// CUPED: a difference of means with variance reduced by a covariate measured before the
/// experiment, such as each customer's pre-period revenue or purchases.
///
/// Source: A. Deng, Y. Xu, R. Kohavi and T. Walker (2013), "Improving the sensitivity of
/// online controlled experiments by utilizing pre-experiment data", WSDM '13, 123–132. With
/// outcome Y and covariate X of each unit,
///
///     θ  = cov(X, Y) / var(X)
///     Y′ = Y − θ (X − X̄)
///
/// and the test is Welch's t-test (`WelchTTest`) of the Y′ values of the two arms. The
/// adjusted mean of an arm is Ȳ_arm − θ (X̄_arm − X̄).
///
/// θ, X̄ and both variances are pooled over all units of both arms, and θ is the same for both
/// arms. Because X is measured before assignment, it is independent of the arm, so for any
/// fixed θ the adjustment θ (X̄_t − X̄_c) has mean 0 and the adjusted difference stays unbiased
/// for the treatment effect. The pooled cov(X, Y) also contains the treatment's shift of Y,
/// but X is uncorrelated with the arm, so that adds only noise of order 1/n to θ.
///
/// `varianceReduction` is 1 − var(Y′) / var(Y) over all units. With the pooled θ it equals
/// the squared sample correlation of X and Y. It estimates the share of the variance of the
/// difference of means that the adjustment removes, up to the O(1/n) effect of estimating θ.
///
/// NOTE: the t-test treats θ as known. Estimating it from the same data makes the reported
/// standard error too small by a factor of order 1/n, which is negligible at experiment sizes
/// but not for a handful of units.
///
/// For a binary Y (converted or not), Y′ is no longer 0 or 1. The adjusted difference is then
/// the linear (ANCOVA-type) covariate adjustment of the difference in conversion rates, with
/// the slope estimated from the pooled data. Ordinary least squares of Y on the arm and X
/// estimates the slope within arms instead. Both slopes are consistent and differ only by
/// noise.
///
/// When X is constant, var(X) = 0 and θ is undefined (`zeroCovariateVariance`): Y′ = Y, the
/// test is the unadjusted one and the variance reduction is 0. When Y is constant, the
/// variance reduction is undefined (`zeroOutcomeVariance`).
public struct CUPED: Hashable, Sendable, Codable {
  /// The arm of one unit.
  public enum Arm: String, Hashable, Sendable, Codable, CaseIterable {
    case treatment
    case control
  }

  /// θ = cov(X, Y) / var(X) over all units, undefined when X is constant.
  public let theta: MaybeDefined<Double>
  /// The mean X̄ of the covariate over all units.
  public let covariateMean: Double
  /// The unadjusted mean of Y in the treatment arm.
  public let treatmentMean: Double
  /// The unadjusted mean of Y in the control arm.
  public let controlMean: Double
  /// 1 − var(Y′) / var(Y) over all units, undefined when Y is constant.
  public let varianceReduction: MaybeDefined<Double>
  /// Welch's t-test on the adjusted values Y′, whose sample means are the adjusted means.
  public let test: WelchTTest

  /// The adjusted mean of the treatment arm, Ȳ_t − θ (X̄_t − X̄).
  public var adjustedTreatmentMean: Double { test.treatment.mean }
  /// The adjusted mean of the control arm, Ȳ_c − θ (X̄_c − X̄).
  public var adjustedControlMean: Double { test.control.mean }

  /// Adjusts the outcomes of units in two arms by their covariate and tests the difference.
  ///
  /// - Parameters:
  ///   - outcomes: Y, one value per unit.
  ///   - covariates: X, measured before assignment, one value per unit.
  ///   - arms: each unit's arm.
  ///   - confidenceLevel: the coverage of the interval of `test`.
  ///   - alternative: the alternative hypothesis of `test`.
  /// - Throws: `SampleError.lengthMismatch` when the three arrays differ in length,
  ///   `.tooFewValues` when an arm has fewer than two units, `.nonFiniteValue` for NaN or
  ///   infinity, `.valuesTooLarge` when a sum overflows, and the errors of `WelchTTest`.
  public init(
    outcomes: [Double], covariates: [Double], arms: [Arm], confidenceLevel: Double = 0.95,
    alternative: Alternative = .twoSided
  ) throws(SampleError) {
    guard covariates.count == outcomes.count else {
      throw .lengthMismatch(name: "covariates", count: covariates.count, expected: outcomes.count)
    }
    guard arms.count == outcomes.count else {
      throw .lengthMismatch(name: "arms", count: arms.count, expected: outcomes.count)
    }
    let outcomeSummary = try SampleSummary(outcomes, name: "outcomes")
    let covariateSummary = try SampleSummary(covariates, name: "covariates")
    let raw = try Self.split(outcomes, by: arms)

    let theta = try Self.theta(
      outcomes: outcomes, covariates: covariates, outcomeMean: outcomeSummary.mean,
      covariateSummary: covariateSummary)
    var adjusted = outcomes
    if let slope = theta.value {
      for index in adjusted.indices {
        adjusted[index] -= slope * (covariates[index] - covariateSummary.mean)
        guard adjusted[index].isFinite else { throw .valuesTooLarge(sample: "outcomes") }
      }
    }

    let adjustedArms = try Self.split(adjusted, by: arms)
    test = try WelchTTest(
      treatment: SampleSummary(adjustedArms.treatment, name: "treatment"),
      control: SampleSummary(adjustedArms.control, name: "control"),
      confidenceLevel: confidenceLevel, alternative: alternative)

    self.theta = theta
    covariateMean = covariateSummary.mean
    treatmentMean = try SampleSummary(raw.treatment, name: "treatment").mean
    controlMean = try SampleSummary(raw.control, name: "control").mean
    if outcomeSummary.variance > 0 {
      let adjustedVariance = try SampleSummary(adjusted, name: "adjusted outcomes").variance
      varianceReduction = .defined(1 - adjustedVariance / outcomeSummary.variance)
    } else {
      varianceReduction = .undefined(.zeroOutcomeVariance)
    }
  }

  /// Returns θ = Σ (xᵢ − X̄)(yᵢ − Ȳ) / Σ (xᵢ − X̄)², each sum with the corrected two-pass term
  /// of `SampleSummary`, or undefined when X is constant.
  private static func theta(
    outcomes: [Double], covariates: [Double], outcomeMean: Double,
    covariateSummary: SampleSummary
  ) throws(SampleError) -> MaybeDefined<Double> {
    guard covariateSummary.variance > 0 else { return .undefined(.zeroCovariateVariance) }

    var covariateDeviations = CompensatedSum()
    var outcomeDeviations = CompensatedSum()
    var crossProducts = CompensatedSum()
    var covariateSquares = CompensatedSum()
    for (x, y) in zip(covariates, outcomes) {
      let dx = x - covariateSummary.mean
      let dy = y - outcomeMean
      covariateDeviations.add(dx)
      outcomeDeviations.add(dy)
      crossProducts.add(dx * dy)
      covariateSquares.add(dx * dx)
    }
    let n = Double(outcomes.count)
    let sxy = crossProducts.value - covariateDeviations.value * outcomeDeviations.value / n
    let sxx = covariateSquares.value - covariateDeviations.value * covariateDeviations.value / n
    let slope = sxy / sxx
    guard slope.isFinite, sxx > 0 else { throw .valuesTooLarge(sample: "covariates") }
    return .defined(slope)
  }

  /// Splits per-unit values into the treatment and control arms, in input order.
  ///
  /// - Throws: `SampleError.tooFewValues` when an arm has fewer than two units.
  private static func split(_ values: [Double], by arms: [Arm]) throws(SampleError)
    -> (treatment: [Double], control: [Double])
  {
    var treatment: [Double] = []
    var control: [Double] = []
    for (value, arm) in zip(values, arms) {
      switch arm {
      case .treatment: treatment.append(value)
      case .control: control.append(value)
      }
    }
    for (name, values) in [("treatment", treatment), ("control", control)] where values.count < 2 {
      throw .tooFewValues(sample: name, count: values.count, minimum: 2)
    }
    return (treatment, control)
  }
}

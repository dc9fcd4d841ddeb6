import Foundation

/// Lift of a treatment arm over a control arm: the absolute lift p_t − p_c and the relative
/// lift (p_t − p_c) / p_c, with confidence intervals. Call these on the treatment arm.
extension BinomialArm {
  /// Returns the absolute lift p_t − p_c, in [−1, 1], where self is the treatment arm.
  public func absoluteLift(over control: BinomialArm) -> Double {
    rate - control.rate
  }

  /// Returns the relative lift (p_t − p_c) / p_c, where self is the treatment arm.
  ///
  /// It is −1 when the treatment has no successes and the control has some. It is undefined
  /// (`UndefinedReason.zeroControlSuccesses`) when the control rate is 0.
  public func relativeLift(over control: BinomialArm) -> MaybeDefined<Double> {
    guard control.successes > 0 else { return .undefined(.zeroControlSuccesses) }
    return .defined((rate - control.rate) / control.rate)
  }

  /// Computes Newcombe's hybrid score interval for the absolute lift p_t − p_c, where self is
  /// the treatment arm.
  ///
  /// Source: R. G. Newcombe (1998), "Interval estimation for the difference between
  /// independent proportions: comparison of eleven methods", Statistics in Medicine 17,
  /// 873–890, method 10. With Wilson intervals [l_t, u_t] and [l_c, u_c] for the two rates
  /// at the same level and d = p̂_t − p̂_c:
  ///
  ///     lower = d − √((p̂_t − l_t)² + (u_c − p̂_c)²)
  ///     upper = d + √((u_t − p̂_t)² + (p̂_c − l_c)²)
  ///
  /// It is defined for all counts, zero counts and rates of 1 included, and lies in [−1, 1].
  /// It is statsmodels' `confint_proportions_2indep(method="newcomb", compare="diff")`.
  ///
  /// - Throws: `ProportionError.invalidConfidenceLevel` unless 0 < confidenceLevel < 1.
  public func absoluteLiftInterval(over control: BinomialArm, confidenceLevel: Double = 0.95)
    throws(ProportionError) -> ConfidenceInterval
  {
    let treatmentInterval = try wilsonInterval(confidenceLevel: confidenceLevel)
    let controlInterval = try control.wilsonInterval(confidenceLevel: confidenceLevel)

    let lift = absoluteLift(over: control)
    let lowerDistance = hypot(rate - treatmentInterval.lower, controlInterval.upper - control.rate)
    let upperDistance = hypot(treatmentInterval.upper - rate, control.rate - controlInterval.lower)

    return ConfidenceInterval(
      lower: lift - lowerDistance, upper: lift + upperDistance, confidenceLevel: confidenceLevel)
  }

  /// Computes the Katz log interval for the relative lift (p_t − p_c) / p_c, where self is
  /// the treatment arm.
  ///
  /// Source: D. Katz, J. Baptista, S. P. Azen and M. C. Pike (1978), "Obtaining confidence
  /// intervals for the risk ratio in cohort studies", Biometrics 34, 469–474. The delta
  /// method gives the variance of the log of the risk ratio R = p̂_t / p̂_c as
  ///
  ///     Var(ln R) = (1 − p̂_t) / x_t + (1 − p̂_c) / x_c
  ///
  /// where x is an arm's successes. The interval for R is exp(ln R ± z √Var), and the one
  /// for the relative lift R − 1 is expm1(ln R ± z √Var), with z = z(1 − α/2) from
  /// `gsl_cdf_ugaussian_Pinv`. It is statsmodels'
  /// `confint_proportions_2indep(method="log", compare="ratio")` minus 1.
  ///
  /// The interval is undefined when either arm has no successes, because ln R or its variance
  /// is then infinite (`zeroControlSuccesses` is reported first when both are 0).
  ///
  /// NOTE: when both arms have rate 1 the variance is 0 and the interval collapses to [0, 0].
  /// The delta method understates the uncertainty there; the Newcombe interval for the
  /// absolute lift does not.
  ///
  /// - Throws: `ProportionError.invalidConfidenceLevel` unless 0 < confidenceLevel < 1,
  ///   whether or not the interval is defined.
  public func relativeLiftInterval(over control: BinomialArm, confidenceLevel: Double = 0.95)
    throws(ProportionError) -> MaybeDefined<ConfidenceInterval>
  {
    let z = try twoSidedCriticalValue(confidenceLevel: confidenceLevel)
    guard control.successes > 0 else { return .undefined(.zeroControlSuccesses) }
    guard successes > 0 else { return .undefined(.zeroTreatmentSuccesses) }

    let logRatio = log(rate / control.rate)
    // (1 − p̂) / x = failures / (x n), from the counts so that 1 − p̂ does not cancel.
    let variance =
      Double(failures) / (Double(successes) * Double(trials))
      + Double(control.failures) / (Double(control.successes) * Double(control.trials))
    let halfWidth = z * variance.squareRoot()

    return .defined(
      ConfidenceInterval(
        lower: expm1(logRatio - halfWidth), upper: expm1(logRatio + halfWidth),
        confidenceLevel: confidenceLevel))
  }
}

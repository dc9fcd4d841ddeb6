/// One arm's outcome as measured from the data marketing has.
public struct ArmOutcome: Sendable, Hashable {
  public let name: String
  public let customers: Int
  public let conversions: Int
  /// Revenue of the converting orders, in dollars.
  public let revenue: Double

  public init(name: String, customers: Int, conversions: Int, revenue: Double = 0) {
    self.name = name
    self.customers = customers
    self.conversions = conversions
    self.revenue = revenue
  }

  /// Conversions per customer; nil for an empty arm.
  public var conversionRate: Double? {
    customers > 0 ? Double(conversions) / Double(customers) : nil
  }

  /// Revenue per customer of the arm; nil for an empty arm.
  public var revenuePerCustomer: Double? {
    customers > 0 ? revenue / Double(customers) : nil
  }
}

/// The effect the treatment truly had, known only to a simulator: every enrolled customer
/// was simulated in both arms with the same random draws, so each has a potential outcome
/// under treatment and under holdout.
public struct GroundTruth: Sendable, Hashable {
  /// Customers simulated in both arms.
  public let customers: Int
  public let conversionsIfTreated: Int
  public let conversionsIfHeldOut: Int

  public init(customers: Int, conversionsIfTreated: Int, conversionsIfHeldOut: Int) {
    self.customers = customers
    self.conversionsIfTreated = conversionsIfTreated
    self.conversionsIfHeldOut = conversionsIfHeldOut
  }

  /// The sample average treatment effect on the conversion rate:
  /// (ΣYᵢ(treated) − ΣYᵢ(held out)) / n. Undefined with no customers.
  public var absoluteLift: MaybeDefined<Double> {
    guard customers > 0 else { return .undefined(.emptyArm) }
    return .defined(Double(conversionsIfTreated - conversionsIfHeldOut) / Double(customers))
  }

  /// ΣYᵢ(treated) / ΣYᵢ(held out) − 1. Undefined when no one converts when held out.
  public var relativeLift: MaybeDefined<Double> {
    guard customers > 0 else { return .undefined(.emptyArm) }
    guard conversionsIfHeldOut > 0 else { return .undefined(.zeroControlSuccesses) }
    return .defined(Double(conversionsIfTreated) / Double(conversionsIfHeldOut) - 1)
  }
}

/// The lift of a treatment arm over a control arm: the estimate with its interval and
/// test, and the truth when a simulator supplied it.
public struct LiftMeasurement: Sendable {
  public let treatment: ArmOutcome
  public let control: ArmOutcome
  /// Nil when an arm is empty, with the reason in `undefinedReason`.
  public let comparison: ProportionComparison?
  public let undefinedReason: UndefinedReason?
  public let truth: GroundTruth?
  /// Each arm's Wilson score interval for its conversion rate; nil for an empty arm, even
  /// when the other arm is not empty.
  public let treatmentRateInterval: ConfidenceInterval?
  public let controlRateInterval: ConfidenceInterval?

  public init(
    treatment: ArmOutcome, control: ArmOutcome, truth: GroundTruth?,
    confidenceLevel: Double = 0.95
  ) throws {
    self.treatment = treatment
    self.control = control
    self.truth = truth
    treatmentRateInterval = try LiftMeasurement.rateInterval(treatment, confidenceLevel)
    controlRateInterval = try LiftMeasurement.rateInterval(control, confidenceLevel)
    if treatment.customers == 0 || control.customers == 0 {
      comparison = nil
      undefinedReason = .emptyArm
    } else {
      comparison = try ProportionComparison(
        treatment: BinomialArm(successes: treatment.conversions, trials: treatment.customers),
        control: BinomialArm(successes: control.conversions, trials: control.customers),
        confidenceLevel: confidenceLevel)
      undefinedReason = nil
    }
  }

  private static func rateInterval(_ arm: ArmOutcome, _ confidenceLevel: Double) throws
    -> ConfidenceInterval?
  {
    guard arm.customers > 0 else { return nil }
    return try BinomialArm(successes: arm.conversions, trials: arm.customers)
      .wilsonInterval(confidenceLevel: confidenceLevel)
  }
}

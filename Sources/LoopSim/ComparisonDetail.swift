import Measure

/// The statistics of one arm-against-holdout comparison beyond the conversion test: the
/// Holm-adjusted p-value, the test on revenue per customer, and the CUPED-adjusted
/// conversion lift.
struct ComparisonDetail: Sendable {
  /// Welch's t-test and bootstrap intervals on the difference of revenue per customer.
  struct Revenue: Sendable {
    let welch: WelchTTest
    let bootstrap: Bootstrap?
    /// Why there is no bootstrap (a sample too small), when there is none.
    let bootstrapUndefinedReason: String?
  }

  let arm: String
  /// The conversion test's p-value adjusted over all comparisons (Holm); nil without a test.
  let holmPValue: Double?
  /// Nil when revenue per customer is not a listed metric or an arm has fewer than two users.
  let revenue: Revenue?
  let revenueUndefinedReason: String?
  /// Nil without a pre-period or with too few users.
  let cuped: CUPED?
  let cupedUndefinedReason: String?

  /// Resamples of the revenue bootstrap.
  static let bootstrapResamples = 2_000

  static func make(
    lift: LiftMeasurement, holmPValue: Double?, treatment: WarehouseLift.ArmData?,
    control: WarehouseLift.ArmData?, revenueListed: Bool, covariates: [String: Double]?,
    seed: UInt64
  ) -> ComparisonDetail {
    var revenue: Revenue?
    var revenueReason: String?
    if !revenueListed {
      revenueReason = "notListed"
    } else if let treatment, let control, treatment.revenues.count >= 2,
      control.revenues.count >= 2
    {
      do {
        let welch = try WelchTTest(treatment: treatment.revenues, control: control.revenues)
        var bootstrap: Bootstrap?
        var bootstrapReason: String?
        do {
          bootstrap = try Bootstrap(
            treatment: treatment.revenues, control: control.revenues, seed: seed,
            resamples: bootstrapResamples)
        } catch {
          bootstrapReason = "bootstrapFailed"
        }
        revenue = Revenue(
          welch: welch, bootstrap: bootstrap, bootstrapUndefinedReason: bootstrapReason)
      } catch {
        revenueReason = "tooFewValues"
      }
    } else {
      revenueReason = "tooFewValues"
    }

    var cuped: CUPED?
    var cupedReason: String?
    if let covariates {
      if let treatment, let control, treatment.userIds.count >= 2, control.userIds.count >= 2 {
        let users = treatment.userIds + control.userIds
        let outcomes = (treatment.converted + control.converted).map { $0 ? 1.0 : 0.0 }
        let arms =
          Array(repeating: CUPED.Arm.treatment, count: treatment.userIds.count)
          + Array(repeating: CUPED.Arm.control, count: control.userIds.count)
        cuped = try? CUPED(
          outcomes: outcomes, covariates: users.map { covariates[$0] ?? 0 }, arms: arms)
        if cuped == nil { cupedReason = "cupedFailed" }
      } else {
        cupedReason = "tooFewValues"
      }
    } else {
      cupedReason = "noPrePeriod"
    }

    return ComparisonDetail(
      arm: lift.treatment.name, holmPValue: holmPValue, revenue: revenue,
      revenueUndefinedReason: revenueReason, cuped: cuped, cupedUndefinedReason: cupedReason)
  }
}

import Customers
import Engage
import Measure
import Simulation

/// Each enrolled customer's outcome in the treatment arm and in the holdout, from passes
/// that forced every customer into one arm. A customer converts when they buy anything at
/// or after their assignment, before the run ends.
///
/// TODO: compares only the experiment's first arm with the holdout; customers assigned to
/// other arms or to the global control are left out.
struct GroundTruthTable {
  struct Row {
    let customer: UInt64
    let userId: String
    let arm: String
    let converted: Bool
    let convertedIfTreated: Bool
    let convertedIfHeldOut: Bool
  }

  /// Rows in customer order.
  let rows: [Row]
  /// Customers in the compared arms who were not assigned in a forced pass; zero unless
  /// the passes diverged before the split.
  let unmatched: Int

  init(factual: PassResult, treated: PassResult?, heldOut: PassResult?, treatmentArm: String?) {
    let ifTreated = treated.map(Self.conversions) ?? [:]
    let ifHeldOut = heldOut.map(Self.conversions) ?? [:]
    var rows: [Row] = []
    var unmatched = 0
    for enrollment in factual.enrollments {
      guard let arm = enrollment.arm, let assignedAt = enrollment.assignedAt,
        arm == treatmentArm || arm == ExperimentConfig.holdoutArm
      else { continue }
      guard let treatedOutcome = ifTreated[enrollment.customer],
        let heldOutOutcome = ifHeldOut[enrollment.customer]
      else {
        unmatched += 1
        continue
      }
      let converted = factual.customers[Int(enrollment.customer)].hasPurchased(since: assignedAt)
      rows.append(
        Row(
          customer: enrollment.customer, userId: enrollment.userId, arm: arm,
          converted: converted, convertedIfTreated: treatedOutcome,
          convertedIfHeldOut: heldOutOutcome))
    }
    self.rows = rows.sorted { $0.customer < $1.customer }
    self.unmatched = unmatched
  }

  /// Whether each customer assigned in `pass` converted after the assignment.
  private static func conversions(in pass: PassResult) -> [UInt64: Bool] {
    var converted: [UInt64: Bool] = [:]
    for enrollment in pass.enrollments {
      guard enrollment.arm != nil, let assignedAt = enrollment.assignedAt else { continue }
      converted[enrollment.customer] =
        pass.customers[Int(enrollment.customer)].hasPurchased(since: assignedAt)
    }
    return converted
  }

  var totals: GroundTruth {
    GroundTruth(
      customers: rows.count,
      conversionsIfTreated: rows.lazy.filter(\.convertedIfTreated).count,
      conversionsIfHeldOut: rows.lazy.filter(\.convertedIfHeldOut).count)
  }
}

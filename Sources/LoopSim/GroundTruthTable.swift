import Customers
import Engage
import Measure
import Simulation

/// Each enrolled customer's outcome in both arms, from the factual and the counterfactual
/// pass. A customer converts when they buy anything at or after their assignment, before
/// the run ends.
struct GroundTruthTable {
  struct Row {
    let customer: UInt64
    let userId: String
    let arm: Arm
    let convertedIfTreated: Bool
    let convertedIfHeldOut: Bool

    var converted: Bool { arm == .treatment ? convertedIfTreated : convertedIfHeldOut }
  }

  /// Rows in customer order.
  let rows: [Row]
  /// Customers assigned in one pass but not the other; zero unless the passes diverged
  /// before the split.
  let unmatched: Int

  init(factual: PassResult, counterfactual: PassResult) {
    var other: [UInt64: (arm: Arm, converted: Bool)] = [:]
    for enrollment in counterfactual.enrollments {
      guard let arm = enrollment.arm, let assignedAt = enrollment.assignedAt else { continue }
      let state = counterfactual.customers[Int(enrollment.customer)]
      other[enrollment.customer] = (arm, state.hasPurchased(since: assignedAt))
    }

    var rows: [Row] = []
    var unmatched = 0
    for enrollment in factual.enrollments {
      guard let arm = enrollment.arm, let assignedAt = enrollment.assignedAt else { continue }
      guard let flipped = other.removeValue(forKey: enrollment.customer), flipped.arm != arm else {
        unmatched += 1
        continue
      }
      let converted = factual.customers[Int(enrollment.customer)].hasPurchased(since: assignedAt)
      rows.append(
        Row(
          customer: enrollment.customer, userId: enrollment.userId, arm: arm,
          convertedIfTreated: arm == .treatment ? converted : flipped.converted,
          convertedIfHeldOut: arm == .holdout ? converted : flipped.converted))
    }
    self.rows = rows.sorted { $0.customer < $1.customer }
    self.unmatched = unmatched + other.count
  }

  var totals: GroundTruth {
    GroundTruth(
      customers: rows.count,
      conversionsIfTreated: rows.lazy.filter(\.convertedIfTreated).count,
      conversionsIfHeldOut: rows.lazy.filter(\.convertedIfHeldOut).count)
  }
}

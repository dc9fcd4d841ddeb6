import Customers
import Engage
import Measure
import Simulation

/// Each experiment customer's outcome in every arm, from passes that forced every customer
/// into one arm with the same random draws. Experiment customers are those the factual
/// pass assigned to an arm of the experiment or to the holdout (not the global control),
/// at their first split in any workflow. A customer converts when a purchase after that
/// split counts under the measurement section.
struct GroundTruthTable {
  struct Row {
    let customer: UInt64
    let userId: String
    let arm: String
    let converted: Bool
    /// Whether the customer converts when forced into each arm, by arm name.
    let outcomes: [String: Bool]
  }

  /// The arms with potential outcomes, in the order the summary lists them.
  let arms: [String]
  /// Rows in customer order.
  let rows: [Row]
  /// Experiment customers missing from a forced pass; zero unless the passes diverged
  /// before the split.
  let unmatched: Int

  init(
    factual: PassResult, forced: [(arm: String, pass: PassResult)], catalog: Catalog,
    measurement: MeasurementConfig
  ) {
    let outcomesByArm = forced.map { (arm: $0.arm, outcomes: Self.outcomes($0.pass, catalog, measurement)) }
    let factualOutcomes = Self.outcomes(factual, catalog, measurement)
    var rows: [Row] = []
    var unmatched = 0
    for assignment in factual.assignments {
      let arm = assignment.arm
      guard arm != ExperimentConfig.globalControlArm,
        let converted = factualOutcomes[assignment.customer]
      else { continue }
      var outcomes: [String: Bool] = [:]
      for (forcedArm, forcedOutcomes) in outcomesByArm {
        outcomes[forcedArm] = forcedOutcomes[assignment.customer]
      }
      guard outcomes.count == outcomesByArm.count else {
        unmatched += 1
        continue
      }
      rows.append(
        Row(
          customer: assignment.customer, userId: assignment.userId, arm: arm,
          converted: converted, outcomes: outcomes))
    }
    self.arms = forced.map(\.arm)
    self.rows = rows.sorted { $0.customer < $1.customer }
    self.unmatched = unmatched
  }

  /// The true effect of `treatment` over `control` among all experiment customers; nil
  /// when either arm has no forced pass.
  func truth(treatment: String, control: String) -> GroundTruth? {
    guard arms.contains(treatment), arms.contains(control) else { return nil }
    return GroundTruth(
      customers: rows.count,
      conversionsIfTreated: rows.lazy.filter { $0.outcomes[treatment] == true }.count,
      conversionsIfHeldOut: rows.lazy.filter { $0.outcomes[control] == true }.count)
  }

  /// Whether each customer assigned in `pass` converted after their first split, in any
  /// workflow. The trigger class is that of the split's enrollment.
  private static func outcomes(
    _ pass: PassResult, _ catalog: Catalog, _ measurement: MeasurementConfig
  ) -> [UInt64: Bool] {
    var converted: [UInt64: Bool] = [:]
    for assignment in pass.assignments {
      let purchases = pass.customers[Int(assignment.customer)].purchases
      converted[assignment.customer] = purchases.contains { purchase in
        measurement.counts(
          purchaseAt: purchase.time, of: catalog.classes[purchase.classIndex].id,
          assignedAt: assignment.assignedAt, triggerClass: assignment.classId)
      }
    }
    return converted
  }
}

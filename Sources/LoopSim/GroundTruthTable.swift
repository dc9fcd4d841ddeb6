import Customers
import Engage
import Measure
import Simulation

/// Each experiment customer's outcome in every arm, from passes that forced every customer
/// into one arm with the same random draws. Experiment customers are those the factual
/// pass assigned to an arm of the experiment or to the holdout (not the global control),
/// at their first split in any workflow. A customer converts when a purchase after that
/// split counts under the measurement section, and the revenue of those counted purchases
/// is the customer's revenue.
struct GroundTruthTable {
  struct Row {
    let customer: UInt64
    let userId: String
    let arm: String
    let converted: Bool
    /// Whether the customer converts when forced into each arm, by arm name.
    let outcomes: [String: Bool]
    /// The revenue of the counted purchases when forced into each arm, in cents.
    let revenues: [String: Int64]
  }

  /// One pass's outcome for one customer.
  private struct Outcome {
    var converted = false
    var revenueCents: Int64 = 0
  }

  /// The arms with potential outcomes, in the order the summary lists them.
  let arms: [String]
  /// Rows in customer order.
  let rows: [Row]
  /// Experiment customers missing from a forced pass; zero unless the passes diverged
  /// before the split.
  let unmatched: Int

  /// Makes the table from rows already matched, in customer order (a merge of shards).
  init(arms: [String], rows: [Row], unmatched: Int) {
    self.arms = arms
    self.rows = rows
    self.unmatched = unmatched
  }

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
        let converted = factualOutcomes[assignment.customer]?.converted
      else { continue }
      var outcomes: [String: Bool] = [:]
      var revenues: [String: Int64] = [:]
      for (forcedArm, forcedOutcomes) in outcomesByArm {
        guard let outcome = forcedOutcomes[assignment.customer] else { continue }
        outcomes[forcedArm] = outcome.converted
        revenues[forcedArm] = outcome.revenueCents
      }
      guard outcomes.count == outcomesByArm.count else {
        unmatched += 1
        continue
      }
      rows.append(
        Row(
          customer: assignment.customer, userId: assignment.userId, arm: arm,
          converted: converted, outcomes: outcomes, revenues: revenues))
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

  /// Returns the true effect of `treatment` over `control` on revenue per customer, in dollars:
  /// (ΣRᵢ(treatment) − ΣRᵢ(control)) / n. Nil when either arm has no forced pass or there
  /// are no customers.
  func revenueDifference(treatment: String, control: String) -> Double? {
    guard arms.contains(treatment), arms.contains(control), !rows.isEmpty else { return nil }
    var difference: Int64 = 0
    for row in rows {
      difference += (row.revenues[treatment] ?? 0) - (row.revenues[control] ?? 0)
    }
    return Double(difference) / 100 / Double(rows.count)
  }

  /// Whether each customer assigned in `pass` converted after their first split, in any
  /// workflow, and the revenue of the purchases that count. The trigger class is that of
  /// the split's enrollment.
  private static func outcomes(
    _ pass: PassResult, _ catalog: Catalog, _ measurement: MeasurementConfig
  ) -> [UInt64: Outcome] {
    var outcomes: [UInt64: Outcome] = [:]
    for assignment in pass.assignments {
      var outcome = Outcome()
      for purchase in pass.customers[Int(assignment.customer)].purchases {
        let item = catalog.classes[purchase.classIndex]
        if measurement.counts(
          purchaseAt: purchase.time, of: item.id, assignedAt: assignment.assignedAt,
          triggerClass: assignment.classId)
        {
          outcome.converted = true
          outcome.revenueCents += item.priceCents
        }
      }
      outcomes[assignment.customer] = outcome
    }
    return outcomes
  }
}

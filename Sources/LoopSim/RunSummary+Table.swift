import Foundation
import Measure

extension RunSummary {
  /// The summary as plain text for a terminal.
  public var table: String {
    var lines: [String] = []
    lines.append(
      "Scenario   \(scenarioName)  (seed \(seed), \(customers) customers, \(events) events)")
    for workflow in workflows {
      let exits = workflow.exits.keys.sorted().map { "\($0) \(workflow.exits[$0] ?? 0)" }
      lines.append(
        "Workflow   \(workflow.name): \(workflow.enrollments) enrolled, \(workflow.active) "
          + "active" + (exits.isEmpty ? "" : "; exits: " + exits.joined(separator: ", ")))
    }
    lines.append("")
    let showRevenue = metrics.contains(.revenuePerCustomer)
    lines.append(
      row(["arm", "customers", "conversions", "rate", "95% CI"] + (showRevenue ? ["revenue/customer"] : [])))
    for arm in arms {
      let outcome = arm.outcome
      var cells = [
        outcome.name, "\(outcome.customers)", "\(outcome.conversions)",
        percent(outcome.conversionRate),
        arm.interval.map { "\(percent($0.lower)) to \(percent($0.upper))" } ?? "undefined",
      ]
      if showRevenue {
        cells.append(outcome.revenuePerCustomer.map { String(format: "$%.2f", $0) } ?? "undefined")
      }
      lines.append(row(cells))
    }
    lines.append("")
    if comparisons.isEmpty {
      lines.append("Lift       undefined: \((comparisonsUndefinedReason ?? .noExperiment).description)")
    }
    for (comparison, detail) in zip(comparisons, details) {
      lines += describe(comparison, detail, labelled: comparisons.count > 1)
    }
    if let sampleRatio {
      lines.append(
        "Split      " + zip(sampleRatioArms, sampleRatio.counts).map { "\($0) \($1)" }
          .joined(separator: ", ")
          + ": chi-square p = \(formatP(sampleRatio.pValue))"
          + (sampleRatio.isMismatch ? " (sample ratio mismatch)" : ""))
    } else if sampleRatioUndefinedReason == "noAssignments" {
      lines.append("Split      undefined: no customer was assigned to an arm")
    }
    for warning in warnings {
      lines.append("Warning    \(warning)")
    }
    lines.append("")
    lines.append(
      "Messages   emitted \(collect.emitted) = accepted \(collect.accepted) + quarantined "
        + "\(collect.quarantined) + dropped \(collect.dropped); flagged \(collect.flagged)")
    lines.append(
      "  accepted: late \(collect.late), duplicates after the window "
        + "\(collect.duplicatesOutsideWindow); identity merges \(collect.merges)")
    for (kind, counts) in destinations {
      lines.append(
        "  \(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) routed "
          + "\(counts.routed) = delivered \(counts.delivered) + filtered \(counts.filtered) + "
          + "dead-lettered \(counts.deadLettered); retries \(counts.retries)")
    }
    lines.append(
      "Emails     sent \(emails.sent), delivered \(emails.delivered), bounced \(emails.bounced), "
        + "opened \(emails.opened), clicked \(emails.clicked)")
    let skipped = sends.skippedReasons.filter { $0.count > 0 }.map { "\($0.reason.rawValue) \($0.count)" }
    lines.append(
      "Sends      attempts \(sends.attempts) = sent \(sends.sent) + skipped \(sends.skipped)"
        + (skipped.isEmpty ? "" : " (" + skipped.joined(separator: ", ") + ")")
        + (sends.delayedByQuietHours > 0
          ? "; delayed by quiet hours \(sends.delayedByQuietHours)" : ""))
    if let attribution {
      lines.append("")
      lines += attribution.tableLines
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func describe(
    _ lift: LiftMeasurement, _ detail: ComparisonDetail, labelled: Bool
  ) -> [String] {
    var lines: [String] = []
    if labelled {
      lines.append("\(lift.treatment.name) vs \(lift.control.name)")
    }
    if let comparison = lift.comparison {
      let relative = comparison.relativeLift.value.map { percent($0, signed: true) } ?? "undefined"
      lines.append(
        "Lift       \(percentPoints(comparison.absoluteLift)) absolute "
          + "(95% CI \(percentPoints(comparison.absoluteLiftInterval.lower)) to "
          + "\(percentPoints(comparison.absoluteLiftInterval.upper))), \(relative) relative")
      let z = comparison.zTest.statistic.value.map { String(format: "%.3f", $0) } ?? "undefined"
      var test = "Test       z = \(z), p = \(formatP(comparison.zTest.pValue)) (two-sided)"
      if labelled, let holm = detail.holmPValue {
        test += ", Holm-adjusted p = \(formatP(holm))"
      }
      if let fisher = comparison.fisherExactTest {
        test += "; small sample: Fisher's exact p = \(formatP(fisher.pValue))"
      }
      lines.append(test)
    } else {
      lines.append("Lift       undefined: \(lift.undefinedReason?.description ?? "")")
    }
    if let cuped = detail.cuped, let interval = cuped.test.interval.value {
      let reduction = cuped.varianceReduction.value.map { String(format: "%.1f%%", $0 * 100) }
        ?? "undefined"
      lines.append(
        "CUPED      \(percentPoints(cuped.adjustedTreatmentMean - cuped.adjustedControlMean)) "
          + "absolute (95% CI \(percentPoints(interval.lower)) to "
          + "\(percentPoints(interval.upper))), variance reduced by \(reduction)")
    }
    if let revenue = detail.revenue {
      let welch = revenue.welch
      let interval = welch.interval.value.map {
        "\(dollars($0.lower)) to \(dollars($0.upper))"
      } ?? "undefined"
      let p = welch.pValue.value.map(formatP) ?? "undefined"
      lines.append(
        "Revenue    \(dollars(welch.meanDifference)) per customer (95% CI \(interval)), "
          + "Welch p = \(p)")
    }
    if let truth = lift.truth {
      let absolute = truth.absoluteLift.value.map { percentPoints($0) } ?? "undefined"
      let relative = truth.relativeLift.value.map { percent($0, signed: true) } ?? "undefined"
      lines.append(
        "True lift  \(absolute) absolute, \(relative) relative "
          + "(\(truth.customers) customers in every arm)")
    }
    return lines
  }

  private func row(_ cells: [String]) -> String {
    let widths = [16, 10, 12, 8, 20, 10]
    return zip(cells, widths).map { cell, width in
      cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
    }.joined().trimmingCharacters(in: .whitespaces)
  }

  private func percent(_ value: Double?, signed: Bool = false) -> String {
    guard let value else { return "undefined" }
    return String(format: signed ? "%+.2f%%" : "%.2f%%", value * 100)
  }

  /// A signed dollar amount, sign first: `+$1.25`, `-$12.45`.
  private func dollars(_ value: Double) -> String {
    (value < 0 ? "-" : "+") + String(format: "$%.2f", abs(value))
  }

  private func percentPoints(_ value: Double) -> String {
    String(format: "%+.2f pp", value * 100)
  }

  private func formatP(_ value: Double) -> String {
    value < 0.0001 ? String(format: "%.2e", value) : String(format: "%.4f", value)
  }
}

import Foundation
import Measure

extension CSVLift {
  /// The report as plain text for a terminal: the arms and the sample ratio check, then per
  /// outcome each arm's rate or mean and each treatment arm's lift, then the warnings.
  public var table: String {
    let control = arms[controlIndex].value
    let treatments = treatmentIndices.count
    var lines = [
      "File          \(file) (\(rowCount) rows, arms from column \"\(request.armColumn)\")",
      "Control       \(control)",
      "Method        95% intervals, two-sided tests, p-values Holm-adjusted over \(treatments) "
        + (treatments == 1 ? "treatment arm" : "treatment arms"),
    ]
    if outcomes.contains(where: { if case .continuous = $0 { true } else { false } }) {
      lines.append("Bootstrap     \(request.resamples) resamples, seed \(request.seed)")
    }
    if let covariate = request.covariate {
      lines.append("CUPED         covariate \"\(covariate)\"")
    }
    lines.append("")

    var armRows = [["arm", "rows", "expected share", ""]]
    for arm in arms {
      armRows.append([
        arm.value, "\(arm.rows)", LiftFormat.percent(arm.expectedShare),
        arm.isControl ? "control" : "",
      ])
    }
    lines += LiftFormat.columns(armRows)
    lines.append(
      "Sample ratio  chi-squared \(LiftFormat.number(sampleRatio.statistic)), "
        + "df \(sampleRatio.degreesOfFreedom), p = \(LiftFormat.pValue(sampleRatio.pValue)): "
        + (sampleRatio.isMismatch ? "MISMATCH" : "no mismatch")
        + " (threshold p < \(SampleRatioMismatch.threshold))")

    for outcome in outcomes {
      lines.append("")
      switch outcome {
      case .binary(let lift): lines += binaryLines(lift, control: control)
      case .continuous(let lift): lines += continuousLines(lift, control: control)
      }
    }

    let warnings = self.warnings
    if !warnings.isEmpty {
      lines.append("")
      lines.append("Warnings")
      lines += warnings.map { "  \($0.message)" }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func binaryLines(_ lift: BinaryOutcomeLift, control: String) -> [String] {
    var rows = [["arm", "rows", "successes", "rate", "95% CI"]]
    for (arm, (counts, interval)) in zip(arms, zip(lift.arms, lift.rateIntervals)) {
      rows.append([
        arm.value, "\(counts.trials)", "\(counts.successes)", LiftFormat.percent(counts.rate),
        LiftFormat.interval(interval.lower, interval.upper) { LiftFormat.percent($0) },
      ])
    }
    var lines = ["\(lift.column): binary"] + LiftFormat.columns(rows)

    for comparison in lift.comparisons {
      let proportions = comparison.proportions
      let absolute = proportions.absoluteLiftInterval
      let relativePercent = { (value: Double) in LiftFormat.percent(value, signed: true) }
      let relative: String
      switch proportions.relativeLift {
      case .defined(let value):
        let interval = intervalText(LiftValue(proportions.relativeLiftInterval), relativePercent)
        relative = "\(relativePercent(value)) (95% CI \(interval))"
      case .undefined(let reason):
        relative = "undefined: \(reason.description)"
      }

      var test = comparison.test + ": "
      if !comparison.usesExactTest {
        let z = proportions.zTest.statistic.value.map { LiftFormat.number($0) } ?? "undefined"
        test += "z = \(z), "
      }
      test += "p = \(LiftFormat.pValue(comparison.pValue))"
      test += ", Holm p = \(LiftFormat.pValue(comparison.pValueHolm))"

      lines.append("\(comparison.treatment) vs \(control)")
      lines.append(
        "  Absolute    \(LiftFormat.percentPoints(proportions.absoluteLift)) (95% CI "
          + LiftFormat.interval(absolute.lower, absolute.upper, LiftFormat.percentPoints) + ")")
      lines.append("  Relative    \(relative)")
      lines.append("  Test        \(test)")
      if let cuped = comparison.cuped {
        lines += cupedLines(cuped, format: LiftFormat.percentPoints)
      }
    }
    return lines
  }

  private func continuousLines(_ lift: ContinuousOutcomeLift, control: String) -> [String] {
    var rows = [["arm", "rows", "mean", "standard deviation"]]
    for (arm, summary) in zip(arms, lift.arms) {
      rows.append([
        arm.value, "\(summary.count)", LiftFormat.number(summary.mean),
        summary.standardDeviation.value.map { LiftFormat.number($0) } ?? "undefined",
      ])
    }
    var lines = ["\(lift.column): continuous"] + LiftFormat.columns(rows)
    let signed = { (value: Double) in LiftFormat.number(value, signed: true) }

    for comparison in lift.comparisons {
      lines.append("\(comparison.treatment) vs \(control)")
      var difference = signed(comparison.meanDifference)
      var test = "Welch's t-test: "
      switch comparison.welch {
      case .defined(let welch):
        difference += " (95% CI " + intervalText(LiftValue(welch.interval), signed) + ")"
        let t = welch.statistic.value.map { LiftFormat.number($0) } ?? "undefined"
        let df = welch.degreesOfFreedom.value.map { LiftFormat.number($0) } ?? "undefined"
        test += "t = \(t), df = \(df), p = \(pValueText(comparison.pValue))"
        test += ", Holm p = \(pValueText(comparison.pValueHolm))"
      case .undefined(let reason):
        test += "undefined: \(reason.description)"
      }
      lines.append("  Difference  \(difference)")
      lines.append("  Test        \(test)")
      switch comparison.bootstrap {
      case .defined(let bootstrap):
        let percentile = bootstrap.percentileInterval
        lines.append(
          "  Bootstrap   percentile 95% CI "
            + LiftFormat.interval(percentile.lower, percentile.upper, signed) + ", BCa 95% CI "
            + intervalText(LiftValue(bootstrap.bcaInterval), signed))
      case .undefined(let reason):
        lines.append("  Bootstrap   undefined: \(reason.description)")
      }
      if let cuped = comparison.cuped {
        lines += cupedLines(cuped, format: signed)
      }
    }
    return lines
  }

  /// Describes a CUPED result on two lines, with `format` for the adjusted difference.
  private func cupedLines(_ cuped: CUPEDLift, format: @escaping (Double) -> String) -> [String] {
    guard let result = cuped.result.value else {
      return ["  CUPED       undefined: \(cuped.result.undefinedReason?.description ?? "")"]
    }
    let theta = result.theta.value.map { LiftFormat.number($0) } ?? "undefined"
    let reduction = result.varianceReduction.value.map { LiftFormat.percent($0) } ?? "undefined"
    return [
      "  CUPED       θ = \(theta), variance reduction \(reduction)",
      "              adjusted difference \(format(result.test.meanDifference)) (95% CI "
        + intervalText(LiftValue(result.test.interval), format) + "), p = "
        + "\(pValueText(cuped.pValue)), Holm p = \(pValueText(cuped.pValueHolm))",
    ]
  }

  private func intervalText(
    _ interval: LiftValue<ConfidenceInterval>, _ format: (Double) -> String
  ) -> String {
    switch interval {
    case .defined(let interval): LiftFormat.interval(interval.lower, interval.upper, format)
    case .undefined(let reason): "undefined: \(reason.description)"
    }
  }

  private func pValueText(_ pValue: LiftValue<Double>) -> String {
    pValue.value.map { LiftFormat.pValue($0) } ?? "undefined"
  }
}

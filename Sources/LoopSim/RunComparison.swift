import Config
import Foundation
import Measure

/// `loopsim compare`: the headline metrics of several runs side by side, and each later
/// run's conversion rates tested against the first run's, arm by arm.
public struct RunComparison: Sendable {
  /// One run being compared: a scenario run now, or a finished run folder.
  public struct Input: Sendable {
    /// `A`, `B`, … in the order given.
    public let label: String
    /// The path given on the command line.
    public let source: String
    /// Whether the run comes from a scenario file run now, rather than a run folder.
    public let isScenario: Bool
    public let headlines: SummaryHeadlines

    public init(label: String, source: String, isScenario: Bool, headlines: SummaryHeadlines) {
      self.label = label
      self.source = source
      self.isScenario = isScenario
      self.headlines = headlines
    }
  }

  /// One arm's conversion rate in a later run against the same arm in the first run.
  public struct Difference: Sendable {
    public let input: String
    public let arm: String
    /// The test, or nil when either run lacks the arm or has no customers in it.
    public let comparison: ProportionComparison?
    /// Why `comparison` is nil: `armMissing` or `emptyArm`.
    public let undefinedReason: String?
  }

  public let inputs: [Input]
  public let differences: [Difference]

  /// Compares `inputs`, the first being the reference. Arms are matched by name, in the
  /// first run's order and then the order in which later runs add arms.
  public init(inputs: [Input]) {
    self.inputs = inputs
    let reference = inputs.first
    var differences: [Difference] = []
    for input in inputs.dropFirst() {
      for arm in Self.armNames(inputs) {
        let first = reference.flatMap { Self.counts(of: arm, in: $0) }
        let later = Self.counts(of: arm, in: input)
        guard let first, let later else {
          differences.append(
            Difference(
              input: input.label, arm: arm, comparison: nil, undefinedReason: "armMissing"))
          continue
        }
        guard
          let control = try? BinomialArm(successes: first.conversions, trials: first.customers),
          let treatment = try? BinomialArm(successes: later.conversions, trials: later.customers),
          let comparison = try? ProportionComparison(treatment: treatment, control: control)
        else {
          differences.append(
            Difference(input: input.label, arm: arm, comparison: nil, undefinedReason: "emptyArm"))
          continue
        }
        differences.append(
          Difference(input: input.label, arm: arm, comparison: comparison, undefinedReason: nil))
      }
    }
    self.differences = differences
  }

  /// Returns every arm name of the runs, the first run's first.
  static func armNames(_ inputs: [Input]) -> [String] {
    var names: [String] = []
    for input in inputs {
      for metric in input.headlines.metrics where metric.name.hasPrefix("arms[")
        && metric.name.hasSuffix("].customers")
      {
        let name = String(metric.name.dropFirst("arms[".count).dropLast("].customers".count))
        if !names.contains(name) { names.append(name) }
      }
    }
    return names
  }

  /// Returns every treatment with a comparison in any run, in order of appearance.
  static func treatmentNames(_ inputs: [Input]) -> [String] {
    var names: [String] = []
    for input in inputs {
      for metric in input.headlines.metrics where metric.name.hasPrefix("comparisons[")
        && metric.name.hasSuffix("].absolute")
      {
        let name = String(
          metric.name.dropFirst("comparisons[".count).dropLast("].absolute".count))
        if !names.contains(name) { names.append(name) }
      }
    }
    return names
  }

  static func counts(of arm: String, in input: Input) -> (customers: Int, conversions: Int)? {
    guard let customers = input.headlines.metric("arms[\(arm)].customers")?.value,
      let conversions = input.headlines.metric("arms[\(arm)].conversions")?.value
    else { return nil }
    return (Int(customers), Int(conversions))
  }

  // MARK: Table

  /// The comparison as plain text: the inputs, the metrics side by side, the differences.
  public var table: String {
    var lines = ["Inputs"]
    for input in inputs {
      let headlines = input.headlines
      lines.append(
        "  \(input.label)  \(input.source): \(headlines.scenario), seed \(headlines.seed), "
          + "\(headlines.customers) customers"
          + (input.isScenario ? " (run now)" : " (run folder)"))
    }
    lines.append("")

    var rows: [[String]] = [["metric"] + inputs.map(\.label)]
    for arm in Self.armNames(inputs) {
      rows.append(
        ["\(arm) rate"]
          + inputs.map { cell($0.headlines.metric("arms[\(arm)].conversionRate"), percent) })
      rows.append(
        ["\(arm) conversions"]
          + inputs.map { input in
            Self.counts(of: arm, in: input).map { "\($0.conversions) of \($0.customers)" }
              ?? "-"
          })
    }
    for treatment in Self.treatmentNames(inputs) {
      rows.append(
        ["lift \(treatment)"]
          + inputs.map {
            cell($0.headlines.metric("comparisons[\(treatment)].absolute"), percentPoints)
          })
      rows.append(
        ["relative lift \(treatment)"]
          + inputs.map {
            cell($0.headlines.metric("comparisons[\(treatment)].relative"), signedPercent)
          })
    }
    for (label, name) in [("emails sent", "emails.sent"), ("messages emitted", "messages.emitted")]
    {
      rows.append(
        [label]
          + inputs.map { input in
            input.headlines.metric(name)?.value.map { String(Int($0)) } ?? "-"
          })
    }
    lines += aligned(rows)

    if let reference = inputs.first, inputs.count > 1 {
      lines.append("")
      lines.append(
        "Conversion rate of each arm against \(reference.label): difference, Newcombe 95% CI, "
          + "pooled two-proportion z-test")
      var differenceRows: [[String]] = [["input", "arm", "difference", "95% CI", "z", "p"]]
      for difference in differences {
        let label = "\(difference.input) − \(reference.label)"
        guard let comparison = difference.comparison else {
          differenceRows.append(
            [label, difference.arm, "undefined (\(difference.undefinedReason ?? ""))", "", "", ""])
          continue
        }
        let interval = comparison.absoluteLiftInterval
        differenceRows.append([
          label, difference.arm, percentPoints(comparison.absoluteLift),
          "\(percentPoints(interval.lower)) to \(percentPoints(interval.upper))",
          comparison.zTest.statistic.value.map { String(format: "%.3f", $0) } ?? "undefined",
          formatP(comparison.zTest.pValue),
        ])
      }
      lines += aligned(differenceRows)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func cell(_ metric: HeadlineMetric?, _ format: (Double) -> String) -> String {
    guard let metric else { return "-" }
    guard let value = metric.value else {
      return "undefined" + (metric.undefinedReason.map { " (\($0))" } ?? "")
    }
    guard let interval = metric.interval else { return format(value) }
    return "\(format(value)) [\(format(interval.lowerBound)), \(format(interval.upperBound))]"
  }

  private func aligned(_ rows: [[String]]) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in
      rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    return rows.map { row in
      row.enumerated().map { column, text in
        column == row.count - 1
          ? text : text.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
      }.joined().trimmingCharacters(in: .whitespaces)
    }
  }

  private func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
  private func signedPercent(_ value: Double) -> String {
    String(format: "%+.2f%%", value * 100)
  }
  private func percentPoints(_ value: Double) -> String {
    String(format: "%+.2f pp", value * 100)
  }
  private func formatP(_ value: Double) -> String {
    value < 0.0001 ? String(format: "%.2e", value) : String(format: "%.4f", value)
  }

  // MARK: JSON

  /// The comparison as JSON for `--json`, keys in a fixed order. Rates and differences are
  /// fractions; an undefined value is null with a reason beside it.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.key("inputs")
    writer.beginArray()
    for input in inputs {
      writeInput(input, to: &writer)
    }
    writer.endArray()
    writer.member("reference", inputs.first?.label)
    writer.key("differences")
    writer.beginArray()
    for difference in differences {
      writeDifference(difference, to: &writer)
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  private func writeInput(_ input: Input, to writer: inout JSONWriter) {
    let headlines = input.headlines
    writer.beginObject()
    writer.member("label", input.label)
    writer.member("source", input.source)
    writer.member("kind", input.isScenario ? "scenario" : "runFolder")
    writer.member("scenario", headlines.scenario)
    writer.member("seed", headlines.seed)
    writer.member("customers", headlines.customers)
    writer.key("arms")
    writer.beginArray()
    for arm in Self.armNames([input]) {
      writer.beginObject()
      writer.member("name", arm)
      let counts = Self.counts(of: arm, in: input)
      writer.member("customers", counts?.customers ?? 0)
      writer.member("conversions", counts?.conversions ?? 0)
      writeEstimate(
        "conversionRate", headlines.metric("arms[\(arm)].conversionRate"), to: &writer)
      writer.endObject()
    }
    writer.endArray()

    writer.key("lifts")
    writer.beginArray()
    for treatment in Self.treatmentNames([input]) {
      writer.beginObject()
      writer.member("treatment", treatment)
      writeEstimate(
        "absolute", headlines.metric("comparisons[\(treatment)].absolute"), to: &writer)
      writeEstimate(
        "relative", headlines.metric("comparisons[\(treatment)].relative"), to: &writer)
      writer.endObject()
    }
    writer.endArray()
    writer.member("emailsSent", headlines.metric("emails.sent")?.value)
    writer.member(
      "messagesEmitted", headlines.metric("messages.emitted")?.value)
    writer.endObject()
  }

  /// Writes `key` and `keyCi95`, each null with a reason beside it when undefined.
  private func writeEstimate(
    _ key: String, _ metric: HeadlineMetric?, to writer: inout JSONWriter
  ) {
    writer.member(key, metric?.value)
    if metric?.value == nil {
      writer.member(key + "UndefinedReason", metric?.undefinedReason ?? "missing")
    }
    writer.key(key + "Ci95")
    if let interval = metric?.interval {
      writer.beginArray()
      writer.number(interval.lowerBound)
      writer.number(interval.upperBound)
      writer.endArray()
    } else {
      writer.null()
      writer.member(key + "Ci95UndefinedReason", metric?.undefinedReason ?? "missing")
    }
  }

  private func writeDifference(_ difference: Difference, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.member("input", difference.input)
    writer.member("arm", difference.arm)
    let comparison = difference.comparison
    let reason = difference.undefinedReason ?? ""
    writer.member("difference", comparison?.absoluteLift)
    if comparison == nil { writer.member("differenceUndefinedReason", reason) }
    writer.key("ci95")
    if let interval = comparison?.absoluteLiftInterval {
      writer.beginArray()
      writer.number(interval.lower)
      writer.number(interval.upper)
      writer.endArray()
    } else {
      writer.null()
      writer.member("ci95UndefinedReason", reason)
    }
    writer.member("zStatistic", comparison?.zTest.statistic.value)
    if comparison?.zTest.statistic.value == nil {
      writer.member(
        "zStatisticUndefinedReason",
        comparison?.zTest.statistic.undefinedReason?.rawValue ?? reason)
    }
    writer.member("pValue", comparison?.zTest.pValue)
    if comparison == nil { writer.member("pValueUndefinedReason", reason) }
    writer.member("test", "two-sided pooled two-proportion z-test")
    writer.member("interval", "Newcombe hybrid score interval for the difference")
    writer.endObject()
  }
}

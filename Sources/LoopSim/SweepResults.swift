import Config
import Foundation

/// The table of a sweep: one row per run and headline metric, read from the runs'
/// `summary.json` files, in plan order and then the summary's metric order.
public struct SweepResults: Sendable {
  /// One metric of one run.
  public struct Row: Sendable {
    /// The run's index in `plan.runs`.
    public let run: Int
    public let metric: HeadlineMetric
    /// The p-value of the test beside the estimate in the summary, or nil where the
    /// summary has none or it is undefined.
    public let pValue: Double?
    /// The true value of the estimate from the simulator's counterfactual passes, or nil
    /// where the summary has none.
    public let trueValue: Double?
  }

  public let plan: SweepPlan
  public let rows: [Row]
  /// The ids of the plan's runs that have no summary (only with `allowPartial`).
  public let missingRuns: [String]

  /// Reads `DIRECTORY/plan.json` and every run's `DIRECTORY/runs/ID/summary.json`.
  ///
  /// - Parameter allowPartial: Whether runs without a summary are left out and listed in
  ///   `missingRuns`, rather than an error.
  /// - Throws: `InputError` when the plan is missing or invalid, when a run's summary is
  ///   missing (naming the runs) unless `allowPartial`, and when a summary is not that of
  ///   its run: another scenario, seed or resolved scenario.
  public static func read(directory: String, allowPartial: Bool) throws -> SweepResults {
    let planFile = directory + "/plan.json"
    guard let planData = FileManager.default.contents(atPath: planFile) else {
      throw InputError(
        "\(planFile): cannot read the sweep's plan. Fix: give a folder that loopsim sweep "
          + "wrote, or put the output of loopsim sweep --plan there as plan.json.")
    }
    let plan = try SweepPlan.read(
      json: String(decoding: planData, as: UTF8.self), file: planFile)

    var rows: [Row] = []
    var missing: [String] = []
    for (index, run) in plan.runs.enumerated() {
      let file = "\(directory)/runs/\(run.id)/summary.json"
      guard let data = FileManager.default.contents(atPath: file) else {
        missing.append(run.id)
        continue
      }
      let text = String(decoding: data, as: UTF8.self)
      let version = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?[
        "schemaVersion"] as? Int
      guard version == RunSummary.schemaVersion else {
        throw InputError(
          "\(file): schemaVersion is \(version.map(String.init) ?? "missing"), but this loopsim "
            + "reads summaries of version \(RunSummary.schemaVersion). Fix: rerun \(run.id) from "
            + "its resolvedScenario in plan.json with this loopsim.")
      }
      let headlines = try SummaryHeadlines.read(summary: text, file: file)
      let extras = try SummaryExtras(summary: text, file: file)
      try check(headlines, hash: extras.scenarioSHA256, file: file, against: run, plan: plan)
      for metric in headlines.metrics {
        let (pValue, trueValue) = extras.testAndTruth(of: metric.name)
        rows.append(Row(run: index, metric: metric, pValue: pValue, trueValue: trueValue))
      }
    }
    if !missing.isEmpty, !allowPartial {
      throw InputError(
        "\(directory)/runs: \(missing.count) of \(plan.runs.count) runs have no summary.json: "
          + listed(missing) + ". Fix: run them (plan.json gives each run's resolved scenario "
          + "and seed), or give --allow-partial to combine the runs that exist.")
    }
    if missing.count == plan.runs.count {
      throw InputError(
        "\(directory)/runs: none of the \(plan.runs.count) runs has a summary.json, so there is "
          + "nothing to combine. Fix: run the plan's runs first (plan.json gives each run's "
          + "resolved scenario and seed).")
    }
    return SweepResults(plan: plan, rows: rows, missingRuns: missing)
  }

  /// Returns the ids joined by commas, the first 20 and a count of the rest.
  static func listed(_ ids: [String]) -> String {
    let first = ids.prefix(20).joined(separator: ", ")
    return ids.count > 20 ? first + " and \(ids.count - 20) more" : first
  }

  /// Rejects a summary that does not come from the run that the plan describes.
  private static func check(
    _ headlines: SummaryHeadlines, hash: String?, file: String, against run: SweepPlan.Run,
    plan: SweepPlan
  ) throws {
    let fix = "Fix: rerun \(run.id) from its resolvedScenario in plan.json."
    guard headlines.scenario == plan.scenario else {
      throw InputError(
        "\(file): the summary is of scenario '\(headlines.scenario)', but the plan's "
          + "scenario is '\(plan.scenario)'. \(fix)")
    }
    guard headlines.seed == run.seed else {
      throw InputError(
        "\(file): the summary is of seed \(headlines.seed), but run \(run.id) has seed "
          + "\(run.seed). \(fix)")
    }
    guard let hash else {
      throw InputError("\(file): scenarioSha256: missing key. \(fix)")
    }
    guard hash == run.scenarioSHA256 else {
      throw InputError(
        "\(file): the summary's scenarioSha256 \(hash) differs from run \(run.id)'s "
          + "\(run.scenarioSHA256) in plan.json, so it comes from another scenario. \(fix)")
    }
  }
}

/// The p-values and true values in a summary that belong beside its headline estimates.
///
/// A comparison's absolute and relative lift take its z-test's `pValue` and its
/// `trueAbsolute` and `trueRelative`. The revenue difference takes Welch's `pValue` and
/// the treatment arm's true revenue difference per customer (`trueEffect`). The CUPED
/// difference takes its `pValue` and `trueAbsolute`, because it estimates the same
/// difference of conversion rates.
struct SummaryExtras {
  /// The summary's `scenarioSha256`, or nil when it has none.
  private(set) var scenarioSHA256: String?
  private var values: [String: (pValue: Double?, trueValue: Double?)] = [:]

  init(summary text: String, file: String) throws {
    let root = try JSON5.parse(text, file: file)
    guard case .object(let top) = root.value else { return }
    if case .string(let hash)? = top["scenarioSha256"]?.value {
      scenarioSHA256 = hash
    }
    var revenueTruth: [String: Double] = [:]
    if case .array(let arms)? = top["arms"]?.value {
      for arm in arms {
        guard case .object(let object) = arm.value,
          case .string(let name)? = object["name"]?.value,
          case .object(let effect)? = object["trueEffect"]?.value,
          let difference = Self.number(effect["revenuePerCustomerDifference"])
        else { continue }
        revenueTruth[name] = difference
      }
    }
    guard case .array(let comparisons)? = top["comparisons"]?.value else { return }
    for comparison in comparisons {
      guard case .object(let object) = comparison.value,
        case .string(let treatment)? = object["treatment"]?.value
      else { continue }
      let prefix = "comparisons[\(treatment)]"
      let pValue = Self.number(object["pValue"])
      values[prefix + ".absolute"] = (pValue, Self.number(object["trueAbsolute"]))
      values[prefix + ".relative"] = (pValue, Self.number(object["trueRelative"]))
      if case .object(let revenue)? = object["revenue"]?.value {
        values[prefix + ".revenue.meanDifference"] = (
          Self.number(revenue["pValue"]), revenueTruth[treatment]
        )
      }
      if case .object(let cuped)? = object["cuped"]?.value {
        values[prefix + ".cuped.adjustedDifference"] = (
          Self.number(cuped["pValue"]), Self.number(object["trueAbsolute"])
        )
      }
    }
  }

  /// Returns the p-value and the true value that belong beside the metric `name`.
  func testAndTruth(of name: String) -> (pValue: Double?, trueValue: Double?) {
    values[name] ?? (nil, nil)
  }

  private static func number(_ node: ConfigNode?) -> Double? {
    guard case .number(let number)? = node?.value, number.double.isFinite else { return nil }
    return number.double
  }
}

import Config
import Foundation

/// The runs of a `loopsim sweep`: every combination of the grid values (a point), each
/// run once per replicate, with the resolved scenario that each run simulates.
///
/// Points are numbered from 1 in the order of nested loops over the `--grid` options as
/// given, the last option varying fastest. Replicate r (from 1) of every point runs at
/// seed S + r − 1, where S is the scenario's seed after `--seed` and `--set`, so every
/// point is measured on the same customers (common random numbers).
public struct SweepPlan: Sendable {
  /// A grid path and its values, in the order given.
  public struct Axis: Sendable {
    public let path: String
    public let values: [ConfigNode]
  }

  /// One run: a point of the grid at one replicate's seed.
  public struct Run: Sendable {
    /// `pPP-rRR`, such as `p03-r02`: the point and the replicate, zero-padded to the width
    /// of the largest.
    public let id: String
    public let point: Int
    public let replicate: Int
    public let seed: UInt64
    /// The grid values of the point, one per axis.
    public let values: [ConfigNode]
    /// SHA-256 of `resolvedScenario` without its final line break, as `summary.json`'s
    /// `scenarioSha256` gives it.
    public let scenarioSHA256: String
    /// The scenario as `loopsim resolve` prints it; nil in a plan read for `--combine`.
    public let resolvedScenario: String?
  }

  public static let schemaVersion = 1
  /// Most runs a sweep may have, so that a mistyped grid cannot plan millions of runs.
  // NOTE: plan.json carries every run's resolved scenario, about 12 KB per run for the
  // flagship, so a sweep at this limit writes a plan of about 120 MB.
  public static let maximumRuns = 10_000

  /// The scenario's `name`.
  public let scenario: String
  /// The scenario file as given on the command line.
  public let scenarioFile: String
  public let loopsimVersion: String
  /// The seed of replicate 1.
  public let seed: UInt64
  public let replicates: Int
  public let axes: [Axis]
  public let runs: [Run]

  /// The number of grid points.
  public var points: Int { runs.count / max(1, replicates) }

  /// Returns the run id of a point and replicate, both from 1.
  static func runID(point: Int, replicate: Int, points: Int, replicates: Int) -> String {
    func padded(_ number: Int, to largest: Int) -> String {
      let digits = String(number)
      let width = max(2, String(largest).count)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "p\(padded(point, to: points))-r\(padded(replicate, to: replicates))"
  }

  /// Returns whether `id` has the form of a run id, which makes it safe as a folder name.
  static func isRunID(_ id: String) -> Bool {
    let parts = id.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].first == "p", parts[1].first == "r" else { return false }
    return parts.allSatisfy { part in
      part.count > 1 && part.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
  }
}

// MARK: Planning

extension SweepPlan {
  /// A plan with the validated scenario of each run, ready to execute.
  public struct Prepared: Sendable {
    public let plan: SweepPlan
    /// The scenario of each run, parallel to `plan.runs`.
    public let scenarios: [Scenario]
    /// The scenario with `--set`, `--customers` and `--seed` applied but no grid value,
    /// for its warnings.
    public let base: Scenario
  }

  /// Plans a sweep of the scenario at `file` and validates every run before any runs.
  ///
  /// - Parameters:
  ///   - overrides: The `--set`, `--customers` and `--seed` options, applied before the
  ///     grid values.
  ///   - grid: The `--grid` options in the order given.
  ///   - replicates: Runs per point, at least 1.
  /// - Throws: The scenario's own errors when it is invalid without the grid values.
  ///   `InputError` naming the `--grid` option, the path, the value and the fix when a grid
  ///   value, or a combination of them, makes the scenario invalid. `InputError` too when
  ///   the grid has more than `maximumRuns` runs, and for a reference-funnel scenario.
  public static func prepare(
    file: String, overrides: [ConfigOverride], grid: [SweepAxis], replicates: Int
  ) throws -> Prepared {
    precondition(replicates >= 1, "a sweep needs at least one replicate")
    try SweepAxis.checkDistinct(grid)
    try SweepAxis.checkNotOverridden(grid, by: overrides)

    let tree = try ScenarioLoader.resolve(path: file, overrides: overrides)
    if try ScenarioLoader.model(of: tree, file: file) == .referenceFunnel {
      throw InputError(
        "\(file): a sweep runs scenarios of the whole loop, and this is a reference-funnel "
          + "scenario. Fix: sweep a scenario of the whole loop, or run this one with "
          + "loopsim run.")
    }
    let base = try ScenarioLoader.validate(tree, file: file)

    var points = 1
    for axis in grid {
      let (product, overflow) = points.multipliedReportingOverflow(by: axis.values.count)
      points = overflow ? Int.max : product
    }
    let (total, overflow) = points.multipliedReportingOverflow(by: replicates)
    if overflow || total > maximumRuns {
      throw InputError(
        "--grid: \(grid.map { String($0.values.count) }.joined(separator: " × ")) points "
          + "× \(replicates) replicates is more than \(maximumRuns) runs. Fix: give fewer "
          + "values or replicates, or split the grid into several sweeps.")
    }

    // Each value alone first, so that an error names the one value that causes it.
    for axis in grid {
      for value in axis.values {
        let override = ConfigOverride(path: axis.path, value: value)
        do {
          _ = try ScenarioLoader.validate(tree.applying([override]), file: file)
        } catch {
          throw invalidValue(axis: axis, value: value, error: error)
        }
      }
    }

    var runs: [Run] = []
    var scenarios: [Scenario] = []
    runs.reserveCapacity(total)
    for (pointIndex, combination) in combinations(of: grid).enumerated() {
      let overrides = zip(grid, combination).map { axis, value in
        ConfigOverride(path: axis.path, value: value)
      }
      let point: Scenario
      do {
        point = try ScenarioLoader.validate(tree.applying(overrides), file: file)
      } catch {
        throw invalidCombination(grid, combination, point: pointIndex + 1, error: error)
      }
      for replicate in 1...replicates {
        let seed = base.run.seed &+ UInt64(replicate - 1)
        var scenario = point
        scenario.run.seed = seed
        // Validation writes the resolved text from the validated values; the seed is the
        // only value that differs between replicates, so the same rendering applies.
        try scenario.setResolvedJSON(scenario.configValue.canonicalText())
        runs.append(
          Run(
            id: runID(
              point: pointIndex + 1, replicate: replicate, points: points,
              replicates: replicates),
            point: pointIndex + 1, replicate: replicate, seed: seed, values: combination,
            scenarioSHA256: scenario.sha256, resolvedScenario: scenario.resolvedJSON + "\n"))
        scenarios.append(scenario)
      }
    }
    let plan = SweepPlan(
      scenario: base.name, scenarioFile: file, loopsimVersion: LoopSimVersion.current,
      seed: base.run.seed, replicates: replicates,
      axes: grid.map { Axis(path: $0.name, values: $0.values) }, runs: runs)
    return Prepared(plan: plan, scenarios: scenarios, base: base)
  }

  /// Returns every combination of the axes' values, the last axis varying fastest; one
  /// empty combination for an empty grid.
  static func combinations(of grid: [SweepAxis]) -> [[ConfigNode]] {
    var result: [[ConfigNode]] = [[]]
    for axis in grid {
      result = result.flatMap { prefix in axis.values.map { prefix + [$0] } }
    }
    return result
  }

  private static func invalidValue(axis: SweepAxis, value: ConfigNode, error: any Error)
    -> InputError
  {
    let valueText = (try? SweepValue.compactJSON(value)) ?? value.shortDescription
    return InputError(
      "--grid '\(axis.option)': the value \(valueText) for \(axis.name) makes the scenario "
        + "invalid:\n" + details(of: error)
        + "\nFix: change or remove the value \(valueText) in --grid \(axis.name).")
  }

  private static func invalidCombination(
    _ grid: [SweepAxis], _ combination: [ConfigNode], point: Int, error: any Error
  ) -> InputError {
    let values = zip(grid, combination).map { axis, value in
      "\(axis.name)=\((try? SweepValue.compactJSON(value)) ?? value.shortDescription)"
    }
    return InputError(
      "--grid: the combination \(values.joined(separator: ", ")) (point \(point)) makes the "
        + "scenario invalid, although each value is valid alone:\n" + details(of: error)
        + "\nFix: change the values of these --grid options, or sweep them in separate "
        + "sweeps.")
  }

  /// Returns the error's diagnostics, one per line, or its description.
  private static func details(of error: any Error) -> String {
    guard let diagnostics = ScenarioLoader.diagnostics(describing: error) else {
      return "\(error)"
    }
    return diagnostics.filter { $0.severity == .error }.map(\.description)
      .joined(separator: "\n")
  }
}

import Config
import Foundation
import LoopSim
import Simulation

/// `loopsim check`: reruns a scenario and checks its headline metrics against a baseline.
enum CheckVerb {
  static let spec = VerbSpec(
    name: "check",
    summary: "Rerun a scenario and check its headline metrics against a baseline file.",
    usage: "loopsim check SCENARIO --baseline FILE [--margin M] [--junit FILE] [--json] "
      + "[--set PATH=VALUE]... | --update-baseline [--customers N] [--seed S] "
      + "[--dispersion-seeds R]",
    discussion: """
      Runs the scenario at the customer count and seed stored in the baseline, with its
      warehouse in memory, and judges every headline metric of summary.json: an estimate
      fails outside the baseline's 95 % interval widened by M times its width on each side;
      a count of customers fails when it differs by more than z = 3.29 binomial standard
      errors, any other count by more than z = 3.29 Poisson standard errors (times the
      square root of the count's dispersion, when the baseline stores one); a missing
      metric fails; an undefined (null) metric must stay undefined. Prints a table of
      metric, baseline, now, tolerance and verdict.

      Exits with 0 when every metric passes, 1 when any fails, 2 for invalid input (a
      missing or invalid baseline, a baseline of another scenario).

      With --update-baseline, runs the scenario and writes the baseline (atomically) instead
      of checking: at --customers and --seed when given, else at those of the existing
      baseline, else at the scenario's own. The table then lists the metrics that differ
      from the old baseline, for review. With --dispersion-seeds R, it also runs the next R
      seeds and stores, per count, its variance across the R + 1 runs over the binomial or
      Poisson variance (when above 1); without it, the old baseline's dispersions are kept.
      """,
    positionalName: "SCENARIO",
    positionalRange: 1...1,
    options: RunVerb.overrideOptions + [
      .value("--baseline", "FILE", help: "The baseline file (JSON), such as Results/baselines/NAME.json."),
      .value(
        "--margin", "M",
        help: "Widen each baseline interval by M times its width on each side (default: "
          + "\(JSONWriter.render(CheckTolerance.defaultMargin)))."),
      .value("--junit", "FILE", help: "Also write the verdicts to FILE as JUnit XML."),
      .flag("--json", help: "Print the verdicts as JSON instead of the table."),
      .flag("--update-baseline", help: "Write the baseline from this run instead of checking."),
      .value(
        "--dispersion-seeds", "R",
        help: "With --update-baseline, measure each count's dispersion over R more seeds "
          + "(2 to 100)."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let path = arguments.positionals[0]
    guard let baselinePath = arguments.value("--baseline"), !baselinePath.isEmpty else {
      throw UsageError(message: "missing option '--baseline FILE'.", verb: spec.name)
    }
    let margin = try marginOption(arguments)
    let update = arguments.flag("--update-baseline")
    if let junit = arguments.value("--junit") {
      try checkFolderExists(of: junit, option: "--junit")
    }
    let dispersionSeeds = try RunVerb.integerOption(
      arguments, "--dispersion-seeds", in: 2...100, verb: spec.name)

    var existing: Baseline?
    if update {
      if !arguments.values("--set").isEmpty {
        throw UsageError(
          message: "--set does not apply with --update-baseline: a baseline is the scenario "
            + "file as written, at a customer count and seed. Fix: edit the scenario, or "
            + "drop --set.",
          verb: spec.name)
      }
      if FileManager.default.fileExists(atPath: baselinePath) {
        existing = try Baseline.read(path: baselinePath)
      }
    } else {
      for option in ["--customers", "--seed", "--dispersion-seeds"]
      where arguments.value(option) != nil {
        throw UsageError(
          message: "\(option) applies only with --update-baseline: check runs at the "
            + "baseline's customer count and seed.",
          verb: spec.name)
      }
      existing = try Baseline.read(path: baselinePath)
    }

    var overrides = try RunVerb.overrides(arguments, verb: spec.name)
    if let existing {
      let pinned = [
        ("--customers", "customers", String(existing.customers)),
        ("--seed", "seed", String(existing.seed)),
      ]
      for (option, field, value) in pinned where arguments.value(option) == nil {
        overrides.append(try ConfigOverride(parsing: "run.\(field)=\(value)"))
      }
    }
    let scenario = try ScenarioLoader.load(path: path, overrides: overrides)
    RunVerb.printWarnings(scenario)
    if let existing, existing.scenario != scenario.name, !update {
      throw InputError(
        "\(baselinePath): the baseline is for scenario '\(existing.scenario)', but \(path) is "
          + "'\(scenario.name)'. Fix: give the baseline of this scenario, or create one with "
          + "--update-baseline.")
    }

    let summary = try runQuietly(scenario, arguments: arguments)
    let headlines = try SummaryHeadlines.read(summary: summary, file: "summary of \(path)")
    let check = RegressionCheck(
      scenario: scenario.name, baselinePath: baselinePath, customers: scenario.run.customers,
      seed: scenario.run.seed, margin: margin,
      verdicts: MetricVerdict.compare(
        baseline: existing?.metrics ?? [], now: headlines.metrics, margin: margin),
      scenarioChanged: existing.map { $0.scenarioSHA256 != scenario.sha256 } ?? false)

    if update {
      let metrics = try measuredDispersion(
        headlines.metrics, scenario: scenario, seeds: dispersionSeeds, existing: existing)
      let baseline = Baseline(
        scenario: scenario.name, scenarioSHA256: scenario.sha256,
        loopsimVersion: LoopSimVersion.current, customers: scenario.run.customers,
        seed: scenario.run.seed, metrics: metrics)
      try baseline.write(to: baselinePath)
      if existing != nil {
        writeOutput(arguments.flag("--json") ? check.json : check.table(changesOnly: true))
      }
      let note =
        "wrote \(baselinePath): \(headlines.metrics.count) metrics, "
        + "\(scenario.run.customers) customers, seed \(scenario.run.seed)\n"
      if arguments.flag("--json") {
        writeStandardError("loopsim: " + note)
      } else {
        writeOutput("Baseline   " + note)
      }
      return .success
    }

    if let junit = arguments.value("--junit") {
      try AtomicFile.write(check.junitXML, to: junit)
    }
    writeOutput(arguments.flag("--json") ? check.json : check.table)
    return check.passed ? .success : .failure
  }

  /// Returns the metrics with each count's dispersion: measured over `seeds` more seeds
  /// when given, else copied from the existing baseline.
  private static func measuredDispersion(
    _ metrics: [HeadlineMetric], scenario: Scenario, seeds count: Int?, existing: Baseline?
  ) throws -> [HeadlineMetric] {
    guard let count else {
      let old = Dictionary(
        (existing?.metrics ?? []).map { ($0.name, $0.dispersion) },
        uniquingKeysWith: { first, _ in first })
      return metrics.map { metric in
        metric.kind == .estimate ? metric : metric.with(dispersion: old[metric.name] ?? nil)
      }
    }
    let seeds = (1...count).map { scenario.run.seed &+ UInt64($0) }
    let texts = try LoopRun.summaryTexts(
      scenario, seeds: seeds, cancellation: InterruptHandler.cancellation)
    let replicates = try zip(seeds, texts).map { seed, text in
      try SummaryHeadlines.read(summary: text, file: "summary at seed \(seed)").metrics
    }
    return Dispersion.estimate(baseline: metrics, replicates: replicates)
  }

  /// Runs the scenario in memory with progress on standard error.
  static func runQuietly(_ scenario: Scenario, arguments: ParsedArguments) throws -> String {
    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    let progress = ProgressReporter(enabled: !arguments.flag("--quiet"))
    defer { progress.finishLine() }
    return try LoopRun.summaryText(
      scenario, cancellation: cancellation, progress: { progress.report($0) })
  }

  /// Rejects an output path whose folder is missing before the run, not after it.
  private static func checkFolderExists(of path: String, option: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw UsageError(
        message: "\(option) \(path): the folder \(folder) does not exist. Fix: create it or "
          + "give another path.",
        verb: spec.name)
    }
  }

  private static func marginOption(_ arguments: ParsedArguments) throws -> Double {
    guard let text = arguments.value("--margin") else { return CheckTolerance.defaultMargin }
    guard let margin = Double(text), margin.isFinite, margin >= 0 else {
      throw UsageError(
        message: "invalid value '\(text)' for '--margin': expected a number of at least 0, "
          + "the share of an interval's width added to each side.",
        verb: spec.name)
    }
    return margin
  }
}

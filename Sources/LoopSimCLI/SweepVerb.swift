import Foundation
import LoopSim

/// `loopsim sweep`: runs a scenario over a grid of field values times replicates, in
/// parallel, and writes one table of every run's headline metrics.
enum SweepVerb {
  static let spec = VerbSpec(
    name: "sweep",
    summary: "Run a scenario over a grid of field values and replicates, in parallel.",
    usage: "loopsim sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [--replicates R] "
      + "[--jobs J] [--out DIR] [--keep-runs] [--customers N] [--seed S] "
      + "[--set PATH=VALUE]... [--json] | --plan | loopsim sweep --combine DIR "
      + "[--allow-partial]",
    discussion: """
      Runs every combination of the --grid values (a point) once per replicate. Replicate r
      runs at seed S + r − 1 at every point, so the points are compared on the same
      customers. Every run is validated before any runs. Writes DIR (default: a new folder
      under Results/runs/) with plan.json, runs/ID/summary.json per run, and results.sqlite
      and results.csv with one row per run and headline metric. Prints the mean absolute
      lift per point and treatment.

      PATH is a field path as --set takes it. The values split at commas outside brackets,
      braces and quotes, so [1,2], {a: 1, b: 2} and 'a,b' are one value each; each value is
      read like a --set value (JSON5, else a string).

      With --plan, prints plan.json (every run's id, grid values, seed and resolved
      scenario) and runs nothing. With --combine DIR, rebuilds DIR's results.sqlite and
      results.csv from DIR/plan.json and DIR/runs/*/summary.json.
      """,
    positionalName: "SCENARIO",
    positionalRange: 0...1,
    options: RunVerb.overrideOptions + [
      .value(
        "--grid", "PATH=V1,V2,...", repeatable: true,
        help: "Run the scenario with each value of the field at PATH; several --grid "
          + "options give all combinations."),
      .value(
        "--replicates", "R",
        help: "Run each point R times (1 to 10000), at seeds S to S+R−1 (default: 1)."),
      .value(
        "--jobs", "J",
        help: "Run at most J runs at once (default: the number of processor cores)."),
      .value("--out", "DIR", help: "Write the sweep into DIR, which must not exist or be empty."),
      .flag(
        "--keep-runs",
        help: "Keep each run's whole results folder under runs/ID, not only summary.json."),
      .flag("--plan", help: "Print the plan as JSON and run nothing."),
      .value(
        "--combine", "DIR",
        help: "Rebuild DIR's results.sqlite and results.csv from its plan and run summaries."),
      .flag(
        "--allow-partial",
        help: "With --combine, write the tables from the runs that exist and list the rest."),
      .flag("--json", help: "Print the sweep's size and lifts as JSON instead of the table."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    if let directory = arguments.value("--combine") {
      return try combine(directory, arguments)
    }
    if arguments.flag("--allow-partial") {
      throw UsageError(message: "--allow-partial applies only with --combine DIR.", verb: spec.name)
    }
    guard let path = arguments.positionals.first else {
      throw UsageError(
        message: "missing SCENARIO: give a scenario file and --grid options, or "
          + "--combine DIR.",
        verb: spec.name)
    }
    let texts = arguments.values("--grid")
    guard !texts.isEmpty else {
      throw UsageError(
        message: "missing option '--grid PATH=V1,V2,...': a sweep needs at least one grid "
          + "path, such as --grid run.customers=1000,2000.",
        verb: spec.name)
    }
    let grid = try texts.map(SweepAxis.init(parsing:))
    let replicates =
      try RunVerb.integerOption(arguments, "--replicates", in: 1...10_000, verb: spec.name) ?? 1
    let jobs =
      try RunVerb.integerOption(arguments, "--jobs", in: 1...1_024, verb: spec.name)
      ?? ProcessInfo.processInfo.activeProcessorCount

    let prepared = try SweepPlan.prepare(
      file: path, overrides: RunVerb.overrides(arguments, verb: spec.name), grid: grid,
      replicates: replicates)
    RunVerb.printWarnings(prepared.base)
    if arguments.flag("--plan") {
      writeOutput(prepared.plan.json)
      return .success
    }

    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    var progress: (@Sendable (Sweep.Progress) -> Void)?
    if !arguments.flag("--quiet") {
      progress = { update in
        writeStandardError(
          "loopsim: sweep: \(update.finished) of \(update.total) runs done (\(update.run))\n")
      }
    }
    let outcome = try Sweep.execute(
      prepared, jobs: jobs, keepRuns: arguments.flag("--keep-runs"),
      options: RunOptions(outputDirectory: arguments.value("--out"), cancellation: cancellation),
      progress: progress)
    if arguments.flag("--json") {
      writeOutput(outcome.results.json(directory: outcome.directory))
    } else {
      writeOutput(outcome.results.table)
      writeOutput("Results    \(outcome.directory)\n")
    }
    return .success
  }

  /// Rebuilds the tables of a sweep folder: `--combine DIR`.
  private static func combine(_ directory: String, _ arguments: ParsedArguments) throws
    -> ExitStatus
  {
    let unused =
      arguments.positionals.map { "'\($0)'" }
      + [
        "--grid", "--replicates", "--jobs", "--out", "--customers", "--seed", "--set",
      ].filter { !arguments.values($0).isEmpty }
      + ["--plan", "--keep-runs"].filter { arguments.flag($0) }
    if let first = unused.first {
      throw UsageError(
        message: "\(first) does not apply with --combine: the folder's plan.json fixes the "
          + "scenario, the grid and the seeds.",
        verb: spec.name)
    }
    let results = try Sweep.combine(
      directory: directory, allowPartial: arguments.flag("--allow-partial"))
    if !results.missingRuns.isEmpty {
      writeStandardError(
        "loopsim: warning: \(results.missingRuns.count) of \(results.plan.runs.count) runs "
          + "have no summary and are left out: \(results.missingRuns.joined(separator: ", "))\n")
    }
    if arguments.flag("--json") {
      writeOutput(results.json(directory: directory))
    } else {
      writeOutput(results.table)
      writeOutput("Results    \(directory)\n")
    }
    return .success
  }
}

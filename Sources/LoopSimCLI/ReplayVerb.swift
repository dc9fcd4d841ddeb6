import Foundation
import LoopSim

/// `loopsim replay`: runs the messages of a Segment export through a scenario's pipeline and
/// messaging engine.
enum ReplayVerb {
  /// The scenario replayed when `--scenario` is not given, relative to the current folder.
  static let defaultScenario = "Scenarios/masterclass-abandoned-cart.json5"

  static let spec = VerbSpec(
    name: "replay",
    summary:
      "Replay a file of Segment messages through a scenario's pipeline and messaging engine.",
    usage: "loopsim replay FILE [--scenario SCENARIO] [--seed S] [--set PATH=VALUE]... "
      + "[--out DIR] [--json]",
    discussion: """
      Reads FILE as JSON Lines, one Segment Spec message per line (track, identify, page,
      screen, group or alias), such as the file `loopsim run --export-messages` writes. Each
      message reaches Collect at its sentAt (or timestamp), in file order when times are
      equal, and goes through the scenario's tracking plan, Route and destinations. The
      messaging engine reacts as in a run: it enrolls, splits and sends email, with opens and
      clicks drawn from the scenario. Customers do nothing beyond the file, so a click leads
      to no purchase. Messages that the messaging engine produced (marked
      context.loopsimSource "messaging", or unmarked Experiment Viewed and Email events) are
      skipped, because the replay simulates the engine itself.

      Timestamps must be ISO 8601 date-times with seconds and an offset, from run.start to
      the end of the scenario's run. A line that is not a message (invalid JSON or UTF-8, a
      missing or unknown type, a field of the wrong type, a bad or out-of-window timestamp,
      a line over 4 MiB, a property value over 1 MiB, more than 10,000 properties) is
      quarantined with its line number and a reason, and the replay goes on. Blank lines
      are counted and skipped.

      Writes results.sqlite and summary.json into DIR (default: a new folder under
      Results/runs/) and prints the summary. Exits with 0 when the replay ran, even with
      quarantined lines; 2 when FILE cannot be read at all or the scenario is invalid.
      """,
    positionalName: "FILE",
    positionalRange: 1...1,
    options: [
      .value(
        "--scenario", "SCENARIO",
        help: "Replay through this scenario file (default: \(defaultScenario) in the current "
          + "folder)."),
      .value("--seed", "S", help: "Use seed S for the engine's draws (sets run.seed)."),
      .value(
        "--set", "PATH=VALUE", repeatable: true,
        help: "Set a scenario field, such as email.open.probability=0.5; VALUE is read as "
          + "JSON5, or as a string when it is not valid JSON5."),
      .value("--out", "DIR", help: "Write the results into DIR, which must not exist or be empty."),
      .flag("--json", help: "Print summary.json instead of the summary table."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let file = arguments.positionals[0]
    let scenarioPath = arguments.value("--scenario") ?? defaultScenario
    if arguments.value("--scenario") == nil,
      !FileManager.default.fileExists(atPath: scenarioPath)
    {
      throw UsageError(
        message: "the default scenario \(defaultScenario) is not in the current folder. "
          + "Fix: give --scenario SCENARIO, or run from the LoopSim folder.",
        verb: spec.name)
    }
    let scenario = try ScenarioLoader.load(
      path: scenarioPath, overrides: RunVerb.overrides(arguments, verb: spec.name))
    RunVerb.printWarnings(scenario)

    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    let progress = ProgressReporter(enabled: !arguments.flag("--quiet"))
    let options = ReplayOptions(
      outputDirectory: arguments.value("--out"), cancellation: cancellation,
      progress: { progress.report($0) })

    let outcome: ReplayOutcome
    do {
      outcome = try Replay.execute(file: file, scenario: scenario, options: options)
    } catch {
      progress.finishLine()
      throw error
    }
    progress.finishLine()
    if arguments.flag("--json") {
      writeOutput(outcome.summary.json)
    } else {
      writeOutput(outcome.summary.table)
      writeOutput("Results    \(outcome.directory)\n")
    }
    return .success
  }
}

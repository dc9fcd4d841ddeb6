import Config
import Foundation
import LoopSim
import Simulation

/// `loopsim run`: runs a scenario through the whole loop and writes its results folder.
enum RunVerb {
  static let spec = VerbSpec(
    name: "run",
    summary: "Run a scenario through the whole loop and write its results folder.",
    usage: "loopsim run SCENARIO [--customers N] [--seed S] [--set PATH=VALUE]... "
      + "[--out DIR] [--json] [--export-messages FILE] [--replicates R [--jobs J]] "
      + "[--shard i/N | --shards N [--jobs J]]",
    discussion: """
      Simulates the scenario's customers, the pipeline and the messaging engine, then
      measures the workflow's lift against its holdout, beside the true lift. Writes
      results.sqlite, summary.json and report.html into DIR (default: a new folder under
      Results/runs/) and prints the summary. Progress and logs go to standard error.

      With --replicates R, runs R replicates with seeds S, S+1, …, S+R−1 in parallel and
      reports, per arm, the mean estimate of the absolute lift, its bias against the true
      lift, and the coverage of the 95 % interval. Coverage far from 95 % is stated as a
      finding.

      With --export-messages FILE, also writes every message that Collect received
      (accepted, quarantined and dropped) to FILE, in the order Collect received them: one
      Segment Spec JSON object per line, with context.loopsimSource set to front-end,
      back-end or messaging. `loopsim replay` reads this file.

      With --shard i/N, simulates only the customers whose id modulo N is i − 1 and writes
      their results with shard.json beside them; `loopsim merge` combines the N folders into
      results identical to the whole run's. Shards can run at the same time, on one machine
      or several.

      With --shards N, runs the N shards on at most J threads of this process (default: the
      number of processor cores) and merges them: the results are the same bytes as without
      --shards, computed on more cores.

      For a reference-funnel scenario, --jobs J splits the customers into J ranges simulated
      on J threads (default 1); the results are the same bytes for any J.
      """,
    positionalName: "SCENARIO",
    positionalRange: 1...1,
    options: overrideOptions + [
      .value("--out", "DIR", help: "Write the results into DIR, which must not exist or be empty."),
      .flag("--json", help: "Print summary.json instead of the summary table."),
      .value(
        "--export-messages", "FILE",
        help: "Write every message Collect received to FILE (JSON Lines), which must not exist."),
      .value(
        "--replicates", "R",
        help: "Run R replicates (1 to 10000) with consecutive seeds and report calibration."),
      .value(
        "--jobs", "J",
        help: "Run at most J replicates or shards at once (default: the number of processor cores); "
          + "for the reference funnel, simulate on J threads (default 1)."),
      .value(
        "--shard", "i/N",
        help: "Simulate only shard i of N (customers whose id modulo N is i − 1); see merge."),
      .value(
        "--shards", "N",
        help: "Run N shards (1 to 1024) on several threads and merge them into one result."),
    ])

  /// Options that change the scenario before it is validated.
  static let overrideOptions: [OptionSpec] = [
    .value("--customers", "N", help: "Simulate N customers (sets run.customers)."),
    .value("--seed", "S", help: "Use seed S, an unsigned 64-bit integer (sets run.seed)."),
    .value(
      "--set", "PATH=VALUE", repeatable: true,
      help: "Set a scenario field, such as workflows[0].steps[0].wait=2h; VALUE is read as JSON5, "
        + "or as a string when it is not valid JSON5."),
  ]

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let path = arguments.positionals[0]
    let tree = try ScenarioLoader.resolve(
      path: path, overrides: overrides(arguments, verb: spec.name))
    if try ScenarioLoader.model(of: tree, file: path) == .referenceFunnel {
      return try runFunnel(ScenarioLoader.validateFunnel(tree, file: path), arguments)
    }
    let scenario = try ScenarioLoader.validate(tree, file: path)
    printWarnings(scenario)

    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    let progress = ProgressReporter(enabled: !arguments.flag("--quiet"))
    let shard = try arguments.value("--shard").map { text in
      do {
        return try Shard(parsing: text)
      } catch let error as InputError {
        throw UsageError(message: error.message, verb: spec.name)
      }
    }
    let options = RunOptions(
      outputDirectory: arguments.value("--out"), cancellation: cancellation,
      progress: { progress.report($0) },
      exportMessages: arguments.value("--export-messages"), shard: shard)

    let shards = try integerOption(arguments, "--shards", in: 1...1_024)
    if shards != nil && shard != nil {
      throw UsageError(
        message: "--shards runs every shard itself, so it does not go with --shard. Fix: drop "
          + "--shard to run all shards here, or drop --shards to run one shard.",
        verb: spec.name)
    }
    if let replicates = try integerOption(arguments, "--replicates", in: 1...10_000) {
      if shard != nil || shards != nil {
        throw UsageError(
          message: "--shard and --shards apply only to a single run, not with --replicates.",
          verb: spec.name)
      }
      if options.exportMessages != nil {
        throw UsageError(
          message: "--export-messages applies only to a single run, not with --replicates.",
          verb: spec.name)
      }
      let jobs =
        try integerOption(arguments, "--jobs", in: 1...1_024)
        ?? ProcessInfo.processInfo.activeProcessorCount
      let outcome: ReplicateRun.Outcome
      do {
        outcome = try ReplicateRun.execute(
          scenario, replicates: replicates, jobs: jobs, options: options)
      } catch {
        progress.finishLine()
        throw error
      }
      progress.finishLine()
      writeOutput(arguments.flag("--json") ? outcome.json : outcome.table)
      if !arguments.flag("--json") {
        writeOutput("Results    \(outcome.directory)\n")
      }
      return .success
    }
    if arguments.value("--jobs") != nil && shards == nil {
      throw UsageError(
        message: "--jobs applies only with --replicates or --shards, or to a reference-funnel "
          + "scenario. Fix: drop --jobs, or add --replicates R or --shards N.",
        verb: spec.name)
    }
    if shards != nil && options.exportMessages != nil {
      throw UsageError(
        message: "--export-messages applies only to a run in one piece, not with --shards.",
        verb: spec.name)
    }

    let outcome: RunOutcome
    do {
      if let shards {
        let jobs =
          try integerOption(arguments, "--jobs", in: 1...1_024)
          ?? ProcessInfo.processInfo.activeProcessorCount
        outcome = try ShardedRun.execute(scenario, shards: shards, jobs: jobs, options: options)
      } else {
        outcome = try LoopRun.execute(scenario, options: options)
      }
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

  /// Runs a reference-funnel scenario once, on `--jobs` threads; replicates, shards and the
  /// message export apply only to scenarios of the whole loop.
  static func runFunnel(_ scenario: ReferenceFunnelScenario, _ arguments: ParsedArguments)
    throws -> ExitStatus
  {
    for option in ["--replicates", "--export-messages", "--shard", "--shards"]
    where arguments.value(option) != nil {
      throw UsageError(
        message: "\(option) applies only to scenarios of the whole loop, not to the "
          + "reference funnel.",
        verb: spec.name)
    }
    let jobs = try integerOption(arguments, "--jobs", in: 1...1_024) ?? 1
    for warning in scenario.warnings {
      writeStandardError(warning + "\n")
    }
    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    let outcome = try ReferenceFunnelRun.execute(
      scenario,
      options: RunOptions(outputDirectory: arguments.value("--out"), cancellation: cancellation),
      jobs: jobs)
    if arguments.flag("--json") {
      writeOutput(outcome.summary.json)
    } else {
      writeOutput(outcome.summary.table)
      writeOutput("Results    \(outcome.directory)\n")
    }
    return .success
  }

  /// Collects the overrides from `--set`, `--customers` and `--seed`, in that order.
  static func overrides(_ arguments: ParsedArguments, verb: String) throws -> [ConfigOverride] {
    var overrides: [ConfigOverride] = []
    for text in arguments.values("--set") {
      do {
        overrides.append(try ConfigOverride(parsing: text))
      } catch {
        // The path error renders as "error: …"; the usage error adds its own prefix.
        var detail = error.description
        if detail.hasPrefix("error: ") {
          detail.removeFirst("error: ".count)
        }
        throw UsageError(
          message: "--set '\(text)': \(detail)\nFix: write PATH=VALUE with keys joined by dots "
            + "and list indices from 0 in brackets, such as workflows[0].steps[0].wait=2h.",
          verb: verb)
      }
    }
    for (option, path) in [("--customers", ["run", "customers"]), ("--seed", ["run", "seed"])] {
      guard let text = arguments.value(option) else { continue }
      let fieldPath = FieldPath(path.map { .key($0) })
      overrides.append(
        ConfigOverride(
          path: fieldPath,
          value: ConfigOverride.value(fromText: text, for: fieldPath, source: option)))
    }
    return overrides
  }

  /// Reads an integer option within `range`; nil when the option is absent.
  static func integerOption(
    _ arguments: ParsedArguments, _ name: String, in range: ClosedRange<Int>,
    verb: String = spec.name
  ) throws -> Int? {
    guard let text = arguments.value(name) else { return nil }
    guard let value = Int(text), range.contains(value) else {
      throw UsageError(
        message: "invalid value '\(text)' for '\(name)': expected an integer from "
          + "\(range.lowerBound) to \(range.upperBound).",
        verb: verb)
    }
    return value
  }

  /// Prints the scenario's validation warnings to standard error.
  static func printWarnings(_ scenario: Scenario) {
    for warning in scenario.warnings {
      writeStandardError(warning + "\n")
    }
  }
}

/// `loopsim validate`: checks scenario files without running them.
enum ValidateVerb {
  static let spec = VerbSpec(
    name: "validate",
    summary: "Check scenario files and report every error with its line and field path.",
    usage: "loopsim validate FILE... [--customers N] [--seed S] [--set PATH=VALUE]... [--json]",
    discussion: """
      Reads each file as a scenario (resolving extends and applying the overrides) and
      reports every problem at once. Exits with 0 when all files are valid, 2 otherwise.
      With --json, prints one JSON object with each file's errors and warnings as data
      (file, line, column, path, problem, found, fix) for editors and CI.
      """,
    positionalName: "FILE",
    positionalRange: 1...Int.max,
    options: RunVerb.overrideOptions + [
      .flag("--json", help: "Print the results as JSON on standard output.")
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let overrides = try RunVerb.overrides(arguments, verb: spec.name)
    let json = arguments.flag("--json")
    var status = ExitStatus.success
    var reports: [JSONValue] = []

    for path in arguments.positionals {
      do {
        let tree = try ScenarioLoader.resolve(path: path, overrides: overrides)
        if try ScenarioLoader.model(of: tree, file: path) == .referenceFunnel {
          let funnel = try ScenarioLoader.validateFunnel(tree, file: path)
          report(
            path: path, name: funnel.name, customers: funnel.run.customers,
            sha256: funnel.sha256, warnings: funnel.warningDiagnostics, json: json,
            into: &reports)
          continue
        }
        let scenario = try ScenarioLoader.validate(tree, file: path)
        if json {
          reports.append([
            "file": .string(path), "valid": true, "scenario": .string(scenario.name),
            "sha256": .string(scenario.sha256), "errors": [],
            "warnings": .array(scenario.warningDiagnostics.map(\.configValue)),
          ])
        } else {
          RunVerb.printWarnings(scenario)
          let customers = scenario.run.customers
          writeOutput(
            "\(path): valid (scenario \(scenario.name), \(customers) "
              + (customers == 1 ? "customer" : "customers")
              + ", sha256 \(scenario.sha256.prefix(12)))\n")
        }
      } catch let error as ReportableError {
        status = error.exitStatus
        guard json, let diagnostics = ScenarioLoader.diagnostics(describing: error) else {
          if error.isLocated {
            writeStandardError(error.description + "\n")
          } else {
            writeError(error.description)
          }
          continue
        }
        reports.append([
          "file": .string(path), "valid": false,
          "errors": .array(diagnostics.filter { $0.severity == .error }.map(\.configValue)),
          "warnings": .array(diagnostics.filter { $0.severity == .warning }.map(\.configValue)),
        ])
      }
    }
    if json {
      let valid = status == .success
      writeOutput(JSONValue.object(["valid": .bool(valid), "files": .array(reports)]).canonicalText() + "\n")
    }
    return status
  }
}

extension ValidateVerb {
  /// Reports a valid file: as a JSON report appended to `reports`, or as a line of text with
  /// its warnings on standard error.
  static func report(
    path: String, name: String, customers: Int, sha256: String, warnings: [Diagnostic],
    json: Bool, into reports: inout [JSONValue]
  ) {
    if json {
      reports.append([
        "file": .string(path), "valid": true, "scenario": .string(name),
        "sha256": .string(sha256), "errors": [],
        "warnings": .array(warnings.map(\.configValue)),
      ])
      return
    }
    for warning in warnings {
      writeStandardError(warning.description + "\n")
    }
    writeOutput(
      "\(path): valid (scenario \(name), \(customers) "
        + (customers == 1 ? "customer" : "customers") + ", sha256 \(sha256.prefix(12)))\n")
  }
}

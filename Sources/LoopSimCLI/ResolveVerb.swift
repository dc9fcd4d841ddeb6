import LoopSim

/// `loopsim resolve`: prints a scenario as it will run.
enum ResolveVerb {
  static let spec = VerbSpec(
    name: "resolve",
    summary: "Print a scenario after extends, overrides and defaults, as canonical JSON.",
    usage: "loopsim resolve FILE [--customers N] [--seed S] [--set PATH=VALUE]... "
      + "[--tracking-plan]",
    discussion: """
      Validates the scenario, then prints every field, defaults included, as JSON with
      sorted keys. This text and its SHA-256 are stored in each run's metadata
      (run_metadata: resolvedScenario, scenarioSha256), so a result can be traced to its
      exact input. Saved in the original file's folder, the output is itself a valid
      scenario file (a tracking plan's path is written as given, relative to the file that
      named it).

      With --tracking-plan, prints instead the absolute path of the tracking plan file that
      the scenario reads, or nothing when it names none: the file that a relative path
      resolves to, against the folder of the file that wrote it (an `extends` base included).
      """,
    positionalName: "FILE",
    positionalRange: 1...1,
    options: RunVerb.overrideOptions + [
      .flag("--tracking-plan", help: "Print the absolute path of the tracking plan file instead.")
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let path = arguments.positionals[0]
    let tree = try ScenarioLoader.resolve(
      path: path, overrides: RunVerb.overrides(arguments, verb: spec.name))
    if try ScenarioLoader.model(of: tree, file: path) == .referenceFunnel {
      let funnel = try ScenarioLoader.validateFunnel(tree, file: path)
      for warning in funnel.warnings {
        writeStandardError(warning + "\n")
      }
      writeOutput(funnel.resolvedJSON + "\n")
      return .success
    }
    let scenario = try ScenarioLoader.validate(tree, file: path)
    if arguments.flag("--tracking-plan") {
      if let plan = scenario.pipeline.trackingPlan {
        writeOutput(plan.resolvedPath + "\n")
      }
      return .success
    }
    RunVerb.printWarnings(scenario)
    writeOutput(scenario.resolvedJSON + "\n")
    return .success
  }
}

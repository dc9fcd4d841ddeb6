import LoopSim

/// `loopsim resolve`: prints a scenario as it will run.
enum ResolveVerb {
  static let spec = VerbSpec(
    name: "resolve",
    summary: "Print a scenario after extends, overrides and defaults, as canonical JSON.",
    usage: "loopsim resolve FILE [--customers N] [--seed S] [--set PATH=VALUE]...",
    discussion: """
      Validates the scenario, then prints every field, defaults included, as JSON with
      sorted keys. This text and its SHA-256 are stored in each run's metadata
      (run_metadata: resolvedScenario, scenarioSha256), so a result can be traced to its
      exact input. Saved in the original file's folder, the output is itself a valid
      scenario file (a tracking plan's path is written as given, relative to the file that
      named it).
      """,
    positionalName: "FILE",
    positionalRange: 1...1,
    options: RunVerb.overrideOptions)

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
    RunVerb.printWarnings(scenario)
    writeOutput(scenario.resolvedJSON + "\n")
    return .success
  }
}

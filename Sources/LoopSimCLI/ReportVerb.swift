import LoopSim

/// `loopsim report`: writes a run's report.html.
enum ReportVerb {
  static let spec = VerbSpec(
    name: "report",
    summary: "Write report.html, the tables and charts of a run, into its results folder.",
    usage: "loopsim report RUN_DIR",
    discussion: """
      Reads summary.json and results.sqlite in RUN_DIR and writes RUN_DIR/report.html,
      replacing an earlier one: the funnel, conversion and lift per arm with 95 % intervals
      beside the true lift, time to conversion, email engagement, the pipeline's
      reconciliation, and attribution against the truth when the run has it. The page
      loads nothing from files or the network and runs no script, so it reads offline.
      `loopsim run` writes the same report into every results folder; this verb writes it
      again, for example for a folder from an older version. Prints the report's path.
      """,
    positionalName: "RUN_DIR",
    positionalRange: 1...1,
    options: [])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let path = try RunReport.write(directory: arguments.positionals[0])
    writeOutput("Report     \(path)\n")
    return .success
  }
}

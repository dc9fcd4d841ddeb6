import Config
import Foundation
import LoopSim

/// `loopsim compare`: headline metrics of several runs side by side, with tests of the
/// differences from the first.
enum CompareVerb {
  static let spec = VerbSpec(
    name: "compare",
    summary: "Compare the headline metrics of scenarios or finished runs side by side.",
    usage: "loopsim compare A B [C]... [--customers N] [--seed S] [--set PATH=VALUE]... [--json]",
    discussion: """
      Each argument is a scenario file, which is run now with its warehouse in memory, or a
      finished run folder, whose summary.json is read without rerunning. --customers, --seed
      and --set apply to every scenario file (so they run on the same customers and seed)
      and to no folder. Prints each run's arms, conversion rates and lifts with their 95 %
      intervals side by side, then each later run's conversion rate of every arm against
      the first run's: the difference with Newcombe's interval and the pooled two-proportion
      z-test.

      The test treats the runs as independent samples. Scenarios run on the same seed share
      their customers' random draws, so their differences are positively correlated and the
      test is conservative for them.
      """,
    positionalName: "SCENARIO or RUN_DIR (at least two)",
    positionalRange: 2...26,
    options: RunVerb.overrideOptions + [
      .flag("--json", help: "Print the comparison as JSON instead of the table.")
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let overrides = try RunVerb.overrides(arguments, verb: spec.name)
    let labels = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".map(String.init)

    // Every input is read and validated before any scenario runs, so a bad argument fails
    // at once.
    var sources: [Source] = []
    for path in arguments.positionals {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError(
          "\(path): no such file or folder. Fix: give a scenario file or a run folder that "
            + "contains summary.json.")
      }
      if isDirectory.boolValue {
        sources.append(.folder(try readRunFolder(path)))
      } else {
        let scenario = try ScenarioLoader.load(path: path, overrides: overrides)
        RunVerb.printWarnings(scenario)
        sources.append(.scenario(scenario))
      }
    }

    var inputs: [RunComparison.Input] = []
    for (index, (path, source)) in zip(arguments.positionals, sources).enumerated() {
      let headlines: SummaryHeadlines
      switch source {
      case .folder(let read):
        headlines = read
      case .scenario(let scenario):
        let summary = try CheckVerb.runQuietly(scenario, arguments: arguments)
        headlines = try SummaryHeadlines.read(summary: summary, file: "summary of \(path)")
      }
      var isScenario = false
      if case .scenario = source { isScenario = true }
      inputs.append(
        RunComparison.Input(
          label: labels[index], source: path, isScenario: isScenario, headlines: headlines))
    }
    let comparison = RunComparison(inputs: inputs)
    writeOutput(arguments.flag("--json") ? comparison.json : comparison.table)
    return .success
  }

  /// An argument: a scenario to run, or a finished run's headlines.
  private enum Source {
    case scenario(Scenario)
    case folder(SummaryHeadlines)
  }

  private static func readRunFolder(_ path: String) throws -> SummaryHeadlines {
    let file = URL(fileURLWithPath: path).appendingPathComponent("summary.json").path
    guard let data = FileManager.default.contents(atPath: file) else {
      throw InputError(
        "\(file): cannot read the run's summary. Fix: give a folder written by `loopsim run`.")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputError("\(file): not UTF-8 text. Fix: give a folder written by `loopsim run`.")
    }
    return try SummaryHeadlines.read(summary: text, file: file)
  }
}

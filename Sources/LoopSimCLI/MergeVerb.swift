import LoopSim

/// `loopsim merge`: combines the results folders of a run's customer shards.
enum MergeVerb {
  static let spec = VerbSpec(
    name: "merge",
    summary: "Merge the results folders of a run's shards into the results of the whole run.",
    usage: "loopsim merge DIR... [--out DIR] [--allow-partial] [--json]",
    discussion: """
      Each DIR is a folder that `loopsim run SCENARIO --shard i/N --out DIR` wrote. The
      merge copies the shards' records (warehouse messages, assignments, emails, skipped
      sends, ground truth, merges, dead letters) into one results.sqlite and measures
      everything again from them, so its summary.json is byte for byte the one that
      `loopsim run SCENARIO` writes with the same seed and customers, and its tables hold
      the same rows. The shards must come from one scenario, one cut into N and one loopsim
      version, each given once.

      Every shard from 1 to N must be given. With --allow-partial the merge goes ahead
      without the missing ones; its summary.json lists them under missingShards and its
      measurements cover only the shards present.
      """,
    positionalName: "DIR",
    positionalRange: 1...Shard.maximumCount,
    options: [
      .value("--out", "DIR", help: "Write the merged results into DIR, which must not exist or be empty."),
      .flag("--allow-partial", help: "Merge even when shards are missing, and list them in the summary."),
      .flag("--json", help: "Print summary.json instead of the summary table."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let cancellation = InterruptHandler.cancellation
    if cancellation.isCancelled { throw Interrupted() }
    let outcome = try ShardMerge.execute(
      arguments.positionals, allowPartial: arguments.flag("--allow-partial"),
      options: RunOptions(outputDirectory: arguments.value("--out"), cancellation: cancellation))
    if arguments.flag("--json") {
      writeOutput(outcome.summary.json)
    } else {
      writeOutput(outcome.summary.table)
      writeOutput("Results    \(outcome.directory)\n")
    }
    if !outcome.summary.missingShards.isEmpty {
      writeStandardError(
        "loopsim: warning: merged without shards \(outcome.summary.missingShards.map(String.init).joined(separator: ", ")); "
          + "the results cover only the shards present\n")
    }
    return .success
  }
}

import Foundation
import Synchronization

/// Runs a scenario as N customer shards on several threads of one process and merges them:
/// the results are the same bytes as a plain run's, computed on more cores.
public enum ShardedRun {
  /// Runs `scenario` in `shards` shards, at most `jobs` at once, and publishes the merged
  /// results in the folder `options` names. The shards' own folders are removed afterwards.
  public static func execute(
    _ scenario: Scenario, shards: Int, jobs: Int, options: RunOptions
  ) throws -> RunOutcome {
    let cut = try (1...max(1, shards)).map { try Shard(index: $0, count: shards) }
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name)
    // The shards' folders go in a hidden folder beside the results, like a run's staging.
    let workspace = try OutputDirectory.createStaging(for: destination + "-shards")
    defer { try? FileManager.default.removeItem(atPath: workspace) }

    let progress = options.progress.map {
      CombinedProgress($0, customers: scenario.run.customers)
    }
    let cancellation = options.cancellation
    let folders = try ParallelMap.map(cut, jobs: jobs) { shard in
      if cancellation?.isCancelled == true { throw Interrupted() }
      let folder = "\(workspace)/\(shard.index)"
      let shardProgress: (@Sendable (ProgressUpdate) -> Void)? = progress.map { progress in
        { @Sendable update in progress.report(update, from: shard) }
      }
      try LoopRun.writeShardRecords(
        scenario, shard: shard, into: folder, armsBeside: jobs == 1,
        cancellation: cancellation, progress: shardProgress)
      return folder
    }
    var mergeOptions = options
    mergeOptions.outputDirectory = destination
    return try ShardMerge.execute(
      folders, scenario: scenario, allowPartial: false, movesFirst: true,
      options: mergeOptions)
  }

  /// Folds the progress of shards running at once into one report per update: the mean
  /// share done, and events and customers summed.
  private final class CombinedProgress: Sendable {
    private let report: @Sendable (ProgressUpdate) -> Void
    private let customers: Int
    private let latest = Mutex<[Int: ProgressUpdate]>([:])

    init(_ report: @escaping @Sendable (ProgressUpdate) -> Void, customers: Int) {
      self.report = report
      self.customers = customers
    }

    func report(_ update: ProgressUpdate, from shard: Shard) {
      latest.withLock { latest in
        latest[shard.index] = update
        let updates = Array(latest.values)
        let fraction = updates.reduce(0) { $0 + $1.fraction } / Double(shard.count)
        func total(_ value: (ProgressUpdate) -> Int?) -> Int? {
          updates.contains { value($0) != nil } ? updates.reduce(0) { $0 + (value($1) ?? 0) } : nil
        }
        report(
          ProgressUpdate(
            phase: "\(shard.count) shards: \(update.phase)", fraction: fraction,
            events: total(\.events), customersArrived: total(\.customersArrived),
            customers: customers))
      }
    }
  }
}

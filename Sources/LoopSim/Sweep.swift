import Foundation
import Simulation
import Synchronization

/// Runs the plan of a `loopsim sweep` in parallel and writes its results folder:
/// `plan.json`, `runs/ID/summary.json` for every run, `results.sqlite` and `results.csv`.
public enum Sweep {
  private static let logger = Logger(label: "sweep")

  /// A finished sweep: its results folder and its table.
  public struct Outcome: Sendable {
    public let directory: String
    public let results: SweepResults
  }

  /// How many runs have finished, for a progress display.
  public struct Progress: Sendable {
    public let finished: Int
    public let total: Int
    /// The id of the run that just finished.
    public let run: String
  }

  /// Runs every run of `prepared`, at most `jobs` at once, each with its warehouse in
  /// memory unless `keepRuns`, then combines the summaries into the tables.
  ///
  /// The folder is written under a hidden name and renamed when complete, as a run's is,
  /// so an interrupted or failed sweep leaves nothing that looks finished.
  ///
  /// - Parameters:
  ///   - keepRuns: Whether each run writes its whole results folder under `runs/ID/`
  ///     (`results.sqlite`, `summary.json`, `report.html`) rather than `summary.json` alone.
  ///   - options: The results folder (nil for a new folder under `Results/runs/` named
  ///     `SCENARIO-sweep-TIME`) and the cancellation flag. Its progress handler is unused.
  ///   - progress: Called after each run, never concurrently.
  public static func execute(
    _ prepared: SweepPlan.Prepared, jobs: Int, keepRuns: Bool, options: RunOptions,
    progress: (@Sendable (Progress) -> Void)?
  ) throws -> Outcome {
    let plan = prepared.plan
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: "\(plan.scenario)-sweep")
    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      try Data(plan.json.utf8).write(to: URL(fileURLWithPath: staging + "/plan.json"))
      try FileManager.default.createDirectory(
        atPath: staging + "/runs", withIntermediateDirectories: false)
      logger.info(
        "sweeping \(plan.scenario): \(plan.points) points × \(plan.replicates) replicates, "
          + "\(jobs) at once")

      let finished = Mutex(0)
      let cancellation = options.cancellation
      let indices = Array(plan.runs.indices)
      _ = try ParallelMap.map(indices, jobs: jobs) { index in
        if cancellation?.isCancelled == true { throw Interrupted() }
        let run = plan.runs[index]
        let folder = "\(staging)/runs/\(run.id)"
        if keepRuns {
          _ = try LoopRun.execute(
            prepared.scenarios[index],
            options: RunOptions(outputDirectory: folder, cancellation: cancellation))
        } else {
          let summary = try LoopRun.summaryText(
            prepared.scenarios[index], cancellation: cancellation, progress: nil)
          try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: false)
          try Data(summary.utf8).write(to: URL(fileURLWithPath: folder + "/summary.json"))
        }
        logger.debug("run \(run.id) (seed \(run.seed)) done")
        finished.withLock { count in
          count += 1
          progress?(Progress(finished: count, total: plan.runs.count, run: run.id))
        }
      }

      let results = try SweepResults.read(directory: staging, allowPartial: false)
      try results.writeTables(into: staging)
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return Outcome(directory: published, results: results)
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      throw error
    }
  }

  /// Rebuilds `results.sqlite` and `results.csv` of a sweep folder from its `plan.json` and
  /// the runs' summaries, as a sweep does when its runs finish.
  ///
  /// - Parameter allowPartial: Whether to write the tables from the runs that have a
  ///   summary and list the others, rather than fail.
  public static func combine(directory: String, allowPartial: Bool) throws -> SweepResults {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw InputError(
        "--combine \(directory): no such folder. Fix: give the folder of a sweep, which "
          + "holds plan.json and runs/.")
    }
    let results = try SweepResults.read(directory: directory, allowPartial: allowPartial)
    try results.writeTables(into: directory)
    return results
  }
}

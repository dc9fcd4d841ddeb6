import Foundation
import Pipeline
import Simulation
import Warehouse

/// The output folder, cancellation and progress settings of a replay.
public struct ReplayOptions {
  /// The results folder; nil for a new folder under `Results/runs/`.
  public var outputDirectory: String?
  /// The folder that contains `Results/runs/` when `outputDirectory` is nil.
  public var resultsRoot: String
  public var cancellation: CancellationFlag?
  /// Called with the replay's progress, in the phase `replay`.
  public var progress: ((ProgressUpdate) -> Void)?

  public init(
    outputDirectory: String? = nil, resultsRoot: String = "Results",
    cancellation: CancellationFlag? = nil, progress: ((ProgressUpdate) -> Void)? = nil
  ) {
    self.outputDirectory = outputDirectory
    self.resultsRoot = resultsRoot
    self.cancellation = cancellation
    self.progress = progress
  }
}

/// A finished replay: its results folder and its summary.
public struct ReplayOutcome {
  public let directory: String
  public let summary: ReplaySummary
}

/// Replays a file of Segment messages through a scenario's Collect, Route and messaging
/// engine, and writes a results folder.
public enum Replay {
  private static let logger = Logger(label: "replay")

  /// Reads `file` (JSON Lines, one Segment message per line), replays its messages and
  /// writes `results.sqlite` and `summary.json`.
  ///
  /// Lines that cannot be read as messages are quarantined with their line number and a
  /// reason, and never stop the replay. The folder is written under a temporary name and
  /// renamed when complete, as a run's is. The default folder is named
  /// `SCENARIO-replay-YYYYMMDD-HHMMSS`.
  ///
  /// - Throws: `InputError` when the file cannot be read at all or the folder is taken,
  ///   `RuntimeFailure` for a failure of the environment, `Interrupted` on cancellation.
  public static func execute(file: String, scenario: Scenario, options: ReplayOptions) throws
    -> ReplayOutcome
  {
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name + "-replay")
    let reader = SegmentMessageReader(clock: scenario.run.clock)
    let input = try ReplayInput.read(
      path: file, reader: reader, cancellation: options.cancellation)
    logger.info(
      "read \(input.lineCount) lines of \(input.fileName): \(input.messages.count) messages, "
        + "\(input.rejected.count) quarantined, \(input.skipped) skipped, "
        + "\(input.emptyLines) empty")

    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      let summary = try writeResults(scenario, input: input, into: staging, options: options)
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return ReplayOutcome(directory: published, summary: summary)
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      if let sqlite = error as? SQLiteError, sqlite.isIOErrorOrDiskFull {
        throw RuntimeFailure("writing results failed: \(sqlite.description)")
      }
      throw error
    }
  }

  private static func writeResults(
    _ scenario: Scenario, input: ReplayInput, into directory: String, options: ReplayOptions
  ) throws -> ReplaySummary {
    let database = try Database(path: directory + "/results.sqlite")
    try database.execute(ReplaySchema.sql)
    let clock = scenario.run.clock
    let result = try database.transaction { database in
      try ReplayPass(
        scenario: scenario, input: input,
        warehouse: WarehouseDestination(database: database, clock: clock),
        cancellation: options.cancellation,
        progress: options.progress.map { report in { report($0.named("replay")) } }
      ).run()
    }
    let summary = ReplaySummary(scenario: scenario, input: input, result: result)
    try database.transaction { database in
      try ReplayResultsWriter(database: database, clock: clock).write(
        scenario: scenario, input: input, result: result, summary: summary)
    }
    try Data(summary.json.utf8).write(to: URL(fileURLWithPath: directory + "/summary.json"))
    return summary
  }
}

import Engage
import Foundation
import Measure
import Pipeline
import Simulation
import Warehouse

/// The output folder, cancellation and progress settings of a run.
public struct RunOptions {
  /// The results folder; nil for a new folder under `Results/runs/`.
  public var outputDirectory: String?
  /// The folder that contains `Results/runs/` when `outputDirectory` is nil.
  public var resultsRoot: String
  public var cancellation: CancellationFlag?
  /// Called with each pass's progress, named by the pass. Calls never overlap, even when
  /// replicates run on several threads.
  public var progress: (@Sendable (ProgressUpdate) -> Void)?
  /// The JSON Lines file that receives every message of the factual pass as Collect
  /// received it (`--export-messages`), or nil. Single runs only.
  public var exportMessages: String?
  /// The customer shard to simulate (`--shard i/N`), or nil for every customer.
  public var shard: Shard?

  public init(
    outputDirectory: String? = nil, resultsRoot: String = "Results",
    cancellation: CancellationFlag? = nil,
    progress: (@Sendable (ProgressUpdate) -> Void)? = nil, exportMessages: String? = nil,
    shard: Shard? = nil
  ) {
    self.outputDirectory = outputDirectory
    self.resultsRoot = resultsRoot
    self.cancellation = cancellation
    self.progress = progress
    self.exportMessages = exportMessages
    self.shard = shard
  }
}

/// A finished run: its results folder and its summary.
public struct RunOutcome {
  public let directory: String
  public let summary: RunSummary
}

/// Runs a scenario through the whole loop and writes its results folder.
public enum LoopRun {
  private static let logger = Logger(label: "run")

  /// Rejects an export path that is the results folder or lies inside it: the folder is
  /// published by renaming a new one into place, which the export would be in the way of.
  static func checkExportOutsideResults(_ exportPath: String, results: String) throws {
    let export = URL(fileURLWithPath: exportPath).standardizedFileURL.path
    let folder = URL(fileURLWithPath: results).standardizedFileURL.path
    if export == folder || export.hasPrefix(folder + "/") {
      throw InputError(
        "--export-messages \(exportPath) lies in the results folder \(results), which the run "
          + "writes as a whole. Fix: write the export outside the results folder, such as "
          + "beside it.")
    }
  }

  /// Runs `scenario`: the factual pass writes the warehouse, one pass per experiment arm
  /// (holdout included) forces every customer into that arm and gives the ground truth,
  /// then lift is measured from the warehouse.
  ///
  /// The folder is written under a temporary name and renamed when complete, so an
  /// interrupted or failed run leaves nothing that looks finished. The message export, when
  /// requested, is published just before the folder and removed if the folder fails.
  public static func execute(_ scenario: Scenario, options: RunOptions) throws -> RunOutcome {
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name)
    if let exportPath = options.exportMessages {
      try checkExportOutsideResults(exportPath, results: destination)
    }
    let export = try options.exportMessages.map {
      try MessageExport(path: $0, clock: scenario.run.clock)
    }
    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      let summary = try writeResults(scenario, into: staging, options: options, export: export)
      try export?.commit()
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return RunOutcome(directory: published, summary: summary)
    } catch {
      export?.discard()
      try? FileManager.default.removeItem(atPath: staging)
      if let sqlite = error as? SQLiteError, sqlite.isIOErrorOrDiskFull {
        throw RuntimeFailure("writing results failed: \(sqlite.description)")
      }
      throw error
    }
  }

  private static func writeResults(
    _ scenario: Scenario, into directory: String, options: RunOptions, export: MessageExport?
  ) throws -> RunSummary {
    let database = try Database(path: directory + "/results.sqlite")
    try database.execute(ResultsSchema.sql)
    logger.info(
      "running \(scenario.name): \(scenario.run.customers) customers, seed \(scenario.run.seed)")
    let computation = try compute(
      scenario, database: database, shard: options.shard, cancellation: options.cancellation,
      progress: options.progress, export: export)
    try database.transaction { database in
      try ResultsWriter(database: database, clock: scenario.run.clock).writeRecords(
        pass: computation.factual, truth: computation.truth)
    }
    var metadata: [(String, String)] = []
    if let shard = options.shard {
      let record = ShardRecord(
        shard: shard, scenarioSHA256: scenario.sha256, totals: computation.totals,
        attribution: computation.attributionTruth)
      let text = record.json
      try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + ShardRecord.fileName))
      metadata.append((ShardRecord.hashKey, try SHA256.hash(text).hexString))
    }
    if options.cancellation?.isCancelled == true { throw Interrupted() }
    return try finish(
      scenario, summary: computation.measuredSummary(), database: database, in: directory,
      metadata: metadata)
  }

  /// Simulates `shard` of `scenario` into a new results database in `directory` and writes
  /// only what a merge reads: the record tables and `shard.json`. Nothing is measured, so
  /// a run cut into shards on threads of one process measures once, after the merge.
  ///
  /// - Parameter armsBeside: Whether the arm passes run on a thread of their own beside the
  ///   factual pass. Pass false when other shards already keep the cores busy.
  static func writeShardRecords(
    _ scenario: Scenario, shard: Shard, into directory: String, armsBeside: Bool = true,
    cancellation: CancellationFlag?, progress: (@Sendable (ProgressUpdate) -> Void)?
  ) throws {
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    let database = try Database(path: directory + "/results.sqlite")
    try database.execute(ResultsSchema.sql)
    let computation = try compute(
      scenario, database: database, shard: shard, summarizes: false,
      armsBeside: armsBeside, cancellation: cancellation, progress: progress)
    try database.transaction { database in
      try ResultsWriter(database: database, clock: scenario.run.clock).writeRecords(
        pass: computation.factual, truth: computation.truth)
    }
    let record = ShardRecord(
      shard: shard, scenarioSHA256: scenario.sha256, totals: computation.totals,
      attribution: computation.attributionTruth)
    try Data(record.json.utf8).write(
      to: URL(fileURLWithPath: directory + "/" + ShardRecord.fileName))
  }

  /// Writes what a run derives from its records: the metadata, the counts and metrics, the
  /// attribution tables and path file, `summary.json` and the report.
  static func finish(
    _ scenario: Scenario, summary: RunSummary, database: Database, in directory: String,
    metadata: [(String, String)] = []
  ) throws -> RunSummary {
    try database.transaction { database in
      try ResultsWriter(database: database, clock: scenario.run.clock).writeDerived(
        scenario: scenario, summary: summary, metadata: metadata)
    }
    if let attribution = summary.attribution {
      try database.transaction { database in try attribution.insertRows(into: database) }
      try Data(attribution.paths.csv.utf8).write(
        to: URL(fileURLWithPath: directory + "/" + AttributionScore.pathFileName))
    }
    try Data(summary.json.utf8).write(to: URL(fileURLWithPath: directory + "/summary.json"))
    try RunReport.write(directory: directory)
    return summary
  }

  /// The passes of one run and what was measured from them.
  struct Computation {
    let factual: PassResult
    let truth: GroundTruthTable
    let totals: PassTotals
    let attributionTruth: AttributionTruth?
    /// Nil when the caller asked for the records only.
    let summary: RunSummary?

    /// Returns the summary of a computation that measured one.
    func measuredSummary() throws -> RunSummary {
      guard let summary else {
        throw RuntimeFailure("internal error: a run made no summary; please report this")
      }
      return summary
    }
  }

  /// Runs the passes of `scenario` and measures lift: the factual pass loads the warehouse
  /// in `database`; one pass per experiment arm forces every customer into that arm with
  /// the same keyed draws, which gives the ground truth. The factual pass's messages also
  /// go to `export`.
  ///
  /// The arm passes read no warehouse, so unless `armsBeside` is false they run one after
  /// another on a thread of their own while the factual pass runs on the caller's. Each
  /// pass draws from its own keyed streams, so the results do not depend on which finishes
  /// first. Their progress is shown once the factual pass has finished.
  static func compute(
    _ scenario: Scenario, database: Database, shard: Shard? = nil, summarizes: Bool = true,
    armsBeside: Bool = true, cancellation: CancellationFlag?,
    progress: (@Sendable (ProgressUpdate) -> Void)?, export: MessageExport? = nil
  ) throws -> Computation {
    let arms =
      scenario.engage.hasSplit ? scenario.engage.experiment?.armNames ?? [] : []
    let armCancellation = CancellationFlag(following: cancellation)
    let armProgress = ProgressGate(progress)
    let forcedPasses: @Sendable () throws -> [(arm: String, pass: PassResult)] = {
      var forced: [(arm: String, pass: PassResult)] = []
      for arm in arms {
        var forcing = LoopPass(
          scenario: scenario, armPolicy: .forced(arm), warehouse: nil,
          cancellation: armCancellation,
          progress: { armProgress.forward($0.named("pass forcing \(arm)")) })
        forcing.shard = shard
        let pass = try forcing.run()
        logger.debug("pass forcing \(arm) done: \(pass.eventsProcessed) events")
        forced.append((arm, pass))
      }
      return forced
    }
    let beside =
      armsBeside && !arms.isEmpty
      ? BackgroundJob(name: "loopsim-arm-passes", forcedPasses) : nil

    let factual: PassResult
    do {
      factual = try database.transaction { database in
        var pass = LoopPass(
          scenario: scenario, armPolicy: .assigned,
          warehouse: try WarehouseDestination(database: database, clock: scenario.run.clock),
          cancellation: cancellation,
          progress: progress.map { report in { report($0.named("factual pass")) } },
          collectObserver: export.map { export in { message, _ in export.append(message) } })
        pass.shard = shard
        return try pass.run()
      }
    } catch {
      armCancellation.cancel()
      _ = try? beside?.wait()
      throw error
    }
    logger.debug("factual pass done: \(factual.eventsProcessed) events")
    armProgress.open()
    let forced = try beside?.wait() ?? forcedPasses()
    // Measuring and writing the results can take seconds on a large run; a Ctrl-C during
    // the passes' last events still stops the run here.
    if cancellation?.isCancelled == true { throw Interrupted() }

    let truth = GroundTruthTable(
      factual: factual, forced: forced, catalog: scenario.catalog,
      measurement: scenario.measurement)
    if truth.unmatched > 0 {
      logger.warning(
        "\(truth.unmatched) enrolled customers were assigned in only some passes; "
          + "they are left out of the ground truth")
    }
    let totals = PassTotals(
      factual, workflows: scenario.workflows, truthUnmatched: truth.unmatched)
    var attributionTruth: AttributionTruth?
    if let attribution = scenario.attribution, attribution.enabled {
      let channelCount = scenario.channels.count + scenario.workflows.count
      logger.info(
        "attribution: running \((1 << channelCount) - 1) counterfactual passes over "
          + "\(channelCount) channels")
      attributionTruth = try AttributionTruth.compute(
        scenario, factual: factual, shard: shard, cancellation: cancellation)
    }
    var summary: RunSummary?
    if summarizes {
      summary = try summarize(
        scenario, totals: totals, truth: truth, attributionTruth: attributionTruth,
        database: database)
      summary?.shard = shard
    }
    return Computation(
      factual: factual, truth: truth, totals: totals, attributionTruth: attributionTruth,
      summary: summary)
  }

  /// Measures lift from the warehouse in `database` and makes the summary from the pass
  /// totals and the truths. With an attribution truth, it also cuts touchpoint paths from
  /// the warehouse and scores the configured models.
  static func summarize(
    _ scenario: Scenario, totals: PassTotals, truth: GroundTruthTable,
    attributionTruth: AttributionTruth?, database: Database
  ) throws -> RunSummary {
    var summary = try database.transaction { database in
      let measured = try WarehouseLift.measure(
        database: database, experiment: scenario.engage.experimentName ?? "",
        measurement: scenario.measurement)
      let covariates =
        scenario.run.prePeriod > .zero
        ? try WarehouseLift.preperiodActivity(
          database: database, before: scenario.run.experimentStart) : nil
      return try RunSummary(
        scenario: scenario, totals: totals, measured: measured, truth: truth,
        covariates: covariates)
    }
    if let attribution = scenario.attribution, attribution.enabled, let attributionTruth {
      summary.attribution = try scoreAttribution(
        scenario, attribution: attribution, truth: attributionTruth, database: database)
    }
    return summary
  }
}

import Config
import Foundation
import Measure
import Simulation
import Warehouse

/// Merges the results folders of a run's customer shards into the results of the whole
/// run: the same `summary.json` bytes and the same table contents as `loopsim run`.
///
/// The shards' records (the warehouse, the engine's records, the ground truth) are copied
/// shard by shard. Everything derived from them (conversions, counts, metrics, attribution,
/// the summary and the report) is computed again over the merged records by the run's own
/// code. Every sum in the summary runs over customers in id order or adds integers, so it
/// does not depend on how the customers were cut into shards.
public enum ShardMerge {
  private static let logger = Logger(label: "merge")

  /// The tables of records that a shard writes and the merge copies; every other table is
  /// derived from these and written again.
  static let recordTables = [
    "messages", "quarantine", "assignments", "emails", "skipped_sends", "skipped_emails",
    "ground_truth", "potential_outcomes", "merges", "dead_letters",
  ]

  /// The tables that a run derives from its records, which the merge writes again.
  static let derivedTables = [
    "run_metadata", "conversions", "pipeline_counts", "funnel", "metrics", "attributions",
    "attribution_scores", "attribution_truth", "attribution_customers",
  ]

  /// One shard folder to merge.
  struct Input {
    let directory: String
    let record: ShardRecord
  }

  /// Merges the shard folders in `directories` into `options.outputDirectory` (or a new
  /// folder under `Results/runs/`). Every shard of the run must be present unless
  /// `allowPartial`, in which case the summary lists the missing ones.
  public static func execute(
    _ directories: [String], allowPartial: Bool, options: RunOptions
  ) throws -> RunOutcome {
    try execute(directories, scenario: nil, allowPartial: allowPartial, options: options)
  }

  /// Merges as `execute(_:allowPartial:options:)` does. A `scenario` already loaded saves
  /// rebuilding it from the first shard's metadata, and `movesFirst` moves the first
  /// shard's database into the merged folder instead of copying it.
  static func execute(
    _ directories: [String], scenario loaded: Scenario?, allowPartial: Bool,
    movesFirst: Bool = false, options: RunOptions
  ) throws -> RunOutcome {
    let inputs = try directories.map { try readInput($0, verifies: !movesFirst) }
    let missing = try checkSet(inputs, allowPartial: allowPartial)
    let ordered = inputs.sorted { $0.record.shard.index < $1.record.shard.index }
    let scenario = try loaded ?? loadScenario(from: ordered[0])
    try checkCustomers(ordered, scenario: scenario)

    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name)
    let realDestination = realPath(destination)
    for input in ordered {
      let folder = realPath(input.directory)
      if realDestination == folder || realDestination.hasPrefix(folder + "/") {
        throw InputError(
          "--out \(destination) lies in the shard folder \(folder). Fix: write the merged "
            + "results to a folder outside every shard folder.")
      }
    }
    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      let summary = try merge(
        ordered, scenario: scenario, missing: missing, into: staging, movesFirst: movesFirst,
        cancellation: options.cancellation)
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return RunOutcome(directory: published, summary: summary)
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      if let sqlite = error as? SQLiteError, sqlite.isIOErrorOrDiskFull {
        throw RuntimeFailure("writing merged results failed: \(sqlite.description)")
      }
      throw error
    }
  }

  /// Returns `path` with symbolic links resolved, as far as it exists, and the rest of it
  /// appended, so that two names of one folder compare equal.
  static func realPath(_ path: String) -> String {
    var existing = URL(fileURLWithPath: path).standardizedFileURL
    var rest: [String] = []
    while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
      rest.insert(existing.lastPathComponent, at: 0)
      existing.deleteLastPathComponent()
    }
    var resolved = existing.resolvingSymlinksInPath()
    for component in rest { resolved.appendPathComponent(component) }
    return resolved.standardizedFileURL.path
  }

  /// Checks that every converting customer of the attribution truths is one of the run's.
  private static func checkCustomers(_ inputs: [Input], scenario: Scenario) throws {
    for input in inputs {
      if let last = input.record.attribution?.customers.last,
        last.customer >= UInt64(scenario.run.customers)
      {
        throw InputError(
          "\(input.directory)/\(ShardRecord.fileName): attribution.customers names customer "
            + "\(last.customer), but the run has \(scenario.run.customers) customers. Fix: "
            + "merge the folders that `loopsim run --shard i/N` wrote, unchanged.")
      }
    }
  }

  private static func readInput(_ directory: String, verifies: Bool) throws -> Input {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw InputError(
        "\(directory) is not a folder. Fix: give the results folders that "
          + "`loopsim run --shard i/N --out DIR` wrote.")
    }
    let recordPath = directory + "/" + ShardRecord.fileName
    guard FileManager.default.fileExists(atPath: recordPath) else {
      throw InputError(
        "\(directory) contains no \(ShardRecord.fileName), so it is not the folder of a shard "
          + "run. Fix: give the folders that `loopsim run --shard i/N --out DIR` wrote.")
    }
    guard FileManager.default.fileExists(atPath: directory + "/results.sqlite") else {
      throw InputError(
        "\(directory) contains no results.sqlite. Fix: give the whole folder that "
          + "`loopsim run --shard i/N --out DIR` wrote.")
    }
    let data = try ShardRecord.read(recordPath)
    let record = try ShardRecord(data: data, path: recordPath)
    if verifies {
      try verify(record, data: data, directory: directory)
    }
    return Input(directory: directory, record: record)
  }

  /// Checks that the shard's database is intact and belongs to its `shard.json`: the
  /// database records the shard and the SHA-256 of the file, so an edit to either shows.
  private static func verify(_ record: ShardRecord, data: Data, directory: String) throws {
    let path = directory + "/results.sqlite"
    let fix = "Fix: merge the folders that `loopsim run --shard i/N` wrote, unchanged."
    var metadata: [String: String] = [:]
    do {
      let database = try Database(path: path, mode: .readOnly)
      let check = try database.mapRows("PRAGMA quick_check") { try $0.string(at: 0) }
      guard check == ["ok"] else {
        throw InputError(
          "\(path) is damaged (SQLite's quick_check: \(check.prefix(3).joined(separator: "; "))"
            + "). \(fix)")
      }
      try database.cachedStatement("SELECT key, value FROM run_metadata").forEachRow { row in
        metadata[try row.string(at: 0)] = try row.string(at: 1)
      }
    } catch let error as SQLiteError where !error.isIOErrorOrDiskFull {
      throw InputError("\(path) is not a readable results database (\(error.description)). \(fix)")
    }
    guard metadata["shard"] == record.shard.description else {
      throw InputError(
        "\(directory): \(ShardRecord.fileName) names shard \(record.shard), but results.sqlite "
          + "names \(metadata["shard"] ?? "no shard") in run_metadata. \(fix)")
    }
    guard metadata[ShardRecord.hashKey] == (try SHA256.hash([UInt8](data))).hexString else {
      throw InputError(
        "\(directory): \(ShardRecord.fileName) is not the file that the shard run wrote with "
          + "results.sqlite (its SHA-256 differs from run_metadata.\(ShardRecord.hashKey)). "
          + "\(fix)")
    }
  }

  /// Checks that the shards come from one run and that none is given twice; returns the
  /// missing shards' indices, which are an error unless `allowPartial`.
  private static func checkSet(_ inputs: [Input], allowPartial: Bool) throws -> [Int] {
    guard let first = inputs.first else {
      throw InputError("merge needs at least one shard folder. Fix: give DIR… of the shards.")
    }
    for input in inputs.dropFirst() {
      let (a, b) = (first.record, input.record)
      if a.shard.count != b.shard.count {
        throw InputError(
          "\(first.directory) is shard \(a.shard) but \(input.directory) is shard \(b.shard): "
            + "the shards come from cuts into different numbers of shards. Fix: merge the "
            + "shards of one cut.")
      }
      if a.scenarioSHA256 != b.scenarioSHA256 {
        throw InputError(
          "\(first.directory) and \(input.directory) ran different scenarios"
            + differences(first.directory, input.directory) + " (scenarioSha256 "
            + "\(a.scenarioSHA256.prefix(12))… and \(b.scenarioSHA256.prefix(12))…). Fix: "
            + "merge the shards of one scenario, seed and customer count.")
      }
      if a.loopsimVersion != b.loopsimVersion {
        throw InputError(
          "\(first.directory) and \(input.directory) were written by loopsim "
            + "\(a.loopsimVersion) and \(b.loopsimVersion). Fix: run every shard with one "
            + "loopsim version.")
      }
    }
    var seen: [Int: String] = [:]
    for input in inputs {
      if let other = seen[input.record.shard.index] {
        throw InputError(
          "shard \(input.record.shard) is given twice: \(other) and \(input.directory). Fix: "
            + "give each shard's folder once.")
      }
      seen[input.record.shard.index] = input.directory
    }
    let count = first.record.shard.count
    let missing = (1...count).filter { seen[$0] == nil }
    if !missing.isEmpty && !allowPartial {
      throw InputError(
        "shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are missing, so "
          + "the merge would not be the whole run. Fix: give every shard's folder, or pass "
          + "--allow-partial to merge what is there (the summary lists the missing shards).")
    }
    return missing
  }

  /// Returns the run settings in which the shard databases in two folders differ, such as
  /// ": seed 11 and 12", or an empty string when the databases do not show it.
  private static func differences(_ first: String, _ second: String) -> String {
    func metadata(_ folder: String) -> [String: String] {
      var values: [String: String] = [:]
      guard let database = try? Database(path: folder + "/results.sqlite", mode: .readOnly)
      else { return values }
      try? database.cachedStatement("SELECT key, value FROM run_metadata").forEachRow { row in
        values[try row.string(at: 0)] = try row.string(at: 1)
      }
      return values
    }
    let (a, b) = (metadata(first), metadata(second))
    let differing = ["scenario", "seed", "customers"].compactMap { key -> String? in
      guard let left = a[key], let right = b[key], left != right else { return nil }
      return "\(key) \(left) and \(right)"
    }
    return differing.isEmpty ? "" : ": " + differing.joined(separator: ", ")
  }

  /// Rebuilds the scenario that the shards ran from the resolved text and tracking plan in
  /// the first shard's `run_metadata`, and checks it against the recorded SHA-256.
  private static func loadScenario(from input: Input) throws -> Scenario {
    let path = input.directory + "/results.sqlite"
    let database = try Database(path: path, mode: .readOnly)
    var metadata: [String: String] = [:]
    try database.cachedStatement("SELECT key, value FROM run_metadata").forEachRow { row in
      metadata[try row.string(at: 0)] = try row.string(at: 1)
    }
    guard metadata["schemaVersion"] == "\(ResultsSchema.version)" else {
      throw InputError(
        "\(path): run_metadata schemaVersion is \(metadata["schemaVersion"] ?? "missing"), but "
          + "this loopsim writes \(ResultsSchema.version). Fix: run the shards again with this "
          + "loopsim.")
    }
    guard let text = metadata["resolvedScenario"] else {
      throw InputError(
        "\(path): run_metadata has no resolvedScenario. Fix: merge the folders that "
          + "`loopsim run --shard i/N` wrote, unchanged.")
    }
    var tree = try JSON5.parse(text, file: path + " (run_metadata resolvedScenario)")

    // The scenario names its tracking plan by a path relative to its own file, which is
    // not in the shard folder. The metadata contains the plan's text, so the scenario reads
    // a private copy of it instead.
    var planFolder: String?
    defer { if let planFolder { try? FileManager.default.removeItem(atPath: planFolder) } }
    if let plan = metadata["trackingPlan"] {
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("loopsim-merge-\(getpid())-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      planFolder = folder
      let planPath = folder + "/tracking-plan.json5"
      try Data(plan.utf8).write(to: URL(fileURLWithPath: planPath))
      tree = try tree.applying([
        ConfigOverride(
          path: try FieldPath(parsing: "pipeline.trackingPlan"),
          value: ConfigNode(.string(planPath), at: tree.location))
      ])
    }
    var scenario = try ScenarioLoader.validate(tree, file: path)
    try scenario.setResolvedJSON(text)
    guard scenario.sha256 == input.record.scenarioSHA256 else {
      throw InputError(
        "\(path): the resolved scenario does not match the scenarioSha256 of "
          + "\(ShardRecord.fileName). Fix: merge the folders that `loopsim run --shard i/N` "
          + "wrote, unchanged.")
    }
    return scenario
  }

  private static func merge(
    _ inputs: [Input], scenario: Scenario, missing: [Int], into directory: String,
    movesFirst: Bool, cancellation: CancellationFlag?
  ) throws -> RunSummary {
    // The first shard's database becomes the merged one, which saves copying its rows; its
    // derived tables are emptied, and the other shards' records are appended.
    let path = directory + "/results.sqlite"
    let first = inputs[0].directory + "/results.sqlite"
    if movesFirst {
      try FileManager.default.moveItem(atPath: first, toPath: path)
    } else {
      try FileManager.default.copyItem(atPath: first, toPath: path)
    }

    let database = try Database(path: path)
    do {
      try checkSchema(of: database, shard: first)
    } catch let error as SQLiteError where !error.isIOErrorOrDiskFull {
      throw InputError(
        "\(first) is not a readable results database (\(error.description)). Fix: merge the "
          + "folders that `loopsim run --shard i/N` wrote, unchanged.")
    }
    try database.transaction { database in
      for table in derivedTables { try database.execute("DELETE FROM \(table)") }
    }

    var totals = PassTotals()
    for (position, input) in inputs.enumerated() {
      if cancellation?.isCancelled == true { throw Interrupted() }
      if position > 0 {
        logger.debug("merging shard \(input.record.shard) from \(input.directory)")
        try copyRecords(from: input.directory + "/results.sqlite", into: database)
      }
      try totals.add(input.record.totals)
    }

    let truth = try readGroundTruth(database, scenario: scenario, unmatched: totals["truthUnmatched"])
    let attributionTruth = try mergeAttribution(inputs, scenario: scenario)
    var summary = try LoopRun.summarize(
      scenario, totals: totals, truth: truth, attributionTruth: attributionTruth,
      database: database)
    summary.missingShards = missing
    return try LoopRun.finish(scenario, summary: summary, database: database, in: directory)
  }

  /// Checks that `database`, copied from `shard`, has exactly the tables and indexes of
  /// this version's results schema.
  private static func checkSchema(of database: Database, shard: String) throws {
    let query = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    let expected = try Database.inMemory()
    try expected.execute(ResultsSchema.sql)
    let layout = { (database: Database) in
      try database.mapRows(query) { row in
        [try row.string(at: 0), try row.string(at: 1), (try? row.string(at: 2)) ?? ""]
      }
    }
    guard try layout(database) == layout(expected) else {
      throw InputError(
        "\(shard): its tables do not match this loopsim's results schema. Fix: merge the "
          + "folders that `loopsim run --shard i/N` wrote, unchanged, with the loopsim that "
          + "wrote them.")
    }
  }

  /// Appends the record tables of the shard database at `path` to `database`, keeping each
  /// table's row order.
  private static func copyRecords(from path: String, into database: Database) throws {
    try database.run("ATTACH DATABASE ? AS shard", binding: [path])
    do {
      try database.transaction { database in
        for table in recordTables {
          try database.execute(
            "INSERT INTO main.\(table) SELECT * FROM shard.\(table) ORDER BY rowid")
        }
      }
    } catch {
      try? database.execute("DETACH DATABASE shard")
      if let sqlite = error as? SQLiteError, !sqlite.isIOErrorOrDiskFull {
        throw InputError(
          "\(path): its tables do not match this loopsim's results schema (\(sqlite.description))"
            + ". Fix: merge the folders that `loopsim run --shard i/N` wrote, unchanged.")
      }
      throw error
    }
    try database.execute("DETACH DATABASE shard")
  }

  /// Reads the merged ground truth back in customer order.
  private static func readGroundTruth(
    _ database: Database, scenario: Scenario, unmatched: Int
  ) throws -> GroundTruthTable {
    let arms = scenario.engage.hasSplit ? scenario.engage.experiment?.armNames ?? [] : []
    var outcomes: [Int64: (converted: [String: Bool], revenues: [String: Int64])] = [:]
    try database.cachedStatement(
      "SELECT customer, arm, converted, revenue FROM potential_outcomes ORDER BY customer, arm"
    ).forEachRow { row in
      let customer = try row.int64(at: 0)
      let arm = try row.string(at: 1)
      var entry = outcomes[customer] ?? ([:], [:])
      entry.converted[arm] = try row.bool(at: 2)
      entry.revenues[arm] = Int64((try row.double(at: 3) * 100).rounded())
      outcomes[customer] = entry
    }
    let rows = try database.mapRows(
      "SELECT customer, user_id, arm, converted FROM ground_truth ORDER BY customer"
    ) { row in
      let customer = try row.int64(at: 0)
      let entry = outcomes[customer] ?? ([:], [:])
      return GroundTruthTable.Row(
        customer: UInt64(customer), userId: try row.string(at: 1), arm: try row.string(at: 2),
        converted: try row.bool(at: 3), outcomes: entry.converted, revenues: entry.revenues)
    }
    return GroundTruthTable(arms: arms, rows: rows, unmatched: unmatched)
  }

  /// Adds up the shards' attribution truths: v(S) is a sum over customers, and each
  /// converting customer belongs to one shard.
  private static func mergeAttribution(
    _ inputs: [Input], scenario: Scenario
  ) throws -> AttributionTruth? {
    guard let attribution = scenario.attribution, attribution.enabled else { return nil }
    var channels: [String]?
    var values: [Int] = []
    var customers: [AttributionTruth.CustomerTruth] = []
    for input in inputs {
      guard let truth = input.record.attribution else {
        throw InputError(
          "\(input.directory)/\(ShardRecord.fileName) has no attribution truth, but the "
            + "scenario enables attribution. Fix: merge the folders that `loopsim run --shard "
            + "i/N` wrote, unchanged.")
      }
      if let channels, channels != truth.channels {
        throw InputError(
          "\(input.directory)/\(ShardRecord.fileName): attribution.channels differ from the "
            + "other shards'. Fix: merge the shards of one scenario.")
      }
      channels = truth.channels
      values = values.isEmpty ? truth.values : zip(values, truth.values).map { $0 + $1 }
      customers += truth.customers
    }
    customers.sort { $0.customer < $1.customer }
    return AttributionTruth(channels: channels ?? [], values: values, customers: customers)
  }
}

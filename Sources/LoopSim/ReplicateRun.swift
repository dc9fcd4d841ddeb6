import Config
import Engage
import Foundation
import Measure
import Simulation
import Synchronization
import Warehouse

/// One replicate's estimate and truth for one arm against the holdout.
public struct ReplicateResult: Sendable {
  public let replicate: Int
  public let seed: UInt64
  public let arm: String
  public let estimate: Double?
  public let interval: ConfidenceInterval?
  public let truth: Double?
  public let pValue: Double?

  /// Whether the interval contains the true lift; nil when either is undefined.
  public var covered: Bool? {
    guard let interval, let truth else { return nil }
    return interval.contains(truth)
  }
}

/// How well one arm's estimate tracks the truth over the replicates.
public struct Calibration: Sendable {
  public let arm: String
  /// Replicates where the estimate, its interval and the truth were all defined.
  public let replicates: Int
  public let meanEstimate: Double?
  public let meanTruth: Double?
  /// Mean of (estimate − truth) over the replicates.
  public let bias: Double?
  /// Share of replicates whose 95 % interval contains the true lift.
  public let coverage: Double?
  /// Wilson 99 % interval of the coverage: its sampling error over this many replicates.
  public let coverageInterval: ConfidenceInterval?

  /// Whether the coverage is off: 0.95 lies outside the coverage's 99 % interval.
  public var coverageIsOff: Bool {
    guard let coverageInterval else { return false }
    return !coverageInterval.contains(0.95)
  }
}

/// Runs a scenario with R seeds in parallel and measures the estimator against the truth.
///
/// Replicate r uses seed `run.seed + r` (wrapping), so replicate 0 is the scenario as
/// written; streams are keyed by SHA-256 of the seed, so neighbouring seeds are
/// independent. Each replicate loads its warehouse into an in-memory SQLite database and
/// keeps only the comparisons, so replicates cost no disk space.
public enum ReplicateRun {
  private static let logger = Logger(label: "replicates")

  public struct Outcome {
    public let directory: String
    public let results: [ReplicateResult]
    public let calibration: [Calibration]
    public let json: String
    public let table: String
  }

  public static func execute(
    _ scenario: Scenario, replicates: Int, jobs: Int, options: RunOptions
  ) throws -> Outcome {
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name)
    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      let results = try runReplicates(
        scenario, count: replicates, jobs: jobs, cancellation: options.cancellation,
        progress: options.progress)
      let arms = scenario.engage.experiment?.arms.map(\.name) ?? []
      let calibration = arms.map { arm in calibrate(arm, results.filter { $0.arm == arm }) }
      let json = summaryJSON(scenario, replicates: replicates, calibration: calibration)
      try writeDatabase(scenario, results: results, calibration: calibration, into: staging)
      try Data(json.utf8).write(to: URL(fileURLWithPath: staging + "/summary.json"))
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return Outcome(
        directory: published, results: results, calibration: calibration, json: json,
        table: table(scenario, replicates: replicates, calibration: calibration))
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      throw error
    }
  }

  /// Runs the replicates on `jobs` threads. Results come back in replicate order whatever
  /// order the threads finish in.
  static func runReplicates(
    _ scenario: Scenario, count: Int, jobs: Int, cancellation: CancellationFlag?,
    progress: (@Sendable (ProgressUpdate) -> Void)?
  ) throws -> [ReplicateResult] {
    let slots = Mutex<[Result<[ReplicateResult], any Error>?]>(Array(repeating: nil, count: count))
    let next = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let workers = max(1, min(jobs, count))

    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < count, cancellation?.isCancelled != true else { return }
        let outcome = Result { try replicate(index, of: scenario, cancellation: cancellation) }
        slots.withLock { $0[index] = outcome }
        let finished = done.wrappingAdd(1, ordering: .relaxed).newValue
        if let progress {
          slots.withLock { _ in
            progress(
              ProgressUpdate(phase: "replicates", fraction: Double(finished) / Double(count)))
          }
        }
        if case .failure = outcome { cancellation?.cancel() }
      }
    }

    let outcomes = slots.withLock { $0 }
    var results: [ReplicateResult] = []
    for outcome in outcomes {
      switch outcome {
      case .success(let replicateResults): results += replicateResults
      case .failure(let error): throw error
      case nil: throw Interrupted()
      }
    }
    return results
  }

  private static func replicate(
    _ index: Int, of scenario: Scenario, cancellation: CancellationFlag?
  ) throws -> [ReplicateResult] {
    var variant = scenario
    let seed = scenario.run.seed &+ UInt64(index)
    variant.run.seed = seed
    // Replicates report the lift's calibration only, so they skip the attribution passes.
    variant.attribution = nil
    let database = try Database.inMemory()
    try database.execute(ResultsSchema.sql)
    let computation = try LoopRun.compute(
      variant, database: database, armsBeside: false, cancellation: cancellation,
      progress: nil)
    logger.debug("replicate \(index) (seed \(seed)) done")
    return try computation.measuredSummary().comparisons.map { lift in
      ReplicateResult(
        replicate: index, seed: seed, arm: lift.treatment.name,
        estimate: lift.comparison?.absoluteLift, interval: lift.comparison?.absoluteLiftInterval,
        truth: lift.truth?.absoluteLift.value, pValue: lift.comparison?.zTest.pValue)
    }
  }

  static func calibrate(_ arm: String, _ results: [ReplicateResult]) -> Calibration {
    let usable = results.filter { $0.covered != nil }
    guard !usable.isEmpty else {
      return Calibration(
        arm: arm, replicates: 0, meanEstimate: nil, meanTruth: nil, bias: nil, coverage: nil,
        coverageInterval: nil)
    }
    let count = Double(usable.count)
    let estimates = usable.compactMap(\.estimate)
    let truths = usable.compactMap(\.truth)
    let meanEstimate = estimates.reduce(0, +) / count
    let meanTruth = truths.reduce(0, +) / count
    let covered = usable.filter { $0.covered == true }.count
    let interval = try? BinomialArm(successes: covered, trials: usable.count)
      .wilsonInterval(confidenceLevel: 0.99)
    return Calibration(
      arm: arm, replicates: usable.count, meanEstimate: meanEstimate, meanTruth: meanTruth,
      bias: meanEstimate - meanTruth, coverage: Double(covered) / count,
      coverageInterval: interval)
  }

  // MARK: Output

  static func summaryJSON(_ scenario: Scenario, replicates: Int, calibration: [Calibration])
    -> String
  {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", RunSummary.schemaVersion)
    writer.member("kind", "replicates")
    writer.member("scenario", scenario.name)
    writer.member("scenarioSha256", scenario.sha256)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("seed", scenario.run.seed)
    writer.member("customers", scenario.run.customers)
    writer.member("replicates", replicates)
    writer.member("metric", "absolute lift of the conversion rate against the holdout")
    writer.key("calibration")
    writer.beginArray()
    for entry in calibration {
      writer.beginObject()
      writer.member("arm", entry.arm)
      writer.member("replicates", entry.replicates)
      writer.member("meanEstimate", entry.meanEstimate)
      writer.member("meanTruth", entry.meanTruth)
      writer.member("bias", entry.bias)
      writer.member("coverage", entry.coverage)
      writer.key("coverageCi99")
      if let interval = entry.coverageInterval {
        writer.beginArray()
        writer.number(interval.lower)
        writer.number(interval.upper)
        writer.endArray()
      } else {
        writer.null()
      }
      if entry.replicates == 0 {
        writer.member("undefinedReason", "noDefinedReplicate")
      }
      writer.member("coverageIsOff", entry.coverageIsOff)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  static func table(_ scenario: Scenario, replicates: Int, calibration: [Calibration]) -> String {
    var lines = [
      "Scenario   \(scenario.name)  (\(replicates) replicates from seed \(scenario.run.seed), "
        + "\(scenario.run.customers) customers each)",
      "",
      "arm              replicates  mean estimate  mean truth   bias        coverage of 95% CI",
    ]
    func points(_ value: Double?) -> String {
      value.map { String(format: "%+.3f pp", $0 * 100) } ?? "undefined"
    }
    for entry in calibration {
      let coverage = entry.coverage.map { String(format: "%.1f%%", $0 * 100) } ?? "undefined"
      let cells = [
        entry.arm, "\(entry.replicates)", points(entry.meanEstimate), points(entry.meanTruth),
        points(entry.bias), coverage,
      ]
      let widths = [17, 12, 15, 13, 12, 10]
      lines.append(
        zip(cells, widths).map { $0.padding(toLength: max($1, $0.count + 1), withPad: " ", startingAt: 0) }
          .joined().trimmingCharacters(in: .whitespaces))
      if entry.coverageIsOff, let interval = entry.coverageInterval {
        lines.append(
          "  Finding: the 95% interval covered the true lift in "
            + String(format: "%.1f%%", (entry.coverage ?? 0) * 100)
            + " of \(entry.replicates) replicates. The true coverage lies between "
            + String(format: "%.1f%% and %.1f%%", interval.lower * 100, interval.upper * 100)
            + " (99% Wilson interval), which excludes 95%: the interval is miscalibrated here.")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func writeDatabase(
    _ scenario: Scenario, results: [ReplicateResult], calibration: [Calibration],
    into directory: String
  ) throws {
    let database = try Database(path: directory + "/results.sqlite")
    try database.execute(
      """
      CREATE TABLE run_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE replicates (
        replicate INTEGER NOT NULL, seed TEXT NOT NULL, arm TEXT NOT NULL,
        estimate REAL, lower REAL, upper REAL, truth REAL, covered INTEGER, p_value REAL,
        PRIMARY KEY (replicate, arm)
      );
      CREATE TABLE calibration (
        arm TEXT PRIMARY KEY, replicates INTEGER NOT NULL, mean_estimate REAL, mean_truth REAL,
        bias REAL, coverage REAL, coverage_lower REAL, coverage_upper REAL
      );
      """)
    try database.transaction { database in
      for (key, value) in [
        ("schemaVersion", "\(ResultsSchema.version)"), ("kind", "replicates"),
        ("scenario", scenario.name), ("scenarioSha256", scenario.sha256),
        ("seed", "\(scenario.run.seed)"), ("loopsimVersion", LoopSimVersion.current),
        ("resolvedScenario", scenario.resolvedJSON),
      ] {
        try database.run(
          "INSERT INTO run_metadata (key, value) VALUES (?, ?)", binding: [key, value])
      }
      for result in results {
        try database.run(
          """
          INSERT INTO replicates (replicate, seed, arm, estimate, lower, upper, truth, covered,
                                  p_value)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          binding: [
            result.replicate, "\(result.seed)", result.arm, result.estimate,
            result.interval?.lower, result.interval?.upper, result.truth, result.covered,
            result.pValue,
          ])
      }
      for entry in calibration {
        try database.run(
          """
          INSERT INTO calibration (arm, replicates, mean_estimate, mean_truth, bias, coverage,
                                   coverage_lower, coverage_upper)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
          binding: [
            entry.arm, entry.replicates, entry.meanEstimate, entry.meanTruth, entry.bias,
            entry.coverage, entry.coverageInterval?.lower, entry.coverageInterval?.upper,
          ])
      }
    }
  }
}

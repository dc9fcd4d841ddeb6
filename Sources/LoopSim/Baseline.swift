import Config
import Foundation

/// A committed baseline for `loopsim check`: the scenario, the customer count and seed it
/// ran at, and its headline metrics. docs/check-and-compare.md describes the file.
public struct Baseline: Sendable {
  public static let schemaVersion = 1

  /// The scenario's `name`.
  public var scenario: String
  /// SHA-256 of the resolved scenario that produced the metrics, at `customers` and `seed`.
  public var scenarioSHA256: String
  public var loopsimVersion: String
  public var customers: Int
  public var seed: UInt64
  public var metrics: [HeadlineMetric]

  public init(
    scenario: String, scenarioSHA256: String, loopsimVersion: String, customers: Int,
    seed: UInt64, metrics: [HeadlineMetric]
  ) {
    self.scenario = scenario
    self.scenarioSHA256 = scenarioSHA256
    self.loopsimVersion = loopsimVersion
    self.customers = customers
    self.seed = seed
    self.metrics = metrics
  }

  // MARK: Reading

  /// Reads and validates the baseline file at `path`, reporting every problem at once with
  /// its line, column and field path.
  ///
  /// - Throws: `BaselineFileError` for a missing or unreadable file, `ConfigValidationError`
  ///   or a syntax error for invalid contents; all exit with status 2.
  public static func read(path: String) throws -> Baseline {
    guard FileManager.default.fileExists(atPath: path) else {
      throw BaselineFileError(
        message: "\(path): error: the baseline file does not exist. Fix: create it with "
          + "`loopsim check SCENARIO --baseline \(path) --update-baseline`, or check the path.")
    }
    let tree: ConfigNode
    do {
      tree = try JSON5.parse(contentsOfFile: path)
    } catch {
      throw BaselineFileError(message: error.description)
    }
    let diagnostics = Diagnostics()
    let baseline = diagnostics.read(tree, as: reader)
    try diagnostics.throwIfErrors()
    guard let baseline else {
      throw BaselineFileError(message: "\(path): error: invalid baseline.")
    }
    return baseline
  }

  private static var reader: ConfigReader<Baseline> {
    .object("a baseline object") { object in
      let version = object.required(
        "schemaVersion", .int(in: schemaVersion...schemaVersion),
        fix: "regenerate the baseline with --update-baseline")
      let scenario = object.required("scenario", .nonEmptyString)
      let sha256 = object.required("scenarioSha256", .string)
      let loopsimVersion = object.required("loopsimVersion", .string)
      // The same limit as run.customers, so a bad count is reported here and not as an
      // override of the scenario.
      let customers = object.required(
        "customers", .int(in: 1...ScenarioLoader.maximumCustomers))
      let seed = object.required("seed", .uint64)
      let metrics = object.required(
        "metrics",
        .array(of: metricReader, count: 0...Int.max, unique: "name", by: { $0.name }))
      guard version != nil, let scenario, let sha256, let loopsimVersion, let customers,
        let seed, let metrics
      else { return nil }
      return Baseline(
        scenario: scenario, scenarioSHA256: sha256, loopsimVersion: loopsimVersion,
        customers: customers, seed: seed, metrics: metrics)
    }
  }

  private static var metricReader: ConfigReader<HeadlineMetric> {
    .object("a metric object") { object in
      let name = object.required("name", .nonEmptyString)
      let kind = object.required("kind", .oneOf(HeadlineMetric.Kind.self))
      let valueNode = object.required("value", .node)
      let intervalNode = object.optional("interval", .node)
      let trials = object.optional("trials", .int(in: 0...))
      let reason = object.optional("undefinedReason", .string)
      let dispersion = object.optional("dispersion", .double(in: 1...))
      guard let name, let kind, let valueNode else { return nil }
      if dispersion != nil, kind == .estimate {
        object.error(
          "dispersion applies only to counts and proportions", key: "dispersion",
          fix: "remove dispersion from this estimate")
        return nil
      }

      var value: Double?
      switch valueNode.value {
      case .null:
        value = nil
      case .number(let number) where number.double.isFinite:
        value = number.double
      default:
        object.error(
          "expected a finite number or null", key: "value",
          found: valueNode.kindAndValueDescription,
          fix: "set value to the metric's value, or null when it is undefined")
        return nil
      }
      // Counts above 2^53 lose integer precision in a Double, so they are rejected too.
      if kind == .binomialCount || kind == .poissonCount, let count = value,
        count < 0 || count != count.rounded() || count > 9_007_199_254_740_992
      {
        object.error(
          "expected a count (an integer from 0 to 2^53) for a \(kind.rawValue)",
          key: "value", found: valueNode.shortDescription, fix: "set value to a count")
        return nil
      }
      if (kind == .binomialCount || kind == .proportion), trials == nil {
        object.error(
          "missing field \"trials\" for a \(kind.rawValue)", key: "trials",
          fix: "add \"trials\" with the count's denominator")
        return nil
      }

      var interval: ClosedRange<Double>?
      if let intervalNode, kind == .estimate {
        guard case .array(let limits) = intervalNode.value, limits.count == 2,
          case .number(let lower) = limits[0].value, case .number(let upper) = limits[1].value,
          lower.double.isFinite, upper.double.isFinite, lower.double <= upper.double
        else {
          object.error(
            "expected an interval [lower, upper] with lower ≤ upper",
            key: "interval", found: intervalNode.kindAndValueDescription,
            fix: "set interval to two finite numbers in order, or remove it")
          return nil
        }
        interval = lower.double...upper.double
      }
      return HeadlineMetric(
        name: name, kind: kind, value: value, interval: interval, trials: trials,
        undefinedReason: reason, dispersion: dispersion)
    }
  }

  // MARK: Writing

  /// The baseline as pretty-printed JSON with a trailing newline, keys in a fixed order.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", Baseline.schemaVersion)
    writer.member("scenario", scenario)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", loopsimVersion)
    writer.member("customers", customers)
    writer.member("seed", seed)
    writer.key("metrics")
    writer.beginArray()
    for metric in metrics {
      writer.beginObject()
      writer.member("name", metric.name)
      writer.member("kind", metric.kind.rawValue)
      writer.member("value", metric.value)
      if let interval = metric.interval {
        writer.key("interval")
        writer.beginArray()
        writer.number(interval.lowerBound)
        writer.number(interval.upperBound)
        writer.endArray()
      }
      if let trials = metric.trials {
        writer.member("trials", trials)
      }
      if metric.value == nil, let reason = metric.undefinedReason {
        writer.member("undefinedReason", reason)
      }
      if let dispersion = metric.dispersion {
        writer.member("dispersion", dispersion)
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  /// Writes the baseline to `path` atomically: into a hidden temporary file in the same
  /// folder, then rename(2) over the old file, so a reader sees the old or the new baseline
  /// and never half of one.
  public func write(to path: String) throws {
    try AtomicFile.write(json, to: path)
  }
}

/// A baseline file that is missing or unreadable: exit status 2.
public struct BaselineFileError: ReportableError {
  public let message: String

  public var exitStatus: ExitStatus { .invalidInput }
  public var description: String { message }
  public var isLocated: Bool { true }
}

/// Writes text files through a temporary file and a rename.
public enum AtomicFile {
  /// Writes `text` to `path` through `.NAME.partial-PID` in the same folder and rename(2).
  ///
  /// - Throws: `InputError` when the folder does not exist or the file is marked read-only
  ///   (no write permission for anyone). `RuntimeFailure` when writing or
  ///   renaming fails (a full disk, no permission), after removing the temporary file.
  public static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw InputError(
        "cannot write \(path): the folder \(folder) does not exist. Fix: create the folder "
          + "or give another path.")
    }
    // A file marked read-only is not replaced, even by root, who could rename over it.
    if let permissions = try? FileManager.default.attributesOfItem(atPath: path)[
      .posixPermissions] as? Int, permissions & 0o222 == 0
    {
      throw InputError(
        "cannot replace \(path): the file is read-only. Fix: make it writable "
          + "(chmod u+w) if it should be replaced, or give another path.")
    }
    let temporary = "\(folder)/.\(url.lastPathComponent).partial-\(getpid())"
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw RuntimeFailure("cannot write \(path): \(error.localizedDescription)")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw RuntimeFailure("cannot replace \(path): \(reason)")
    }
  }
}

import Config

/// One headline metric of a run's `summary.json`, in the form that `loopsim check` compares
/// with a baseline: its name, the rule that gives its tolerance, and its value.
///
/// Names follow the keys of `summary.json`, with the arm, treatment, funnel event,
/// destination or reason in brackets where the file has an array or a map, such as
/// `arms[holdout].conversionRate` or `messages.destinations[warehouse].retries`. An interval
/// is part of its estimate's metric, not a metric of its own.
public struct HeadlineMetric: Hashable, Sendable {
  /// The rule that judges the metric's sampling error.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// An estimate with a confidence interval from the summary, such as a lift.
    case estimate
    /// A count of the run's customers, binomial with `trials` equal to the customer count.
    case binomialCount
    /// A share of `trials` customers, such as a true conversion rate.
    case proportion
    /// Any other count, judged by its Poisson sampling error.
    case poissonCount
  }

  public let name: String
  public let kind: Kind
  /// The value; nil when the summary has it as null (undefined).
  public let value: Double?
  /// The 95 % interval of an estimate; nil for counts and for an undefined interval.
  public let interval: ClosedRange<Double>?
  /// The denominator of a binomial count or a proportion; nil otherwise.
  public let trials: Int?
  /// The summary's reason beside a null value.
  public let undefinedReason: String?
  /// For a count or proportion: the ratio of its variance across seeds to the binomial or
  /// Poisson variance, at least 1, measured when the baseline was written; nil means 1.
  public let dispersion: Double?

  /// Whether a missing metric counts as 0 rather than as missing: the summary lists only
  /// the quarantine, drop and flag reasons that occurred.
  public var absentMeansZero: Bool {
    name.hasPrefix("messages.") && name.contains("Reasons[")
  }

  public init(
    name: String, kind: Kind, value: Double?, interval: ClosedRange<Double>? = nil,
    trials: Int? = nil, undefinedReason: String? = nil, dispersion: Double? = nil
  ) {
    self.name = name
    self.kind = kind
    self.value = value
    self.interval = interval
    self.trials = trials
    self.undefinedReason = undefinedReason
    self.dispersion = dispersion
  }

  /// Returns the metric with its dispersion set.
  public func with(dispersion: Double?) -> HeadlineMetric {
    HeadlineMetric(
      name: name, kind: kind, value: value, interval: interval, trials: trials,
      undefinedReason: undefinedReason, dispersion: dispersion)
  }
}

/// A `summary.json` without the shape that the headline metrics need: exit status 2.
public struct SummaryFormatError: ReportableError {
  public let file: String
  public let path: String
  public let problem: String

  public var exitStatus: ExitStatus { .invalidInput }
  public var description: String {
    "\(file): \(path.isEmpty ? "" : path + ": ")\(problem). Fix: give the summary.json of a "
      + "single run of `loopsim run` (schema version \(RunSummary.schemaVersion)), not of "
      + "replicates or of a replay."
  }
}

/// The identity of a single run and its headline metrics, read from its `summary.json`.
public struct SummaryHeadlines: Sendable {
  /// The scenario's `name`.
  public let scenario: String
  public let seed: UInt64
  public let customers: Int
  public let metrics: [HeadlineMetric]

  /// Returns the first metric called `name`, or nil.
  public func metric(_ name: String) -> HeadlineMetric? {
    metrics.first { $0.name == name }
  }

  /// Reads the headline metrics from the text of a single run's `summary.json`.
  ///
  /// Each metric takes its rule from the key it comes from, as docs/check-and-compare.md
  /// lists: estimates with their interval, counts of the run's customers as binomial, true
  /// conversion rates as proportions of `trueCustomers`, other counts as Poisson. Keys that
  /// the list does not name (p-values, test statistics, times to conversion, revenue per
  /// customer) are not read, so new keys in the summary never break a check.
  ///
  /// - Parameter file: The name that error messages show.
  /// - Throws: `SummaryFormatError` when the text is not JSON or a listed key is missing or
  ///   of the wrong type.
  public static func read(summary text: String, file: String) throws -> SummaryHeadlines {
    let root: ConfigNode
    do {
      root = try JSON5.parse(text, file: file)
    } catch {
      throw SummaryFormatError(file: file, path: "", problem: "not valid JSON: \(error)")
    }
    var reader = SummaryReader(file: file)
    return try reader.headlines(of: root)
  }
}

/// Walks a summary tree and collects the metrics, with the field path of any problem.
struct SummaryReader {
  let file: String
  private var metrics: [HeadlineMetric] = []

  init(file: String) {
    self.file = file
  }

  mutating func headlines(of root: ConfigNode) throws -> SummaryHeadlines {
    let top = try object(root, "")
    if case .string(let kind)? = top["kind"]?.value {
      throw SummaryFormatError(
        file: file, path: "kind", problem: "the summary is of \(kind), not of a single run")
    }
    if top["replay"] != nil {
      throw SummaryFormatError(file: file, path: "replay", problem: "the summary is of a replay")
    }
    let scenario = try string(top, "scenario", "")
    let customers = try integer(top, "customers", "")
    let seedNode = try member(top, "seed", "")
    guard case .number(let seedNumber) = seedNode.value, let seed = seedNumber.uint64 else {
      throw mismatch(seedNode, "seed", expected: "an unsigned 64-bit integer")
    }

    try poisson(top, "events", "")
    try poisson(top, "eventsCutOffAtEnd", "")

    for (index, arm) in try array(top, "arms", "").enumerated() {
      let path = "arms[\(index)]"
      let armObject = try object(arm, path)
      let name = "arms[\(try string(armObject, "name", path))]"
      try binomial(armObject, "customers", path, as: name, trials: customers)
      try binomial(armObject, "conversions", path, as: name, trials: customers)
      try estimate(armObject, "conversionRate", interval: "ci95", path, as: name)
    }

    for (index, comparison) in try array(top, "comparisons", "").enumerated() {
      let path = "comparisons[\(index)]"
      let object = try object(comparison, path)
      let name = "comparisons[\(try string(object, "treatment", path))]"
      try estimate(object, "absolute", interval: "ci95", path, as: name)
      try estimate(object, "relative", interval: "relativeCi95", path, as: name)
      if object["trueCustomers"] != nil {
        let trueCustomers = try integer(object, "trueCustomers", path)
        try binomial(object, "trueCustomers", path, as: name, trials: customers)
        for key in ["trueConversionRateIfTreated", "trueConversionRateIfHeldOut"] {
          try proportion(object, key, path, as: name, trials: trueCustomers)
        }
      }
      try nested(object, "revenue", "meanDifference", path, as: name)
      try nested(object, "cuped", "adjustedDifference", path, as: name)
    }

    let messages = try object(try member(top, "messages", ""), "messages")
    for key in [
      "emitted", "accepted", "quarantined", "dropped", "flagged", "propertiesDropped", "late",
      "duplicatesOutsideWindow", "merges",
    ] {
      try poisson(messages, key, "messages")
    }
    for key in ["quarantineReasons", "dropReasons", "flagReasons", "propertyDropReasons"] {
      let reasons = try object(try member(messages, key, "messages"), "messages.\(key)")
      for reason in reasons.keys.sorted() {
        try poisson(reasons, reason, "messages.\(key)", name: "messages.\(key)[\(reason)]")
      }
    }
    let destinations = try object(
      try member(messages, "destinations", "messages"), "messages.destinations")
    for kind in destinations.keys.sorted() {
      let path = "messages.destinations.\(kind)"
      let counts = try object(try member(destinations, kind, "messages.destinations"), path)
      for key in ["routed", "delivered", "filtered", "deadLettered", "retries"] {
        try poisson(counts, key, path, name: "messages.destinations[\(kind)].\(key)")
      }
    }

    for (index, step) in try array(top, "funnel", "").enumerated() {
      let path = "funnel[\(index)]"
      let stepObject = try object(step, path)
      let event = try string(stepObject, "event", path)
      try poisson(stepObject, "people", path, name: "funnel[\(event)].people")
    }

    let emails = try object(try member(top, "emails", ""), "emails")
    for key in ["sent", "delivered", "bounced", "opened", "clicked"] {
      try poisson(emails, key, "emails")
    }
    try poisson(top, "profiles", "")
    return SummaryHeadlines(
      scenario: scenario, seed: seed, customers: customers, metrics: metrics)
  }

  // MARK: Metrics

  /// Records the count at `key` as a Poisson count named `name`, by default its path.
  private mutating func poisson(
    _ object: ConfigObject, _ key: String, _ path: String, name: String? = nil
  ) throws {
    let count = try integer(object, key, path)
    metrics.append(
      HeadlineMetric(name: name ?? join(path, key), kind: .poissonCount, value: Double(count)))
  }

  private mutating func binomial(
    _ object: ConfigObject, _ key: String, _ path: String, as prefix: String, trials: Int
  ) throws {
    let count = try integer(object, key, path)
    metrics.append(
      HeadlineMetric(
        name: join(prefix, key), kind: .binomialCount, value: Double(count), trials: trials))
  }

  private mutating func proportion(
    _ object: ConfigObject, _ key: String, _ path: String, as prefix: String, trials: Int
  ) throws {
    let value = try optionalNumber(object, key, path)
    metrics.append(
      HeadlineMetric(
        name: join(prefix, key), kind: .proportion, value: value, trials: trials,
        undefinedReason: value == nil ? reason(object, key) : nil))
  }

  private mutating func estimate(
    _ object: ConfigObject, _ key: String, interval intervalKey: String, _ path: String,
    as prefix: String
  ) throws {
    let value = try optionalNumber(object, key, path)
    let interval = try optionalInterval(object, intervalKey, path)
    metrics.append(
      HeadlineMetric(
        name: join(prefix, key), kind: .estimate, value: value, interval: interval,
        undefinedReason: value == nil ? reason(object, key) : nil))
  }

  /// Reads `key` of the object at `objectKey`, or records the metric as undefined with the
  /// object's reason when the object is null.
  private mutating func nested(
    _ object: ConfigObject, _ objectKey: String, _ key: String, _ path: String,
    as prefix: String
  ) throws {
    let node = try member(object, objectKey, path)
    let objectPath = join(path, objectKey)
    if case .null = node.value {
      metrics.append(
        HeadlineMetric(
          name: join(join(prefix, objectKey), key), kind: .estimate, value: nil,
          undefinedReason: reason(object, objectKey)))
      return
    }
    try estimate(
      self.object(node, objectPath), key, interval: "ci95", objectPath,
      as: join(prefix, objectKey))
  }

  // MARK: Typed access with field paths

  private func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  private func reason(_ object: ConfigObject, _ key: String) -> String? {
    guard case .string(let text)? = object[key + "UndefinedReason"]?.value else { return nil }
    return text
  }

  private func member(_ object: ConfigObject, _ key: String, _ path: String) throws -> ConfigNode
  {
    guard let node = object[key] else {
      throw SummaryFormatError(file: file, path: join(path, key), problem: "missing key")
    }
    return node
  }

  private func object(_ node: ConfigNode, _ path: String) throws -> ConfigObject {
    guard case .object(let object) = node.value else {
      throw mismatch(node, path, expected: "an object")
    }
    return object
  }

  private func array(_ object: ConfigObject, _ key: String, _ path: String) throws
    -> [ConfigNode]
  {
    let node = try member(object, key, path)
    guard case .array(let elements) = node.value else {
      throw mismatch(node, join(path, key), expected: "an array")
    }
    return elements
  }

  private func string(_ object: ConfigObject, _ key: String, _ path: String) throws -> String {
    let node = try member(object, key, path)
    guard case .string(let text) = node.value else {
      throw mismatch(node, join(path, key), expected: "a string")
    }
    return text
  }

  private func integer(_ object: ConfigObject, _ key: String, _ path: String) throws -> Int {
    let node = try member(object, key, path)
    guard case .number(let number) = node.value, let value = number.int64, value >= 0,
      let count = Int(exactly: value)
    else {
      throw mismatch(node, join(path, key), expected: "a count (an integer of at least 0)")
    }
    return count
  }

  private func optionalNumber(_ object: ConfigObject, _ key: String, _ path: String) throws
    -> Double?
  {
    let node = try member(object, key, path)
    switch node.value {
    case .null: return nil
    case .number(let number) where number.double.isFinite: return number.double
    default: throw mismatch(node, join(path, key), expected: "a number or null")
    }
  }

  private func optionalInterval(_ object: ConfigObject, _ key: String, _ path: String) throws
    -> ClosedRange<Double>?
  {
    let node = try member(object, key, path)
    if case .null = node.value { return nil }
    guard case .array(let limits) = node.value, limits.count == 2,
      case .number(let lower) = limits[0].value, case .number(let upper) = limits[1].value,
      lower.double.isFinite, upper.double.isFinite, lower.double <= upper.double
    else {
      throw mismatch(node, join(path, key), expected: "an interval [lower, upper] or null")
    }
    return lower.double...upper.double
  }

  private func mismatch(_ node: ConfigNode, _ path: String, expected: String)
    -> SummaryFormatError
  {
    SummaryFormatError(
      file: file, path: path,
      problem: "expected \(expected), found \(node.kindAndValueDescription)")
  }
}

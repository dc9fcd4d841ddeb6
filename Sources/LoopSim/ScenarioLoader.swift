import Config
import Customers
import Engage
import Foundation
import Pipeline
import Simulation

/// Reads a scenario file: resolves `extends`, applies `--set` overrides, validates every
/// section, and reports every error at once with its file, line, field path and fix.
public enum ScenarioLoader {
  /// The scenario format version this build reads.
  public static let formatVersion = 2
  /// Most customers a run may simulate. A run keeps every customer's state in memory,
  /// about 600 bytes each at the flagship's rates (1.2 GB for 2,000,000 customers).
  // NOTE: the byte count per customer is measured on the flagship; scenarios with longer
  // journeys need more.
  public static let maximumCustomers = 10_000_000
  /// Earliest and latest scenario start: 1900-01-01 and 9000-01-01 (UTC).
  static let minimumStart: Int64 = -2_208_988_800_000
  static let maximumStart: Int64 = 221_845_392_000_000
  /// Deepest chain of `extends`.
  static let maximumExtendsDepth = 16

  /// Loads and validates the scenario at `path`, with `overrides` applied in order.
  public static func load(path: String, overrides: [ConfigOverride] = []) throws -> Scenario {
    let tree = try resolve(path: path, overrides: overrides)
    return try validate(tree, file: path)
  }

  /// Reads the scenario at `path` into one tree: `extends` merged and overrides applied.
  public static func resolve(path: String, overrides: [ConfigOverride] = []) throws -> ConfigNode {
    var tree = try readWithExtends(path: path, chain: [])
    do {
      tree = try tree.applying(overrides)
    } catch {
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, at: error.location, path: error.path,
          problem: "cannot set \(error.path): \(error.problem)", fix: error.fix))
    }
    return tree
  }

  /// Validates a resolved tree into a scenario.
  public static func validate(_ tree: ConfigNode, file: String) throws -> Scenario {
    let diagnostics = Diagnostics()
    let scenario = diagnostics.read(tree, as: scenarioReader(file: file))
    // A reference-funnel file lacks every section of a loop scenario. The error at `model`
    // explains all the others, so it is reported alone.
    if let wrongModel = diagnostics.errors.first(where: { $0.path.description == "model" }) {
      throw ConfigValidationError(diagnostics: [wrongModel])
    }
    if diagnostics.hasErrors {
      try diagnostics.throwIfErrors()
    }
    guard var scenario else {
      throw ScenarioInputError(
        Diagnostic(severity: .error, file: file, path: FieldPath(), problem: "invalid scenario"))
    }
    // The resolved text is written from the validated values, so defaults are included
    // and the hash depends on what runs, not on how the file spells it.
    try scenario.setResolvedJSON(scenario.configValue.canonicalText())
    scenario.warningDiagnostics = diagnostics.warnings
    return scenario
  }

  // MARK: extends

  private static func readWithExtends(path: String, chain: [String]) throws -> ConfigNode {
    let canonicalPath = URL(fileURLWithPath: path).standardizedFileURL.path
    if chain.contains(canonicalPath) {
      let cycle = (chain + [canonicalPath]).joined(separator: " → ")
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, file: path, path: ["extends"],
          problem: "extends forms a cycle: \(cycle)", fix: "remove one of the extends"))
    }
    if chain.count >= maximumExtendsDepth {
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, file: path, path: ["extends"],
          problem: "extends chain longer than \(maximumExtendsDepth) files",
          fix: "flatten the chain"))
    }

    let node = try JSON5.parse(contentsOfFile: path)
    guard case .object(let object) = node.value,
      let extends = object.member(forKey: "extends")
    else { return node }

    guard case .string(let basePath) = extends.value.value, !basePath.isEmpty else {
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, at: extends.value.location, path: ["extends"],
          problem: "expected a file path string", found: extends.value.kindAndValueDescription,
          fix: "write extends: \"base.json5\""))
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    let resolvedBase =
      basePath.hasPrefix("/")
      ? basePath : directory.appendingPathComponent(basePath).standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: resolvedBase) else {
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, at: extends.value.location, path: ["extends"],
          problem: "file not found", found: "\"\(basePath)\" (looked for \(resolvedBase))",
          fix: "give a path relative to the folder of \(path)"))
    }
    if (chain + [canonicalPath]).contains(resolvedBase) {
      let cycle = (chain + [canonicalPath, resolvedBase]).joined(separator: " → ")
      throw ScenarioInputError(
        Diagnostic(
          severity: .error, at: extends.value.location, path: ["extends"],
          problem: "extends forms a cycle: \(cycle)", fix: "remove one of the extends"))
    }
    let base = try readWithExtends(path: resolvedBase, chain: chain + [canonicalPath])
    let rest = ConfigObject(object.members.filter { $0.key != "extends" })
    return base.merged(
      with: ConfigNode(.object(rest), at: node.location), replacesWhole: choosesOtherAlternative)
  }

  /// The kinds of a delay distribution: a one-of field, written as an object with one of
  /// these keys.
  static let distributionKinds: Set<String> = [
    "fixed", "exponential", "lognormal", "gamma", "uniform", "empirical",
  ]

  /// Whether an override object chooses a different alternative of a one-of field than
  /// the base, so it must replace the base instead of merging into it: a child that
  /// writes `{ lognormal: … }` where its base had `{ exponential: … }` means a lognormal
  /// delay, not both. The same kind on both sides still merges, so a child may change
  /// only the mean.
  static func choosesOtherAlternative(_ base: ConfigObject, _ override: ConfigObject) -> Bool {
    let baseKeys = Set(base.keys)
    let overrideKeys = Set(override.keys)
    return !baseKeys.isEmpty && !overrideKeys.isEmpty
      && baseKeys.isSubset(of: distributionKinds) && overrideKeys.isSubset(of: distributionKinds)
      && baseKeys != overrideKeys
  }

  // MARK: Sections

  static func scenarioReader(file: String) -> ConfigReader<Scenario> {
    .object("a scenario") { root in
      let version = root.required("formatVersion", .int)
      let name = root.required("name", nameReader)
      let description = root.optional("description", .string, default: "")
      if root.optional("model", .oneOf(ScenarioModel.self), default: .loop) != .loop {
        root.error(
          "this command needs a scenario of the whole loop", key: "model",
          found: "\"\(ScenarioModel.referenceFunnel.rawValue)\"",
          fix: "run a reference-funnel scenario with loopsim run, or remove the model field")
      }
      let run = root.required("run", runReader)
      let catalog = root.required("catalog", Catalog.reader)
      var segments: [Segment]?
      if let catalog {
        segments = root.required("population", Population.reader(catalog: catalog))
      } else {
        root.declareKnown("population")
      }
      var channels: [Channel]?
      var behaviour: BehaviourModel?
      if let catalog, let segments {
        let names = segments.map(\.name)
        channels = root.required(
          "channels", Channel.listReader(segmentNames: names, catalog: catalog))
        behaviour = root.required("behaviour", BehaviourModel.reader(segmentNames: names))
      } else {
        root.declareKnown("channels", "behaviour")
      }
      let pipeline = root.required("pipeline", PipelineConfig.reader(scenarioFile: file))
      let engage = EngageConfig.read(from: root)
      let measurement = root.optional(
        "measurement", MeasurementConfig.reader, default: MeasurementConfig())
      let attribution = root.optional("attribution", AttributionConfig.reader)
      if let attribution, let channels, let engage {
        AttributionConfig.check(
          attribution, channels: channels, workflows: engage.workflows.map(\.name), root: root)
      }

      if let pipeline, let engage {
        checkMessagingFilter(pipeline, workflows: engage.workflows, root: root)
      }
      if let pipeline { checkWarehouseMappings(pipeline, root: root) }
      if let pipeline, let segments, pipeline.client.offlineRate > 0,
        segments.allSatisfy({ $0.appShare == 0 })
      {
        root.warning(
          "pipeline.client.offlineRate has no effect, because only the app goes offline and "
            + "every segment's appShare is 0",
          key: "pipeline",
          fix: "give some segments an appShare above 0 in population.segments, or remove "
            + "offlineRate")
      }
      if let version, version != formatVersion {
        root.error(
          "unsupported format version", key: "formatVersion", found: "\(version)",
          fix: version == 1
            ? "formatVersion 1 files use the earlier layout (channels inside behaviour, "
              + "workflow delay and holdout instead of steps and an experiment section); "
              + "update the file as docs/scenario-format.md describes and set formatVersion: 2"
            : "this LoopSim reads formatVersion \(formatVersion)")
        return nil
      }
      guard let version, let name, let run, let catalog, let segments, let channels,
        let behaviour, let pipeline, let engage
      else { return nil }
      do {
        var scenario = try Scenario(
          formatVersion: version, name: name, description: description, run: run,
          catalog: catalog, segments: segments, channels: channels, behaviour: behaviour,
          pipeline: pipeline, engage: engage, measurement: measurement, resolvedJSON: "")
        scenario.attribution = attribution
        return scenario
      } catch {
        root.error("could not hash the resolved scenario: \(error)")
        return nil
      }
    }
  }

  /// Warns when the messaging destination filters out an event a workflow needs, or
  /// renames a property the messaging engine reads. The scenario may model a broken
  /// pipeline on purpose, but usually it is a mistake.
  static func checkMessagingFilter(
    _ pipeline: PipelineConfig, workflows: [WorkflowConfig], root: ObjectReader
  ) {
    guard let messaging = pipeline.destinations.first(where: { $0.kind == .messaging })
    else { return }
    for (event, consequence) in neededEvents(workflows) where !messaging.events.passes(event: event) {
      root.warning(
        "the messaging destination filters out \"\(event)\", so \(consequence)",
        key: "pipeline",
        fix: "let \"\(event)\" through pipeline.destinations.messaging.events: add it to the "
          + "allow list, or remove it from the deny list")
    }
    for property in ["product_id", "content_asset_id"] where messaging.mappings[property] != nil {
      root.warning(
        "the messaging destination renames \"\(property)\", which the messaging engine "
          + "reads to know the classes watched, added and bought",
        key: "pipeline",
        fix: "remove \"\(property)\" from pipeline.destinations.messaging.mappings")
    }
  }

  /// The events the workflows react to, each once in the order first needed, with what
  /// is lost without them: trigger events, `Order Completed` for purchase exits, goal
  /// events and the events `waitFor` steps wait for.
  private static func neededEvents(_ workflows: [WorkflowConfig]) -> [(String, String)] {
    var needed: [(String, String)] = []
    func add(_ event: String, _ consequence: String) {
      if !needed.contains(where: { $0.0 == event }) { needed.append((event, consequence)) }
    }
    for workflow in workflows {
      if let event = workflow.triggerEvent {
        add(event, "no one can enter the workflow \"\(workflow.name)\"")
      }
    }
    add("Order Completed", "the workflows cannot see purchases and never exit on them")
    for workflow in workflows {
      if let goal = workflow.goal {
        add(goal.event, "the workflow \"\(workflow.name)\" never reaches its goal")
      }
      for case .waitFor(let wait) in workflow.steps {
        add(wait.event, "the workflow \"\(workflow.name)\" always times out waiting for it")
      }
    }
    let sendsEmail = workflows.contains { workflow in
      workflow.steps.contains { if case .sendEmail = $0 { true } else { false } }
    }
    if sendsEmail {
      // Suppression learns of these events only through the messaging destination.
      add("Unsubscribed", "profiles that unsubscribe are still sent email")
      add("Email Marked as Spam", "profiles that complain are still sent email")
      add("Email Bounced", "hard-bounced addresses are still sent email")
    }
    return needed
  }

  /// Reports an error when the warehouse destination renames a property that the lift
  /// measurement reads from the warehouse: the measurement would find no arms or no orders.
  static func checkWarehouseMappings(_ pipeline: PipelineConfig, root: ObjectReader) {
    guard let warehouse = pipeline.destinations.first(where: { $0.kind == .warehouse })
    else { return }
    for property in WarehouseLift.propertiesRead where warehouse.mappings[property] != nil {
      root.error(
        "the warehouse destination renames \"\(property)\", which the lift measurement reads "
          + "from the warehouse",
        key: "pipeline", found: "\(property) → \(warehouse.mappings[property] ?? "")",
        fix: "remove \"\(property)\" from pipeline.destinations.warehouse.mappings; rename it on "
          + "the analytics or messaging destination instead")
    }
  }

  /// A scenario name becomes part of a results folder name, so it is limited to letters,
  /// digits, `-` and `_`.
  static var nameReader: ConfigReader<String> {
    ConfigReader<String>.nonEmptyString.converted(
      expecting: "a name of at most 64 letters, digits, '-' and '_'"
    ) { name in
      name.count <= 64
        && name.unicodeScalars.allSatisfy {
          $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
        } ? name : nil
    }
  }

  static var runReader: ConfigReader<RunSettings> {
    .object("a run section") { run in
      let seed = run.required("seed", .uint64)
      let customers = run.required(
        "customers", .int(in: 1...maximumCustomers),
        fix: "set a customer count from 1 to \(maximumCustomers)")
      let start = run.required(
        "start",
        ConfigReader<String>.string.converted(
          expecting: "an ISO 8601 UTC date from 1900 to 9000, such as \"2026-01-05\" or "
            + "\"2026-01-05T00:00:00Z\""
        ) { text in
          // Runs last at most 10 years, so these bounds keep every rendered timestamp a
          // four-digit year that sorts correctly as text.
          ScenarioClock(iso8601: text).flatMap { clock in
            (minimumStart...maximumStart).contains(clock.startUnixMilliseconds) ? clock : nil
          }
        })
      let prePeriod = run.optional("prePeriod", .duration, default: .zero)
      let duration = run.required("duration", .positiveDuration)
      let window = run.optional("arrivalWindow", .positiveDuration)
      let timeZones = run.optional("timeZones", TimeZoneMix.reader, default: .utc)
      guard let seed, let customers, let start, let duration else { return nil }
      if prePeriod > .days(3_650) {
        run.error(
          "pre-period longer than 10 years", key: "prePeriod", found: "\(prePeriod)",
          fix: "use a pre-period of at most 3650d")
        return nil
      }
      if duration > .days(3_650) {
        run.error(
          "duration longer than 10 years", key: "duration", found: "\(duration)",
          fix: "use a duration of at most 3650d")
        return nil
      }
      let total = prePeriod + duration
      let arrivalWindow = window ?? total
      if arrivalWindow > total {
        run.error(
          "arrival window longer than the run", key: "arrivalWindow",
          found: "\(arrivalWindow) > prePeriod + duration = \(total)",
          fix: "make arrivalWindow at most prePeriod + duration")
        return nil
      }
      return RunSettings(
        seed: seed, customers: customers, clock: start, prePeriod: prePeriod,
        duration: duration, arrivalWindow: arrivalWindow, timeZones: timeZones)
    }
  }
}

/// A scenario problem found before the fields are checked: a cycle of `extends`, a base
/// file that is missing, an override that does not fit the tree.
public struct ScenarioInputError: ReportableError {
  public let diagnostic: Diagnostic

  public init(_ diagnostic: Diagnostic) {
    self.diagnostic = diagnostic
  }

  public var exitStatus: ExitStatus { .invalidInput }
  public var isLocated: Bool { true }
  public var description: String { diagnostic.description }
}

extension ConfigValidationError: ReportableError {
  public var exitStatus: ExitStatus { .invalidInput }
  public var isLocated: Bool { true }
}

extension ConfigFileError: ReportableError {
  public var exitStatus: ExitStatus { .invalidInput }
  public var isLocated: Bool { true }
}

extension JSON5SyntaxError: ReportableError {
  public var exitStatus: ExitStatus { .invalidInput }
  public var isLocated: Bool { true }
}

extension ScenarioLoader {
  /// The diagnostics behind an error from `load`, for reports as data (`validate --json`);
  /// nil for an error that is not about the scenario's input.
  public static func diagnostics(describing error: any Error) -> [Diagnostic]? {
    switch error {
    case let error as ConfigValidationError:
      return error.diagnostics
    case let error as ScenarioInputError:
      return [error.diagnostic]
    case let error as JSON5SyntaxError:
      return [syntaxDiagnostic(error)]
    case let error as ConfigFileError:
      switch error {
      case .unreadable(let path, let reason):
        return [
          Diagnostic(
            severity: .error, file: path, path: FieldPath(),
            problem: "cannot read the file: \(reason)",
            fix: "check the path and that the file is readable")
        ]
      case .syntax(let syntax):
        return [syntaxDiagnostic(syntax)]
      }
    default:
      return nil
    }
  }

  private static func syntaxDiagnostic(_ error: JSON5SyntaxError) -> Diagnostic {
    Diagnostic(
      severity: .error, at: error.location, path: FieldPath(),
      problem: "expected \(error.expected)", found: error.found,
      fix: "correct the JSON5 syntax at this position")
  }
}

extension Diagnostic: ConfigEncodable {
  /// The diagnostic as data: severity, file, line and column (null when unknown), field
  /// path, problem, found, fix, and the one-line message.
  public var configValue: JSONValue {
    [
      "severity": .string(severity.rawValue),
      "file": .string(file),
      "line": location.map { .integer(Int64($0.line)) } ?? .null,
      "column": location.map { .integer(Int64($0.column)) } ?? .null,
      "path": .string(path.description),
      "problem": .string(problem),
      "found": found.map { .string($0) } ?? .null,
      "fix": fix.map { .string($0) } ?? .null,
      "message": .string(description),
    ]
  }
}

import Config
import Customers
import Simulation

/// The simulation model a scenario file chooses with its top-level `model` field.
public enum ScenarioModel: String, CaseIterable, Sendable {
  /// The whole marketing loop: behaviour, pipeline, warehouse, messaging engine. The
  /// default.
  case loop
  /// The fixed reference funnel (`ReferenceFunnelModel`), which runs on the calendar and
  /// streams alone, with the pipeline, warehouse and messaging engine switched off.
  case referenceFunnel = "reference-funnel"
}

/// The run section of a reference-funnel scenario.
public struct FunnelRunSettings: Sendable, Hashable {
  public var seed: UInt64
  public var customers: Int
  /// Customers arrive uniformly over this window from time 0.
  public var arrivalWindow: SimDuration
  /// Events after this time are not handled; the summary counts them as cut off.
  public var duration: SimDuration
}

/// A validated reference-funnel scenario.
public struct ReferenceFunnelScenario: Sendable {
  public var formatVersion: Int
  public var name: String
  public var description: String
  public var run: FunnelRunSettings
  public var funnel: ReferenceFunnelModel
  /// The scenario after `extends` and `--set`, as canonical JSON with defaults.
  public private(set) var resolvedJSON = ""
  /// SHA-256 of `resolvedJSON`.
  public private(set) var sha256 = ""
  public internal(set) var warningDiagnostics: [Diagnostic] = []

  public var warnings: [String] { warningDiagnostics.map(\.description) }

  mutating func setResolvedJSON(_ json: String) throws {
    resolvedJSON = json
    sha256 = try SHA256.hash(json).hexString
  }
}

extension ReferenceFunnelScenario: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "formatVersion": formatVersion.configValue,
      "name": .string(name),
      "description": .string(description),
      "model": .string(ScenarioModel.referenceFunnel.rawValue),
      "run": [
        "seed": run.seed.configValue,
        "customers": run.customers.configValue,
        "arrivalWindow": run.arrivalWindow.configValue,
        "duration": run.duration.configValue,
      ],
      "funnel": funnel.configValue,
    ]
  }
}

extension ScenarioLoader {
  /// Returns the model that the resolved scenario `tree` chooses: `loop` when it has no
  /// `model` field.
  ///
  /// - Throws: `ScenarioInputError` when `model` is not one of the model names.
  public static func model(of tree: ConfigNode, file: String) throws -> ScenarioModel {
    guard case .object(let object) = tree.value, let member = object.member(forKey: "model")
    else { return .loop }
    let diagnostics = Diagnostics()
    let path: FieldPath = ["model"]
    let model = ConfigReader<ScenarioModel>.oneOf(ScenarioModel.self)
      .read(member.value, at: path, into: diagnostics)
    if let model { return model }
    let diagnostic =
      diagnostics.all.first
      ?? Diagnostic(severity: .error, file: file, path: path, problem: "invalid model")
    throw ScenarioInputError(diagnostic)
  }

  /// Validates a resolved tree whose `model` is `reference-funnel`.
  public static func validateFunnel(_ tree: ConfigNode, file: String) throws
    -> ReferenceFunnelScenario
  {
    let diagnostics = Diagnostics()
    let scenario = diagnostics.read(tree, as: funnelScenarioReader)
    try diagnostics.throwIfErrors()
    guard var scenario else {
      throw ScenarioInputError(
        Diagnostic(severity: .error, file: file, path: FieldPath(), problem: "invalid scenario"))
    }
    try scenario.setResolvedJSON(scenario.configValue.canonicalText())
    scenario.warningDiagnostics = diagnostics.warnings
    return scenario
  }

  /// The sections of a loop scenario, which a reference-funnel scenario must leave out
  /// because it runs without the pipeline, warehouse and messaging engine.
  static let loopSections = [
    "catalog", "population", "channels", "behaviour", "pipeline", "templates", "experiment",
    "workflows", "calculatedAttributes", "messaging", "email", "measurement", "attribution",
  ]

  static var funnelScenarioReader: ConfigReader<ReferenceFunnelScenario> {
    .object("a reference-funnel scenario") { root in
      let version = root.required("formatVersion", .int)
      let name = root.required("name", nameReader)
      let description = root.optional("description", .string, default: "")
      root.declareKnown("model")
      let run = root.required("run", funnelRunReader)
      let funnel = root.required("funnel", ReferenceFunnelModel.reader)
      for section in loopSections where root.contains(section) {
        root.declareKnown(section)
        root.error(
          "a reference-funnel scenario has no \(section) section, because it runs without "
            + "the pipeline, warehouse and messaging engine",
          key: section,
          fix: "remove \(section), or remove model: \"reference-funnel\" to run the whole loop")
      }
      if let version, version != formatVersion {
        root.error(
          "unsupported format version", key: "formatVersion", found: "\(version)",
          fix: "this LoopSim reads formatVersion \(formatVersion)")
        return nil
      }
      guard let version, let name, let run, let funnel else { return nil }
      return ReferenceFunnelScenario(
        formatVersion: version, name: name, description: description, run: run,
        funnel: funnel)
    }
  }

  static var funnelRunReader: ConfigReader<FunnelRunSettings> {
    .object("a run section such as { seed: 1, customers: 100000, arrivalWindow: \"30d\", "
      + "duration: \"90d\" }")
    { run in
      let seed = run.required("seed", .uint64)
      let customers = run.required(
        "customers", .int(in: 1...maximumCustomers),
        fix: "set a customer count from 1 to \(maximumCustomers)")
      let window = run.required("arrivalWindow", .positiveDuration)
      let duration = run.required("duration", .positiveDuration)
      guard let seed, let customers, let window, let duration else { return nil }
      if duration > .days(3_650) {
        run.error(
          "duration longer than 10 years", key: "duration", found: "\(duration)",
          fix: "use a duration of at most 3650d")
        return nil
      }
      if window > duration {
        run.error(
          "arrival window longer than the run", key: "arrivalWindow",
          found: "\(window) > duration \(duration)",
          fix: "make arrivalWindow at most duration")
        return nil
      }
      return FunnelRunSettings(
        seed: seed, customers: customers, arrivalWindow: window, duration: duration)
    }
  }
}

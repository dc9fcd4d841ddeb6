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
  public static let formatVersion = 1
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
      throw ScenarioInputError(message: error.description)
    }
    return tree
  }

  /// Validates a resolved tree into a scenario.
  public static func validate(_ tree: ConfigNode, file: String) throws -> Scenario {
    let diagnostics = Diagnostics()
    let scenario = diagnostics.read(tree, as: scenarioReader)
    if diagnostics.hasErrors {
      try diagnostics.throwIfErrors()
    }
    guard var scenario else {
      throw ScenarioInputError(message: "\(file): error: the scenario is invalid")
    }
    // Rendering comes after validation, which rejects every non-finite number, so a NaN
    // is reported with the field's own range among all other errors.
    do {
      try scenario.setResolvedJSON(try tree.canonicalJSON())
    } catch let error as CanonicalJSONError {
      throw ScenarioInputError(message: error.description)
    }
    scenario.warnings = diagnostics.warnings.map(\.description)
    return scenario
  }

  // MARK: extends

  private static func readWithExtends(path: String, chain: [String]) throws -> ConfigNode {
    let canonicalPath = URL(fileURLWithPath: path).standardizedFileURL.path
    if chain.contains(canonicalPath) {
      let cycle = (chain + [canonicalPath]).joined(separator: " → ")
      throw ScenarioInputError(
        message: "\(path): error: extends forms a cycle: \(cycle). Fix: remove one of the "
          + "extends.")
    }
    if chain.count >= maximumExtendsDepth {
      throw ScenarioInputError(
        message: "\(path): error: extends chain longer than \(maximumExtendsDepth) files. "
          + "Fix: flatten the chain.")
    }

    let node = try JSON5.parse(contentsOfFile: path)
    guard case .object(let object) = node.value,
      let extends = object.member(forKey: "extends")
    else { return node }

    guard case .string(let basePath) = extends.value.value, !basePath.isEmpty else {
      throw ScenarioInputError(
        message: "\(extends.value.location): error: extends: expected a file path string, "
          + "found \(extends.value.kindAndValueDescription). Fix: write extends: \"base.json5\".")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    let resolvedBase =
      basePath.hasPrefix("/")
      ? basePath : directory.appendingPathComponent(basePath).standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: resolvedBase) else {
      throw ScenarioInputError(
        message: "\(extends.value.location): error: extends: file \"\(basePath)\" not found "
          + "(looked for \(resolvedBase)). Fix: give a path relative to the folder of \(path).")
    }
    if (chain + [canonicalPath]).contains(resolvedBase) {
      let cycle = (chain + [canonicalPath, resolvedBase]).joined(separator: " → ")
      throw ScenarioInputError(
        message: "\(extends.value.location): error: extends forms a cycle: \(cycle). "
          + "Fix: remove one of the extends.")
    }
    let base = try readWithExtends(path: resolvedBase, chain: chain + [canonicalPath])
    let rest = ConfigObject(object.members.filter { $0.key != "extends" })
    return base.merged(with: ConfigNode(.object(rest), at: node.location))
  }

  // MARK: Sections

  static var scenarioReader: ConfigReader<Scenario> {
    .object("a scenario") { root in
      let version = root.required("formatVersion", .int)
      let name = root.required("name", nameReader)
      let description = root.optional("description", .string, default: "")
      let run = root.required("run", runReader)
      let catalog = root.required("catalog", Catalog.reader)
      var segments: [Segment]?
      if let catalog {
        segments = root.required("population", Population.reader(catalog: catalog))
      } else {
        root.declareKnown("population")
      }
      let behaviour = root.required("behaviour", BehaviourModel.reader)
      let pipeline = root.required("pipeline", PipelineConfig.reader)
      let engage = EngageConfig.read(from: root)

      if let pipeline, let engage {
        checkMessagingFilter(pipeline, workflow: engage.workflow, root: root)
      }
      if let version, version != formatVersion {
        root.error(
          "unsupported format version", key: "formatVersion", found: "\(version)",
          fix: "this LoopSim reads formatVersion \(formatVersion)")
        return nil
      }
      guard let version, let name, let run, let catalog, let segments, let behaviour,
        let pipeline, let engage
      else { return nil }
      do {
        return try Scenario(
          formatVersion: version, name: name, description: description, run: run,
          catalog: catalog, segments: segments, behaviour: behaviour, pipeline: pipeline,
          engage: engage, resolvedJSON: "")
      } catch {
        root.error("could not hash the resolved scenario: \(error)")
        return nil
      }
    }
  }

  /// Warns when the messaging destination filters out an event the workflow needs: the
  /// scenario may model a broken pipeline on purpose, but usually it is a mistake.
  static func checkMessagingFilter(
    _ pipeline: PipelineConfig, workflow: WorkflowConfig, root: ObjectReader
  ) {
    guard let messaging = pipeline.destinations.first(where: { $0.kind == .messaging }),
      let events = messaging.events
    else { return }
    for (event, consequence) in [
      (workflow.triggerEvent, "no one can enter the workflow"),
      ("Order Completed", "the workflow cannot see purchases and never exits on its goal"),
    ] where !events.contains(event) {
      root.warning(
        "the messaging destination filters out \"\(event)\", so \(consequence)",
        key: "pipeline", fix: "add \"\(event)\" to pipeline.destinations.messaging.events")
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
      let duration = run.required("duration", .positiveDuration)
      let window = run.optional("arrivalWindow", .positiveDuration)
      guard let seed, let customers, let start, let duration else { return nil }
      if duration > .days(3_650) {
        run.error(
          "duration longer than 10 years", key: "duration", found: "\(duration)",
          fix: "use a duration of at most 3650d")
        return nil
      }
      let arrivalWindow = window ?? duration
      if arrivalWindow > duration {
        run.error(
          "arrival window longer than the run", key: "arrivalWindow",
          found: "\(arrivalWindow) > \(duration)",
          fix: "make arrivalWindow at most the duration")
        return nil
      }
      return RunSettings(
        seed: seed, customers: customers, clock: start, duration: duration,
        arrivalWindow: arrivalWindow)
    }
  }
}

/// A scenario problem that is not about one field's value: a cycle of `extends`, a base
/// file that is missing, an override that does not fit the tree. The message starts with
/// `FILE:LINE:COLUMN: error:` or `FILE: error:`.
public struct ScenarioInputError: ReportableError {
  public let message: String
  public let isLocated: Bool

  public init(message: String, isLocated: Bool = true) {
    self.message = message
    self.isLocated = isLocated
  }

  public var exitStatus: ExitStatus { .invalidInput }
  public var description: String { message }
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

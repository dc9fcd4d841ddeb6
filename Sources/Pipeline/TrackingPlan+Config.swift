import Config
import Foundation

extension TrackingPlan {
  /// Reads a tracking plan file's root object; `TrackingPlan` documents the format.
  ///
  /// Paths in its diagnostics start at the plan's root, such as
  /// `events[2].properties.price.type`, and locations name the plan file. Unlike most
  /// section readers, it returns nil whenever it reported an error (an unknown key
  /// included), so an invalid plan is never half applied.
  public static var reader: ConfigReader<TrackingPlan> {
    let object = objectReader
    return ConfigReader(expecting: object.expectation) { node, path, diagnostics in
      let errorsBefore = diagnostics.errorCount
      let plan = object.read(node, at: path, into: diagnostics)
      return diagnostics.errorCount == errorsBefore ? plan : nil
    }
  }

  private static var objectReader: ConfigReader<TrackingPlan> {
    .object("a tracking plan such as { events: [{ name: \"Product Added\" }] }") { plan in
      let events = plan.required(
        "events",
        .array(
          of: PlannedEvent.reader, count: 0...maximumEvents, unique: "name", by: { $0.name }))
      let unplannedEvents = plan.optional(
        "unplannedEvents", .oneOf(UnplannedEventAction.self), default: .flag)
      let violations = plan.optional("violations", .oneOf(ViolationAction.self), default: .flag)
      guard let events else { return nil }
      return TrackingPlan(
        events: events, unplannedEvents: unplannedEvents, violations: violations)
    }
  }

  /// Reads and validates the tracking plan file at `path`.
  ///
  /// - Throws: `ConfigFileError` when the file cannot be read or is not JSON5, and
  ///   `ConfigValidationError` with every problem when the plan is invalid.
  public static func load(contentsOfFile path: String) throws -> TrackingPlan {
    let tree = try JSON5.parse(contentsOfFile: path)
    let diagnostics = Diagnostics()
    let plan = diagnostics.read(tree, as: reader)
    try diagnostics.throwIfErrors()
    guard let plan else {
      throw ConfigValidationError(diagnostics: [
        Diagnostic(
          severity: .error, file: path, path: FieldPath(),
          problem: "invalid tracking plan", fix: "check the plan against the documented format")
      ])
    }
    return plan
  }
}

extension PlannedEvent {
  static var reader: ConfigReader<PlannedEvent> {
    .object("a planned event such as { name: \"Product Added\", properties: { … } }") { event in
      let name = event.required("name", .nonEmptyString)
      let properties = event.optional("properties", propertiesReader, default: [])
      let additional = event.optional("additionalProperties", .bool, default: true)
      guard let name else { return nil }
      return PlannedEvent(
        name: name, properties: properties, allowsAdditionalProperties: additional)
    }
  }

  /// Reads the `properties` object, whose keys are property names and whose values are rules.
  private static var propertiesReader: ConfigReader<[PlannedProperty]> {
    .object("an object from property name to rule, such as { price: { type: \"number\" } }") {
      object in
      var rules: [PlannedProperty] = []
      var valid = true
      for name in object.object.keys {
        if name.isEmpty {
          object.error(
            "empty property name", key: name, fix: "name the property, such as \"price\"")
          object.declareKnown(name)
          valid = false
        } else if let rule = object.required(name, PlannedProperty.reader(name: name)) {
          rules.append(rule)
        } else {
          valid = false
        }
      }
      return valid ? rules : nil
    }
  }
}

extension PlannedProperty {
  static func reader(name: String) -> ConfigReader<PlannedProperty> {
    .object("a property rule such as { type: \"number\", required: true, minimum: 0 }") {
      rule in
      let type = rule.required("type", .oneOf(PropertyType.self))
      let isRequired = rule.optional("required", .bool, default: false)
      let allowedValues = rule.optional("enum", .array(of: .string, count: 1...))
      let minimum = rule.optional("minimum", .double)
      let maximum = rule.optional("maximum", .double)
      guard let type else { return nil }

      var valid = true
      if allowedValues != nil, type != .string {
        rule.error(
          "enum applies only to string properties", key: "enum", found: "type \"\(type)\"",
          fix: "remove enum, or set type to \"string\"")
        valid = false
      }
      for (key, bound) in [("minimum", minimum), ("maximum", maximum)]
      where bound != nil && type != .number && type != .integer {
        rule.error(
          "\(key) applies only to number and integer properties", key: key,
          found: "type \"\(type)\"", fix: "remove \(key), or set type to \"number\"")
        valid = false
      }
      if let minimum, let maximum, minimum > maximum {
        rule.error(
          "minimum is greater than maximum", key: "maximum",
          found: "minimum \(minimum), maximum \(maximum)", fix: "make maximum at least minimum")
        valid = false
      }
      guard valid else { return nil }
      return PlannedProperty(
        name: name, type: type, isRequired: isRequired, allowedValues: allowedValues,
        minimum: minimum, maximum: maximum)
    }
  }
}

/// The tracking plan a scenario names in `pipeline.trackingPlan`: the path as written and
/// the plan read from it.
public struct TrackingPlanReference: Sendable, Hashable {
  /// The path as the scenario wrote it; the scenario is written back with this path.
  public let path: String
  /// The absolute, standardized path of the file that was read.
  public let resolvedPath: String
  public let plan: TrackingPlan

  public init(path: String, resolvedPath: String, plan: TrackingPlan) {
    self.path = path
    self.resolvedPath = resolvedPath
    self.plan = plan
  }

  /// Returns the file that `path` names. An absolute path is used as is. A relative path
  /// resolves against `baseFolder(writtenIn:scenarioFile:)`.
  public static func resolve(_ path: String, writtenIn sourceFile: String, scenarioFile: String)
    -> String
  {
    if path.hasPrefix("/") {
      return URL(fileURLWithPath: path).standardizedFileURL.path
    }
    return URL(fileURLWithPath: baseFolder(writtenIn: sourceFile, scenarioFile: scenarioFile))
      .appendingPathComponent(path).standardizedFileURL.path
  }

  /// Returns the folder a relative path resolves against: the folder of the file it was
  /// written in (`writtenIn`), as for `extends`. A value whose location names no existing
  /// file, such as one given on the command line with `--set`, resolves against the folder
  /// of `scenarioFile`.
  public static func baseFolder(writtenIn sourceFile: String, scenarioFile: String) -> String {
    var isDirectory: ObjCBool = false
    let sourceIsFile =
      FileManager.default.fileExists(atPath: sourceFile, isDirectory: &isDirectory)
      && !isDirectory.boolValue
    let file = sourceIsFile ? sourceFile : scenarioFile
    return URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
  }

  /// Returns a reader of the `trackingPlan` field: a path string whose file it reads and
  /// validates with `TrackingPlan.reader`.
  ///
  /// A missing or unreadable file is an error at the field, naming the resolved path. A
  /// syntax error or an invalid plan is reported at its place in the plan file.
  public static func reader(scenarioFile: String) -> ConfigReader<TrackingPlanReference> {
    let expectation = "a path to a tracking plan file, such as \"tracking-plan.json5\""
    return ConfigReader(expecting: expectation) { node, path, diagnostics in
      guard let written = ConfigReader<String>.nonEmptyString.read(
        node, at: path, into: diagnostics)
      else { return nil }
      let folder = baseFolder(writtenIn: node.location.file, scenarioFile: scenarioFile)
      let resolved = resolve(written, writtenIn: node.location.file, scenarioFile: scenarioFile)

      // A plan is a JSON5 file, so a device, a folder or a file of another kind is rejected
      // before it is read, and none of its contents is echoed in an error.
      guard resolved.hasSuffix(".json5") || resolved.hasSuffix(".json") else {
        diagnostics.error(
          "the tracking plan is not a .json5 or .json file", at: node, path: path,
          found: "\"\(written)\"", fix: "give the path of a .json5 or .json tracking plan file")
        return nil
      }
      let target = URL(fileURLWithPath: resolved).resolvingSymlinksInPath().path
      if let type = try? FileManager.default.attributesOfItem(atPath: target)[.type]
        as? FileAttributeType, type != .typeRegular
      {
        diagnostics.error(
          "the tracking plan is not a regular file", at: node, path: path,
          found: "\"\(written)\", resolved to \(resolved)",
          fix: "give the path of a .json5 or .json tracking plan file")
        return nil
      }

      let tree: ConfigNode
      do throws(ConfigFileError) {
        tree = try JSON5.parse(contentsOfFile: resolved)
      } catch {
        reportUnparsed(
          error, written: written, resolved: resolved, folder: folder, node: node, path: path,
          diagnostics: diagnostics)
        return nil
      }

      guard let plan = TrackingPlan.reader.read(tree, at: FieldPath(), into: diagnostics)
      else { return nil }
      return TrackingPlanReference(path: written, resolvedPath: resolved, plan: plan)
    }
  }

  private static func reportUnparsed(
    _ error: ConfigFileError, written: String, resolved: String, folder: String,
    node: ConfigNode, path: FieldPath, diagnostics: Diagnostics
  ) {
    switch error {
    case .unreadable(_, let reason):
      diagnostics.error(
        "cannot read the tracking plan file", at: node, path: path,
        found: "\"\(written)\", resolved to \(resolved): \(reason)",
        fix: "give a path to a readable file, absolute or relative to \(folder)")
    case .syntax(let syntax):
      var found = syntax.found
      if let note = syntax.note {
        found += " (\(note.message) at \(note.location))"
      }
      diagnostics.report(
        Diagnostic(
          severity: .error, at: syntax.location, path: FieldPath(),
          problem: "invalid JSON5 in the tracking plan: expected \(syntax.expected)",
          found: found, fix: "correct the tracking plan that \(path) names"))
    }
  }
}

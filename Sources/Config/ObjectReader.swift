/// Reads the members of one object for `ConfigReader.object(_:_:)`, and tracks which keys the
/// reader accepts so that every other key can be reported as unknown.
///
/// Only `ConfigReader.object(_:_:)` creates an `ObjectReader`, and it reports the unknown keys
/// when the reading function returns, so that check cannot be forgotten. The accepted keys are
/// those requested through `required`, `optional` or `deprecated`, or named in
/// `declareKnown(_:)`, whether or not the object contains them.
public final class ObjectReader {
  /// The object being read.
  public let node: ConfigNode
  public let object: ConfigObject
  public let path: FieldPath
  public let diagnostics: Diagnostics
  /// The accepted keys in the order they were first requested, for suggestions.
  private var knownKeys: [String] = []
  private var knownKeySet: Set<String> = []

  init(node: ConfigNode, object: ConfigObject, path: FieldPath, diagnostics: Diagnostics) {
    self.node = node
    self.object = object
    self.path = path
    self.diagnostics = diagnostics
  }

  /// Reads the member `key`, reporting an error at the object when it is missing.
  ///
  /// - Parameter fix: Replaces the default fix of any problem with this member's value, for a
  ///   hint that only the caller can give, such as `set a positive customer count`.
  /// - Returns: The value, or nil after an error was reported.
  public func required<Value>(
    _ key: String, _ reader: ConfigReader<Value>, fix: String? = nil
  ) -> Value? {
    declareKnown(key)
    guard let child = object[key] else {
      diagnostics.report(
        Diagnostic(
          severity: .error, at: node.location, path: path.appending(key: key),
          problem: "missing required field \(jsonQuoted(key)) in the object that starts here",
          fix: fix ?? "add \(jsonQuoted(key)) with \(reader.expectation)"))
      return nil
    }
    return read(child, key: key, reader, fix: fix)
  }

  /// Reads the member `key` when it is present and not null.
  ///
  /// - Returns: The value, or nil when the member is missing, null, or invalid (and reported).
  public func optional<Value>(
    _ key: String, _ reader: ConfigReader<Value>, fix: String? = nil
  ) -> Value? {
    declareKnown(key)
    guard let child = object[key] else { return nil }
    if case .null = child.value {
      return nil
    }
    return read(child, key: key, reader, fix: fix)
  }

  /// Reads the member `key`, or returns `defaultValue` when it is missing or null. An invalid
  /// value is reported and also gives `defaultValue`, so the caller can carry on to the next
  /// field.
  public func optional<Value>(
    _ key: String, _ reader: ConfigReader<Value>, default defaultValue: Value,
    fix: String? = nil
  ) -> Value {
    optional(key, reader, fix: fix) ?? defaultValue
  }

  /// Reads a member that is still accepted but should no longer be used, with a warning that
  /// carries `fix` when the member is present.
  public func deprecated<Value>(
    _ key: String, _ reader: ConfigReader<Value>, fix: String
  ) -> Value? {
    declareKnown(key)
    guard let member = object.member(forKey: key) else { return nil }
    diagnostics.report(
      Diagnostic(
        severity: .warning, at: member.keyLocation, path: path.appending(key: key),
        problem: "deprecated field", fix: fix))
    if case .null = member.value.value {
      return nil
    }
    return read(member.value, key: key, reader, fix: nil)
  }

  /// Accepts `keys` without reading them here, for members that another reader handles, such
  /// as `extends`, which the scenario loader reads before the stages do.
  public func declareKnown(_ keys: String...) {
    for key in keys where knownKeySet.insert(key).inserted {
      knownKeys.append(key)
    }
  }

  /// Returns whether the object has a member `key`. It does not declare the key known.
  public func contains(_ key: String) -> Bool {
    object[key] != nil
  }

  /// Reports an error that a reader of one field cannot see, such as two fields that disagree.
  ///
  /// - Parameter key: The member the error is about. The error is located at its value when
  ///   present, else at the object. Nil means the object as a whole.
  public func error(
    _ problem: String, key: String? = nil, found: String? = nil, fix: String? = nil
  ) {
    report(.error, problem, key: key, found: found, fix: fix)
  }

  /// Reports a warning, located as `error(_:key:found:fix:)` locates an error.
  public func warning(
    _ problem: String, key: String? = nil, found: String? = nil, fix: String? = nil
  ) {
    report(.warning, problem, key: key, found: found, fix: fix)
  }

  private func report(
    _ severity: Diagnostic.Severity, _ problem: String, key: String?, found: String?,
    fix: String?
  ) {
    let location = key.flatMap { object[$0]?.location } ?? node.location
    let fieldPath = key.map { path.appending(key: $0) } ?? path
    diagnostics.report(
      Diagnostic(
        severity: severity, at: location, path: fieldPath, problem: problem, found: found,
        fix: fix))
  }

  private func read<Value>(
    _ child: ConfigNode, key: String, _ reader: ConfigReader<Value>, fix: String?
  ) -> Value? {
    let fieldPath = path.appending(key: key)
    let start = diagnostics.all.count
    let value = reader.read(child, at: fieldPath, into: diagnostics)
    if let fix {
      diagnostics.replaceFixes(reportedSince: start, at: fieldPath, with: fix)
    }
    return value
  }

  /// Reports each member whose key was neither requested nor declared, in source order.
  func reportUnknownKeys() {
    for member in object.members where !knownKeySet.contains(member.key) {
      let fix: String
      if let suggestion = Suggestion.closest(to: member.key, among: knownKeys) {
        fix = "did you mean \(jsonQuoted(suggestion))?"
      } else if knownKeys.isEmpty {
        fix = "remove it, because this object has no fields"
      } else {
        fix =
          "remove it, or use one of the known fields: "
          + knownKeys.map(jsonQuoted).joined(separator: ", ")
      }
      diagnostics.report(
        Diagnostic(
          severity: .error, at: member.keyLocation, path: path.appending(key: member.key),
          problem: "unknown field", fix: fix))
    }
  }
}

@available(*, unavailable, message: "ObjectReader belongs to one read of one object")
extension ObjectReader: Sendable {}

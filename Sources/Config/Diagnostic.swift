/// One problem found while checking a configuration: where it is, what is wrong, and the fix.
///
/// `description` renders it on one line, for example:
///
///     scenario.json5:12:18: error: run.customers: expected an integer of at least 1, found -5.
///     Fix: set a positive customer count.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Hashable, Sendable {
    /// A problem that makes the configuration invalid.
    case error
    /// A problem that does not stop a run, such as a deprecated field.
    case warning
  }

  public var severity: Severity
  /// The file that contains the problem, equal to `location?.file` when the location is known.
  public var file: String
  public var location: SourceLocation?
  public var path: FieldPath
  /// The problem as a phrase without a final period, such as `expected an integer of at
  /// least 1` or `unknown field`.
  public var problem: String
  /// The offending value, rendered short, such as `-5` or `a string "abc"`.
  public var found: String?
  /// The change that would solve the problem, such as `set a positive customer count`.
  public var fix: String?

  public init(
    severity: Severity, at location: SourceLocation, path: FieldPath, problem: String,
    found: String? = nil, fix: String? = nil
  ) {
    self.severity = severity
    self.file = location.file
    self.location = location
    self.path = path
    self.problem = problem
    self.found = found
    self.fix = fix
  }

  /// Creates a diagnostic whose line and column are unknown.
  public init(
    severity: Severity, file: String, path: FieldPath, problem: String, found: String? = nil,
    fix: String? = nil
  ) {
    self.severity = severity
    self.file = file
    self.location = nil
    self.path = path
    self.problem = problem
    self.found = found
    self.fix = fix
  }

  public var description: String {
    var text = location.map(\.description) ?? file
    text += ": \(severity.rawValue): "
    if !path.isEmpty {
      text += "\(path): "
    }
    text += problem
    if let found {
      text += ", found \(found)"
    }
    text = Self.endingSentence(text)
    if let fix {
      text += " Fix: " + Self.endingSentence(fix)
    }
    return text
  }

  private static func endingSentence(_ text: String) -> String {
    guard let last = text.last, !".?!".contains(last) else { return text }
    return text + "."
  }

  /// Returns whether `self` comes before `other` in a listing: by file, then line, then column. A
  /// diagnostic without a location comes after those with one in the same file.
  func precedes(_ other: Diagnostic) -> Bool {
    if file != other.file {
      return file < other.file
    }
    let line = location?.line ?? Int.max
    let otherLine = other.location?.line ?? Int.max
    if line != otherLine {
      return line < otherLine
    }
    return (location?.column ?? Int.max) < (other.location?.column ?? Int.max)
  }
}

/// A collector of the diagnostics found while reading a configuration, so that one pass can
/// report every problem at once.
///
/// Readers report into it and carry on. When everything is read, the caller calls
/// `throwIfErrors()`, which throws one error listing all diagnostics in location order.
/// It is a class because every reader of one pass shares it, and it is not `Sendable`: use it
/// from one task at a time.
public final class Diagnostics {
  /// The diagnostics in the order they were reported.
  public private(set) var all: [Diagnostic] = []
  public private(set) var errorCount = 0

  public init() {}

  public var hasErrors: Bool {
    errorCount > 0
  }

  public var errors: [Diagnostic] {
    all.filter { $0.severity == .error }
  }

  public var warnings: [Diagnostic] {
    all.filter { $0.severity == .warning }
  }

  /// The diagnostics ordered by file, line and column. Ties keep their report order.
  public var sorted: [Diagnostic] {
    // Sorting indices with the report order as the last key makes the order stable.
    all.indices.sorted { left, right in
      if all[left].precedes(all[right]) { return true }
      if all[right].precedes(all[left]) { return false }
      return left < right
    }.map { all[$0] }
  }

  public func report(_ diagnostic: Diagnostic) {
    all.append(diagnostic)
    if diagnostic.severity == .error {
      errorCount += 1
    }
  }

  /// Reports an error about `node`, the value at `path`.
  public func error(
    _ problem: String, at node: ConfigNode, path: FieldPath, found: String? = nil,
    fix: String? = nil
  ) {
    report(
      Diagnostic(
        severity: .error, at: node.location, path: path, problem: problem, found: found,
        fix: fix))
  }

  /// Reports a warning about `node`, the value at `path`.
  public func warning(
    _ problem: String, at node: ConfigNode, path: FieldPath, found: String? = nil,
    fix: String? = nil
  ) {
    report(
      Diagnostic(
        severity: .warning, at: node.location, path: path, problem: problem, found: found,
        fix: fix))
  }

  /// Reads `node` with `reader`, reporting problems here. Returns nil when it reported an error
  /// that leaves no value.
  public func read<Value>(
    _ node: ConfigNode, at path: FieldPath = FieldPath(), as reader: ConfigReader<Value>
  ) -> Value? {
    reader.read(node, at: path, into: self)
  }

  /// Throws a `ConfigValidationError` listing every diagnostic, warnings included, when at
  /// least one error was reported.
  public func throwIfErrors() throws(ConfigValidationError) {
    guard hasErrors else { return }
    throw ConfigValidationError(diagnostics: sorted)
  }

  /// Reports that `node` is not what `expected` describes. `showingKind` adds the kind of
  /// value to `found`, for a type mismatch.
  func reportMismatch(
    _ node: ConfigNode, path: FieldPath, expected: String, showingKind: Bool
  ) {
    error(
      "expected \(expected)", at: node, path: path,
      found: showingKind ? node.kindAndValueDescription : node.shortDescription,
      fix: Self.defaultFix(path: path, expected: expected))
  }

  static func defaultFix(path: FieldPath, expected: String) -> String {
    path.isEmpty ? "change the value to \(expected)" : "set \(path) to \(expected)"
  }

  /// Replaces the fix of each diagnostic reported since `start` whose path is `path`.
  func replaceFixes(reportedSince start: Int, at path: FieldPath, with fix: String) {
    for index in start..<all.count where all[index].path == path {
      all[index].fix = fix
    }
  }
}

@available(*, unavailable, message: "Diagnostics collects one pass and is used from one task")
extension Diagnostics: Sendable {}

/// A configuration with at least one error, and every diagnostic found with it in location
/// order.
public struct ConfigValidationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The errors and warnings sorted by file, line and column.
  public var diagnostics: [Diagnostic]

  public init(diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  /// One line per diagnostic.
  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}

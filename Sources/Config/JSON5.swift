import Foundation

/// Entry points that read JSON5 (https://spec.json5.org) into a `ConfigNode` tree.
///
/// Unlike `JSONDecoder` with `allowsJSON5`, these report the line and column of a syntax error,
/// reject duplicate keys, and keep integers up to 64 bits exact.
public enum JSON5 {
  /// The default limit on nested arrays and objects. A scenario file needs fewer than twenty.
  public static let defaultMaxDepth = 512

  /// Parses `text` as one JSON5 value.
  ///
  /// - Parameters:
  ///   - file: The name that locations and messages show, such as a path or `--set seed`.
  ///   - maxDepth: The number of nested arrays and objects allowed before an error.
  public static func parse(
    _ text: String, file: String, maxDepth: Int = defaultMaxDepth
  ) throws(JSON5SyntaxError) -> ConfigNode {
    try parse(utf8: Array(text.utf8), file: file, maxDepth: maxDepth)
  }

  /// Parses UTF-8 bytes as one JSON5 value. Invalid UTF-8 is a syntax error at the first bad
  /// byte, and a leading UTF-8 byte order mark is skipped.
  public static func parse(
    utf8 bytes: [UInt8], file: String, maxDepth: Int = defaultMaxDepth
  ) throws(JSON5SyntaxError) -> ConfigNode {
    var parser = JSON5Parser(bytes: bytes, file: file, maxDepth: maxDepth)
    return try parser.parseDocument()
  }

  /// Reads the file at `path` and parses it, using `path` as the file name in locations.
  public static func parse(
    contentsOfFile path: String, maxDepth: Int = defaultMaxDepth
  ) throws(ConfigFileError) -> ConfigNode {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .unreadable(path: path, reason: readFailureReason(error))
    }
    do {
      return try parse(utf8: Array(data), file: path, maxDepth: maxDepth)
    } catch {
      throw .syntax(error)
    }
  }

  /// Returns the operating system's reason, such as "No such file or directory", when Foundation
  /// wraps one, else Foundation's own description.
  private static func readFailureReason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
      let posix = underlying as NSError
      if posix.domain == NSPOSIXErrorDomain, let code = Int32(exactly: posix.code) {
        return String(cString: strerror(code))
      }
      return posix.localizedDescription
    }
    return nsError.localizedDescription
  }
}

/// A configuration file that could not be read or parsed.
public enum ConfigFileError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file is missing or unreadable; `reason` is the operating system's explanation.
  case unreadable(path: String, reason: String)
  case syntax(JSON5SyntaxError)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "\(path): error: cannot read the file: \(reason). Fix: check the path and that the "
        + "file is readable."
    case .syntax(let error):
      error.description
    }
  }
}

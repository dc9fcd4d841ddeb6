import Foundation
import Glibc
import Synchronization

/// Severity of a log message, lowest first.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
  case trace, debug, info, notice, warning, error

  public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String {
    switch self {
    case .trace: "trace"
    case .debug: "debug"
    case .info: "info"
    case .notice: "notice"
    case .warning: "warning"
    case .error: "error"
    }
  }

  /// Parses a level name as `--log-level` accepts it.
  public init?(name: String) {
    guard let level = LogLevel.allCases.first(where: { $0.description == name.lowercased() })
    else { return nil }
    self = level
  }
}

/// A levelled logger that writes one line per message to standard error.
///
/// Modelled on swift-log's shape (a value-type logger with a label; messages built lazily,
/// so a disabled level costs one comparison), which cannot be fetched here. Standard output
/// carries results only, so every log line goes to standard error. Output is serialised by
/// a lock so lines from concurrent runs never interleave mid-line.
public struct Logger: Sendable {
  public let label: String

  public init(label: String) {
    self.label = label
  }

  /// The minimum level written, shared by every logger in the process. Default: `info`.
  public static var minimumLevel: LogLevel {
    get { LogLevel(rawValue: sharedLevel.load(ordering: .relaxed)) ?? .info }
    set { sharedLevel.store(newValue.rawValue, ordering: .relaxed) }
  }

  /// Replaces where log lines go; tests capture them with this. Pass nil for stderr.
  public static func setOutput(_ output: (@Sendable (String) -> Void)?) {
    sharedOutput.withLock { $0 = output }
  }

  @inlinable
  public func isEnabled(_ level: LogLevel) -> Bool {
    level >= Logger.minimumLevel
  }

  public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
    guard isEnabled(level) else { return }
    let line = "loopsim[\(label)] \(level): \(message())\n"
    sharedOutput.withLock { output in
      if let output {
        output(line)
      } else {
        writeToStandardError(line)
      }
    }
  }

  public func trace(_ message: @autoclosure () -> String) { log(.trace, message()) }
  public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
  public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
  public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
  public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
  public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
}

private let sharedLevel = Atomic<Int>(LogLevel.info.rawValue)
private let sharedOutput = Mutex<(@Sendable (String) -> Void)?>(nil)

/// Writes all of `text` to standard error with write(2), dropping the rest on failure: a
/// closed pipe must not stop a run, and Foundation's FileHandle would trap on it.
private func writeToStandardError(_ text: String) {
  var bytes = Array(text.utf8)[...]
  while !bytes.isEmpty {
    let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    if written < 0 && errno == EINTR { continue }
    guard written > 0 else { return }
    bytes = bytes.dropFirst(written)
  }
}

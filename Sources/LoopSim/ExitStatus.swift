/// The process exit statuses of `loopsim`, shared by every verb.
public enum ExitStatus: Int32, Sendable {
  case success = 0
  /// A check that failed, or tasks that failed (`check`, `sweep`).
  case failure = 1
  /// Invalid input: a bad file, field, value or command-line argument.
  case invalidInput = 2
  /// A runtime failure such as a full disk or an SQLite I/O error.
  case runtimeFailure = 3
  /// Interrupted by Ctrl-C, after the partial output was removed.
  case interrupted = 130
}

/// An error that the command line reports as one message and an exit status.
public protocol ReportableError: Error, CustomStringConvertible {
  var exitStatus: ExitStatus { get }
  /// Whether `description` already starts each line with `FILE:LINE:COLUMN: error:`, as
  /// compilers print, so the command line prints it without a prefix of its own.
  var isLocated: Bool { get }
}

extension ReportableError {
  public var isLocated: Bool { false }
}

/// Invalid input that is not tied to a scenario field: a command-line argument, a
/// missing file, an output folder that already exists.
public struct InputError: ReportableError {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var exitStatus: ExitStatus { .invalidInput }
  public var description: String { message }
}

/// A failure of the environment rather than of the input: disk full, I/O error.
public struct RuntimeFailure: ReportableError {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var exitStatus: ExitStatus { .runtimeFailure }
  public var description: String { message }
}

/// The run was interrupted (Ctrl-C) and its partial output removed.
public struct Interrupted: ReportableError {
  public init() {}

  public var exitStatus: ExitStatus { .interrupted }
  public var description: String { "interrupted; the partial output was removed" }
}

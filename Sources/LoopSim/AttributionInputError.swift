import Config

/// A path file that `loopsim attribute` cannot read: the file, the line when the problem has
/// one, what is wrong and the fix. Exit status 2.
public struct AttributionInputError: ReportableError, Hashable {
  public let file: String
  /// The 1-based line, or nil when the problem is with the file as a whole or an option.
  public let line: Int?
  public let problem: String
  public let fix: String

  public init(file: String, line: Int?, problem: String, fix: String) {
    self.file = file
    self.line = line
    self.problem = problem
    self.fix = fix
  }

  /// Carries over a CSV reader's error, which always has a line.
  public init(_ error: CSVError) {
    self.init(file: error.file, line: error.line, problem: error.problem, fix: error.fix)
  }

  public var exitStatus: ExitStatus { .invalidInput }
  public var isLocated: Bool { true }

  public var description: String {
    let location = line.map { "\(file):\($0)" } ?? file
    return "\(location): error: \(problem). Fix: \(fix)."
  }
}

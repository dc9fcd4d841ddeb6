import CGSL
import Simulation

/// A reason an attribution model cannot run on its input or parameters, or a failure of its
/// numerical solver.
public enum AttributionError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A path with a negative or non-finite count or value, a value without conversions, or an
  /// empty channel name. `index` is the path's 0-based index in the input.
  case invalidPath(index: Int, problem: String)
  /// A model parameter outside its range.
  case invalidParameter(name: String, value: String, expected: String)
  /// The Shapley model is exact and enumerates every subset of channels, so it accepts at
  /// most `limit` channels.
  case tooManyChannelsForShapley(channels: Int, limit: Int)
  /// A total or a credit is too large to be represented as a finite double.
  case numberOverflow(String)
  /// A GSL function returned an error status, or could not allocate its memory.
  case solverFailed(function: String, reason: String)
  /// GMRES did not reach the relative residual `tolerance` within its iteration limit.
  case solverDidNotConverge(residual: Double, tolerance: Double, iterations: Int)

  /// Whether the input or a parameter is at fault, rather than the solver or the machine.
  public var isInvalidInput: Bool {
    switch self {
    case .invalidPath, .invalidParameter, .tooManyChannelsForShapley, .numberOverflow: true
    case .solverFailed, .solverDidNotConverge: false
    }
  }


  public var description: String {
    switch self {
    case .invalidPath(let index, let problem):
      "invalid path \(index + 1): \(problem)"
    case .invalidParameter(let name, let value, let expected):
      "invalid \(name) \(value): expected \(expected)"
    case .tooManyChannelsForShapley(let channels, let limit):
      "the Shapley model is exact only for at most \(limit) channels, and the paths have "
        + "\(channels)"
    case .numberOverflow(let what):
      "\(what) is too large to represent as a finite number"
    case .solverFailed(let function, let reason):
      "\(function) failed: \(reason)"
    case .solverDidNotConverge(let residual, let tolerance, let iterations):
      "GMRES did not converge: the relative residual is \(residual) after \(iterations) "
        + "iterations, above the tolerance \(tolerance)"
    }
  }
}

/// Throws `AttributionError.solverFailed` with GSL's reason when `status` is not
/// `GSL_SUCCESS`.
func checkGSL(_ status: Int32, function: String) throws(AttributionError) {
  guard status != GSL_SUCCESS else { return }
  let error = GSLError(status: status, function: function)
  throw .solverFailed(function: function, reason: "\(error.reason) (GSL status \(status))")
}

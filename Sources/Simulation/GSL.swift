import CGSL

/// Process-wide setup of the GNU Scientific Library and checks of its status codes.
///
/// GSL's default error handler prints a message and calls `abort()`, so one invalid
/// argument would end a whole run. LoopSim turns that handler off once, before its first
/// GSL call, and then reads the status code that every GSL function returns instead.
public enum GSL {
  /// Turns off GSL's default error handler with `gsl_set_error_handler_off()`.
  ///
  /// The call runs once per process; later calls cost one atomic load. It is safe to call
  /// from any thread. `RandomStreams` and `DiscreteDistribution` call it themselves, and
  /// other code calls it before its first direct GSL call.
  @inline(__always)
  public static func setErrorHandlerOff() {
    _ = gslErrorHandlerIsOff
  }

  /// Throws a `GSLError` when `status` is not `GSL_SUCCESS`.
  ///
  /// - Parameters:
  ///   - status: the status code returned by a GSL function.
  ///   - function: the name of that function, for the error message.
  /// - Throws: `GSLError` with `status` and `function`.
  public static func check(_ status: Int32, function: String) throws {
    guard status != Int32(GSL_SUCCESS) else { return }
    throw GSLError(status: status, function: function)
  }
}

/// Swift initializes a global `let` lazily and atomically on first access, so concurrent
/// first calls of `GSL.setErrorHandlerOff()` run the initializer once.
private let gslErrorHandlerIsOff: Bool = {
  _ = gsl_set_error_handler_off()
  return true
}()

/// A GSL function that returned a status other than `GSL_SUCCESS`.
public struct GSLError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The GSL status code, such as `GSL_EDOM` (1) or `GSL_EINVAL` (4).
  public let status: Int32

  /// The name of the GSL function that failed.
  public let function: String

  public init(status: Int32, function: String) {
    self.status = status
    self.function = function
  }

  /// GSL's text for `status`, from `gsl_strerror`.
  public var reason: String {
    String(cString: gsl_strerror(status))
  }

  public var description: String {
    "\(function) failed: \(reason) (GSL status \(status))"
  }
}

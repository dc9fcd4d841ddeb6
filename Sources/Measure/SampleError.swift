/// An invalid input to a statistic of sample values: a summary, Welch's t-test, the
/// bootstrap or CUPED.
public enum SampleError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A sample with fewer values than the statistic needs, such as a variance of one value.
  case tooFewValues(sample: String, count: Int, minimum: Int)
  /// A NaN or infinite value, at its index in the sample.
  case nonFiniteValue(sample: String, index: Int, value: Double)
  /// Finite values whose sum or sum of squares overflows a double.
  case valuesTooLarge(sample: String)
  /// Parallel arrays of different lengths.
  case lengthMismatch(name: String, count: Int, expected: Int)
  /// A confidence level that is not a number strictly between 0 and 1.
  case invalidConfidenceLevel(Double)
  /// A number of bootstrap resamples outside 1...`Bootstrap.maximumResampleCount`.
  case invalidResampleCount(Int)
  /// A sample larger than the bootstrap can draw indices from.
  case sampleTooLargeForBootstrap(sample: String, count: Int, maximum: Int)
  /// The random streams could not be derived, because libcrypto's SHA-256 failed.
  case randomStreamsUnavailable(String)
  /// A GSL distribution function returned a value that is not finite for these arguments.
  case distributionFailed(function: String)

  public var description: String {
    switch self {
    case .tooFewValues(let sample, let count, let minimum):
      "invalid \(sample) sample: \(count) values, expected at least \(minimum)"
    case .nonFiniteValue(let sample, let index, let value):
      "invalid \(sample) sample: value \(value) at index \(index) is not finite; "
        + "remove or impute it before the test"
    case .valuesTooLarge(let sample):
      "invalid \(sample) sample: the values are too large in magnitude to sum without "
        + "overflow; rescale them (for example to thousands)"
    case .lengthMismatch(let name, let count, let expected):
      "invalid input: \(name) has \(count) values, expected \(expected), one per unit"
    case .invalidConfidenceLevel(let level):
      "invalid confidence level \(level): expected a value strictly between 0 and 1, such as 0.95"
    case .invalidResampleCount(let count):
      "invalid number of bootstrap resamples \(count): expected 1 to "
        + "\(Bootstrap.maximumResampleCount), such as \(Bootstrap.defaultResampleCount)"
    case .sampleTooLargeForBootstrap(let sample, let count, let maximum):
      "\(sample) sample too large for the bootstrap: \(count) values, at most \(maximum)"
    case .randomStreamsUnavailable(let reason):
      "cannot derive the bootstrap's random streams: \(reason)"
    case .distributionFailed(let function):
      "\(function) returned a value that is not finite; the input is outside the range the "
        + "distribution functions handle"
    }
  }
}

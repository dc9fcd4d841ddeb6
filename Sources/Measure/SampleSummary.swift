/// The count, mean, variance and standard error of a sample of at least two finite values.
///
/// The mean is a compensated sum divided by n, refined by the mean of the deviations from it.
/// The variance, with divisor n − 1, is the corrected two-pass formula
///
///     s² = (Σ (xᵢ − x̄)² − (Σ (xᵢ − x̄))² / n) / (n − 1)
///
/// whose second term removes the error left in x̄. Neither step subtracts large sums of
/// squares. A sample such as 10⁹ + 0.1, 10⁹ + 0.2, … therefore keeps the digits of its
/// variance that the one-pass formula (Σx² − n x̄²) / (n − 1) loses to cancellation.
///
/// When every value is the same, the mean is that value exactly and the variance is exactly 0,
/// which the tests that use a summary rely on to detect constant samples.
public struct SampleSummary: Hashable, Sendable, Codable {
  /// The number of values, at least 2.
  public let count: Int
  /// The arithmetic mean.
  public let mean: Double
  /// The unbiased sample variance, Σ (xᵢ − x̄)² / (n − 1).
  public let variance: Double

  /// Summarizes a sample.
  ///
  /// - Parameters:
  ///   - values: the sample, at least two finite values.
  ///   - name: the sample's name in error messages, such as "treatment".
  /// - Throws: `SampleError.tooFewValues` for fewer than two values,
  ///   `SampleError.nonFiniteValue` for a NaN or infinite value, and
  ///   `SampleError.valuesTooLarge` when a sum overflows (values more than about 10¹⁵⁴ apart).
  public init(_ values: [Double], name: String = "sample") throws(SampleError) {
    guard values.count >= 2 else {
      throw .tooFewValues(sample: name, count: values.count, minimum: 2)
    }
    let first = values[0]
    var isConstant = true
    for (index, value) in values.enumerated() {
      guard value.isFinite else { throw .nonFiniteValue(sample: name, index: index, value: value) }
      if value != first { isConstant = false }
    }

    count = values.count
    if isConstant {
      mean = first
      variance = 0
      return
    }

    let center = try Self.mean(of: values, name: name)
    let n = Double(values.count)
    var deviationSum = CompensatedSum()
    var squaredDeviationSum = CompensatedSum()
    for value in values {
      let deviation = value - center
      deviationSum.add(deviation)
      squaredDeviationSum.add(deviation * deviation)
    }
    let correction = deviationSum.value
    let sumOfSquares = squaredDeviationSum.value - correction * correction / n
    guard sumOfSquares.isFinite else { throw .valuesTooLarge(sample: name) }

    mean = center
    variance = max(0, sumOfSquares / (n - 1))
  }

  /// The sample standard deviation s = √s².
  public var standardDeviation: Double { variance.squareRoot() }

  /// The standard error of the mean, √(s² / n).
  public var standardError: Double { (variance / Double(count)).squareRoot() }

  /// Returns the mean of finite values as a compensated sum over n, refined once by the mean
  /// of the deviations from that first estimate.
  ///
  /// - Throws: `SampleError.valuesTooLarge` when a sum overflows.
  static func mean(of values: [Double], name: String) throws(SampleError) -> Double {
    let n = Double(values.count)
    var sum = CompensatedSum()
    for value in values { sum.add(value) }
    let estimate = sum.value / n
    guard estimate.isFinite else { throw .valuesTooLarge(sample: name) }

    var residual = CompensatedSum()
    for value in values { residual.add(value - estimate) }
    let refined = estimate + residual.value / n
    guard refined.isFinite else { throw .valuesTooLarge(sample: name) }
    return refined
  }
}

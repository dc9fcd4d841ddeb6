import CGSL
import Simulation

/// Pearson's chi-square goodness-of-fit test of observed counts against expected counts.
struct ChiSquare {
  let statistic: Double
  let degreesOfFreedom: Int

  /// The upper-tail probability of `statistic` (`gsl_cdf_chisq_Q`).
  let pValue: Double

  /// Tests `observed` against `expected`, with one degree of freedom fewer than the number
  /// of cells because the expected counts are scaled to the observed total.
  init(observed: [Int], expected: [Double]) {
    precondition(observed.count == expected.count && observed.count >= 2)
    GSL.setErrorHandlerOff()

    var statistic = 0.0
    for (count, expectedCount) in zip(observed, expected) {
      let difference = Double(count) - expectedCount
      statistic += difference * difference / expectedCount
    }
    self.statistic = statistic
    self.degreesOfFreedom = observed.count - 1
    self.pValue = gsl_cdf_chisq_Q(statistic, Double(degreesOfFreedom))
  }

  /// Tests pairs of uniforms in [0, 1) for independence and uniformity, binned on a
  /// `bins` × `bins` grid with equal expected counts.
  init(pairs: [(Double, Double)], bins: Int) {
    var counts = [Int](repeating: 0, count: bins * bins)
    for (first, second) in pairs {
      let row = min(Int(first * Double(bins)), bins - 1)
      let column = min(Int(second * Double(bins)), bins - 1)
      counts[row * bins + column] += 1
    }
    let expected = Double(pairs.count) / Double(bins * bins)
    self.init(observed: counts, expected: [Double](repeating: expected, count: counts.count))
  }
}

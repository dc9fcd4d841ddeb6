/// Holm's step-down adjustment of p-values for multiple comparisons, which controls the
/// family-wise error rate at α when each adjusted p-value is compared with α.
///
/// Source: S. Holm (1979), "A simple sequentially rejective multiple test procedure",
/// Scandinavian Journal of Statistics 6, 65–70. With the m p-values sorted ascending,
/// p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted values are
///
///     p̃₍ᵢ₎ = min(1, max over j ≤ i of (m − j + 1) p₍ⱼ₎)
///
/// The running maximum makes them monotone in the order of the raw p-values, and they are
/// returned in the input order. Tied p-values get the same adjusted value. It is statsmodels'
/// `multipletests(method="holm")` (its `pvals_corrected`).
public enum HolmCorrection {
  /// Returns the Holm-adjusted p-values, in the order of the input.
  ///
  /// An empty input gives an empty output. Complexity: O(m log m).
  ///
  /// - Throws: `MultipleTestingError.invalidPValue` for a p-value that is NaN or outside
  ///   [0, 1].
  public static func adjust(_ pValues: [Double]) throws(MultipleTestingError) -> [Double] {
    for (index, p) in pValues.enumerated() where !(p >= 0 && p <= 1) {
      throw .invalidPValue(index: index, value: p)
    }

    let m = Double(pValues.count)
    // Ties are broken by index only to make the order deterministic: tied p-values get
    // equal adjusted values in any order.
    let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
    var adjusted = [Double](repeating: 0, count: pValues.count)
    var runningMaximum = 0.0
    for (rank, index) in order.enumerated() {
      let scaled = min(1, (m - Double(rank)) * pValues[index])
      runningMaximum = max(runningMaximum, scaled)
      adjusted[index] = runningMaximum
    }
    return adjusted
  }
}

/// An invalid input to a multiple-comparison adjustment.
public enum MultipleTestingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A p-value that is NaN or outside [0, 1], at its index in the input.
  case invalidPValue(index: Int, value: Double)

  public var description: String {
    switch self {
    case .invalidPValue(let index, let value):
      "invalid p-value \(value) at index \(index): expected a number from 0 to 1"
    }
  }
}

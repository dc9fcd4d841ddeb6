import Foundation

/// A running sum of doubles with Neumaier's variant of Kahan summation, whose error stays
/// near one rounding of the result instead of growing with the number of terms.
///
/// Each addition's rounding error is recovered exactly (a Fast2Sum step on the larger and the
/// smaller operand) and carried in `compensation`.
struct CompensatedSum {
  private var sum = 0.0
  private var compensation = 0.0

  /// Adds a term.
  mutating func add(_ term: Double) {
    let total = sum + term
    if abs(sum) >= abs(term) {
      compensation += (sum - total) + term
    } else {
      compensation += (term - total) + sum
    }
    sum = total
  }

  /// The compensated sum of the terms added so far.
  var value: Double { sum + compensation }
}

/// A running log(Σ exp(termᵢ)) that neither overflows nor underflows while terms are added.
///
/// It keeps the largest term m and Σ exp(termᵢ − m), so each addition costs one `exp`.
struct LogSumExp {
  private var maximum = -Double.infinity
  private var scaledSum = 0.0

  /// Adds exp(logTerm) to the sum.
  mutating func add(_ logTerm: Double) {
    if logTerm <= maximum {
      scaledSum += exp(logTerm - maximum)
    } else {
      scaledSum = scaledSum * exp(maximum - logTerm) + 1
      maximum = logTerm
    }
  }

  /// The logarithm of the sum, or −∞ when no finite term has been added.
  var value: Double {
    scaledSum > 0 ? maximum + log(scaledSum) : -.infinity
  }
}

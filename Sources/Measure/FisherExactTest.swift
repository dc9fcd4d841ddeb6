import Foundation

/// Fisher's exact test of H0: p_treatment = p_control, conditional on the margins of the
/// 2×2 table.
///
/// With each arm's trials and the total successes s of both arms fixed, the treatment
/// successes X follow the hypergeometric distribution
///
///     P(X = x) = C(n_t, x) C(n_c, s − x) / C(n_t + n_c, s),   max(0, s − n_c) ≤ x ≤ min(s, n_t)
///
/// With x_t the observed treatment successes, the p-values are
///
/// - `pValueGreater` = P(X ≥ x_t), for H1: p_t > p_c (odds ratio above 1);
/// - `pValueLess` = P(X ≤ x_t), for H1: p_t < p_c;
/// - `pValue`, two-sided: the sum of P(X = x) over every x with
///   P(X = x) ≤ P(X = x_t) · (1 + 10⁻⁷).
///
/// The two-sided p-value is the one of scipy's `fisher_exact` and R's `fisher.test`. The
/// tolerance counts tables whose probability equals the observed one in exact arithmetic but
/// not after rounding, such as the mirror image of a table with equal arm sizes. R uses
/// 1 + 10⁻⁷. scipy 1.17.1 uses 1 + 10⁻¹⁴, which is too tight for the sums below, whose
/// rounding error grows with the number of terms. The two definitions differ only when a
/// table's probability lies within a relative 10⁻⁷ of the observed one without being equal.
///
/// How it is computed: each probability is taken relative to the mode's, as a running
/// product of the ratios P(X = x + 1) / P(X = x) = (n_t − x)(s − x) / ((x + 1)(n_c − s + x + 1)),
/// accumulated in logarithms with compensated summation. No factorial or binomial
/// coefficient is formed, so counts up to `Int.max` do not overflow, and each p-value is a
/// ratio of two sums of these relative probabilities. The sums start at the mode and stop
/// where the rest of the tail is below e⁻⁴⁰ (4·10⁻¹⁸) of every sum it could still change.
/// The hypergeometric distribution is log-concave, so a geometric series bounds that rest.
/// The cost is therefore about 80 conditional standard deviations of X at most, whatever the
/// counts. A p-value below the smallest positive double (5·10⁻³²⁴) is returned as 0.
///
/// When the margins allow a single table (no successes in either arm, or no failures in
/// either arm), every p-value is 1.
public struct FisherExactTest: Hashable, Sendable, Codable {
  /// The relative tolerance within which a table's probability counts as equal to the
  /// observed one in the two-sided p-value, as in R's `fisher.test`.
  public static let tieTolerance = 1e-7

  /// The largest conditional standard deviation of the treatment successes for which the test
  /// runs; larger tables throw `ProportionError.exactTestTooLarge`.
  ///
  /// At this limit the sums take up to about 12 million terms, 0.4 s or more in a debug
  /// build. A table is that large only when both arms and both outcome totals exceed about
  /// 4·10¹⁰, where the z-test's normal approximation is accurate.
  public static let maximumStandardDeviation = 1e5

  /// The two-sided p-value.
  public let pValue: Double
  /// The p-value for H1: p_treatment > p_control, P(X ≥ x_t).
  public let pValueGreater: Double
  /// The p-value for H1: p_treatment < p_control, P(X ≤ x_t).
  public let pValueLess: Double

  /// Runs the test on the table of two arms' successes and failures.
  ///
  /// - Throws: `ProportionError.exactTestTooLarge` when the conditional standard deviation of
  ///   the treatment successes exceeds `maximumStandardDeviation`.
  public init(treatment: BinomialArm, control: BinomialArm) throws(ProportionError) {
    let table = ConditionalTable(treatment: treatment, control: control)
    guard table.lowestOffset < table.highestOffset else {
      pValue = 1
      pValueGreater = 1
      pValueLess = 1
      return
    }

    let standardDeviation = table.standardDeviation
    guard standardDeviation <= Self.maximumStandardDeviation else {
      throw .exactTestTooLarge(standardDeviation: standardDeviation)
    }

    let sums = table.tailSums()
    pValue = sums.probability(of: sums.twoSided)
    pValueGreater = sums.probability(of: sums.greater)
    pValueLess = sums.probability(of: sums.less)
  }

  /// Returns the p-value for an alternative hypothesis.
  public func pValue(for alternative: Alternative) -> Double {
    switch alternative {
    case .twoSided: pValue
    case .greater: pValueGreater
    case .less: pValueLess
    }
  }
}

extension BinomialArm {
  /// Returns whether the normal approximation of a two-arm comparison is doubtful: some
  /// expected cell count of the 2×2 table under the pooled rate is below 5.
  ///
  /// The expected counts are n_arm · s / N for successes and n_arm · f / N for failures,
  /// with s and f the successes and failures of both arms and N = n_t + n_c. The smallest is
  /// min(n_t, n_c) · min(s, f) / N. The comparison min(n_t, n_c) · min(s, f) < 5N is made in
  /// exact 128-bit integer arithmetic, so a count of exactly 5 is not a warning and counts
  /// near `Int.max` do not overflow. Below 5 expected, Cochran's rule of thumb for the
  /// chi-squared test (and so for the pooled z-test) calls for Fisher's exact test instead.
  public static func needsExactTest(treatment: BinomialArm, control: BinomialArm) -> Bool {
    let successes = UInt64(treatment.successes) + UInt64(control.successes)
    let failures = UInt64(treatment.failures) + UInt64(control.failures)
    let total = UInt64(treatment.trials) + UInt64(control.trials)
    let smallerArm = UInt64(min(treatment.trials, control.trials))

    let product = smallerArm.multipliedFullWidth(by: min(successes, failures))
    let limit = total.multipliedFullWidth(by: 5)
    return product.high < limit.high || (product.high == limit.high && product.low < limit.low)
  }
}

/// The tables with the margins of an observed 2×2 table [[a, b], [c, d]], each identified by
/// its offset k from the observed one: [[a + k, b − k], [c − k, d + k]].
///
/// Rows are arms (treatment first) and columns are successes and failures, so a + k is the
/// treatment successes. Offsets keep every count in 0...Int.max without forming a margin
/// sum, which could overflow.
private struct ConditionalTable {
  let a: Int
  let b: Int
  let c: Int
  let d: Int

  /// The log probability, relative to the mode's, below which a term is dropped: e⁻⁸⁰⁰ is far
  /// below the smallest positive double, so such a p-value underflows to 0 anyway.
  static let negligibleLogProbability = -800.0
  /// The margin, in natural-log units, below the smallest sum that a term can change, at
  /// which a walk stops: e⁻⁴⁰ ≈ 4·10⁻¹⁸.
  static let truncationMargin = 40.0

  init(treatment: BinomialArm, control: BinomialArm) {
    a = treatment.successes
    b = treatment.failures
    c = control.successes
    d = control.failures
  }

  var lowestOffset: Int { -min(a, d) }
  var highestOffset: Int { min(b, c) }

  /// The standard deviation of the treatment successes given the margins:
  /// √(n_t n_c s f / (N² (N − 1))).
  var standardDeviation: Double {
    let treatmentTrials = Double(a) + Double(b)
    let controlTrials = Double(c) + Double(d)
    let successes = Double(a) + Double(c)
    let failures = Double(b) + Double(d)
    let total = treatmentTrials + controlTrials
    let variance =
      (treatmentTrials / total) * (controlTrials / total) * successes * (failures / (total - 1))
    return variance.squareRoot()
  }

  /// Returns log(P(k + 1) / P(k)) for lowestOffset ≤ k < highestOffset.
  func logRatioUp(from k: Int) -> Double {
    let numerator = Double(b - k) * Double(c - k)
    let denominator = (Double(a + k) + 1) * (Double(d + k) + 1)
    return log(numerator / denominator)
  }

  /// Returns the offset of a most probable table.
  ///
  /// The mode of the treatment successes is ⌊(s + 1)(n_t + 1) / (N + 2)⌋. It is evaluated in
  /// doubles, which can be a few units off for counts above 2⁵³, and then moved one step at
  /// a time until neither neighbour is more probable.
  func modeOffset() -> Int {
    let successes = Double(a) + Double(c)
    let treatmentTrials = Double(a) + Double(b)
    let total = successes + Double(b) + Double(d)
    let estimate =
      ((successes + 1) * (treatmentTrials + 1) / (total + 2)).rounded(.down) - Double(a)

    var k: Int
    if !(estimate > Double(lowestOffset)) {
      k = lowestOffset
    } else if !(estimate < Double(highestOffset)) {
      k = highestOffset
    } else {
      k = Int(estimate)
    }
    while k < highestOffset && logRatioUp(from: k) > 0 { k += 1 }
    while k > lowestOffset && logRatioUp(from: k - 1) < 0 { k -= 1 }
    return k
  }

  /// Visits the offsets from `start` in one direction (`step` is 1 or −1) with each table's
  /// log probability relative to the start's, until `visit` returns false or the support
  /// ends.
  ///
  /// `visit` also receives the log ratio to the next table, or nil at the end of the support.
  /// Two walks from the same start in the same direction compute bit-identical values.
  func walk(
    from start: Int, step: Int,
    visit: (_ offset: Int, _ logProbability: Double, _ nextLogRatio: Double?) -> Bool
  ) {
    var logProbability = CompensatedSum()
    var k = start
    while true {
      let next: Double?
      if step > 0 {
        next = k < highestOffset ? logRatioUp(from: k) : nil
      } else {
        next = k > lowestOffset ? -logRatioUp(from: k - 1) : nil
      }
      guard visit(k, logProbability.value, next), let next else { return }
      logProbability.add(next)
      k += step
    }
  }

  /// Returns the log probability of the observed table (offset 0) relative to the mode's, or
  /// −∞ when it is below `negligibleLogProbability`.
  func observedLogProbability(mode: Int) -> Double {
    var observed = -Double.infinity
    walk(from: mode, step: mode <= 0 ? 1 : -1) { k, logProbability, _ in
      if k == 0 {
        observed = logProbability
        return false
      }
      return logProbability >= Self.negligibleLogProbability
    }
    return observed
  }

  /// Sums the probabilities of the tables, relative to the mode's, for each p-value.
  func tailSums() -> TailSums {
    let mode = modeOffset()
    let observed = observedLogProbability(mode: mode)
    let floor = max(observed, Self.negligibleLogProbability) - Self.truncationMargin
    let tieLimit = observed + log1p(FisherExactTest.tieTolerance)
    var sums = TailSums()

    for step in [1, -1] {
      walk(from: mode, step: step) { k, logProbability, next in
        // The downward walk starts at the mode, which the upward walk has already counted.
        if step > 0 || k != mode {
          sums.all.add(logProbability)
          if k <= 0 { sums.less.add(logProbability) }
          if k >= 0 { sums.greater.add(logProbability) }
          if k == 0 || logProbability <= tieLimit { sums.twoSided.add(logProbability) }
        }
        guard let next, next < 0, logProbability + next < floor else { return true }
        // Log-concavity: every later ratio is at most e^next, so the rest of this tail is at
        // most e^(logProbability + next) / (1 − e^next).
        return logProbability + next - log(-expm1(next)) >= floor
      }
    }
    return sums
  }
}

/// The sums of relative table probabilities behind Fisher's p-values, in logarithms.
private struct TailSums {
  var all = LogSumExp()
  var less = LogSumExp()
  var greater = LogSumExp()
  var twoSided = LogSumExp()

  /// Returns a sum's share of the total, capped at 1 against rounding.
  func probability(of sum: LogSumExp) -> Double {
    min(1, exp(sum.value - all.value))
  }
}

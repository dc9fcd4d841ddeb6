import Foundation

/// The tolerances of `loopsim check`. docs/check-and-compare.md derives both defaults.
public enum CheckTolerance {
  /// The default `--margin`: each side of a baseline interval is widened by this share of
  /// the interval's width. For a 95 % interval (half-width 1.96 σ) the accepted range is
  /// then about ±4.7 σ. A rerun with fresh draws and unchanged behaviour differs from the
  /// baseline with standard error √2 σ, so it leaves the range with probability about
  /// 0.001, as a count does at `countZ`.
  public static let defaultMargin = 0.7

  /// The z of the count rules: Φ⁻¹(1 − 0.001 / 2), two-sided α = 0.001, from
  /// `scipy.stats.norm.ppf(0.9995)`. With 52 metrics per scenario, a check of a rerun with
  /// fresh draws fails by chance at most about 5 % of the time (Bonferroni bound), for
  /// counts whose variance the binomial or Poisson model gives.
  ///
  /// Counts of messages and events cluster by customer, so their variance exceeds the
  /// Poisson one. A baseline's `dispersion` widens their rule, measured across seeds.
  public static let countZ = 3.2905267314919255
}

/// The comparison of one metric of a run with its baseline.
public struct MetricVerdict: Hashable, Sendable {
  public enum Outcome: String, Hashable, Sendable {
    /// Within tolerance, or undefined in both.
    case pass
    /// Outside tolerance, missing from the run, defined in only one of the two, or judged
    /// by another rule.
    case fail
    /// In the run but not in the baseline; not a failure, but the baseline needs updating.
    case new
  }

  public let name: String
  public let baseline: HeadlineMetric?
  public let now: HeadlineMetric?
  public let outcome: Outcome
  /// The values that pass, or nil when the rule is not a range (an undefined metric, a
  /// missing one).
  public let acceptedRange: ClosedRange<Double>?
  /// The reason for a failure, or a note about a pass; empty when there is nothing to add.
  public let message: String

  /// Compares a run's metrics with the baseline's, in the baseline's order, then the new
  /// ones in the run's order.
  ///
  /// - Parameters:
  ///   - margin: The share of an interval's width added to each side of it; at least 0.
  ///   - z: The z of the binomial and Poisson rules.
  public static func compare(
    baseline: [HeadlineMetric], now: [HeadlineMetric], margin: Double,
    z: Double = CheckTolerance.countZ
  ) -> [MetricVerdict] {
    var current: [String: HeadlineMetric] = [:]
    for metric in now where current[metric.name] == nil {
      current[metric.name] = metric
    }
    var seen: Set<String> = []
    var verdicts: [MetricVerdict] = []
    for expected in baseline where !seen.contains(expected.name) {
      seen.insert(expected.name)
      var actual = current[expected.name]
      if actual == nil, expected.absentMeansZero {
        actual = HeadlineMetric(name: expected.name, kind: expected.kind, value: 0)
      }
      verdicts.append(judge(expected, actual, margin: margin, z: z))
    }
    for metric in now where !seen.contains(metric.name) {
      seen.insert(metric.name)
      if metric.absentMeansZero {
        let zero = HeadlineMetric(name: metric.name, kind: metric.kind, value: 0)
        verdicts.append(judge(zero, metric, margin: margin, z: z))
      } else {
        verdicts.append(
          MetricVerdict(
            name: metric.name, baseline: nil, now: metric, outcome: .new, acceptedRange: nil,
            message: "not in the baseline; update the baseline to check it"))
      }
    }
    return verdicts
  }

  /// Applies the rule of the baseline metric's kind to the run's metric.
  static func judge(
    _ expected: HeadlineMetric, _ actual: HeadlineMetric?, margin: Double, z: Double
  ) -> MetricVerdict {
    func verdict(_ outcome: Outcome, _ range: ClosedRange<Double>?, _ message: String)
      -> MetricVerdict
    {
      MetricVerdict(
        name: expected.name, baseline: expected, now: actual, outcome: outcome,
        acceptedRange: range, message: message)
    }

    guard let actual else {
      return verdict(.fail, nil, "missing from the run's summary")
    }
    guard actual.kind == expected.kind else {
      return verdict(
        .fail, nil, "judged as \(actual.kind.rawValue) now, as \(expected.kind.rawValue) in "
          + "the baseline")
    }
    switch (expected.value, actual.value) {
    case (nil, nil):
      return verdict(.pass, nil, "undefined in both")
    case (nil, _?):
      return verdict(
        .fail, nil,
        "undefined in the baseline (\(expected.undefinedReason ?? "no reason given")), "
          + "defined now")
    case (_?, nil):
      return verdict(
        .fail, nil,
        "defined in the baseline, undefined now (\(actual.undefinedReason ?? "no reason given"))")
    case (let old?, let new?):
      guard let range = acceptedRange(expected, actual, margin: margin, z: z) else {
        return verdict(.fail, nil, "the baseline gives no denominator for this count")
      }
      if range.contains(new) {
        let note = expected.kind == .estimate && expected.interval == nil
          ? "no baseline interval, so the value must be equal" : ""
        return verdict(.pass, range, note)
      }
      return verdict(
        .fail, range,
        "\(Self.format(new, expected.kind)) is outside \(Self.format(range, expected.kind)) "
          + "(baseline \(Self.format(old, expected.kind)))")
    }
  }

  /// Computes the values of `actual` that pass, for a baseline and a run that are both
  /// defined.
  ///
  /// - estimate: the baseline interval [l, u] widened to [l − m w, u + m w], w = u − l; an
  ///   estimate without an interval must stay equal.
  /// - binomial count k of n and proportion p = k / n: the rates may differ by z times the
  ///   pooled standard error √(p̄ (1 − p̄) (1/n₁ + 1/n₂)), p̄ = (k₁ + k₂) / (n₁ + n₂), the
  ///   two-proportion z-test's; a count's range is in counts at the run's n.
  /// - Poisson count: |k₂ − k₁| ≤ z √(k₁ + k₂), the normal approximation of the test of two
  ///   Poisson counts with equal exposure; the range starts at 0 at the lowest.
  /// - A baseline dispersion φ multiplies the variance of a count or proportion by φ.
  static func acceptedRange(
    _ expected: HeadlineMetric, _ actual: HeadlineMetric, margin: Double, z: Double
  ) -> ClosedRange<Double>? {
    guard let old = expected.value, let new = actual.value else { return nil }
    let dispersion = expected.dispersion ?? 1
    switch expected.kind {
    case .estimate:
      guard let interval = expected.interval else { return old...old }
      let widening = margin * (interval.upperBound - interval.lowerBound)
      return (interval.lowerBound - widening)...(interval.upperBound + widening)
    case .poissonCount:
      let allowance = z * (dispersion * (old + new)).squareRoot()
      return max(0, old - allowance)...(old + allowance)
    case .binomialCount, .proportion:
      guard let oldTrials = expected.trials, let newTrials = actual.trials, oldTrials > 0,
        newTrials > 0
      else { return nil }
      let isCount = expected.kind == .binomialCount
      let oldSuccesses = isCount ? old : old * Double(oldTrials)
      let newSuccesses = isCount ? new : new * Double(newTrials)
      let pooled = (oldSuccesses + newSuccesses) / Double(oldTrials + newTrials)
      let standardError =
        (dispersion * max(0, pooled * (1 - pooled))
          * (1 / Double(oldTrials) + 1 / Double(newTrials))).squareRoot()
      let oldRate = oldSuccesses / Double(oldTrials)
      let scale = isCount ? Double(newTrials) : 1
      let lower = max(0, oldRate - z * standardError) * scale
      let upper = min(1, oldRate + z * standardError) * scale
      return lower...upper
    }
  }

  // MARK: Formatting

  /// Formats a value as the table shows it: counts as integers, other numbers to six
  /// significant digits.
  static func format(_ value: Double, _ kind: HeadlineMetric.Kind) -> String {
    switch kind {
    case .binomialCount, .poissonCount:
      // Beyond 2^53 a Double holds no fractional part, and Int(value) could trap.
      value == value.rounded() && abs(value) < 9_007_199_254_740_992
        ? String(Int(value)) : String(format: "%.1f", value)
    case .estimate, .proportion:
      String(format: "%.6g", value)
    }
  }

  static func format(_ range: ClosedRange<Double>, _ kind: HeadlineMetric.Kind) -> String {
    switch kind {
    case .binomialCount, .poissonCount:
      String(format: "%.1f to %.1f", range.lowerBound, range.upperBound)
    case .estimate, .proportion:
      "\(format(range.lowerBound, kind)) to \(format(range.upperBound, kind))"
    }
  }
}

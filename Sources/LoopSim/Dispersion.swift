import Foundation
import Simulation

/// The dispersion of counts across seeds, which widens the binomial and Poisson rules of
/// `loopsim check` for counts that cluster by customer (messages, events, retries).
public enum Dispersion {
  /// Returns `baseline` with the dispersion of each count and proportion set from runs of
  /// the same scenario at other seeds.
  ///
  /// For a metric with values x₁ … x_R over the baseline and the replicates, the dispersion
  /// is s² / v, where s² is the sample variance and v the model's variance at the mean x̄:
  /// x̄ for a Poisson count, n p (1 − p) with p = x̄ / n for a binomial count, p (1 − p) / n
  /// for a proportion, n being the baseline's trials. It is at least 1 and rounded to three
  /// significant digits. A metric missing or undefined in any run, or with v = 0, keeps no
  /// dispersion.
  ///
  /// NOTE: with R runs the estimate has R − 1 degrees of freedom, so with 9 runs it is
  /// itself uncertain by about ±50 % (one standard deviation).
  public static func estimate(baseline: [HeadlineMetric], replicates: [[HeadlineMetric]])
    -> [HeadlineMetric]
  {
    let lookups = replicates.map { metrics in
      Dictionary(metrics.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
    return baseline.map { metric in
      guard metric.kind != .estimate, let value = metric.value, !replicates.isEmpty else {
        return metric
      }
      var values = [value]
      for lookup in lookups {
        guard let other = lookup[metric.name]?.value else { return metric.with(dispersion: nil) }
        values.append(other)
      }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance =
        values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
      let model: Double
      switch metric.kind {
      case .poissonCount:
        model = mean
      case .binomialCount:
        let trials = Double(metric.trials ?? 0)
        model = trials > 0 ? mean * (1 - mean / trials) : 0
      case .proportion:
        let trials = Double(metric.trials ?? 0)
        model = trials > 0 ? mean * (1 - mean) / trials : 0
      case .estimate:
        model = 0
      }
      guard model > 0 else { return metric.with(dispersion: nil) }
      let ratio = variance / model
      return metric.with(dispersion: ratio > 1 ? roundedToThreeDigits(ratio) : nil)
    }
  }

  static func roundedToThreeDigits(_ value: Double) -> Double {
    let scale = pow(10, 2 - floor(log10(value)))
    return (value * scale).rounded() / scale
  }
}

extension LoopRun {
  /// Runs `scenario` once per seed, in parallel on every processor core, each with its
  /// warehouse in memory, and returns the summaries' texts in seed order.
  public static func summaryTexts(
    _ scenario: Scenario, seeds: [UInt64], cancellation: CancellationFlag?
  ) throws -> [String] {
    try ParallelMap.map(seeds) { seed in
      var variant = scenario
      variant.run.seed = seed
      return try summaryText(variant, cancellation: cancellation, progress: nil)
    }
  }
}

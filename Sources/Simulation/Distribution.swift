import Foundation

/// A delay distribution from a scenario, in simulated milliseconds.
///
/// Parameters are validated when the scenario is read, so sampling never meets a bad one.
/// Every variant draws from GSL's samplers on the caller's keyed stream.
public enum Distribution: Sendable, Hashable {
  /// Always the same delay.
  case fixed(SimDuration)
  /// Exponential with the given mean.
  case exponential(mean: SimDuration)
  /// Lognormal whose logarithm (of milliseconds) has mean ln(median) and standard
  /// deviation `sigma`.
  case lognormal(median: SimDuration, sigma: Double)
  /// Gamma with shape k and scale θ in milliseconds (mean kθ).
  case gamma(shape: Double, scale: SimDuration)
  /// Uniform on [minimum, maximum).
  case uniform(minimum: SimDuration, maximum: SimDuration)
  /// One of the listed values with probability proportional to its weight.
  case empirical(EmpiricalDistribution)

  /// Draws one delay from `stream`, rounded to whole milliseconds and clamped to
  /// `0...SimDuration.maximum`.
  @inlinable
  public func sample(_ stream: inout RandomStream) -> SimDuration {
    switch self {
    case .fixed(let delay):
      return delay
    case .exponential(let mean):
      return SimDuration(
        roundingMilliseconds: stream.exponential(mean: Double(mean.milliseconds)))
    case .lognormal(let median, let sigma):
      return SimDuration(
        roundingMilliseconds: stream.lognormal(
          median: Double(median.milliseconds), sigma: sigma))
    case .gamma(let shape, let scale):
      return SimDuration(
        roundingMilliseconds: stream.gamma(shape: shape, scale: Double(scale.milliseconds)))
    case .uniform(let minimum, let maximum):
      if minimum == maximum { return minimum }
      return SimDuration(
        roundingMilliseconds: stream.uniform(
          in: Double(minimum.milliseconds)..<Double(maximum.milliseconds)))
    case .empirical(let empirical):
      return empirical.values[stream.discrete(empirical.table)]
    }
  }

  /// The mean delay, for documentation and sanity checks.
  public var mean: SimDuration {
    switch self {
    case .fixed(let delay):
      return delay
    case .exponential(let mean):
      return mean
    case .lognormal(let median, let sigma):
      return SimDuration(
        roundingMilliseconds: Double(median.milliseconds) * (sigma * sigma / 2).exp)
    case .gamma(let shape, let scale):
      return SimDuration(roundingMilliseconds: shape * Double(scale.milliseconds))
    case .uniform(let minimum, let maximum):
      return SimDuration(
        roundingMilliseconds: (Double(minimum.milliseconds) + Double(maximum.milliseconds)) / 2)
    case .empirical(let empirical):
      let total = empirical.weights.reduce(0, +)
      let weighted = zip(empirical.values, empirical.weights).reduce(0.0) {
        $0 + Double($1.0.milliseconds) * $1.1
      }
      return SimDuration(roundingMilliseconds: weighted / total)
    }
  }
}

/// Listed delays with weights, sampled through a GSL lookup table built once.
public struct EmpiricalDistribution: Sendable, Hashable {
  public let values: [SimDuration]
  public let weights: [Double]
  @usableFromInline let table: DiscreteDistribution

  public init(values: [SimDuration], weights: [Double]) throws {
    self.values = values
    self.weights = weights
    self.table = try DiscreteDistribution(weights: weights)
  }

  public static func == (lhs: EmpiricalDistribution, rhs: EmpiricalDistribution) -> Bool {
    lhs.values == rhs.values && lhs.weights == rhs.weights
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(values)
    hasher.combine(weights)
  }
}

extension Double {
  fileprivate var exp: Double { Foundation.exp(self) }
}

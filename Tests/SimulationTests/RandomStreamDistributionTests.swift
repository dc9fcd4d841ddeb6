import CGSL
import Foundation
import Testing

@testable import Simulation

/// A sampler and the exact moments of its distribution.
struct MomentCase: Sendable, CustomTestStringConvertible {
  let name: String
  let mean: Double
  let variance: Double
  /// The fourth central moment E[(X - mean)^4], which sets the standard error of the
  /// sample variance.
  let fourthCentralMoment: Double
  let draw: @Sendable (inout RandomStream) -> Double

  var testDescription: String { name }
}

/// Lognormal moments from the standard formulas for exp(N(mu, sigma²)): mean
/// e^(mu + sigma²/2), variance (e^(sigma²) - 1) e^(2 mu + sigma²), and kurtosis
/// e^(4 sigma²) + 2 e^(3 sigma²) + 3 e^(2 sigma²) - 3.
func lognormalCase(name: String, mu: Double, sigma: Double, byMedian: Bool) -> MomentCase {
  let s2 = sigma * sigma
  let variance = (exp(s2) - 1) * exp(2 * mu + s2)
  let kurtosis = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 3
  let median = exp(mu)
  let draw: @Sendable (inout RandomStream) -> Double
  if byMedian {
    draw = { $0.lognormal(median: median, sigma: sigma) }
  } else {
    draw = { $0.lognormal(mu: mu, sigma: sigma) }
  }
  return MomentCase(
    name: name, mean: exp(mu + s2 / 2), variance: variance,
    fourthCentralMoment: kurtosis * variance * variance, draw: draw)
}

/// Gamma moments: mean kθ, variance kθ², kurtosis 3 + 6/k.
func gammaCase(shape k: Double, scale theta: Double) -> MomentCase {
  let variance = k * theta * theta
  return MomentCase(
    name: "gamma(shape: \(k), scale: \(theta))", mean: k * theta, variance: variance,
    fourthCentralMoment: (3 + 6 / k) * variance * variance,
    draw: { $0.gamma(shape: k, scale: theta) })
}

/// Poisson moments: mean and variance λ, fourth central moment λ(1 + 3λ).
func poissonCase(mean lambda: Double) -> MomentCase {
  MomentCase(
    name: "poisson(mean: \(lambda))", mean: lambda, variance: lambda,
    fourthCentralMoment: lambda * (1 + 3 * lambda),
    draw: { Double($0.poisson(mean: lambda)) })
}

/// Moments of each sampler's distribution. Continuous uniform on [a, b): variance w²/12
/// and fourth central moment w⁴/80 for width w. Exponential of mean m: variance m² and
/// fourth central moment 9m⁴. Normal: 3σ⁴. Bernoulli(p): p(1 - p)(1 - 3p + 3p²). Discrete
/// uniform on 0..<n: variance (n² - 1)/12 and fourth central moment (n² - 1)(3n² - 7)/240.
let momentCases: [MomentCase] = [
  MomentCase(
    name: "uniform()", mean: 0.5, variance: 1.0 / 12, fourthCentralMoment: 1.0 / 80,
    draw: { $0.uniform() }),
  MomentCase(
    name: "uniformPositive()", mean: 0.5, variance: 1.0 / 12, fourthCentralMoment: 1.0 / 80,
    draw: { $0.uniformPositive() }),
  MomentCase(
    name: "uniform(in: -3..<5)", mean: 1, variance: 64.0 / 12, fourthCentralMoment: 4096.0 / 80,
    draw: { $0.uniform(in: -3..<5) }),
  MomentCase(
    name: "uniformInteger(below: 7)", mean: 3, variance: 4, fourthCentralMoment: 28,
    draw: { Double($0.uniformInteger(below: 7)) }),
  MomentCase(
    name: "bernoulli(0.3)", mean: 0.3, variance: 0.21, fourthCentralMoment: 0.21 * 0.37,
    draw: { $0.bernoulli(0.3) ? 1 : 0 }),
  MomentCase(
    name: "exponential(mean: 2.5)", mean: 2.5, variance: 6.25,
    fourthCentralMoment: 9 * 6.25 * 6.25,
    draw: { $0.exponential(mean: 2.5) }),
  MomentCase(
    name: "normal(mean: -1, standardDeviation: 2)", mean: -1, variance: 4,
    fourthCentralMoment: 48,
    draw: { $0.normal(mean: -1, standardDeviation: 2) }),
  lognormalCase(name: "lognormal(mu: 0.5, sigma: 0.4)", mu: 0.5, sigma: 0.4, byMedian: false),
  lognormalCase(name: "lognormal(median: 3, sigma: 0.6)", mu: log(3), sigma: 0.6, byMedian: true),
  gammaCase(shape: 2.5, scale: 1.5),
  gammaCase(shape: 0.4, scale: 3),
  poissonCase(mean: 3.2),
  poissonCase(mean: 40),
]

/// GSL's samplers on Philox streams against exact moments.
///
/// Each case draws once from each of `sampleSize` customer streams, as the simulation
/// does. The sample mean has standard error √(σ²/n) and the sample variance, to leading
/// order, √((μ₄ - σ⁴)/n). Both must lie within 5 standard errors of the exact values. The
/// seed is fixed, so the outcome is the same on every run.
@Suite("RandomStream distributions")
struct RandomStreamDistributionTests {
  static let seed: UInt64 = 7_700_001
  static let sampleSize = 200_000

  @Test("sample moments match", arguments: momentCases)
  func sampleMomentsMatch(distribution: MomentCase) throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.moments.\(distribution.name)")
    let sample = (0..<UInt64(Self.sampleSize)).map { customer in
      var stream = purpose.stream(customer: customer)
      return distribution.draw(&stream)
    }

    let n = Double(sample.count)
    let mean = gsl_stats_mean(sample, 1, sample.count)
    let variance = gsl_stats_variance_m(sample, 1, sample.count, mean)
    let meanTolerance = 5 * (distribution.variance / n).squareRoot()
    let varianceTolerance =
      5 * ((distribution.fourthCentralMoment - distribution.variance * distribution.variance) / n)
      .squareRoot()

    #expect(abs(mean - distribution.mean) <= meanTolerance, "sample mean \(mean)")
    #expect(
      abs(variance - distribution.variance) <= varianceTolerance, "sample variance \(variance)")
  }

  @Test("uniforms stay in their ranges")
  func uniformsStayInRanges() throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.ranges")

    for customer in 0..<UInt64(Self.sampleSize) {
      var stream = purpose.stream(customer: customer)
      let unit = stream.uniform()
      let positive = stream.uniformPositive()
      let shifted = stream.uniform(in: -3..<5)

      #expect(unit >= 0)
      #expect(unit < 1)
      #expect(positive > 0)
      #expect(positive < 1)
      #expect(shifted >= -3)
      #expect(shifted < 5)
    }
  }

  @Test("uniformInteger frequencies are equal")
  func uniformIntegerFrequenciesAreEqual() throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.integer")
    var counts = [Int](repeating: 0, count: 7)
    for customer in 0..<UInt64(Self.sampleSize) {
      var stream = purpose.stream(customer: customer)
      counts[stream.uniformInteger(below: 7)] += 1
    }
    let expected = [Double](repeating: Double(Self.sampleSize) / 7, count: 7)

    let test = ChiSquare(observed: counts, expected: expected)
    #expect(test.pValue > 1e-4, "counts \(counts), p = \(test.pValue)")
  }

  @Test("discrete frequencies follow weights")
  func discreteFrequenciesFollowWeights() throws {
    let weights = [0.5, 2, 0, 1, 3.5, 0.25]
    let distribution = try DiscreteDistribution(weights: weights)
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.discrete")
    var counts = [Int](repeating: 0, count: weights.count)
    for customer in 0..<UInt64(Self.sampleSize) {
      var stream = purpose.stream(customer: customer)
      counts[stream.discrete(distribution)] += 1
    }

    // The outcome of weight 0 has expected count 0, so it is checked apart and left out
    // of the chi-square test.
    #expect(counts[2] == 0)
    let total = weights.reduce(0, +)
    let drawn = weights.indices.filter { weights[$0] > 0 }
    let test = ChiSquare(
      observed: drawn.map { counts[$0] },
      expected: drawn.map { Double(Self.sampleSize) * weights[$0] / total })
    #expect(test.pValue > 1e-4, "counts \(counts), p = \(test.pValue)")
  }

  @Test("bernoulli at 0 and 1")
  func bernoulliAtZeroAndOne() throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.bernoulli")

    for customer in 0..<UInt64(10_000) {
      var stream = purpose.stream(customer: customer)
      #expect(stream.bernoulli(0) == false)
      #expect(stream.bernoulli(1) == true)
    }
  }

  @Test("poisson of mean 0 is 0")
  func poissonOfMeanZeroIsZero() throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.poisson")

    for customer in 0..<UInt64(1000) {
      var stream = purpose.stream(customer: customer)
      #expect(stream.poisson(mean: 0) == 0)
    }
  }

  @Test("lognormal median is its median")
  func lognormalMedianIsMedian() throws {
    let purpose = try RandomStreams(seed: Self.seed).purpose("test.median")
    var sample = (0..<UInt64(Self.sampleSize)).map { customer in
      var stream = purpose.stream(customer: customer)
      return stream.lognormal(median: 3, sigma: 1.2)
    }
    sample.sort()

    // The count below the true median is Binomial(n, 1/2), so the sample median lies
    // between the order statistics n/2 ± 5√n/2 except with negligible probability.
    let halfWidth = Int(5 * Double(sample.count).squareRoot() / 2)
    #expect(sample[sample.count / 2 - halfWidth] < 3)
    #expect(sample[sample.count / 2 + halfWidth] > 3)
  }
}

import CGSL
import Foundation

/// Draws from probability distributions, each by one of GSL's samplers on this stream or by
/// the same formula computed in Swift, which gives the same bits.
///
/// The parameters come from scenarios, which are validated before a run starts, so a bad
/// parameter here is a programmer error and stops the process with a precondition failure.
/// `maximumPoissonMean` and `maximumIntegerBound` give validators the limits that are not
/// plain positivity.
extension RandomStream {
  /// The largest mean that `poisson(mean:)` accepts.
  ///
  /// GSL returns Poisson variates as a C `unsigned int`. With this mean a variate would
  /// have to lie over 100,000 standard deviations above the mean to overflow.
  public static let maximumPoissonMean = 1e9

  /// The largest bound that `uniformInteger(below:)` accepts: 2^32 - 1.
  ///
  /// `gsl_rng_uniform_int` rejects a bound above the generator's range, which for 32-bit
  /// words is 2^32 - 1.
  public static let maximumIntegerBound = Int(UInt32.max)

  /// Draws a uniform variate in [0, 1) with 53 random bits (`gsl_rng_uniform`).
  ///
  /// Takes two words: 27 bits of the first and 26 of the second.
  @inlinable
  public mutating func uniform() -> Double {
    nextDouble()
  }

  /// Draws a uniform variate in (0, 1) (`gsl_rng_uniform_pos`), for logarithms.
  ///
  /// GSL redraws when `uniform()` returns 0, which happens with probability 2^-53.
  @inlinable
  public mutating func uniformPositive() -> Double {
    var value: Double
    repeat {
      value = nextDouble()
    } while value == 0
    return value
  }

  /// Draws a uniform variate in `range` (`gsl_ran_flat`).
  ///
  /// GSL computes a(1 - u) + b·u, whose rounding can reach b for some a, b and u close
  /// to 1. Such a result is replaced by the largest double below b, so the result always
  /// lies in [a, b).
  ///
  /// - Precondition: both bounds are finite and the range is not empty.
  public mutating func uniform(in range: Range<Double>) -> Double {
    precondition(
      range.lowerBound.isFinite && range.upperBound.isFinite && !range.isEmpty,
      "uniform(in:) requires a non-empty range with finite bounds, got \(range)")

    let value = withGenerator { gsl_ran_flat($0, range.lowerBound, range.upperBound) }
    return min(max(value, range.lowerBound), range.upperBound.nextDown)
  }

  /// Draws an integer uniformly from 0..<`bound` (`gsl_rng_uniform_int`).
  ///
  /// GSL scales a 32-bit word down and discards the words that would favour some values,
  /// so every value is equally likely.
  ///
  /// - Precondition: 1 ≤ `bound` ≤ `maximumIntegerBound`.
  @inlinable
  public mutating func uniformInteger(below bound: Int) -> Int {
    precondition(
      bound >= 1 && bound <= RandomStream.maximumIntegerBound,
      "uniformInteger(below:) requires 1...\(RandomStream.maximumIntegerBound), got \(bound)")

    // GSL's scale is range / bound with range = 2^32 - 1, not 2^32, and a quotient of
    // `bound` or more is drawn again.
    let scale = UInt32.max / UInt32(truncatingIfNeeded: bound)
    var value: UInt32
    repeat {
      value = nextWord() / scale
    } while value >= UInt32(truncatingIfNeeded: bound)
    return Int(value)
  }

  /// Returns true with probability `probability` (`gsl_ran_bernoulli`).
  ///
  /// Takes one uniform: the result is `uniform() < probability`.
  ///
  /// - Precondition: `probability` is in 0...1.
  @inlinable
  public mutating func bernoulli(_ probability: Double) -> Bool {
    precondition(
      probability >= 0 && probability <= 1, "bernoulli(_:) requires 0...1, got \(probability)")

    return nextDouble() < probability
  }

  /// Draws an exponential variate with the given mean (`gsl_ran_exponential`).
  ///
  /// The mean is in the caller's unit (for example simulated milliseconds or days); the
  /// rate is 1 / `mean`. Takes one uniform.
  ///
  /// - Precondition: `mean` is finite and greater than 0.
  @inlinable
  public mutating func exponential(mean: Double) -> Double {
    precondition(
      mean.isFinite && mean > 0, "exponential(mean:) requires a finite mean > 0, got \(mean)")

    // gsl_ran_exponential: −μ·log1p(−u) for one uniform u.
    return -mean * log1p(-nextDouble())
  }

  /// Draws a normal variate (`gsl_ran_gaussian_ziggurat`, plus `mean`).
  ///
  /// - Precondition: `mean` is finite, and `standardDeviation` is finite and at least 0.
  public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
    precondition(
      mean.isFinite && standardDeviation.isFinite && standardDeviation >= 0,
      "normal(mean:standardDeviation:) requires a finite mean and a finite standard "
        + "deviation ≥ 0, got \(mean) and \(standardDeviation)")

    return mean + withGenerator { gsl_ran_gaussian_ziggurat($0, standardDeviation) }
  }

  /// Draws a lognormal variate: exp(X) with X normal of mean `mu` and standard deviation
  /// `sigma` (`gsl_ran_lognormal`).
  ///
  /// The median is e^mu and the mean e^(mu + sigma²/2).
  ///
  /// - Precondition: `mu` is finite, and `sigma` is finite and at least 0.
  public mutating func lognormal(mu: Double, sigma: Double) -> Double {
    precondition(
      mu.isFinite && sigma.isFinite && sigma >= 0,
      "lognormal(mu:sigma:) requires a finite mu and a finite sigma ≥ 0, got \(mu) and \(sigma)")

    return withGenerator { gsl_ran_lognormal($0, mu, sigma) }
  }

  /// Draws a lognormal variate with the given median: `lognormal(mu: log(median), sigma:)`.
  ///
  /// The median is in the caller's unit, such as days until a purchase; `sigma` is the
  /// standard deviation of the variate's logarithm.
  ///
  /// - Precondition: `median` is finite and greater than 0, and `sigma` is finite and at
  ///   least 0.
  public mutating func lognormal(median: Double, sigma: Double) -> Double {
    precondition(
      median.isFinite && median > 0,
      "lognormal(median:sigma:) requires a finite median > 0, got \(median)")

    return lognormal(mu: log(median), sigma: sigma)
  }

  /// Draws a gamma variate with the given shape k and scale θ (`gsl_ran_gamma`).
  ///
  /// The mean is kθ and the variance kθ². GSL uses the method of Marsaglia and Tsang
  /// (2000).
  ///
  /// - Precondition: `shape` and `scale` are finite and greater than 0.
  public mutating func gamma(shape: Double, scale: Double) -> Double {
    precondition(
      shape.isFinite && shape > 0 && scale.isFinite && scale > 0,
      "gamma(shape:scale:) requires a finite shape > 0 and a finite scale > 0, "
        + "got \(shape) and \(scale)")

    return withGenerator { gsl_ran_gamma($0, shape, scale) }
  }

  /// Draws a Poisson variate with the given mean (`gsl_ran_poisson`).
  ///
  /// - Precondition: `mean` is in 0...`maximumPoissonMean`.
  public mutating func poisson(mean: Double) -> Int {
    precondition(
      mean >= 0 && mean <= RandomStream.maximumPoissonMean,
      "poisson(mean:) requires 0...\(RandomStream.maximumPoissonMean), got \(mean)")

    return Int(withGenerator { gsl_ran_poisson($0, mean) })
  }

  /// Draws an outcome index in 0..<`distribution.count` with probability proportional to
  /// its weight (`gsl_ran_discrete`, Walker's alias method).
  ///
  /// Takes one uniform, whose integer and fractional parts GSL uses as the cell and the
  /// alias test. An outcome of weight 0 is never drawn.
  public mutating func discrete(_ distribution: DiscreteDistribution) -> Int {
    distribution.withTable { table in
      Int(withGenerator { gsl_ran_discrete($0, table) })
    }
  }
}

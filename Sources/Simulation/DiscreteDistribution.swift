import CGSL

/// A finite distribution over outcomes 0..<count with given weights, preprocessed once
/// into GSL's alias table (`gsl_ran_discrete_preproc`) so that each draw costs O(1).
///
/// Draw from it with `RandomStream.discrete(_:)`. Weights need not sum to 1, because
/// outcome i has probability weights[i] / sum(weights).
///
/// Thread safety: the table is written only by the initializer and freed only by `deinit`,
/// and `gsl_ran_discrete` only reads it. Concurrent draws from one instance are therefore
/// safe, which is why the class is `@unchecked Sendable`.
public final class DiscreteDistribution: @unchecked Sendable {
  /// The weights as given to the initializer.
  public let weights: [Double]

  /// The alias table this instance owns and frees in `deinit`.
  private let table: UnsafeMutablePointer<gsl_ran_discrete_t>

  /// Builds the alias table for `weights`.
  ///
  /// Preprocessing takes O(count) time and memory.
  ///
  /// - Throws: `DiscreteDistributionError` when `weights` is empty, contains a negative or
  ///   non-finite weight, sums to 0 or to infinity, or when GSL cannot build the table.
  public init(weights: [Double]) throws {
    GSL.setErrorHandlerOff()
    try DiscreteDistribution.validate(weights)

    let table = weights.withUnsafeBufferPointer {
      gsl_ran_discrete_preproc($0.count, $0.baseAddress)
    }
    guard let table else {
      throw DiscreteDistributionError.preprocessingFailed(count: weights.count)
    }
    self.weights = weights
    self.table = table
  }

  deinit {
    gsl_ran_discrete_free(table)
  }

  /// The number of outcomes.
  public var count: Int { weights.count }

  /// Returns the probability of `outcome` from the table (`gsl_ran_discrete_pdf`).
  ///
  /// - Precondition: `outcome` is in 0..<`count`.
  public func probability(of outcome: Int) -> Double {
    precondition(
      weights.indices.contains(outcome),
      "probability(of:) requires an outcome in 0..<\(count), got \(outcome)")

    return withTable { gsl_ran_discrete_pdf(outcome, $0) }
  }

  /// Calls `body` with the alias table, keeping this instance alive until `body` returns.
  func withTable<Result>(_ body: (UnsafePointer<gsl_ran_discrete_t>) -> Result) -> Result {
    withExtendedLifetime(self) { body(table) }
  }

  /// Checks the weights before calling GSL. GSL 2.7.1 returns NULL for an empty list or a
  /// negative weight, but it builds a meaningless table for NaN or infinite weights and
  /// for totals of 0 or infinity, because it divides each weight by the total.
  private static func validate(_ weights: [Double]) throws {
    guard !weights.isEmpty else {
      throw DiscreteDistributionError.empty
    }

    var total = 0.0
    for (index, weight) in weights.enumerated() {
      guard weight.isFinite else {
        throw DiscreteDistributionError.nonFiniteWeight(index: index, value: weight)
      }
      guard weight >= 0 else {
        throw DiscreteDistributionError.negativeWeight(index: index, value: weight)
      }
      total += weight
    }

    guard total > 0 else {
      throw DiscreteDistributionError.zeroTotal(count: weights.count)
    }
    guard total.isFinite else {
      throw DiscreteDistributionError.infiniteTotal(count: weights.count)
    }
  }
}

/// Weights that cannot define a `DiscreteDistribution`.
public enum DiscreteDistributionError: Error, Sendable, CustomStringConvertible {
  /// The weight list is empty.
  case empty

  /// The weight at `index` is NaN or infinite.
  case nonFiniteWeight(index: Int, value: Double)

  /// The weight at `index` is below 0.
  case negativeWeight(index: Int, value: Double)

  /// All `count` weights are 0.
  case zeroTotal(count: Int)

  /// The `count` weights are finite but their sum overflows to infinity.
  case infiniteTotal(count: Int)

  /// `gsl_ran_discrete_preproc` returned NULL for valid weights, which happens when it
  /// cannot allocate the table.
  case preprocessingFailed(count: Int)

  public var description: String {
    switch self {
    case .empty:
      return "invalid discrete distribution: the weight list is empty; give at least one weight"
    case .nonFiniteWeight(let index, let value):
      return "invalid discrete distribution: weight \(index) is \(value); "
        + "weights must be finite numbers ≥ 0"
    case .negativeWeight(let index, let value):
      return "invalid discrete distribution: weight \(index) is \(value); "
        + "weights must be finite numbers ≥ 0"
    case .zeroTotal(let count):
      return "invalid discrete distribution: all \(count) weights are 0; "
        + "give at least one weight > 0"
    case .infiniteTotal(let count):
      return "invalid discrete distribution: the \(count) weights sum to infinity; "
        + "scale them down"
    case .preprocessingFailed(let count):
      return "gsl_ran_discrete_preproc failed for \(count) weights (out of memory)"
    }
  }
}

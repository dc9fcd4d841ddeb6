/// The outcome of one arm of an experiment: successes (conversions) out of trials
/// (customers exposed), both counts of a binomial sample.
///
/// An arm always has at least one trial and 0 ≤ successes ≤ trials, because the initializer
/// and the decoder reject anything else.
public struct BinomialArm: Hashable, Sendable {
  /// The number of trials that succeeded.
  public let successes: Int
  /// The number of trials, at least 1.
  public let trials: Int

  /// Creates an arm from its counts.
  ///
  /// - Throws: `ProportionError.negativeTrials` or `.noTrials` when trials < 1,
  ///   `.negativeSuccesses` when successes < 0, and `.successesExceedTrials` when
  ///   successes > trials.
  public init(successes: Int, trials: Int) throws(ProportionError) {
    guard trials >= 0 else { throw .negativeTrials(trials) }
    guard trials > 0 else { throw .noTrials }
    guard successes >= 0 else { throw .negativeSuccesses(successes) }
    guard successes <= trials else {
      throw .successesExceedTrials(successes: successes, trials: trials)
    }

    self.successes = successes
    self.trials = trials
  }

  /// The number of trials that did not succeed.
  public var failures: Int { trials - successes }

  /// The observed rate successes / trials, in [0, 1].
  public var rate: Double { Double(successes) / Double(trials) }

  /// The observed failure rate failures / trials, computed from the failure count so that it
  /// keeps full precision when the rate is close to 1.
  var failureRate: Double { Double(failures) / Double(trials) }
}

extension BinomialArm: Codable {
  private enum CodingKeys: String, CodingKey {
    case successes
    case trials
    case rate
  }

  /// Decodes an arm and rejects counts that the initializer rejects. A `rate` key, which
  /// `encode(to:)` writes for readers of the JSON, is ignored.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let successes = try container.decode(Int.self, forKey: .successes)
    let trials = try container.decode(Int.self, forKey: .trials)
    do {
      try self.init(successes: successes, trials: trials)
    } catch {
      throw DecodingError.dataCorruptedError(
        forKey: .successes, in: container, debugDescription: error.description)
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(successes, forKey: .successes)
    try container.encode(trials, forKey: .trials)
    try container.encode(rate, forKey: .rate)
  }
}

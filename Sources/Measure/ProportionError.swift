/// An invalid input to a proportion statistic.
public enum ProportionError: Error, Hashable, Sendable, CustomStringConvertible {
  /// An arm with no trials, whose rate is 0/0.
  case noTrials
  /// A negative number of trials.
  case negativeTrials(Int)
  /// A negative number of successes.
  case negativeSuccesses(Int)
  /// More successes than trials.
  case successesExceedTrials(successes: Int, trials: Int)
  /// A confidence level that is not a number strictly between 0 and 1.
  case invalidConfidenceLevel(Double)
  /// A 2×2 table too large for Fisher's exact test: the conditional distribution of the
  /// treatment successes has a standard deviation above
  /// `FisherExactTest.maximumStandardDeviation`, so the sum over tables would take too long.
  case exactTestTooLarge(standardDeviation: Double)

  public var description: String {
    switch self {
    case .noTrials:
      "invalid arm: 0 trials, so the rate is undefined; compare only arms with at least 1 trial"
    case .negativeTrials(let trials):
      "invalid arm: trials is \(trials), expected 0 or more"
    case .negativeSuccesses(let successes):
      "invalid arm: successes is \(successes), expected 0 or more"
    case .successesExceedTrials(let successes, let trials):
      "invalid arm: \(successes) successes exceed \(trials) trials"
    case .invalidConfidenceLevel(let level):
      "invalid confidence level \(level): expected a value strictly between 0 and 1, such as 0.95"
    case .exactTestTooLarge(let standardDeviation):
      "table too large for Fisher's exact test: the conditional standard deviation of the "
        + "treatment successes is \(standardDeviation), above the maximum "
        + "\(FisherExactTest.maximumStandardDeviation); use the z-test, whose normal "
        + "approximation is accurate for tables this large"
    }
  }
}

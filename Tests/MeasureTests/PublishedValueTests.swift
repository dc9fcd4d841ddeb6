import Testing

@testable import Measure

/// A published interval for the difference of two rates, printed to 4 decimal places.
struct PublishedDifferenceInterval: CustomTestStringConvertible, Sendable {
  let name: String
  let treatment: (successes: Int, trials: Int)
  let control: (successes: Int, trials: Int)
  let lower: Double
  let upper: Double

  var testDescription: String { name }
}

/// A published interval for one rate, printed to 4 decimal places.
struct PublishedRateInterval: CustomTestStringConvertible, Sendable {
  let successes: Int
  let trials: Int
  let lower: Double
  let upper: Double

  var testDescription: String { "\(successes)/\(trials)" }
}

/// Half a unit in the 4th decimal place, the rounding of the printed tables.
private let printedRounding = 0.000_05

/// 95 % intervals for p_t − p_c by method 10 (the hybrid score interval) in R. G. Newcombe
/// (1998), "Interval estimation for the difference between independent proportions:
/// comparison of eleven methods", Statistics in Medicine 17, 873–890. The same four limits
/// are checked in the tests of the propint R package (m-Py/propint,
/// tests/testthat/test_Two_Independent_Props_CI.R), which cites that paper.
private let newcombeDifferenceExamples = [
  PublishedDifferenceInterval(
    name: "56/70 vs 48/80", treatment: (56, 70), control: (48, 80), lower: 0.0524, upper: 0.3339),
  PublishedDifferenceInterval(
    name: "9/10 vs 3/10", treatment: (9, 10), control: (3, 10), lower: 0.1705, upper: 0.8090),
]

@Test(arguments: newcombeDifferenceExamples)
func newcombeMatchesPublishedExample(_ example: PublishedDifferenceInterval) throws {
  let treatment = try BinomialArm(
    successes: example.treatment.successes, trials: example.treatment.trials)
  let control = try BinomialArm(
    successes: example.control.successes, trials: example.control.trials)
  let interval = try treatment.absoluteLiftInterval(over: control)
  #expect(abs(interval.lower - example.lower) <= printedRounding)
  #expect(abs(interval.upper - example.upper) <= printedRounding)
}

/// 95 % Wilson intervals for a single proportion, as checked in the tests of the propint R
/// package (m-Py/propint, tests/testthat/test_Single_Proportion_CI.R), which attributes them
/// to Newcombe (1998).
///
/// NOTE: the original table was not available to check, so these two rows rest on that
/// package's transcription. statsmodels 0.15.0 gives the same limits to 4 decimals.
private let wilsonExamples = [
  PublishedRateInterval(successes: 81, trials: 263, lower: 0.2553, upper: 0.3662),
  PublishedRateInterval(successes: 15, trials: 148, lower: 0.0624, upper: 0.1605),
]

@Test(arguments: wilsonExamples)
func wilsonMatchesPublishedExample(_ example: PublishedRateInterval) throws {
  let arm = try BinomialArm(successes: example.successes, trials: example.trials)
  let interval = try arm.wilsonInterval()
  #expect(abs(interval.lower - example.lower) <= printedRounding)
  #expect(abs(interval.upper - example.upper) <= printedRounding)
}

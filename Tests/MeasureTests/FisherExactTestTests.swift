import CGSL
import Foundation
import Testing

@testable import Measure

private func fisherCases() throws -> [InferenceReference.FisherCase] {
  try inferenceReference.get().fisher
}

private func arms(_ reference: InferenceReference.FisherCase) throws -> (
  treatment: BinomialArm, control: BinomialArm
) {
  (
    try BinomialArm(successes: reference.treatment.successes, trials: reference.treatment.trials),
    try BinomialArm(successes: reference.control.successes, trials: reference.control.trials)
  )
}

@Test func inferenceFixtureUsesPinnedVersions() throws {
  let generator = try inferenceReference.get().generator
  let url = try #require(
    Bundle.module.url(
      forResource: "requirements-reference", withExtension: "txt", subdirectory: "Fixtures"))
  let requirements = try String(contentsOf: url, encoding: .utf8)
  #expect(requirements.contains("statsmodels==\(generator.statsmodels)\n"))
  #expect(requirements.contains("scipy==\(generator.scipy)\n"))
  #expect(requirements.contains("numpy==\(generator.numpy)\n"))
  #expect(try fisherCases().count >= 15)
}

@Test(arguments: try fisherCases())
func fisherMatchesScipy(_ reference: InferenceReference.FisherCase) throws {
  let (treatment, control) = try arms(reference)
  let test = try FisherExactTest(treatment: treatment, control: control)
  expectMatches(test.pValue, reference.scipy.pValueTwoSided, "two-sided p")
  expectMatches(test.pValueGreater, reference.scipy.pValueGreater, "greater p")
  expectMatches(test.pValueLess, reference.scipy.pValueLess, "less p")
  #expect(test.pValue(for: .twoSided) == test.pValue)
  #expect(test.pValue(for: .greater) == test.pValueGreater)
  #expect(test.pValue(for: .less) == test.pValueLess)
}

@Test(arguments: try fisherCases())
func needsExactTestMatchesReference(_ reference: InferenceReference.FisherCase) throws {
  let (treatment, control) = try arms(reference)
  #expect(
    BinomialArm.needsExactTest(treatment: treatment, control: control)
      == reference.needsExactTest)
}

/// Sums `gsl_ran_hypergeometric_pdf` over the whole support, a second and independent way to
/// compute the p-values, usable for small tables.
private func directFisherPValues(_ treatment: BinomialArm, _ control: BinomialArm) -> (
  twoSided: Double, greater: Double, less: Double
) {
  let successes = treatment.successes + control.successes
  let lowest = max(0, successes - control.trials)
  let highest = min(successes, treatment.trials)
  func probability(_ x: Int) -> Double {
    gsl_ran_hypergeometric_pdf(
      UInt32(x), UInt32(treatment.trials), UInt32(control.trials), UInt32(successes))
  }
  let observed = probability(treatment.successes)
  var twoSided = 0.0
  var greater = 0.0
  var less = 0.0
  for x in lowest...highest {
    let p = probability(x)
    if p <= observed * (1 + FisherExactTest.tieTolerance) { twoSided += p }
    if x >= treatment.successes { greater += p }
    if x <= treatment.successes { less += p }
  }
  return (min(1, twoSided), min(1, greater), min(1, less))
}

@Test func fisherMatchesDirectSumForAllSmallTables() throws {
  // Every table with up to 9 trials per arm: 2,916 tables, ties included. The direct sums
  // of GSL's pdf carry a rounding error of a few 1e-16, so 1e-12 is a loose bound here.
  var tables = 0
  for treatmentTrials in 1...9 {
    for controlTrials in 1...9 {
      for treatmentSuccesses in 0...treatmentTrials {
        for controlSuccesses in 0...controlTrials {
          let treatment = try BinomialArm(successes: treatmentSuccesses, trials: treatmentTrials)
          let control = try BinomialArm(successes: controlSuccesses, trials: controlTrials)
          let test = try FisherExactTest(treatment: treatment, control: control)
          let direct = directFisherPValues(treatment, control)
          let label =
            "\(treatmentSuccesses)/\(treatmentTrials) vs \(controlSuccesses)/\(controlTrials)"
          #expect(isClose(test.pValue, direct.twoSided, relativeTolerance: 1e-12), "\(label)")
          #expect(isClose(test.pValueGreater, direct.greater, relativeTolerance: 1e-12), "\(label)")
          #expect(isClose(test.pValueLess, direct.less, relativeTolerance: 1e-12), "\(label)")
          tables += 1
        }
      }
    }
  }
  #expect(tables == 2_916)
}

@Test func fisherOneSidedPValuesOverlapAtObservedTable() throws {
  // P(X ≥ x) + P(X ≤ x) = 1 + P(X = x).
  let treatment = try BinomialArm(successes: 7, trials: 12)
  let control = try BinomialArm(successes: 2, trials: 15)
  let test = try FisherExactTest(treatment: treatment, control: control)
  let observed = gsl_ran_hypergeometric_pdf(7, 12, 15, 9)
  #expect(isClose(test.pValueGreater + test.pValueLess, 1 + observed, relativeTolerance: 1e-14))
}

@Test func fisherSwappingArmsSwapsOneSidedPValues() throws {
  let first = try BinomialArm(successes: 40, trials: 300)
  let second = try BinomialArm(successes: 2, trials: 60)
  let forward = try FisherExactTest(treatment: first, control: second)
  let backward = try FisherExactTest(treatment: second, control: first)
  #expect(isClose(forward.pValue, backward.pValue, relativeTolerance: 1e-12))
  #expect(isClose(forward.pValueGreater, backward.pValueLess, relativeTolerance: 1e-12))
  #expect(isClose(forward.pValueLess, backward.pValueGreater, relativeTolerance: 1e-12))
}

@Test func fisherSingleTableGivesOne() throws {
  for (treatment, control) in [((0, 5), (0, 7)), ((5, 5), (7, 7)), ((0, 1), (0, 1))] {
    let test = try FisherExactTest(
      treatment: try BinomialArm(successes: treatment.0, trials: treatment.1),
      control: try BinomialArm(successes: control.0, trials: control.1))
    #expect(test.pValue == 1)
    #expect(test.pValueGreater == 1)
    #expect(test.pValueLess == 1)
  }
}

@Test func fisherHandlesCountsNearIntMax() throws {
  // The margins overflow Int, but the conditional distribution is narrow.
  let treatment = try BinomialArm(successes: 3, trials: Int.max)
  let control = try BinomialArm(successes: 0, trials: Int.max - 5)
  let test = try FisherExactTest(treatment: treatment, control: control)
  // With 3 successes over two nearly equal arms, X is close to Binomial(3, 1/2), so
  // P(X ≥ 3) ≈ 1/8 and the two-sided p ≈ 1/4.
  #expect(isClose(test.pValueGreater, 0.125, relativeTolerance: 1e-9))
  #expect(isClose(test.pValue, 0.25, relativeTolerance: 1e-9))
  #expect(test.pValueLess == 1)
}

@Test func fisherRejectsTablesTooWideToSum() throws {
  // 2·10¹¹ per arm at a rate of 1/2: the conditional standard deviation is about 1.6·10⁵.
  let arm = try BinomialArm(successes: 100_000_000_000, trials: 200_000_000_000)
  #expect {
    try FisherExactTest(treatment: arm, control: arm)
  } throws: { error in
    guard case .exactTestTooLarge(let deviation) = error as? ProportionError else { return false }
    return deviation > FisherExactTest.maximumStandardDeviation
  }
}

@Test func fisherRunsJustBelowTheSizeLimit() throws {
  // 7.8·10¹⁰ per arm at 1/2: a standard deviation of about 98,700, close to the widest table
  // the test accepts. Equal arms and equal rates put the observed table at the mode.
  let arm = try BinomialArm(successes: 39_000_000_000, trials: 78_000_000_000)
  let test = try FisherExactTest(treatment: arm, control: arm)
  #expect(test.pValue == 1)
  // The distribution is symmetric about the mode, so each one-sided p-value is 1/2 plus half
  // the mode's probability, which is 1/(σ√(2π)) to a relative O(1/σ²).
  let total = 156_000_000_000.0
  let standardDeviation = (total * total / (16 * (total - 1))).squareRoot()
  let modeProbability = 1 / (standardDeviation * (2 * Double.pi).squareRoot())
  #expect(isClose(test.pValueGreater, 0.5 + modeProbability / 2, relativeTolerance: 1e-9))
  #expect(isClose(test.pValueLess, test.pValueGreater, relativeTolerance: 1e-12))
}

@Test func needsExactTestAtTheBoundaryOfFive() throws {
  // 10 per arm with 10 successes: every expected count is exactly 5, so no warning.
  let five = try BinomialArm(successes: 5, trials: 10)
  #expect(!BinomialArm.needsExactTest(treatment: five, control: five))
  // 9 successes: the expected successes per arm are 4.5.
  let fewer = try BinomialArm(successes: 4, trials: 10)
  #expect(BinomialArm.needsExactTest(treatment: five, control: fewer))
}

@Test func needsExactTestForCountsNearIntMax() throws {
  let large = try BinomialArm(successes: Int.max / 2, trials: Int.max)
  #expect(!BinomialArm.needsExactTest(treatment: large, control: large))
  let rare = try BinomialArm(successes: 1, trials: Int.max)
  #expect(BinomialArm.needsExactTest(treatment: rare, control: rare))
}

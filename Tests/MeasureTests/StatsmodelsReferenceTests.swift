import Foundation
import Testing

@testable import Measure

/// The relative tolerance for agreement with statsmodels.
///
/// Both sides evaluate the same closed forms in double precision. They differ only in the
/// order of operations, in this module's cancellation-free Wilson and Katz steps, and in the
/// normal quantile and tail routines (GSL 2.7 here, scipy's in the reference). The largest
/// relative difference over the fixture is 1.5e-14, on a Newcombe limit that cancels, so
/// 1e-9 leaves room for other platforms' libm while still catching any formula error, which
/// shows up by the fourth digit.
private let referenceTolerance = 1e-9

/// The absolute tolerance for limits on the probability scale (rates and their
/// difference).
///
/// statsmodels returns a Wilson lower limit of about 7e-18 for 0 successes, where this
/// module returns exactly 0. The floor is not applied to z or p-values, so a p-value of 1e-28
/// is still compared to a relative 1e-9.
private let probabilityFloor = 1e-15

private let reference = Result { try ProportionReference.load() }

private func referenceCases() throws -> [ProportionReference.Case] {
  try reference.get().cases
}

private func expectClose(
  _ actual: Double, _ expected: Double?, _ label: String, absoluteTolerance: Double = 0,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let expected else {
    Issue.record("\(label): the reference has no value", sourceLocation: sourceLocation)
    return
  }
  #expect(
    isClose(
      actual, expected, relativeTolerance: referenceTolerance,
      absoluteTolerance: absoluteTolerance),
    "\(label): \(actual) vs statsmodels \(expected)", sourceLocation: sourceLocation)
}

@Test func referenceFixtureUsesPinnedVersions() throws {
  let generator = try reference.get().generator
  let url = try #require(
    Bundle.module.url(
      forResource: "requirements-reference", withExtension: "txt", subdirectory: "Fixtures"))
  let requirements = try String(contentsOf: url, encoding: .utf8)
  #expect(requirements.contains("statsmodels==\(generator.statsmodels)\n"))
  #expect(requirements.contains("scipy==\(generator.scipy)\n"))
  #expect(requirements.contains("numpy==\(generator.numpy)\n"))
  #expect(try referenceCases().count >= 12)
}

@Test(arguments: try referenceCases())
func wilsonMatchesStatsmodels(_ reference: ProportionReference.Case) throws {
  let arms = [
    ("treatment", reference.treatment, reference.statsmodels.wilsonTreatment),
    ("control", reference.control, reference.statsmodels.wilsonControl),
  ]
  for (label, counts, expected) in arms {
    let arm = try BinomialArm(successes: counts.successes, trials: counts.trials)
    let interval = try arm.wilsonInterval(confidenceLevel: reference.confidenceLevel)
    expectClose(
      interval.lower, expected.lower, "\(label) Wilson lower", absoluteTolerance: probabilityFloor)
    expectClose(
      interval.upper, expected.upper, "\(label) Wilson upper", absoluteTolerance: probabilityFloor)
  }
}

@Test(arguments: try referenceCases())
func zTestMatchesStatsmodels(_ reference: ProportionReference.Case) throws {
  let treatment = try BinomialArm(
    successes: reference.treatment.successes, trials: reference.treatment.trials)
  let control = try BinomialArm(
    successes: reference.control.successes, trials: reference.control.trials)
  let expected = reference.statsmodels.zTest
  let alternatives: [(Alternative, Double?)] = [
    (.twoSided, expected.pValueTwoSided), (.greater, expected.pValueLarger),
    (.less, expected.pValueSmaller),
  ]

  for (alternative, expectedPValue) in alternatives {
    let test = TwoProportionZTest(treatment: treatment, control: control, alternative: alternative)
    guard let expectedStatistic = expected.statistic else {
      // statsmodels divides 0 by 0 here and returns NaN. This module defines the result
      // instead: z is undefined and every p-value is 1.
      #expect(expected.error != nil)
      #expect(test.statistic == .undefined(.zeroPooledVariance))
      #expect(test.pValue == 1)
      continue
    }
    let z = try #require(test.statistic.value)
    expectClose(z, expectedStatistic, "z")
    expectClose(test.pValue, expectedPValue, "\(alternative) p-value")
  }
}

@Test(arguments: try referenceCases())
func absoluteLiftMatchesReference(_ reference: ProportionReference.Case) throws {
  let treatment = try BinomialArm(
    successes: reference.treatment.successes, trials: reference.treatment.trials)
  let control = try BinomialArm(
    successes: reference.control.successes, trials: reference.control.trials)

  expectClose(
    treatment.absoluteLift(over: control), reference.exact.absoluteLift, "lift",
    absoluteTolerance: probabilityFloor)
  let interval = try treatment.absoluteLiftInterval(
    over: control, confidenceLevel: reference.confidenceLevel)
  expectClose(
    interval.lower, reference.statsmodels.newcombeDifference.lower, "Newcombe lower",
    absoluteTolerance: probabilityFloor)
  expectClose(
    interval.upper, reference.statsmodels.newcombeDifference.upper, "Newcombe upper",
    absoluteTolerance: probabilityFloor)
}

@Test(arguments: try referenceCases())
func relativeLiftMatchesReference(_ reference: ProportionReference.Case) throws {
  let treatment = try BinomialArm(
    successes: reference.treatment.successes, trials: reference.treatment.trials)
  let control = try BinomialArm(
    successes: reference.control.successes, trials: reference.control.trials)

  let lift = treatment.relativeLift(over: control)
  if let expected = reference.exact.relativeLift {
    expectClose(try #require(lift.value), expected, "relative lift")
  } else {
    #expect(lift == .undefined(.zeroControlSuccesses))
  }

  // statsmodels' "log" ratio interval is the Katz interval for p_t / p_c, so the relative
  // lift's limits plus 1 must match it. It raises ZeroDivisionError where either count is 0.
  let interval = try treatment.relativeLiftInterval(
    over: control, confidenceLevel: reference.confidenceLevel)
  let expected = reference.statsmodels.logRatio
  guard let expectedLower = expected.lower, let expectedUpper = expected.upper else {
    #expect(expected.error?.contains("ZeroDivisionError") == true)
    #expect(interval.undefinedReason != nil)
    #expect(reference.treatment.successes == 0 || reference.control.successes == 0)
    return
  }
  let limits = try #require(interval.value)
  expectClose(limits.lower + 1, expectedLower, "Katz ratio lower")
  expectClose(limits.upper + 1, expectedUpper, "Katz ratio upper")
}

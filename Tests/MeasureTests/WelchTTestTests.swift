import CGSL
import Testing

@testable import Measure

private func welchCases() throws -> [InferenceReference.WelchCase] {
  try inferenceReference.get().welch
}

private func studentTTails() throws -> [InferenceReference.StudentTTail] {
  try inferenceReference.get().studentT.tails
}

private func studentTQuantiles() throws -> [InferenceReference.StudentTQuantile] {
  try inferenceReference.get().studentT.quantiles
}

@Test(arguments: try studentTTails())
func studentTTailMatchesScipy(_ reference: InferenceReference.StudentTTail) {
  let tail = StudentT.upperTail(reference.t, degreesOfFreedom: reference.degreesOfFreedom)
  expectMatches(tail, reference.closedForm ?? reference.upperTail, "P(T > t)")
}

@Test(arguments: try studentTQuantiles())
func studentTQuantileMatchesScipy(_ reference: InferenceReference.StudentTQuantile) {
  let quantile = StudentT.upperQuantile(
    upperTail: reference.upperTail, degreesOfFreedom: reference.degreesOfFreedom)
  // The median is 0, which a relative tolerance compares exactly.
  expectMatches(quantile, reference.quantile, "quantile")
}

@Test func studentTTailIsMoreAccurateThanGSLAboveThirtyDegrees() {
  // GSL 2.7's gsl_cdf_tdist_Q uses a Cornish–Fisher expansion here; scipy 1.17.1's t.sf
  // gives 6.366082904647046e-16 for t = 15 and 30.5 degrees of freedom.
  let scipy = 6.366082904647046e-16
  #expect(isClose(StudentT.upperTail(15, degreesOfFreedom: 30.5), scipy, relativeTolerance: 1e-9))
  #expect(!isClose(gsl_cdf_tdist_Q(15, 30.5), scipy, relativeTolerance: 1e-9))
}

/// Returns the relative tolerance for the difference of means and what depends on it.
///
/// Each mean is a double, exact to half a unit in its last place, so their difference d is
/// exact only to about ε |x̄| / |d|: 5e-7 for the means near 10⁹ that differ by 0.22 in the
/// largeOffset case. t and the limits inherit that error, and a p-value near 0.06 amplifies
/// it up to about 20 times. Other cases get `inferenceTolerance`.
private func differenceTolerance(_ reference: InferenceReference.WelchCase) -> Double {
  let exact = reference.exact
  let scale = max(abs(exact.treatmentMean), abs(exact.controlMean))
  guard exact.meanDifference != 0 else { return inferenceTolerance }
  let roundingOfDifference = Double.ulpOfOne * scale / abs(exact.meanDifference)
  return max(inferenceTolerance, 100 * roundingOfDifference)
}

@Test(arguments: try welchCases())
func welchSummariesMatchExactMoments(_ reference: InferenceReference.WelchCase) throws {
  let test = try WelchTTest(
    treatment: reference.treatment, control: reference.control,
    confidenceLevel: reference.confidenceLevel)
  expectMatches(test.treatment.mean, reference.exact.treatmentMean, "treatment mean")
  expectMatches(test.control.mean, reference.exact.controlMean, "control mean")
  expectMatches(
    test.meanDifference, reference.exact.meanDifference, "mean difference",
    relativeTolerance: differenceTolerance(reference))
  // Variances of constant samples are exactly 0 on both sides.
  expectMatches(test.treatment.variance, reference.exact.treatmentVariance, "treatment variance")
  expectMatches(test.control.variance, reference.exact.controlVariance, "control variance")
  #expect(test.treatment.count == reference.treatment.count)
  #expect(test.control.count == reference.control.count)
}

@Test(arguments: try welchCases())
func welchMatchesFormulaAndScipy(_ reference: InferenceReference.WelchCase) throws {
  let formula = reference.formula
  guard let expectedStatistic = formula.statistic else {
    // Both samples are constant: the formula has SE = 0, and this module defines the result
    // instead of dividing by 0.
    let test = try WelchTTest(treatment: reference.treatment, control: reference.control)
    #expect(formula.error != nil)
    #expect(test.standardError == 0)
    #expect(test.statistic.value == nil)
    #expect(test.degreesOfFreedom.value == nil)
    #expect(test.interval.value == nil)
    return
  }

  let expectedPValues: [(Alternative, Double?, Double?)] = [
    (.twoSided, formula.pValueTwoSided, reference.scipy.pValueTwoSided),
    (.greater, formula.pValueGreater, reference.scipy.pValueGreater),
    (.less, formula.pValueLess, reference.scipy.pValueLess),
  ]
  let tolerance = differenceTolerance(reference)
  for (alternative, formulaPValue, scipyPValue) in expectedPValues {
    let test = try WelchTTest(
      treatment: reference.treatment, control: reference.control,
      confidenceLevel: reference.confidenceLevel, alternative: alternative)
    let statistic = try #require(test.statistic.value)
    expectMatches(statistic, expectedStatistic, "t", relativeTolerance: tolerance)
    expectMatches(test.standardError, formula.standardError, "SE")
    expectMatches(test.degreesOfFreedom.value, formula.degreesOfFreedom, "df")
    expectMatches(
      test.pValue.value, formulaPValue, "\(alternative) p, formula", relativeTolerance: tolerance)
    expectMatches(
      test.interval.value?.lower, formula.lower, "interval lower", relativeTolerance: tolerance)
    expectMatches(
      test.interval.value?.upper, formula.upper, "interval upper", relativeTolerance: tolerance)

    if reference.scipy.imprecise == nil {
      expectMatches(statistic, reference.scipy.statistic, "t, scipy")
      expectMatches(test.pValue.value, scipyPValue, "\(alternative) p, scipy")
    } else {
      // scipy's float64 means lose digits in this case (the fixture gives the reason), so
      // its statistic agrees only to about 1e-5.
      expectMatches(statistic, reference.scipy.statistic, "t, scipy", relativeTolerance: 1e-4)
    }
  }
}

@Test func welchBothConstantAndEqual() throws {
  let test = try WelchTTest(treatment: [2, 2, 2], control: [2, 2, 2, 2])
  #expect(test.meanDifference == 0)
  #expect(test.standardError == 0)
  #expect(test.statistic == .undefined(.zeroVariance))
  #expect(test.degreesOfFreedom == .undefined(.zeroVariance))
  #expect(test.pValue == .defined(1))
  #expect(test.interval == .undefined(.zeroVariance))
}

@Test(arguments: Alternative.allCases)
func welchBothConstantButDifferent(_ alternative: Alternative) throws {
  let test = try WelchTTest(treatment: [1, 1, 1], control: [2, 2], alternative: alternative)
  #expect(test.meanDifference == -1)
  #expect(test.statistic == .undefined(.zeroVarianceUnequalMeans))
  #expect(test.degreesOfFreedom == .undefined(.zeroVarianceUnequalMeans))
  #expect(test.pValue == .undefined(.zeroVarianceUnequalMeans))
  #expect(test.interval == .undefined(.zeroVarianceUnequalMeans))
}

@Test func welchOneConstantSampleUsesTheOthersDegreesOfFreedom() throws {
  let test = try WelchTTest(treatment: [3, 3, 3, 3], control: [1, 2.5, 4, 2, 3.5])
  let nu = try #require(test.degreesOfFreedom.value)
  #expect(isClose(nu, 4, relativeTolerance: 1e-15))
}

@Test func welchSwappingSamplesNegatesStatistic() throws {
  let first = [19.7, 20.4, 21.9, 18.2, 22.5, 20.1]
  let second = [18.1, 17.4, 19.9, 18.8, 17.2, 18.6, 19.4]
  let forward = try WelchTTest(treatment: first, control: second)
  let backward = try WelchTTest(treatment: second, control: first)
  #expect(backward.statistic.value == forward.statistic.value.map { -$0 })
  #expect(backward.pValue == forward.pValue)
  #expect(backward.degreesOfFreedom == forward.degreesOfFreedom)
}

@Test func welchOneSidedPValuesAddToOne() throws {
  let treatment = [5.1, 4.8, 6.0, 5.5, 5.9, 6.2]
  let control = [4.9, 4.1, 5.0, 4.4, 4.7]
  let greater = try WelchTTest(treatment: treatment, control: control, alternative: .greater)
  let less = try WelchTTest(treatment: treatment, control: control, alternative: .less)
  let total = try #require(greater.pValue.value) + (try #require(less.pValue.value))
  #expect(isClose(total, 1, relativeTolerance: 1e-14))
}

@Test func welchIntervalWidensWithConfidenceLevel() throws {
  let treatment = [5.1, 4.8, 6.0, 5.5, 5.9, 6.2]
  let control = [4.9, 4.1, 5.0, 4.4, 4.7]
  var previousWidth = 0.0
  for level in [0.5, 0.8, 0.95, 0.99, 0.999_999] {
    let test = try WelchTTest(treatment: treatment, control: control, confidenceLevel: level)
    let interval = try #require(test.interval.value)
    #expect(interval.width > previousWidth)
    #expect(interval.contains(test.meanDifference))
    previousWidth = interval.width
  }
}

@Test(arguments: [0, 1, -0.5, 1.5, .nan])
func welchRejectsInvalidConfidenceLevel(_ level: Double) {
  #expect {
    try WelchTTest(treatment: [1, 2, 3], control: [2, 3, 4], confidenceLevel: level)
  } throws: { error in
    guard case .invalidConfidenceLevel = error as? SampleError else { return false }
    return true
  }
}

@Test func welchRejectsTooFewValues() {
  #expect(throws: SampleError.tooFewValues(sample: "control", count: 0, minimum: 2)) {
    try WelchTTest(treatment: [1, 2], control: [])
  }
  #expect(throws: SampleError.tooFewValues(sample: "treatment", count: 1, minimum: 2)) {
    try WelchTTest(treatment: [1], control: [1, 2])
  }
}

@Test(arguments: [Double.nan, .infinity, -.infinity])
func welchRejectsNonFiniteValues(_ value: Double) {
  #expect {
    try WelchTTest(treatment: [1, 2, value], control: [1, 2])
  } throws: { error in
    guard case .nonFiniteValue(let sample, let index, _) = error as? SampleError else {
      return false
    }
    return sample == "treatment" && index == 2
  }
}

@Test func summaryOfConstantSampleIsExact() throws {
  let summary = try SampleSummary([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
  #expect(summary.mean == 0.1)
  #expect(summary.variance == 0)
  #expect(summary.standardError == 0)
}

@Test func summaryKeepsVarianceOfLargeOffsets() throws {
  // 10⁹ + k/8 for k = 1...5 are exact doubles with mean 10⁹ + 3/8 and variance 5/128. The
  // one-pass formula Σx² − n x̄² would cancel about 18 digits here; the two-pass one is exact.
  let values = (1...5).map { 1e9 + Double($0) / 8 }
  let summary = try SampleSummary(values)
  #expect(summary.mean == 1e9 + 0.375)
  #expect(summary.variance == 5.0 / 128)
}

@Test func summaryRejectsOverflowingValues() {
  #expect(throws: SampleError.valuesTooLarge(sample: "sample")) {
    try SampleSummary([1e308, -1e308, 1e308])
  }
}

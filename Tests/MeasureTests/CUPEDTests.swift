import Testing

@testable import Measure

private func cupedCases() throws -> [InferenceReference.CUPEDCase] {
  try inferenceReference.get().cuped
}

private func armLabels(_ names: [String]) throws -> [CUPED.Arm] {
  try names.map { try #require(CUPED.Arm(rawValue: $0)) }
}

@Test(arguments: try cupedCases())
func cupedMatchesNumpy(_ reference: InferenceReference.CUPEDCase) throws {
  let cuped = try CUPED(
    outcomes: reference.outcomes, covariates: reference.covariates,
    arms: try armLabels(reference.arms))
  let expected = reference.numpy

  if let theta = expected.theta {
    expectMatches(cuped.theta.value, theta, "theta")
  } else {
    #expect(cuped.theta == .undefined(.zeroCovariateVariance))
  }
  expectMatches(cuped.covariateMean, expected.covariateMean, "covariate mean")
  expectMatches(cuped.treatmentMean, expected.treatmentMean, "treatment mean")
  expectMatches(cuped.controlMean, expected.controlMean, "control mean")
  expectMatches(cuped.adjustedTreatmentMean, expected.adjustedTreatmentMean, "adjusted treatment")
  expectMatches(cuped.adjustedControlMean, expected.adjustedControlMean, "adjusted control")
  // A reduction of exactly 0 (no adjustment) compares exactly.
  expectMatches(cuped.varianceReduction.value, expected.varianceReduction, "variance reduction")
}

@Test(arguments: try cupedCases())
func cupedTestMatchesScipyOnAdjustedValues(_ reference: InferenceReference.CUPEDCase) throws {
  let cuped = try CUPED(
    outcomes: reference.outcomes, covariates: reference.covariates,
    arms: try armLabels(reference.arms))
  guard let statistic = reference.scipy.statistic else {
    // The adjusted values are constant and equal in both arms, where scipy divides 0 by 0.
    #expect(reference.scipy.error != nil)
    #expect(cuped.test.statistic == .undefined(.zeroVariance))
    #expect(cuped.test.pValue == .defined(1))
    return
  }
  expectMatches(cuped.test.statistic.value, statistic, "t")
  expectMatches(cuped.test.pValue.value, reference.scipy.pValue, "p-value")
  expectMatches(cuped.test.degreesOfFreedom.value, reference.scipy.degreesOfFreedom, "df")
}

@Test func cupedVarianceReductionIsSquaredCorrelation() throws {
  let covariates: [Double] = [12, 30, 7, 55, 21, 40, 9, 33, 18, 26]
  let outcomes: [Double] = [15, 29, 6, 61, 20, 45, 14, 30, 22, 24]
  let arms: [CUPED.Arm] = [
    .treatment, .control, .treatment, .control, .treatment, .control, .treatment, .control,
    .treatment, .control,
  ]
  let cuped = try CUPED(outcomes: outcomes, covariates: covariates, arms: arms)

  let x = try SampleSummary(covariates)
  let y = try SampleSummary(outcomes)
  let covariance =
    zip(covariates, outcomes).map { ($0 - x.mean) * ($1 - y.mean) }.reduce(0, +)
    / Double(outcomes.count - 1)
  let correlation = covariance / (x.standardDeviation * y.standardDeviation)
  let reduction = try #require(cuped.varianceReduction.value)
  #expect(isClose(reduction, correlation * correlation, relativeTolerance: 1e-12))
  #expect(
    isClose(try #require(cuped.theta.value), covariance / x.variance, relativeTolerance: 1e-12))
}

@Test func cupedAdjustedMeansFollowTheFormula() throws {
  let covariates: [Double] = [1, 4, 2, 8, 5, 7]
  let outcomes: [Double] = [2, 9, 3, 15, 11, 12]
  let arms: [CUPED.Arm] = [.treatment, .treatment, .treatment, .control, .control, .control]
  let cuped = try CUPED(outcomes: outcomes, covariates: covariates, arms: arms)
  let theta = try #require(cuped.theta.value)
  let covariateMean = 27.0 / 6
  // Ȳ_arm − θ (X̄_arm − X̄), with X̄_t = 7/3 and X̄_c = 20/3.
  let treatment = 14.0 / 3 - theta * (7.0 / 3 - covariateMean)
  let control = 38.0 / 3 - theta * (20.0 / 3 - covariateMean)
  #expect(isClose(cuped.adjustedTreatmentMean, treatment, relativeTolerance: 1e-13))
  #expect(isClose(cuped.adjustedControlMean, control, relativeTolerance: 1e-13))
}

@Test func cupedWithConstantCovariateAdjustsNothing() throws {
  let outcomes: [Double] = [3, 5, 4, 1, 2, 6]
  let arms: [CUPED.Arm] = [.treatment, .control, .treatment, .control, .treatment, .control]
  let cuped = try CUPED(outcomes: outcomes, covariates: Array(repeating: 7, count: 6), arms: arms)
  let unadjusted = try WelchTTest(treatment: [3, 4, 2], control: [5, 1, 6])
  #expect(cuped.theta == .undefined(.zeroCovariateVariance))
  #expect(cuped.varianceReduction == .defined(0))
  #expect(cuped.test == unadjusted)
}

@Test func cupedWithConstantOutcomeHasNoVarianceReduction() throws {
  let arms: [CUPED.Arm] = [.treatment, .control, .treatment, .control]
  let cuped = try CUPED(outcomes: [1, 1, 1, 1], covariates: [3, 9, 4, 2], arms: arms)
  #expect(cuped.theta == .defined(0))
  #expect(cuped.varianceReduction == .undefined(.zeroOutcomeVariance))
  #expect(cuped.test.pValue == .defined(1))
}

@Test func cupedRejectsInvalidInput() {
  #expect(throws: SampleError.lengthMismatch(name: "covariates", count: 3, expected: 4)) {
    try CUPED(
      outcomes: [1, 2, 3, 4], covariates: [1, 2, 3], arms: [.treatment, .control, .treatment])
  }
  #expect(throws: SampleError.lengthMismatch(name: "arms", count: 3, expected: 4)) {
    try CUPED(
      outcomes: [1, 2, 3, 4], covariates: [1, 2, 3, 4], arms: [.treatment, .control, .treatment])
  }
  #expect(throws: SampleError.tooFewValues(sample: "control", count: 1, minimum: 2)) {
    try CUPED(
      outcomes: [1, 2, 3, 4], covariates: [1, 2, 3, 5],
      arms: [.treatment, .control, .treatment, .treatment])
  }
  #expect {
    try CUPED(
      outcomes: [1, 2, 3, 4], covariates: [1, .nan, 3, 5],
      arms: [.treatment, .control, .treatment, .control])
  } throws: { error in
    guard case .nonFiniteValue("covariates", 1, _) = error as? SampleError else { return false }
    return true
  }
}

import Testing

@testable import Measure

private func sampleSizeCases() throws -> [InferenceReference.SampleSizeCase] {
  try inferenceReference.get().powerSampleSize
}

private func detectableEffectCases() throws -> [InferenceReference.MinimumDetectableEffectCase] {
  try inferenceReference.get().powerMinimumDetectableEffect
}

@Test(arguments: try sampleSizeCases())
func sampleSizeMatchesFormula(_ reference: InferenceReference.SampleSizeCase) throws {
  let analysis = try PowerAnalysis(
    alpha: reference.alpha, power: reference.power, arms: reference.arms)
  let estimate = try analysis.sampleSize(
    baselineRate: reference.baselineRate, treatmentRate: reference.treatmentRate)
  expectMatches(estimate.unroundedPerArm, reference.formula.unroundedPerArm, "unrounded n")
  #expect(estimate.perArm == reference.formula.perArm)
  #expect(estimate.total == reference.formula.perArm * reference.arms)
}

@Test(arguments: try sampleSizeCases())
func sampleSizeDiffersFromCohensHByLittle(_ reference: InferenceReference.SampleSizeCase) {
  // statsmodels' NormalIndPower on Cohen's h is a different approximation (arcsine
  // transform) of the same test. It requires fewer customers than this formula in every
  // case of the fixture. The largest gap, 2.8 %, is at 1 % against 2 %, where the two
  // rates' variances differ most.
  let formula = reference.formula.unroundedPerArm
  let cohen = reference.statsmodelsCohensH.unroundedPerArm
  #expect(cohen <= formula)
  #expect((formula - cohen) / formula < 0.03)
}

@Test func sampleSizeFromAbsoluteAndRelativeEffects() throws {
  let analysis = try PowerAnalysis()
  let direct = try analysis.sampleSize(baselineRate: 0.1, treatmentRate: 0.12)
  let absolute = try analysis.sampleSize(baselineRate: 0.1, absoluteEffect: 0.02)
  let relative = try analysis.sampleSize(baselineRate: 0.1, relativeEffect: 0.2)
  #expect(absolute.perArm == direct.perArm)
  #expect(relative.perArm == direct.perArm)
  #expect(isClose(absolute.unroundedPerArm, direct.unroundedPerArm, relativeTolerance: 1e-12))
}

@Test func bonferroniSplitEqualsSmallerAlpha() throws {
  let fourArms = try PowerAnalysis(alpha: 0.05, power: 0.8, arms: 4)
  let twoArms = try PowerAnalysis(alpha: 0.05 / 3, power: 0.8, arms: 2)
  #expect(fourArms.comparisonAlpha == 0.05 / 3)
  let split = try fourArms.sampleSize(baselineRate: 0.1, treatmentRate: 0.12)
  let direct = try twoArms.sampleSize(baselineRate: 0.1, treatmentRate: 0.12)
  #expect(split.perArm == direct.perArm)
  #expect(split.total == 4 * split.perArm)
}

@Test(arguments: try detectableEffectCases())
func minimumDetectableEffectMatchesBrentq(
  _ reference: InferenceReference.MinimumDetectableEffectCase
) throws {
  let analysis = try PowerAnalysis(
    alpha: reference.alpha, power: reference.power, arms: reference.arms)
  let direction = try #require(EffectDirection(rawValue: reference.direction))
  let effect = try analysis.minimumDetectableEffect(
    baselineRate: reference.baselineRate, sampleSizePerArm: reference.sampleSizePerArm,
    direction: direction)
  expectMatches(effect.treatmentRate, reference.brentq.treatmentRate, "treatment rate")
  expectMatches(effect.absolute, reference.brentq.absolute, "absolute effect")
  expectMatches(
    effect.relative, reference.brentq.absolute / reference.baselineRate, "relative effect")
}

@Test func minimumDetectableEffectInvertsSampleSize() throws {
  let analysis = try PowerAnalysis(alpha: 0.05, power: 0.9)
  for n in [50, 1_174, 100_000] {
    let effect = try analysis.minimumDetectableEffect(baselineRate: 0.09, sampleSizePerArm: n)
    let required = try analysis.sampleSize(
      baselineRate: 0.09, treatmentRate: effect.treatmentRate)
    // The rate is solved to adjacent doubles, so n at that rate is n to rounding.
    #expect(isClose(required.unroundedPerArm, Double(n), relativeTolerance: 1e-9))
  }
}

@Test func minimumDetectableEffectShrinksWithSampleSize() throws {
  let analysis = try PowerAnalysis()
  var previous = 1.0
  for n in [100, 1_000, 10_000, 100_000] {
    let effect = try analysis.minimumDetectableEffect(baselineRate: 0.05, sampleSizePerArm: n)
    #expect(effect.absolute > 0)
    #expect(effect.absolute < previous)
    previous = effect.absolute
  }
}

@Test(arguments: [0, 1, -0.1, .nan])
func powerAnalysisRejectsInvalidAlpha(_ alpha: Double) {
  #expect {
    try PowerAnalysis(alpha: alpha)
  } throws: { error in
    guard case .invalidAlpha = error as? PowerAnalysisError else { return false }
    return true
  }
}

@Test(arguments: [0, 0.3, 0.499, 1, .nan])
func powerAnalysisRejectsInvalidPower(_ power: Double) {
  #expect {
    try PowerAnalysis(power: power)
  } throws: { error in
    guard case .invalidPower = error as? PowerAnalysisError else { return false }
    return true
  }
}

@Test func powerAnalysisRejectsInvalidInputs() throws {
  #expect(throws: PowerAnalysisError.invalidArmCount(1)) { try PowerAnalysis(arms: 1) }

  let analysis = try PowerAnalysis()
  #expect(throws: PowerAnalysisError.invalidRate(0)) {
    try analysis.sampleSize(baselineRate: 0, treatmentRate: 0.1)
  }
  #expect(throws: PowerAnalysisError.invalidRate(1)) {
    try analysis.sampleSize(baselineRate: 0.1, treatmentRate: 1)
  }
  #expect(throws: PowerAnalysisError.zeroEffect) {
    try analysis.sampleSize(baselineRate: 0.1, treatmentRate: 0.1)
  }
  #expect {
    try analysis.sampleSize(baselineRate: 0.9, relativeEffect: 0.25)
  } throws: { error in
    guard case .effectOutsideRateRange(0.9, let rate) = error as? PowerAnalysisError else {
      return false
    }
    return rate > 1
  }
  #expect {
    try analysis.sampleSize(baselineRate: 0.05, absoluteEffect: -0.06)
  } throws: { error in
    guard case .effectOutsideRateRange = error as? PowerAnalysisError else { return false }
    return true
  }
  #expect(throws: PowerAnalysisError.sampleSizeTooSmall(1)) {
    try analysis.minimumDetectableEffect(baselineRate: 0.1, sampleSizePerArm: 1)
  }
  #expect(throws: PowerAnalysisError.noDetectableEffect(sampleSizePerArm: 2, direction: .increase))
  {
    try analysis.minimumDetectableEffect(baselineRate: 0.5, sampleSizePerArm: 2)
  }
  #expect {
    try analysis.sampleSize(baselineRate: 0.5, absoluteEffect: 1e-12)
  } throws: { error in
    guard case .sampleSizeTooLarge = error as? PowerAnalysisError else { return false }
    return true
  }
}

@Test func requiredSampleSizeFallsAsEffectGrows() throws {
  // The bisection for the minimum detectable effect relies on this; the reference script
  // checks it on finer grids.
  #expect(try inferenceReference.get().generator.powerRootNMonotoneGrids == 440)
  for (alpha, power) in [(0.05, 0.5), (0.05, 0.8), (0.001, 0.99), (0.5, 0.9)] {
    let analysis = try PowerAnalysis(alpha: alpha, power: power)
    for baseline in [0.001, 0.05, 0.5, 0.97] {
      for direction in [1.0, -1.0] {
        var previous = Double.infinity
        for step in 1..<200 {
          let rate =
            baseline + direction * Double(step) / 200 * (direction > 0 ? 1 - baseline : baseline)
          let n = try analysis.sampleSize(baselineRate: baseline, treatmentRate: rate)
          #expect(n.unroundedPerArm < previous, "baseline \(baseline), rate \(rate)")
          previous = n.unroundedPerArm
        }
      }
    }
  }
}

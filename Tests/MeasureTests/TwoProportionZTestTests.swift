import Testing

@testable import Measure

private func arm(_ successes: Int, _ trials: Int) throws -> BinomialArm {
  try BinomialArm(successes: successes, trials: trials)
}

private let degenerateTables = [
  TwoArmCase("both rates 0", treatment: (0, 100), control: (0, 120)),
  TwoArmCase("both rates 1", treatment: (25, 25), control: (30, 30)),
  TwoArmCase("single trials, both 0", treatment: (0, 1), control: (0, 1)),
]

@Test(arguments: degenerateTables, Alternative.allCases)
func zTestWithZeroPooledVariance(_ table: TwoArmCase, alternative: Alternative) throws {
  let test = TwoProportionZTest(
    treatment: try table.treatmentArm(), control: try table.controlArm(),
    alternative: alternative)
  #expect(test.statistic == .undefined(.zeroPooledVariance))
  #expect(test.pValue == 1)
  #expect(test.alternative == alternative)
}

@Test func zTestEqualRatesGiveZeroStatistic() throws {
  let test = TwoProportionZTest(treatment: try arm(30, 1_000), control: try arm(60, 2_000))
  #expect(test.statistic == .defined(0))
  #expect(test.pValue == 1)
}

@Test func zTestOneSidedPValuesAddToOne() throws {
  let treatment = try arm(412, 10_000)
  let control = try arm(387, 10_000)
  let greater = TwoProportionZTest(treatment: treatment, control: control, alternative: .greater)
  let less = TwoProportionZTest(treatment: treatment, control: control, alternative: .less)
  let twoSided = TwoProportionZTest(treatment: treatment, control: control)

  #expect(isClose(greater.pValue + less.pValue, 1, relativeTolerance: 1e-15))
  #expect(isClose(twoSided.pValue, 2 * min(greater.pValue, less.pValue), relativeTolerance: 1e-15))
  #expect(greater.pValue < less.pValue)
}

@Test func zTestSwappingArmsNegatesStatistic() throws {
  let forward = TwoProportionZTest(treatment: try arm(56, 70), control: try arm(48, 80))
  let backward = TwoProportionZTest(treatment: try arm(48, 80), control: try arm(56, 70))
  let z = try #require(forward.statistic.value)
  #expect(backward.statistic.value == -z)
  #expect(backward.pValue == forward.pValue)
}

/// z² must equal Pearson's chi-squared statistic N (ad − bc)² / (r₁ r₂ c₁ c₂) for the 2×2
/// table, an algebraically independent formula.
@Test(arguments: [
  TwoArmCase("Newcombe example 56/70 vs 48/80", treatment: (56, 70), control: (48, 80)),
  TwoArmCase("Newcombe example 9/10 vs 3/10", treatment: (9, 10), control: (3, 10)),
  TwoArmCase("100,000 per arm", treatment: (4_120, 100_000), control: (3_870, 100_000)),
  TwoArmCase("zero treatment successes", treatment: (0, 50), control: (4, 60)),
  TwoArmCase("three trials per arm", treatment: (1, 3), control: (2, 3)),
])
func zTestSquaredEqualsPearsonChiSquared(_ table: TwoArmCase) throws {
  let test = TwoProportionZTest(
    treatment: try table.treatmentArm(), control: try table.controlArm())
  let z = try #require(test.statistic.value)

  // The 2×2 table [[a, b], [c, d]] with successes in the first column.
  let a = Double(table.treatment.successes)
  let b = Double(table.treatment.trials - table.treatment.successes)
  let c = Double(table.control.successes)
  let d = Double(table.control.trials - table.control.successes)
  let total = a + b + c + d
  let chiSquared =
    total * (a * d - b * c) * (a * d - b * c) / ((a + b) * (c + d) * (a + c) * (b + d))
  #expect(isClose(z * z, chiSquared, relativeTolerance: 1e-12))
}

@Test func zTestHandlesCountsNearIntMax() throws {
  // The Int sum of these arms' counts overflows, so TwoProportionZTest must sum in Double.
  let treatment = try arm(Int.max / 2, Int.max)
  let control = try arm(Int.max / 2 - 1_000_000_000_000, Int.max)
  let test = TwoProportionZTest(treatment: treatment, control: control)
  let z = try #require(test.statistic.value)
  #expect(z.isFinite)
  #expect(test.pValue >= 0)
  #expect(test.pValue <= 1)
}

@Test func zTestPValueUnderflowsOnlyForExtremeZ() throws {
  // 10 % vs 8 % of 50,000 each: z ≈ 11.05 and the two-sided p ≈ 2.19e-28, which 1 − P(z)
  // would round to 0.
  let test = TwoProportionZTest(treatment: try arm(5_000, 50_000), control: try arm(4_000, 50_000))
  #expect(test.pValue > 1e-28)
  #expect(test.pValue < 1e-27)
}

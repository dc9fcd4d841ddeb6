import Testing

@testable import Measure

private func holmCases() throws -> [InferenceReference.HolmCase] {
  try inferenceReference.get().holm
}

private func sampleRatioCases() throws -> [InferenceReference.SampleRatioCase] {
  try inferenceReference.get().srm
}

// MARK: Holm

@Test(arguments: try holmCases())
func holmMatchesStatsmodels(_ reference: InferenceReference.HolmCase) throws {
  let adjusted = try HolmCorrection.adjust(reference.pValues)
  #expect(adjusted.count == reference.statsmodels.count)
  for (index, (actual, expected)) in zip(adjusted, reference.statsmodels).enumerated() {
    expectMatches(actual, expected, "adjusted p-value \(index)")
  }
}

@Test func holmOfNothingIsEmpty() throws {
  #expect(try HolmCorrection.adjust([]).isEmpty)
}

@Test func holmIsMonotoneCappedAndNotBelowRaw() throws {
  // Deterministic pseudo-random p-values from a linear congruential sequence.
  var state: UInt64 = 12_345
  for size in 1...40 {
    let pValues = (0..<size).map { _ -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 0.2
    }
    let adjusted = try HolmCorrection.adjust(pValues)
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
    for (earlier, later) in zip(order, order.dropFirst()) {
      #expect(adjusted[earlier] <= adjusted[later])
    }
    for (raw, corrected) in zip(pValues, adjusted) {
      #expect(corrected >= raw)
      #expect(corrected <= 1)
      // Holm never adjusts by more than Bonferroni.
      #expect(corrected <= min(1, Double(size) * raw))
    }
  }
}

@Test(arguments: [Double.nan, -0.01, 1.01, .infinity])
func holmRejectsInvalidPValues(_ value: Double) {
  #expect {
    try HolmCorrection.adjust([0.01, value, 0.2])
  } throws: { error in
    guard case .invalidPValue(let index, _) = error as? MultipleTestingError else { return false }
    return index == 1
  }
}

// MARK: Sample ratio mismatch

@Test(arguments: try sampleRatioCases())
func sampleRatioMismatchMatchesScipy(_ reference: InferenceReference.SampleRatioCase) throws {
  let check = try SampleRatioMismatch(
    counts: reference.counts, expectedShares: reference.expectedShares)
  expectMatches(check.statistic, reference.scipy.statistic, "chi-squared")
  expectMatches(check.pValue, reference.scipy.pValue, "p-value")
  #expect(check.degreesOfFreedom == reference.counts.count - 1)
  #expect(check.isMismatch == (reference.scipy.pValue < 0.001))
}

@Test func sampleRatioMismatchFlagsOnlyBelowThreshold() throws {
  let balanced = try SampleRatioMismatch(counts: [10_050, 9_950], expectedShares: [0.5, 0.5])
  #expect(!balanced.isMismatch)
  let skewed = try SampleRatioMismatch(counts: [10_400, 9_600], expectedShares: [0.5, 0.5])
  #expect(skewed.isMismatch)
  #expect(SampleRatioMismatch.threshold == 0.001)
}

@Test func sampleRatioMismatchWithNoCustomers() throws {
  let check = try SampleRatioMismatch(counts: [0, 0, 0], expectedShares: [0.5, 0.25, 0.25])
  #expect(check.statistic == 0)
  #expect(check.pValue == 1)
  #expect(!check.isMismatch)
  #expect(check.expectedCounts == [0, 0, 0])
}

@Test func sampleRatioMismatchWithExactCountsHasPValueOne() throws {
  let check = try SampleRatioMismatch(counts: [800, 200], expectedShares: [0.8, 0.2])
  #expect(check.statistic == 0)
  #expect(check.pValue == 1)
}

@Test func sampleRatioMismatchAcceptsSharesOffByRounding() throws {
  // Ten shares of 0.1 sum to 0.9999999999999999 in doubles.
  let check = try SampleRatioMismatch(
    counts: Array(repeating: 100, count: 10), expectedShares: Array(repeating: 0.1, count: 10))
  #expect(isClose(check.pValue, 1, relativeTolerance: 1e-12))
}

@Test func sampleRatioMismatchHandlesCountsNearIntMax() throws {
  // The Int sum of these counts overflows.
  let check = try SampleRatioMismatch(
    counts: [Int.max / 2, Int.max / 2 + 1_000_000_000_000], expectedShares: [0.5, 0.5])
  #expect(check.statistic.isFinite)
  #expect(check.pValue >= 0)
  #expect(check.pValue <= 1)
}

@Test func sampleRatioMismatchRejectsInvalidInput() {
  #expect(throws: SampleRatioMismatchError.lengthMismatch(counts: 2, shares: 3)) {
    try SampleRatioMismatch(counts: [1, 2], expectedShares: [0.2, 0.3, 0.5])
  }
  #expect(throws: SampleRatioMismatchError.tooFewArms(1)) {
    try SampleRatioMismatch(counts: [10], expectedShares: [1])
  }
  #expect(throws: SampleRatioMismatchError.negativeCount(index: 1, count: -4)) {
    try SampleRatioMismatch(counts: [10, -4], expectedShares: [0.5, 0.5])
  }
  #expect(throws: SampleRatioMismatchError.invalidShare(index: 0, share: 0)) {
    try SampleRatioMismatch(counts: [0, 10], expectedShares: [0, 1])
  }
  #expect(throws: SampleRatioMismatchError.sharesDoNotSumToOne(0.9)) {
    try SampleRatioMismatch(counts: [10, 10], expectedShares: [0.5, 0.4])
  }
  #expect {
    try SampleRatioMismatch(counts: [10, 10], expectedShares: [.nan, 0.5])
  } throws: { error in
    guard case .invalidShare(0, _) = error as? SampleRatioMismatchError else { return false }
    return true
  }
}

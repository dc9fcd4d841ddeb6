import Simulation
import Testing

@testable import Measure

/// Evenly spaced normal quantiles: a sample that is exactly symmetric about its mean.
private func symmetricSample(count: Int, mean: Double, spread: Double) -> [Double] {
  (1...count).map { index in
    let level = (Double(index) - 0.5) / Double(count)
    return mean + spread * StandardNormal.quantile(level)
  }
}

/// A right-skewed sample, like revenue per customer.
private let skewedSample: [Double] = [
  0, 0, 0, 0, 0, 0, 12, 15, 18, 20, 22, 25, 30, 35, 49, 60, 75, 99, 150, 420,
]

@Test func bootstrapIsReproducibleForASeed() throws {
  let first = try Bootstrap(treatment: skewedSample, control: [0, 5, 10, 20, 40], seed: 17)
  let second = try Bootstrap(treatment: skewedSample, control: [0, 5, 10, 20, 40], seed: 17)
  #expect(first == second)
  #expect(first.resampleCount == Bootstrap.defaultResampleCount)
  #expect(first.seed == 17)

  let other = try Bootstrap(treatment: skewedSample, control: [0, 5, 10, 20, 40], seed: 18)
  #expect(other.replicates != first.replicates)
}

@Test func bootstrapReplicateDependsOnlyOnSeedAndIndex() throws {
  let few = try Bootstrap(treatment: skewedSample, control: [1, 2, 3], seed: 5, resamples: 100)
  let many = try Bootstrap(treatment: skewedSample, control: [1, 2, 3], seed: 5, resamples: 300)
  #expect(Array(many.replicates.prefix(100)) == few.replicates)
}

@Test func bootstrapDrawsFromTheDocumentedStreams() throws {
  // Replicate 7 recomputed from purpose "bootstrap", occurrence 7, customer 0 for the
  // treatment sample and 1 for the control sample.
  let treatment: [Double] = [4, 8, 15, 16, 23, 42]
  let control: [Double] = [1, 2, 3, 5]
  let bootstrap = try Bootstrap(treatment: treatment, control: control, seed: 99, resamples: 8)
  let purpose = try RandomStreams(seed: 99).purpose("bootstrap")

  func resampledMean(_ sample: [Double], customer: UInt64) -> Double {
    var stream = purpose.stream(customer: customer, occurrence: 7)
    let draws = (0..<sample.count).map { _ in sample[stream.uniformInteger(below: sample.count)] }
    return draws.reduce(0, +) / Double(sample.count)
  }
  let expected = resampledMean(treatment, customer: 0) - resampledMean(control, customer: 1)
  // The module sums deviations from the mean rather than the values, so the two agree to
  // rounding only.
  #expect(isClose(bootstrap.replicates[7], expected, relativeTolerance: 1e-12))
}

@Test func bootstrapKnownAnswerForTwoValues() throws {
  // Treatment {0, 1} against the constant control 3: a replicate is the mean of two draws
  // from {0, 1} minus 3, so it is −3, −2.5 or −2 with probabilities 1/4, 1/2, 1/4, and
  // θ̂ = −2.5. With 2,000 resamples about 500 replicates are −3 and 500 are −2, so the 2.5 %
  // and 97.5 % quantiles (positions 49.975 and 1,949.025 of 0...1,999) are exactly −3 and
  // −2. The data are symmetric, so the acceleration is exactly 0, and the BCa levels stay
  // close enough to 2.5 % and 97.5 % to give the same limits.
  let bootstrap = try Bootstrap(treatment: [0, 1], control: [3, 3], seed: 2_026)
  #expect(bootstrap.observedDifference == -2.5)
  #expect(Set(bootstrap.replicates).isSubset(of: [-3, -2.5, -2]))
  #expect(bootstrap.percentileInterval.lower == -3)
  #expect(bootstrap.percentileInterval.upper == -2)
  #expect(bootstrap.acceleration == .defined(0))
  #expect(bootstrap.bcaInterval.value?.lower == -3)
  #expect(bootstrap.bcaInterval.value?.upper == -2)

  // The share of replicates at θ̂ is 1/2 within 5 binomial standard errors (0.056).
  let atEstimate = Double(bootstrap.replicates.filter { $0 == -2.5 }.count) / 2_000
  #expect(abs(atEstimate - 0.5) < 5 * (0.25 / 2_000).squareRoot())
}

@Test func bootstrapOfConstantSamplesHasZeroWidth() throws {
  let bootstrap = try Bootstrap(treatment: [0.1, 0.1, 0.1], control: [0.3, 0.3], seed: 1)
  let estimate = bootstrap.observedDifference
  #expect(bootstrap.replicates.allSatisfy { $0 == estimate })
  #expect(bootstrap.percentileInterval.lower == estimate)
  #expect(bootstrap.percentileInterval.upper == estimate)
  #expect(bootstrap.bcaInterval.value?.lower == estimate)
  #expect(bootstrap.bcaInterval.value?.upper == estimate)
  #expect(bootstrap.biasCorrection == .defined(0))
  #expect(bootstrap.acceleration == .undefined(.zeroVariance))
}

@Test func bootstrapOnSymmetricDataAgreesWithItself() throws {
  let treatment = symmetricSample(count: 200, mean: 10.5, spread: 2)
  let control = symmetricSample(count: 150, mean: 10, spread: 3)
  let bootstrap = try Bootstrap(treatment: treatment, control: control, seed: 3)
  let percentile = bootstrap.percentileInterval
  let bca = try #require(bootstrap.bcaInterval.value)

  #expect(percentile.contains(bootstrap.observedDifference))
  #expect(bca.contains(bootstrap.observedDifference))
  // Symmetric samples have a = 0 up to rounding, and z₀ is 0 up to Monte Carlo noise of
  // about 0.03. That moves the BCa levels by about 0.003 and the limits by about 1.5 % of
  // the width, so 5 % is over three times the expected shift.
  let acceleration = try #require(bootstrap.acceleration.value)
  #expect(abs(acceleration) < 1e-12)
  #expect(abs(bca.lower - percentile.lower) < 0.05 * percentile.width)
  #expect(abs(bca.upper - percentile.upper) < 0.05 * percentile.width)

  // The bootstrap standard error is the plug-in one, √((n − 1)/n) times Welch's, so the
  // percentile interval is within a few percent of Welch's at these sizes.
  let welch = try #require(try WelchTTest(treatment: treatment, control: control).interval.value)
  #expect(abs(percentile.width / welch.width - 1) < 0.1)
}

@Test func bootstrapAccelerationMatchesBruteForceJackknife() throws {
  let treatment = skewedSample
  let control: [Double] = [3, 0, 8, 1, 90, 4, 0, 12]
  let bootstrap = try Bootstrap(treatment: treatment, control: control, seed: 8, resamples: 10)

  // The jackknife as scipy 1.17.1's bootstrap computes it: leave out one value of one
  // sample, recompute the difference of means, and combine over both samples.
  func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
  var numerator = 0.0
  var denominator = 0.0
  for sample in 0..<2 {
    let values = sample == 0 ? treatment : control
    let leaveOneOut = values.indices.map { left -> Double in
      var kept = values
      kept.remove(at: left)
      return sample == 0 ? mean(kept) - mean(control) : mean(treatment) - mean(kept)
    }
    let n = Double(values.count)
    let average = mean(leaveOneOut)
    let influence = leaveOneOut.map { (n - 1) * (average - $0) }
    numerator += influence.map { $0 * $0 * $0 }.reduce(0, +) / (n * n * n)
    denominator += influence.map { $0 * $0 }.reduce(0, +) / (n * n)
  }
  let bruteForce = numerator / (6 * denominator * denominator.squareRoot())

  let acceleration = try #require(bootstrap.acceleration.value)
  #expect(isClose(acceleration, bruteForce, relativeTolerance: 1e-10))
  #expect(acceleration > 0)
  #expect(acceleration <= 1.0 / 6)
}

@Test func bootstrapBCaShiftsRightForRightSkewedData() throws {
  // For a right-skewed treatment sample the acceleration is positive and BCa moves both
  // limits up relative to the percentile interval.
  let bootstrap = try Bootstrap(treatment: skewedSample, control: [20, 22, 19, 21], seed: 11)
  let bca = try #require(bootstrap.bcaInterval.value)
  #expect(bca.lower > bootstrap.percentileInterval.lower)
  #expect(bca.upper > bootstrap.percentileInterval.upper)
}

@Test func bootstrapBiasCorrectionUndefinedWhenAllReplicatesOnOneSide() throws {
  // With a single resample that differs from θ̂, every replicate lies on one side of it.
  var seed: UInt64 = 0
  var bootstrap = try Bootstrap(treatment: [0, 1], control: [5, 9], seed: seed, resamples: 1)
  while bootstrap.replicates[0] == bootstrap.observedDifference {
    seed += 1
    bootstrap = try Bootstrap(treatment: [0, 1], control: [5, 9], seed: seed, resamples: 1)
  }
  #expect(bootstrap.biasCorrection == .undefined(.bootstrapReplicatesOnOneSide))
  #expect(bootstrap.bcaInterval == .undefined(.bootstrapReplicatesOnOneSide))
  #expect(bootstrap.percentileInterval.lower == bootstrap.replicates[0])
}

@Test func bootstrapQuantileInterpolatesLinearly() {
  let sorted: [Double] = [1, 2, 4, 8]
  #expect(Bootstrap.quantile(sorted, 0) == 1)
  #expect(Bootstrap.quantile(sorted, 1) == 8)
  #expect(Bootstrap.quantile(sorted, 0.5) == 3)
  #expect(Bootstrap.quantile(sorted, 0.75) == 5)
  #expect(Bootstrap.quantile([7, 7], 0.3) == 7)
}

@Test(arguments: [0, -1, Bootstrap.maximumResampleCount + 1])
func bootstrapRejectsInvalidResampleCount(_ resamples: Int) {
  #expect(throws: SampleError.invalidResampleCount(resamples)) {
    try Bootstrap(treatment: [1, 2], control: [3, 4], seed: 0, resamples: resamples)
  }
}

@Test func bootstrapRejectsInvalidSamples() {
  #expect(throws: SampleError.tooFewValues(sample: "treatment", count: 1, minimum: 2)) {
    try Bootstrap(treatment: [1], control: [3, 4], seed: 0)
  }
  #expect(throws: SampleError.tooFewValues(sample: "control", count: 0, minimum: 2)) {
    try Bootstrap(treatment: [1, 2], control: [], seed: 0)
  }
  #expect {
    try Bootstrap(treatment: [1, 2], control: [3, .nan], seed: 0)
  } throws: { error in
    guard case .nonFiniteValue("control", 1, _) = error as? SampleError else { return false }
    return true
  }
  #expect(throws: SampleError.invalidConfidenceLevel(1)) {
    try Bootstrap(treatment: [1, 2], control: [3, 4], seed: 0, confidenceLevel: 1)
  }
}

import Testing

@testable import Measure

@Test func wilsonLimitsAreExactAtZeroAndAllSuccesses() throws {
  let none = try BinomialArm(successes: 0, trials: 20).wilsonInterval()
  #expect(none.lower == 0)
  #expect(none.upper > 0)
  #expect(none.upper < 1)

  let all = try BinomialArm(successes: 20, trials: 20).wilsonInterval()
  #expect(all.upper == 1)
  #expect(all.lower > 0)
  #expect(all.lower < 1)
}

@Test func wilsonIsSymmetricUnderSwappingOutcomes() throws {
  for (successes, trials) in [(0, 7), (1, 7), (3, 7), (13, 100), (999, 1_000_000)] {
    let interval = try BinomialArm(successes: successes, trials: trials).wilsonInterval()
    let mirrored = try BinomialArm(successes: trials - successes, trials: trials).wilsonInterval()
    // 1 − x for x near 1 is exact only to about 1e-16 absolute, which is 1e-13 relative to a
    // limit near 0.001.
    #expect(isClose(interval.lower, 1 - mirrored.upper, relativeTolerance: 1e-12))
    #expect(isClose(interval.upper, 1 - mirrored.lower, relativeTolerance: 1e-12))
  }
}

@Test func wilsonContainsRateForAllSmallArms() throws {
  for trials in 1...40 {
    for successes in 0...trials {
      let arm = try BinomialArm(successes: successes, trials: trials)
      let interval = try arm.wilsonInterval(confidenceLevel: 0.9)
      #expect(interval.contains(arm.rate), "\(successes)/\(trials)")
      #expect(interval.lower >= 0, "\(successes)/\(trials)")
      #expect(interval.upper <= 1, "\(successes)/\(trials)")
    }
  }
}

@Test func wilsonWidensWithConfidenceLevel() throws {
  let arm = try BinomialArm(successes: 37, trials: 250)
  let levels = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999_999]
  let widths = try levels.map { try arm.wilsonInterval(confidenceLevel: $0).width }
  for (narrower, wider) in zip(widths, widths.dropFirst()) {
    #expect(narrower < wider)
  }
}

@Test func wilsonRareSuccessesStayOrdered() throws {
  // One success in 10^12 trials: the lower limit must sit strictly between 0 and p̂.
  let arm = try BinomialArm(successes: 1, trials: 1_000_000_000_000)
  let interval = try arm.wilsonInterval()
  #expect(interval.lower > 0)
  #expect(interval.lower < arm.rate)
  // The roots multiply to p̂² / (1 + z²/n).
  let z = 1.959_963_984_540_054
  let product = arm.rate * arm.rate / (1 + z * z / Double(arm.trials))
  #expect(isClose(interval.lower * interval.upper, product, relativeTolerance: 1e-13))
}

@Test func criticalValueAt95Percent() throws {
  // z(0.975) = 1.959963984540054 to 16 digits.
  #expect(
    isClose(
      try twoSidedCriticalValue(confidenceLevel: 0.95), 1.959_963_984_540_054,
      relativeTolerance: 1e-15))
}

@Test(arguments: [0, 1, -0.5, 1.5, 95, .nan, .infinity, -.infinity])
func wilsonRejectsInvalidConfidenceLevel(_ level: Double) throws {
  let arm = try BinomialArm(successes: 3, trials: 10)
  #expect {
    try arm.wilsonInterval(confidenceLevel: level)
  } throws: { error in
    guard case .invalidConfidenceLevel = error as? ProportionError else { return false }
    return true
  }
}

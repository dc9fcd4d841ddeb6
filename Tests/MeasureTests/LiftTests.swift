import Testing

@testable import Measure

private func arm(_ successes: Int, _ trials: Int) throws -> BinomialArm {
  try BinomialArm(successes: successes, trials: trials)
}

@Test func relativeLiftUndefinedForZeroControlRate() throws {
  let treatment = try arm(3, 40)
  let control = try arm(0, 45)
  #expect(treatment.relativeLift(over: control) == .undefined(.zeroControlSuccesses))
  #expect(
    try treatment.relativeLiftInterval(over: control) == .undefined(.zeroControlSuccesses))
}

@Test func relativeLiftIsMinusOneForZeroTreatmentRate() throws {
  let treatment = try arm(0, 50)
  let control = try arm(4, 60)
  #expect(treatment.relativeLift(over: control) == .defined(-1))
  #expect(
    try treatment.relativeLiftInterval(over: control) == .undefined(.zeroTreatmentSuccesses))
}

@Test func relativeLiftIntervalReportsControlFirstWhenBothZero() throws {
  let interval = try arm(0, 10).relativeLiftInterval(over: try arm(0, 20))
  #expect(interval == .undefined(.zeroControlSuccesses))
}

@Test func relativeLiftIntervalCollapsesWhenBothRatesAreOne() throws {
  let interval = try arm(25, 25).relativeLiftInterval(over: try arm(30, 30))
  #expect(interval.value?.lower == 0)
  #expect(interval.value?.upper == 0)
}

@Test func relativeLiftIntervalContainsEstimate() throws {
  let treatment = try arm(450, 10_000)
  let control = try arm(1_900, 50_000)
  let lift = try #require(treatment.relativeLift(over: control).value)
  let interval = try #require(try treatment.relativeLiftInterval(over: control).value)
  #expect(interval.contains(lift))
  #expect(interval.lower > 0)
}

@Test func relativeLiftIntervalRejectsInvalidLevelEvenWhenUndefined() throws {
  #expect(throws: ProportionError.invalidConfidenceLevel(1)) {
    try arm(0, 10).relativeLiftInterval(over: try arm(0, 10), confidenceLevel: 1)
  }
}

@Test func absoluteLiftIntervalForTwoEmptyRates() throws {
  // 0/10 vs 0/20: the difference interval runs from minus the control's Wilson upper limit
  // to the treatment's, because both lower limits are 0.
  let treatment = try arm(0, 10)
  let control = try arm(0, 20)
  let interval = try treatment.absoluteLiftInterval(over: control)
  #expect(interval.lower == -(try control.wilsonInterval().upper))
  #expect(interval.upper == (try treatment.wilsonInterval().upper))
}

@Test func absoluteLiftIntervalStaysWithinMinusOneToOne() throws {
  for (treatment, control) in [((10, 10), (0, 10)), ((0, 1), (1, 1)), ((1, 1), (0, 1))] {
    let interval = try arm(treatment.0, treatment.1).absoluteLiftInterval(
      over: try arm(control.0, control.1))
    #expect(interval.lower >= -1)
    #expect(interval.upper <= 1)
  }
}

@Test func absoluteLiftIntervalRejectsInvalidLevel() throws {
  #expect(throws: ProportionError.invalidConfidenceLevel(0)) {
    try arm(1, 10).absoluteLiftInterval(over: try arm(2, 10), confidenceLevel: 0)
  }
}

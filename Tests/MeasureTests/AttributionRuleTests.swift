import Simulation
import Testing

@testable import Measure

// Hand-checked credits of each model on paths small enough to work out on paper.

/// Returns `credits` as a dictionary by channel, for readable expectations.
private func byChannel(_ attribution: Attribution) -> [String: Double] {
  Dictionary(uniqueKeysWithValues: zip(attribution.channels, attribution.conversionCredits))
}

private func valueByChannel(_ attribution: Attribution) -> [String: Double] {
  Dictionary(uniqueKeysWithValues: zip(attribution.channels, attribution.valueCredits))
}

private func expectCredits(
  _ actual: [String: Double], _ expected: [String: Double],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(Set(actual.keys) == Set(expected.keys), sourceLocation: sourceLocation)
  for (channel, value) in expected {
    let credit = actual[channel] ?? .nan
    #expect(
      isClose(credit, value, relativeTolerance: 1e-12, absoluteTolerance: 1e-15),
      "\(channel): \(credit), expected \(value)", sourceLocation: sourceLocation)
  }
}

private func paths(_ paths: [ConversionPath]) throws -> ConversionPaths {
  try ConversionPaths(paths)
}

@Test func positionBasedSplitsFortyTwentyForty() throws {
  let set = try paths([
    ConversionPath(channels: ["a", "b", "c", "d"], conversions: 1, value: 10),
    ConversionPath(channels: ["e", "f"], conversions: 1),
    ConversionPath(channels: ["g"], conversions: 1),
  ])
  let attribution = try PositionBasedModel().attribute(set)
  expectCredits(
    byChannel(attribution),
    ["a": 0.4, "b": 0.1, "c": 0.1, "d": 0.4, "e": 0.5, "f": 0.5, "g": 1])
  expectCredits(
    valueByChannel(attribution),
    ["a": 4, "b": 1, "c": 1, "d": 4, "e": 0, "f": 0, "g": 0])
}

@Test func positionBasedTwoTouchesSplitMiddle() throws {
  let set = try paths([ConversionPath(channels: ["a", "b"], conversions: 1)])
  let attribution = try PositionBasedModel(firstShare: 0.3, lastShare: 0.5).attribute(set)
  // The middle share 0.2 is split evenly: 0.3 + 0.1 and 0.5 + 0.1.
  expectCredits(byChannel(attribution), ["a": 0.4, "b": 0.6])
}

@Test func lastNonDirectSkipsDirect() throws {
  let set = try paths([
    ConversionPath(channels: ["search", "direct"], conversions: 1),
    ConversionPath(channels: ["direct", "direct"], conversions: 2),
    ConversionPath(channels: ["email", "search", "direct", "direct"], conversions: 4),
  ])
  expectCredits(
    byChannel(try LastNonDirectTouchModel().attribute(set)),
    ["search": 5, "direct": 2, "email": 0])
  expectCredits(
    byChannel(try LastNonDirectTouchModel(directChannel: "search").attribute(set)),
    ["search": 0, "direct": 7, "email": 0])
}

@Test func linearCountsEveryRepeatedTouch() throws {
  let set = try paths([ConversionPath(channels: ["a", "a", "b"], conversions: 3, value: 6)])
  let attribution = try LinearModel().attribute(set)
  expectCredits(byChannel(attribution), ["a": 2, "b": 1])
  expectCredits(valueByChannel(attribution), ["a": 4, "b": 2])
}

@Test func timeDecayHalvesPerHalfLife() throws {
  let day: Int64 = 86_400_000
  let set = try paths([
    ConversionPath(
      touches: [Touch(channel: "a", timestamp: 0), Touch(channel: "b", timestamp: 7 * day)],
      conversions: 3, conversionTime: 7 * day)
  ])
  // Ages 7 days and 0: weights 1/2 and 1, normalized to 1/3 and 2/3.
  expectCredits(byChannel(try TimeDecayModel().attribute(set)), ["a": 1, "b": 2])
}

@Test func timeDecayWithoutConversionTimeUsesLatestTouch() throws {
  let day: Int64 = 86_400_000
  let set = try paths([
    ConversionPath(
      touches: [Touch(channel: "a", timestamp: 5 * day), Touch(channel: "b", timestamp: 6 * day)],
      conversions: 3)
  ])
  let model = try TimeDecayModel(halfLife: .days(1))
  expectCredits(byChannel(try model.attribute(set)), ["a": 1, "b": 2])
}

@Test func timeDecayEqualTimestampsShareEqually() throws {
  let set = try paths([
    ConversionPath(
      touches: [Touch(channel: "a", timestamp: 100), Touch(channel: "b", timestamp: 100)],
      conversions: 1, conversionTime: 100 + 86_400_000)
  ])
  expectCredits(byChannel(try TimeDecayModel().attribute(set)), ["a": 0.5, "b": 0.5])
}

@Test func timeDecayTouchAfterConversionCountsAsAgeZero() throws {
  let set = try paths([
    ConversionPath(
      touches: [Touch(channel: "a", timestamp: 0), Touch(channel: "b", timestamp: 9_000)],
      conversions: 2, conversionTime: 0)
  ])
  expectCredits(byChannel(try TimeDecayModel().attribute(set)), ["a": 1, "b": 1])
}

@Test func timeDecayUntimedPathsDecayByPosition() throws {
  let set = try paths([
    ConversionPath(channels: ["a", "b", "c"], conversions: 7),
    // One touch without a timestamp makes the whole path decay by position.
    ConversionPath(
      touches: [Touch(channel: "a", timestamp: 0), Touch(channel: "b")], conversions: 3),
  ])
  // Weights 1/4, 1/2 and 1 over 1.75: 1, 2 and 4 of 7; then 1 and 2 of 3.
  expectCredits(byChannel(try TimeDecayModel().attribute(set)), ["a": 2, "b": 4, "c": 4])
  let slower = try TimeDecayModel(halfLifeInTouches: 2)
  let weights = slower.weights(of: ConversionPath(channels: ["a", "b", "c"], conversions: 1))
  let sum = 0.5 + 0.5.squareRoot() + 1
  for (weight, expected) in zip(weights, [0.5 / sum, 0.5.squareRoot() / sum, 1 / sum]) {
    #expect(isClose(weight, expected, relativeTolerance: 1e-15))
  }
}

/// Two paths with fractional counts: a > b with 0.5 conversions, value 2.5 and 0.25 nulls,
/// and b with 1.25 conversions and value 5.
private func fractionalPaths() throws -> ConversionPaths {
  try paths([
    ConversionPath(channels: ["a", "b"], conversions: 0.5, value: 2.5, nulls: 0.25),
    ConversionPath(channels: ["b"], conversions: 1.25, value: 5),
  ])
}

@Test func heuristicsKeepFractionalCounts() throws {
  let set = try fractionalPaths()
  #expect(set.attributableConversions == 1.75)
  #expect(set.attributableNulls == 0.25)
  expectCredits(byChannel(try FirstTouchModel().attribute(set)), ["a": 0.5, "b": 1.25])
  expectCredits(byChannel(try LastTouchModel().attribute(set)), ["a": 0, "b": 1.75])
  let linear = try LinearModel().attribute(set)
  expectCredits(byChannel(linear), ["a": 0.25, "b": 1.5])
  expectCredits(valueByChannel(linear), ["a": 1.25, "b": 6.25])
}

@Test func markovSolvesFractionalChainByHand() throws {
  // start → a 0.75, start → b 1.25, a → b 0.75, b → conversion 1.75, b → null 0.25.
  // P = 1 × 1.75 / 2 = 0.875. Without a, b is reached with 1.25 / 2, so RE(a) = 0.375;
  // without b nothing converts, so RE(b) = 1. All value leaves b, so the value removal
  // effects are the same.
  let attribution = try MarkovModel().attribute(try fractionalPaths())
  let detail = try #require(attribution.markov)
  #expect(isClose(detail.conversionProbability.value ?? 0, 0.875, relativeTolerance: 1e-15))
  #expect(isClose(detail.expectedValue.value ?? 0, 3.75, relativeTolerance: 1e-15))
  #expect(isClose(detail.removalEffects[0].value ?? 0, 0.375, relativeTolerance: 1e-15))
  #expect(detail.removalEffects[1].value == 1)
  #expect(isClose(detail.valueRemovalEffects[0].value ?? 0, 0.375, relativeTolerance: 1e-15))
  expectCredits(byChannel(attribution), ["a": 1.75 * 0.375 / 1.375, "b": 1.75 / 1.375])
  expectCredits(valueByChannel(attribution), ["a": 7.5 * 0.375 / 1.375, "b": 7.5 / 1.375])
  #expect(detail.stateCount == 2)
  // start → a, start → b, a → b, b → conversion, b → null.
  #expect(detail.transitionCount == 5)
}

@Test func shapleyGamesOnFractionalPaths() throws {
  let set = try fractionalPaths()
  // Conversions: v(a) = 0, v(b) = 1.25, v(ab) = 1.75, so φ(a) = (0 + 0.5) / 2.
  expectCredits(byChannel(try ShapleyModel().attribute(set)), ["a": 0.25, "b": 1.5])
  // Rates: v(a) = 0, v(b) = 1, v(ab) = 0.875, so φ(a) = (0 − 0.125) / 2 = −0.0625 and
  // φ(b) = (1 + 0.875) / 2; credits are φ times the weight 2.
  let rate = try ShapleyModel(characteristic: .conversionRate).attribute(set)
  expectCredits(byChannel(rate), ["a": -0.125, "b": 1.875])
  let detail = try #require(rate.shapley)
  #expect(detail.grandCoalitionValue == .defined(0.875))
  #expect(detail.observedChannelSets == 2)
}

@Test(arguments: try attributionCases())
func shapleyConversionsSplitPathsEvenly(_ reference: AttributionReference.Case) throws {
  // v(S) = Σ conversions of the paths within S is a sum of one unanimity game per path, so
  // each path's conversions are split evenly between its distinct channels.
  let set = try reference.conversionPaths
  var expected = [String: Double]()
  for path in set.paths where !path.touches.isEmpty {
    let distinct = Set(path.channels)
    for channel in distinct {
      expected[channel, default: 0] += path.conversions / Double(distinct.count)
    }
  }
  for channel in set.channels where expected[channel] == nil { expected[channel] = 0 }
  expectCredits(byChannel(try ShapleyModel().attribute(set)), expected)
}

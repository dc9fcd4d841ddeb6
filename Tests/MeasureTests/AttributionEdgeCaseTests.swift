import Simulation
import Testing
import TestSupport

@testable import Measure

// Every model on the inputs that break naive implementations: each must give the documented
// result or a clear error, never a trap, NaN or infinity.

/// Returns one model of each kind with default parameters, and Markov at every order.
private func allModels() throws -> [any AttributionModel] {
  var models: [any AttributionModel] = [
    FirstTouchModel(), LastTouchModel(), try LastNonDirectTouchModel(), LinearModel(),
    try TimeDecayModel(), try PositionBasedModel(), ShapleyModel(),
    ShapleyModel(characteristic: .conversionRate),
  ]
  for order in 1...MarkovModel.maximumOrder {
    models.append(try MarkovModel(order: order))
    models.append(try MarkovModel(order: order, keepsRepeats: true))
  }
  return models
}

/// Checks that every number of an attribution is finite, and that the credits sum to the
/// attributable totals.
private func expectWellFormed(
  _ attribution: Attribution, sourceLocation: SourceLocation = #_sourceLocation
) {
  let label = attribution.model
  let numbers =
    attribution.conversionCredits + attribution.valueCredits
    + (attribution.conversionShares + attribution.valueShares).compactMap(\.value)
    + (attribution.markov.map { ($0.removalEffects + $0.valueRemovalEffects).compactMap(\.value) }
      ?? [])
    + [attribution.markov?.maximumRelativeResidual ?? 0]
  #expect(numbers.allSatisfy { $0.isFinite }, "\(label): \(numbers)", sourceLocation: sourceLocation)
  let conversions = attribution.conversionCredits.reduce(0, +)
  let value = attribution.valueCredits.reduce(0, +)
  #expect(
    isClose(
      conversions, attribution.attributableConversions, relativeTolerance: 1e-9,
      absoluteTolerance: 1e-9),
    "\(label): credits sum to \(conversions)", sourceLocation: sourceLocation)
  #expect(
    isClose(value, attribution.attributableValue, relativeTolerance: 1e-9, absoluteTolerance: 1e-9),
    "\(label): value credits sum to \(value)", sourceLocation: sourceLocation)
}

private func credits(_ attribution: Attribution) -> [String: Double] {
  Dictionary(uniqueKeysWithValues: zip(attribution.channels, attribution.conversionCredits))
}

@Test func emptyPathIsUnattributed() throws {
  let set = try ConversionPaths([
    ConversionPath(channels: [], conversions: 2, value: 30, nulls: 5),
    ConversionPath(channels: ["a", "b"], conversions: 1, value: 10, nulls: 1),
  ])
  #expect(set.emptyPathCount == 1)
  #expect(set.unattributedConversions == 2)
  #expect(set.unattributedValue == 30)
  #expect(set.attributableConversions == 1)
  #expect(set.attributableNulls == 1)
  for model in try allModels() {
    let attribution = try model.attribute(set)
    expectWellFormed(attribution)
    #expect(attribution.unattributedConversions == 2)
  }
  // The empty path's nulls do not enter the chain: P(conversion) is that of a > b alone.
  let markov = try #require(try MarkovModel().attribute(set).markov)
  #expect(markov.conversionProbability == .defined(0.5))
}

@Test func onlyEmptyPathsCreditNothing() throws {
  let set = try ConversionPaths([ConversionPath(channels: [], conversions: 2, nulls: 1)])
  #expect(set.channels.isEmpty)
  for model in try allModels() {
    let attribution = try model.attribute(set)
    #expect(attribution.conversionCredits.isEmpty)
    #expect(attribution.unattributedConversions == 2)
  }
  let markov = try #require(try MarkovModel().attribute(set).markov)
  #expect(markov.conversionProbability == .undefined(.noPaths))
}

@Test func singleTouchPathsAgreeAcrossModels() throws {
  let set = try ConversionPaths([
    ConversionPath(channels: ["a"], conversions: 3, value: 30, nulls: 7),
    ConversionPath(channels: ["b"], conversions: 1, value: 5, nulls: 1),
    ConversionPath(channels: ["c"], conversions: 0, nulls: 4),
  ])
  // Every model but the rate game credits each channel with its own conversions.
  let models = try allModels().filter {
    ($0 as? ShapleyModel)?.characteristic != .conversionRate
  }
  for model in models {
    let attribution = try model.attribute(set)
    expectWellFormed(attribution)
    let byChannel = credits(attribution)
    for (channel, expected) in ["a": 3.0, "b": 1.0, "c": 0.0] {
      #expect(
        isClose(byChannel[channel] ?? .nan, expected, relativeTolerance: 1e-12),
        "\(model.name): \(channel) has \(byChannel[channel] ?? .nan)")
    }
  }
}

@Test func channelThatNeverConverts() throws {
  // a appears only on a path without conversions, before b.
  let set = try ConversionPaths([
    ConversionPath(channels: ["a", "b"], conversions: 0, nulls: 2),
    ConversionPath(channels: ["b"], conversions: 1, nulls: 1),
  ])
  for model in [FirstTouchModel(), LastTouchModel(), LinearModel()] as [any AttributionModel] {
    #expect(credits(try model.attribute(set))["a"] == 0, "\(model.name)")
  }
  #expect(credits(try ShapleyModel().attribute(set))["a"] == 0)
  // The order-1 chain has no memory of where a walk came from: a leads to b, which converts, so
  // removing a halves P(conversion) (0.25 to 0.125) and a gets 0.5 / 1.5 of the conversion.
  let markov = try MarkovModel().attribute(set)
  #expect(isClose(credits(markov)["a"] ?? 0, 1.0 / 3, relativeTolerance: 1e-12))
  #expect(markov.markov?.removalEffects[0] == .defined(0.5))
  // The rate game gives a negative credit: adding a lowers the rate from 1/2 to 1/4.
  let rate = try ShapleyModel(characteristic: .conversionRate).attribute(set)
  #expect(isClose(credits(rate)["a"] ?? 0, -0.5, relativeTolerance: 1e-12))
}

@Test func channelSeenOnlyOnConvertingPaths() throws {
  let set = try ConversionPaths([
    ConversionPath(channels: ["c"], conversions: 2),
    ConversionPath(channels: ["d", "c"], conversions: 1),
    ConversionPath(channels: ["d"], conversions: 0, nulls: 3),
  ])
  for model in try allModels() {
    expectWellFormed(try model.attribute(set))
  }
  // Every conversion passes through c, so removing c leaves none.
  let markov = try #require(try MarkovModel().attribute(set).markov)
  #expect(markov.removalEffects[0] == .defined(1))
}

@Test func oneChannelGetsEverything() throws {
  let set = try ConversionPaths([
    ConversionPath(channels: ["a", "a", "a"], conversions: 2, value: 8, nulls: 1),
    ConversionPath(channels: ["a"], conversions: 0.5, value: 1, nulls: 4),
  ])
  for model in try allModels() {
    let attribution = try model.attribute(set)
    expectWellFormed(attribution)
    #expect(attribution.channels == ["a"])
    #expect(isClose(attribution.conversionCredits[0], 2.5, relativeTolerance: 1e-12))
    #expect(isClose(attribution.valueCredits[0], 9, relativeTolerance: 1e-12))
    #expect(attribution.conversionShares[0] == .defined(1) || model is ShapleyModel)
  }
}

@Test func zeroConversionsGiveUndefinedShares() throws {
  let set = try ConversionPaths([
    ConversionPath(channels: ["a", "b"], conversions: 0, nulls: 3),
    ConversionPath(channels: ["b"], conversions: 0, nulls: 1),
  ])
  for model in try allModels() {
    let attribution = try model.attribute(set)
    expectWellFormed(attribution)
    #expect(attribution.conversionCredits.allSatisfy { $0 == 0 }, "\(model.name)")
    #expect(attribution.conversionShares.allSatisfy { $0 == .undefined(.noConversions) })
    #expect(attribution.valueShares.allSatisfy { $0 == .undefined(.noValue) })
  }
  let markov = try #require(try MarkovModel().attribute(set).markov)
  #expect(markov.conversionProbability == .defined(0))
  #expect(markov.removalEffects.allSatisfy { $0 == .undefined(.noConversions) })
  #expect(markov.valueRemovalEffects.allSatisfy { $0 == .undefined(.noValue) })
}

@Test func pathOverTenThousandTouches() throws {
  let channels = (0..<20_000).map { ["a", "b", "c", "a", "d"][$0 % 5] }
  let touches = channels.enumerated().map { index, channel in
    // Timestamps across most of the Int64 range: differences overflow Int64.
    Touch(channel: channel, timestamp: Int64.min / 2 + Int64(index) * (Int64.max / 20_000))
  }
  let set = try ConversionPaths([
    ConversionPath(channels: channels, conversions: 1, value: 3, nulls: 2),
    ConversionPath(touches: touches, conversions: 2, value: 4, conversionTime: .max),
    ConversionPath(channels: ["b"], conversions: 1, nulls: 1),
  ])
  for model in try allModels() {
    expectWellFormed(try model.attribute(set))
  }
  let linear = credits(try LinearModel().attribute(set))
  #expect(isClose(linear["a"] ?? 0, 3 * 0.4, relativeTolerance: 1e-12))
  // By position the last touch (d) weighs 1 / (1 + 1/2 + 1/4 + …) ≈ 1/2 on the first path.
  let decay = credits(try TimeDecayModel(halfLife: .days(365)).attribute(set))
  #expect(decay.values.allSatisfy { $0.isFinite })
}

@Test func shapleyRejectsThirteenChannels() throws {
  let names = (1...13).map { "channel\($0)" }
  let set = try ConversionPaths(names.map { ConversionPath(channels: [$0], conversions: 1) })
  #expect(throws: AttributionError.tooManyChannelsForShapley(channels: 13, limit: 12)) {
    try ShapleyModel().attribute(set)
  }
  let message = AttributionError.tooManyChannelsForShapley(channels: 13, limit: 12).description
  #expect(message.contains("at most 12 channels"))
  #expect(message.contains("13"))
  // Twelve is within the limit.
  let twelve = try ConversionPaths(
    names.prefix(12).map { ConversionPath(channels: [$0], conversions: 1) })
  expectWellFormed(try ShapleyModel().attribute(twelve))
}

@Test(arguments: [
  ("negative conversions", ConversionPath(channels: ["a"], conversions: -1)),
  ("NaN nulls", ConversionPath(channels: ["a"], conversions: 1, nulls: .nan)),
  ("infinite value", ConversionPath(channels: ["a"], conversions: 1, value: .infinity)),
  ("value without conversions", ConversionPath(channels: ["a"], conversions: 0, value: 5)),
  ("empty channel name", ConversionPath(channels: ["a", ""], conversions: 1)),
])
func invalidPathIsRejected(_ name: String, _ path: ConversionPath) throws {
  let valid = ConversionPath(channels: ["a"], conversions: 1)
  #expect {
    try ConversionPaths([valid, path])
  } throws: { error in
    guard case .invalidPath(let index, _) = error as? AttributionError else { return false }
    return index == 1
  }
}

@Test func totalsThatOverflowAreRejected() throws {
  #expect(throws: AttributionError.numberOverflow("the total value")) {
    try ConversionPaths([
      ConversionPath(channels: ["a"], conversions: 1, value: .greatestFiniteMagnitude),
      ConversionPath(channels: ["a"], conversions: 1, value: .greatestFiniteMagnitude),
    ])
  }
}

@Test func invalidParametersAreRejected() {
  #expect(throws: AttributionError.self) { try MarkovModel(order: 0) }
  #expect(throws: AttributionError.self) { try MarkovModel(order: 5) }
  #expect(throws: AttributionError.self) { try MarkovModel(tolerance: 0) }
  #expect(throws: AttributionError.self) { try MarkovModel(tolerance: .nan) }
  #expect(throws: AttributionError.self) { try PositionBasedModel(firstShare: 0.7, lastShare: 0.5) }
  #expect(throws: AttributionError.self) { try PositionBasedModel(firstShare: -0.1) }
  #expect(throws: AttributionError.self) { try TimeDecayModel(halfLife: .zero) }
  #expect(throws: AttributionError.self) { try TimeDecayModel(halfLifeInTouches: 0) }
  #expect(throws: AttributionError.self) { try LastNonDirectTouchModel(directChannel: "") }
}

@Test func markovMergesRepeatsUnlessKept() throws {
  let repeated = try ConversionPaths([
    ConversionPath(channels: ["a", "a", "b"], conversions: 1, nulls: 1)
  ])
  let plain = try ConversionPaths([ConversionPath(channels: ["a", "b"], conversions: 1, nulls: 1)])
  let merged = try MarkovModel(order: 2).attribute(repeated)
  let reference = try MarkovModel(order: 2).attribute(plain)
  #expect(merged.conversionCredits == reference.conversionCredits)
  #expect(merged.markov?.stateCount == 1)
  let kept = try MarkovModel(order: 2, keepsRepeats: true).attribute(repeated)
  // (a a) and (a b).
  #expect(kept.markov?.stateCount == 2)
  // At order 1, a kept repeat is a self-loop a → a.
  let loop = try MarkovModel(order: 1, keepsRepeats: true).attribute(repeated)
  #expect(loop.markov?.transitionCount == 5)
  #expect(loop.conversionCredits == reference.conversionCredits)
}

@Test func gmresReportsNonConvergence() throws {
  let cases = try attributionCases()
  let paths = try #require(cases.first).conversionPaths
  let model = try MarkovModel(order: 3, solver: .sparseGMRES, tolerance: 1e-300)
  #expect {
    try model.attribute(paths)
  } throws: { error in
    guard case .solverDidNotConverge(_, let tolerance, let iterations) = error as? AttributionError
    else { return false }
    return tolerance == 1e-300 && iterations == MarkovModel.maximumRestarts
  }
}

@Test func largeChainsUseGMRES() throws {
  // Forty channels in a fixed pseudo-random order give more than 1,000 observed pairs.
  var state: UInt64 = 42
  var channels: [String] = []
  for _ in 0..<4_000 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    channels.append("c\((state >> 33) % 40)")
  }
  let set = try ConversionPaths([
    ConversionPath(channels: channels, conversions: 1, nulls: 1),
    ConversionPath(channels: ["c1", "c2"], conversions: 1, nulls: 1),
  ])
  let automatic = try MarkovModel(order: 2).attribute(set)
  let detail = try #require(automatic.markov)
  #expect(detail.stateCount > MarkovModel.maximumDenseStates)
  #expect(detail.solver == .sparseGMRES)
  #expect(detail.maximumRelativeResidual <= MarkovModel.defaultTolerance * 10)
  expectWellFormed(automatic)
  #expect(throws: AttributionError.self) {
    try MarkovModel(order: 2, solver: .denseLU).attribute(set)
  }
}

@Test(arguments: 0..<40)
func randomPathSetsStayFinite(seed: Int) throws {
  var random = SplitMix64(state: UInt64(seed))
  let channelCount = 1 + random.below(6)
  var paths: [ConversionPath] = []
  for _ in 0..<(1 + random.below(25)) {
    let length = random.below(7)
    let channels = (0..<length).map { _ in "c\(random.below(channelCount))" }
    let touches = channels.map { channel in
      Touch(
        channel: channel,
        timestamp: random.below(3) == 0 ? nil : Int64(random.below(5)) * 3_600_000)
    }
    let conversions = [0, 0, 0.5, 1, 3][random.below(5)]
    let value = conversions > 0 ? Double(random.below(100)) : 0
    paths.append(
      ConversionPath(
        touches: touches, conversions: conversions, value: value,
        nulls: [0, 1, 2.5][random.below(3)]))
  }
  let set = try ConversionPaths(paths)
  for model in try allModels() {
    expectWellFormed(try model.attribute(set))
  }
}

import Foundation
@testable import LoopSim
import Testing
import TestSupport
import Warehouse

// The run side of attribution: touchpoint paths cut from a hand-written warehouse, the
// counterfactual truth, the scoring, and `loopsim run` with an attribution section.

// MARK: Paths from a hand-written warehouse

private let day: Int64 = 86_400_000

/// One row of the `messages` table, with only the columns paths read filled in.
private struct Row {
  var type = "page"
  var event: String? = nil
  var userId: String? = nil
  var anonymousId: String? = nil
  var resolvedUserId: String? = nil
  var time: Int64
  var properties = "{}"
  var context = "{}"
}

private func campaign(_ name: String) -> String {
  "{\"campaign\":{\"name\":\"\(name)\",\"source\":\"google\",\"medium\":\"cpc\"}}"
}

/// Creates a warehouse of four people: one merged from an anonymous id, one whose conversion comes
/// after the conversion window, one never identified, and one with touches after buying.
private func handWrittenWarehouse() throws -> Database {
  let folder = try TestSupport.temporaryDirectory()
  let database = try Database(path: folder.appendingPathComponent("w.sqlite").path)
  try database.execute(ResultsSchema.messages)
  let rows = [
    // u1 browsed anonymously (a1) before signing in; stitching resolved a1 to u1.
    Row(anonymousId: "a1", resolvedUserId: "u1", time: 0, context: campaign("display")),
    Row(anonymousId: "a1", resolvedUserId: "u1", time: day / 2),  // no campaign: no touch
    Row(
      type: "track", event: "Product Viewed", anonymousId: "a1", resolvedUserId: "u1",
      time: day / 2, context: campaign("display")),  // a track call is not a touch
    Row(userId: "u1", resolvedUserId: "u1", time: 2 * day, context: campaign("brand")),
    Row(
      type: "track", event: "Email Link Clicked", userId: "u1", resolvedUserId: "u1",
      time: 3 * day, properties: "{\"campaign_name\":\"abandoned-cart\"}"),
    Row(
      type: "track", event: "Order Completed", userId: "u1", resolvedUserId: "u1",
      time: 4 * day, properties: "{\"revenue\":120}"),
    // u2 buys 20 days after the only touch: outside a 14-day conversion window.
    Row(userId: "u2", resolvedUserId: "u2", time: 0, context: campaign("social")),
    Row(
      type: "track", event: "Order Completed", userId: "u2", resolvedUserId: "u2",
      time: 20 * day, properties: "{\"revenue\":90}"),
    // a3 was never identified.
    Row(anonymousId: "a3", time: day, context: campaign("organic")),
    // u4 buys after one touch and comes back later without buying.
    Row(userId: "u4", resolvedUserId: "u4", time: day, context: campaign("display")),
    Row(
      type: "track", event: "Order Completed", userId: "u4", resolvedUserId: "u4",
      time: 2 * day, properties: "{\"revenue\":90}"),
    Row(type: "screen", userId: "u4", resolvedUserId: "u4", time: 5 * day, context: campaign("brand")),
  ]
  let insert = try database.prepare(
    """
    INSERT INTO messages (message_id, type, event, name, user_id, anonymous_id, previous_id,
      resolved_user_id, timestamp, timestamp_ms, sent_at, received_at, loaded_at, source,
      properties, traits, context)
    VALUES (?, ?, ?, NULL, ?, ?, NULL, ?, '', ?, '', '', '', 'front-end', ?, '{}', ?)
    """)
  for (index, row) in rows.enumerated() {
    try insert.run(binding: [
      "m\(index)", row.type, row.event, row.userId, row.anonymousId, row.resolvedUserId,
      row.time, row.properties, row.context,
    ])
  }
  return database
}

@Test func pathsFromWarehouseFollowIdentityAndWindows() throws {
  let database = try handWrittenWarehouse()
  let paths = try TouchpointPaths(
    database: database, lookback: 30 * day, conversionWindow: 14 * day, end: 30 * day)
  #expect(
    paths.csv == """
      path,total_conversions,total_conversion_value,total_null
      brand,0,0,1
      display,1,90,0
      display > brand > abandoned-cart,1,120,0
      organic,0,0,1
      social,0,0,1

      """)
  let unattributed = paths.paths.filter { $0.touches.isEmpty }
  #expect(unattributed.count == 1)
  #expect(unattributed.first?.conversions == 1)
  #expect(unattributed.first?.value == 90)
  #expect(paths.distinctPathCount == 5)
  let timed = try #require(paths.paths.first { $0.channels.count == 3 })
  #expect(timed.touches.map(\.timestamp) == [0, 2 * day, 3 * day])
  #expect(timed.conversionTime == 4 * day)
}

@Test func pathsLookbackDropsOldTouches() throws {
  let database = try handWrittenWarehouse()
  let paths = try TouchpointPaths(
    database: database, lookback: 3 * day, conversionWindow: 30 * day, end: 30 * day)
  let rows = paths.csv.split(separator: "\n").map(String.init)
  // u1's display touch is 4 days before the order, so it drops out. u2's touch is 20 days
  // before the order, so the order is unattributed and leaves no null path. The trailing
  // touches of a3 and u4 are more than 3 days before the end of the run.
  #expect(
    rows == [
      "path,total_conversions,total_conversion_value,total_null",
      "brand > abandoned-cart,1,120,0",
      "display,1,90,0",
    ])
  #expect(paths.paths.filter { $0.touches.isEmpty }.count == 1)
}

@Test func pathsWithoutEventsAreEmpty() {
  let paths = TouchpointPaths(events: [], lookback: day, conversionWindow: day, end: day)
  #expect(paths.paths.isEmpty)
  #expect(paths.csv == "path,total_conversions,total_conversion_value,total_null\n")
}

@Test func pathsQuoteChannelsWithCommas() {
  let events = [
    TouchpointPaths.Event(person: "p", time: 0, kind: .touch("a,b")),
    TouchpointPaths.Event(person: "p", time: 1, kind: .conversion(value: 2.5)),
  ]
  let paths = TouchpointPaths(events: events, lookback: day, conversionWindow: day, end: day)
  #expect(paths.csv.hasSuffix("\"a,b\",1,2.5,0\n"))
}

// MARK: Truth and scoring by hand

@Test func truthFromHandCountedPasses() {
  // v(∅) = 1, v({a}) = 5, v({b}) = 3, v({a, b}) = 10.
  let truth = AttributionTruth(
    channels: ["a", "b"], values: [1, 5, 3, 10], factual: [2, 0, 1],
    removals: [[1, 0, 1], [2, 0, 0]])
  #expect(truth.removalLosses == [7, 5])
  #expect(truth.removalShares == [7.0 / 12, 5.0 / 12])
  // φa = ½ (5 − 1) + ½ (10 − 3) = 5.5; φb = ½ (3 − 1) + ½ (10 − 5) = 3.5.
  #expect(truth.shapleyValues == [5.5, 3.5])
  #expect(truth.shapleyShares == [5.5 / 9, 3.5 / 9])
  #expect(
    truth.customers == [
      .init(customer: 0, conversions: 2, incrementalChannels: [0], neverIncremental: 1),
      .init(customer: 2, conversions: 1, incrementalChannels: [1], neverIncremental: 0),
    ])
  #expect(truth.neverIncrementalShare == 1.0 / 3)
}

@Test func truthOfAdditiveGameShapleyEqualsRemoval() {
  // Three channels whose conversions add up: v(S) = Σ over S of (4, 0, 6).
  let own = [4, 0, 6]
  let values = (0..<8).map { mask in (0..<3).filter { mask & (1 << $0) != 0 }.map { own[$0] }.reduce(0, +) }
  let truth = AttributionTruth(
    channels: ["a", "b", "c"], values: values, factual: [], removals: [[], [], []])
  #expect(truth.removalLosses == own)
  #expect(truth.shapleyValues == own.map(Double.init))
  #expect(truth.removalShares == truth.shapleyShares)
}

@Test func truthWithoutLossesIsUndefined() {
  let truth = AttributionTruth(
    channels: ["a"], values: [3, 3], factual: [3], removals: [[3]])
  #expect(truth.removalShares == nil)
  #expect(truth.shapleyShares == nil)
  #expect(truth.neverIncrementalShare == 1)
}

@Test func scoreMeanAbsoluteErrorByHand() {
  let error = AttributionScore.meanAbsoluteError([0.5, 0.3, 0.2], [0.4, 0.4, 0.2])
  #expect(abs(error - 0.2 / 3) < 1e-15)
}

@Test func scoreSpearmanByHand() throws {
  #expect(AttributionScore.spearman([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]) == -1)
  #expect(AttributionScore.spearman([0.1, 0.2, 0.3], [1, 5, 9]) == 1)
  // Ties take their mean rank: x ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4, so
  // rho = 4.5 / √(4.5 × 5) = 0.9486832980505138.
  #expect(AttributionScore.ranks([1, 2, 2, 3]) == [1, 2.5, 2.5, 4])
  let rho = try #require(AttributionScore.spearman([1, 2, 2, 3], [1, 2, 3, 4]))
  #expect(abs(rho - 0.9486832980505138) < 1e-15)
}

@Test func scoreSpearmanUndefinedForConstantOrSingle() {
  #expect(AttributionScore.spearman([0.5, 0.5], [0.1, 0.9]) == nil)
  #expect(AttributionScore.spearman([1], [1]) == nil)
  let fit = AttributionScore.Fit(credited: [0.5, 0.5], truth: nil)
  #expect(fit.meanAbsoluteError == nil)
  #expect(fit.spearman == nil)
}

// MARK: Runs with an attribution section

/// Writes a small scenario on top of the flagship in which the email has no effect, with
/// `channels` as its channels, and returns its path.
private func attributionScenario(channels: String) throws -> String {
  let folder = try TestSupport.temporaryDirectory()
  let path = folder.appendingPathComponent("attribution.json5").path
  let text = """
    {
      extends: "\(TestSupport.flagshipScenario)",
      name: "attribution-test",
      run: { customers: 400, duration: "21d", arrivalWindow: "14d" },
      channels: [\(channels)],
      behaviour: {
        visits: { ratePerWeek: 1, classPage: { probability: 0.3, delay: "5m" } },
        emailReturn: { irrelevantProbability: 0, relevantProbability: 0 },
      },
      attribution: { models: ["first", "last", "linear", "markov", "shapley"] },
    }
    """
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

/// Runs `scenario` and returns the folder, the process result and summary.json's
/// `attribution` object.
private func runAttribution(_ scenario: String, extra: [String] = []) throws
  -> (URL, TestSupport.ProcessResult, [String: Any]?)
{
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    ["run", scenario, "--out", output.path, "--quiet", "--json"] + extra)
  let summary = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
  return (output, result, (summary as? [String: Any])?["attribution"] as? [String: Any])
}

/// Returns the truth's channels by name: removal loss, removal share and Shapley value.
private func truthChannels(_ attribution: [String: Any]) throws -> [String: [String: Any]] {
  let truth = try #require(attribution["truth"] as? [String: Any])
  let channels = try #require(truth["channels"] as? [[String: Any]])
  var byName: [String: [String: Any]] = [:]
  for channel in channels {
    byName[try #require(channel["channel"] as? String)] = channel
  }
  return byName
}

@Test func removalTruthSeparatesAllAndNoEffect() throws {
  let scenario = try attributionScenario(
    channels: """
      { name: "ads", kind: "paid-display", reach: 1, clickThrough: 0.4 },
      { name: "brand", kind: "search", reach: 0, clickThrough: 0, visitShare: 0.5 },
      """)
  let (_, result, attribution) = try runAttribution(scenario)
  #expect(result.status == 0, "\(result.standardError)")
  let channels = try truthChannels(try #require(attribution))
  let truth = try #require(attribution?["truth"] as? [String: Any])
  let conversions = try #require(truth["conversions"] as? Int)
  #expect(conversions > 20)
  #expect(truth["conversionsWithAllChannelsOff"] as? Int == 0)
  // Without the ad no customer arrives; the brand visits and the email change nothing.
  #expect(channels["ads"]?["removalLoss"] as? Int == conversions)
  #expect(channels["ads"]?["removalShare"] as? Double == 1)
  #expect(channels["brand"]?["removalLoss"] as? Int == 0)
  #expect(channels["brand"]?["removalShare"] as? Double == 0)
  #expect(channels["abandoned-cart"]?["removalLoss"] as? Int == 0)
  #expect(channels["ads"]?["shapleyShare"] as? Double == 1)
  #expect(truth["passes"] as? Int == 8)
}

@Test func shapleyTruthEqualsRemovalForAdditiveChannels() throws {
  // Two acquisition channels reach disjoint customers, and the brand visits and the email
  // have no effect, so every channel's effect adds up.
  let scenario = try attributionScenario(
    channels: """
      { name: "display", kind: "paid-display", reach: 0.5, clickThrough: 0.4 },
      { name: "social", kind: "paid-social", reach: 0.5, clickThrough: 0.3 },
      { name: "brand", kind: "search", reach: 0, clickThrough: 0, visitShare: 0.5 },
      """)
  let (_, result, attribution) = try runAttribution(scenario)
  #expect(result.status == 0, "\(result.standardError)")
  let channels = try truthChannels(try #require(attribution))
  for name in ["display", "social", "brand", "abandoned-cart"] {
    let loss = try #require(channels[name]?["removalLoss"] as? Int)
    let shapley = try #require(channels[name]?["shapleyValue"] as? Double)
    // The Shapley sum runs over 2^4 weighted differences, so it matches to rounding.
    #expect(abs(Double(loss) - shapley) < 1e-9, "\(name)")
    let removalShare = try #require(channels[name]?["removalShare"] as? Double)
    let shapleyShare = try #require(channels[name]?["shapleyShare"] as? Double)
    #expect(abs(removalShare - shapleyShare) < 1e-12, "\(name)")
  }
  #expect((channels["display"]?["removalLoss"] as? Int ?? 0) > 0)
  #expect((channels["social"]?["removalLoss"] as? Int ?? 0) > 0)
}

@Test func shapleyLimitErrorNamesOption() throws {
  let scenario = try attributionScenario(
    channels: """
      { name: "display", kind: "paid-display", reach: 0.5, clickThrough: 0.4 },
      { name: "social", kind: "paid-social", reach: 0.5, clickThrough: 0.3 },
      """)
  let (output, result, _) = try runAttribution(
    scenario, extra: ["--set", "attribution.shapleyLimit=2"])
  #expect(result.status == 2)
  #expect(result.standardError.contains("attribution.shapleyLimit"))
  #expect(result.standardError.contains("raise attribution.shapleyLimit to 3"))
  #expect(!FileManager.default.fileExists(atPath: output.path))
}

@Test func attributionSectionIsDeterministic() throws {
  let scenario = try attributionScenario(
    channels: """
      { name: "display", kind: "paid-display", reach: 0.6, clickThrough: 0.4 },
      { name: "organic", kind: "organic", reach: 0.4, clickThrough: 0.5, arrivesAnyway: 0.3 },
      { name: "retargeting", kind: "paid-display", reach: 0, clickThrough: 0, visitShare: 0.3, visitEffect: 3 },
      """)
  let (first, firstResult, firstAttribution) = try runAttribution(scenario)
  let (second, secondResult, _) = try runAttribution(scenario)
  #expect(firstResult.status == 0, "\(firstResult.standardError)")
  #expect(firstResult.standardOutput == secondResult.standardOutput)
  let firstPaths = try String(
    contentsOf: first.appendingPathComponent("paths.csv"), encoding: .utf8)
  let secondPaths = try String(
    contentsOf: second.appendingPathComponent("paths.csv"), encoding: .utf8)
  #expect(firstPaths == secondPaths)
  #expect(firstPaths.hasPrefix("path,total_conversions,total_conversion_value,total_null\n"))
  #expect(firstPaths.contains("retargeting"))

  for folder in [first, second] {
    let database = try Database(
      path: folder.appendingPathComponent("results.sqlite").path, mode: .readOnly)
    let rows = try database.mapRows("SELECT COUNT(*) FROM attributions") { try $0.int(at: 0) }
    #expect(rows == [5 * 4])
    let scores = try database.mapRows("SELECT COUNT(*) FROM attribution_scores") {
      try $0.int(at: 0)
    }
    #expect(scores == [5 * 2])
  }
  let models = try #require(firstAttribution?["models"] as? [[String: Any]])
  #expect(models.map { $0["model"] as? String } == ["first", "last", "linear", "markov", "shapley"])
}

@Test func benchmarkSeparatesModels() throws {
  let scenario = TestSupport.repositoryRoot
    .appendingPathComponent("Scenarios/attribution-benchmark.json5").path
  let (_, result, attribution) = try runAttribution(scenario, extra: ["--customers", "1000"])
  #expect(result.status == 0, "\(result.standardError)")
  let channels = try truthChannels(try #require(attribution))
  // Brand search is never incremental, and paid display is the largest true contributor.
  #expect(channels["brand-search"]?["removalLoss"] as? Int == 0)
  let display = try #require(channels["paid-display"]?["removalShare"] as? Double)
  #expect(display > 0.25)
  let models = try #require(attribution?["models"] as? [[String: Any]])
  func share(_ model: String, _ channel: String) throws -> Double {
    let entry = try #require(models.first { $0["model"] as? String == model })
    let rows = try #require(entry["channels"] as? [[String: Any]])
    return try #require(rows.first { $0["channel"] as? String == channel }?["share"] as? Double)
  }
  // Last touch credits the closer that does nothing and under-credits the upper funnel.
  #expect(try share("last", "brand-search") > 0.05)
  #expect(try share("last", "paid-display") < display)
  #expect(try share("first", "brand-search") < share("last", "brand-search"))
}

/// A channel or attribution setting that the loader rejects, with text its error contains.
struct InvalidAttributionCase: Sendable, CustomStringConvertible {
  let description: String
  let channels: String
  let extra: String
  let expected: String
}

private let invalidAttributionCases = [
  InvalidAttributionCase(
    description: "arrivesAnyway above clickThrough",
    channels: #"{ name: "ads", kind: "paid-display", reach: 1, clickThrough: 0.2, arrivesAnyway: 0.3 },"#,
    extra: "", expected: "set arrivesAnyway to at most clickThrough"),
  InvalidAttributionCase(
    description: "visit shares above 1",
    channels: """
      { name: "ads", kind: "paid-display", reach: 1, clickThrough: 0.2, visitShare: 0.7 },
      { name: "brand", kind: "search", reach: 0, clickThrough: 0, visitShare: 0.5 },
      """,
    extra: "", expected: "the visit shares of all channels sum to 1.2, more than 1"),
  InvalidAttributionCase(
    description: "channel named after the workflow",
    channels: #"{ name: "abandoned-cart", kind: "paid-display", reach: 1, clickThrough: 0.2 },"#,
    extra: "", expected: "has the workflow's name"),
  InvalidAttributionCase(
    description: "position weights above 1",
    channels: #"{ name: "ads", kind: "paid-display", reach: 1, clickThrough: 0.2 },"#,
    extra: #"attribution: { positionWeights: { first: 0.7, last: 0.5 } },"#,
    expected: "the first and last shares sum to more than 1"),
]

@Test(arguments: invalidAttributionCases)
func attributionInputRejected(_ invalid: InvalidAttributionCase) throws {
  let scenario = try attributionScenario(channels: invalid.channels)
  var text = try String(contentsOfFile: scenario, encoding: .utf8)
  if !invalid.extra.isEmpty {
    // A later duplicate key would be ambiguous, so the case replaces the section.
    text = text.replacingOccurrences(
      of: #"attribution: { models: ["first", "last", "linear", "markov", "shapley"] },"#,
      with: invalid.extra)
    try text.write(toFile: scenario, atomically: true, encoding: .utf8)
  }
  let result = try TestSupport.runLoopSim(["validate", scenario])
  #expect(result.status == 2)
  #expect(result.standardError.contains(invalid.expected), "\(result.standardError)")
}

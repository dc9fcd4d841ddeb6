import Config
import Foundation
import LoopSim
import Testing
import TestSupport

/// Writes random scenarios whose every value lies inside the documented ranges, as
/// JSON5 that extends the flagship and replaces most of its sections.
private struct ScenarioGenerator {
  var random: SplitMix64

  init(seed: UInt64) {
    random = SplitMix64(state: seed)
  }

  mutating func probability() -> String { String(format: "%.3f", Double.random(in: 0...1, using: &random)) }

  mutating func minutes(_ range: ClosedRange<Int>) -> String {
    "\"\(Int.random(in: range, using: &random))m\""
  }

  /// Shares in hundredths that add up to exactly 1.
  mutating func shares(_ count: Int) -> [String] {
    var cuts = (0..<(count - 1)).map { _ in Int.random(in: 0...100, using: &random) }.sorted()
    cuts = [0] + cuts + [100]
    return (0..<count).map { String(format: "%.2f", Double(cuts[$0 + 1] - cuts[$0]) / 100) }
  }

  mutating func distribution() -> String {
    switch Int.random(in: 0..<6, using: &random) {
    case 0: return "{ fixed: \(minutes(0...600)) }"
    case 1: return "{ exponential: { mean: \(minutes(1...600)) } }"
    case 2:
      return "{ lognormal: { median: \(minutes(1...600)), sigma: \(String(format: "%.2f", Double.random(in: 0...2, using: &random))) } }"
    case 3:
      return "{ gamma: { shape: \(String(format: "%.2f", Double.random(in: 0.5...5, using: &random))), mean: \(minutes(1...600)) } }"
    case 4:
      let low = Int.random(in: 0...300, using: &random)
      return "{ uniform: { min: \"\(low)m\", max: \"\(low + Int.random(in: 0...300, using: &random))m\" } }"
    default:
      return "{ empirical: { values: [\(minutes(0...60)), \(minutes(60...600))], weights: [\(Int.random(in: 1...5, using: &random)), \(Int.random(in: 0...5, using: &random))] } }"
    }
  }

  mutating func step() -> String {
    "{ probability: \(probability()), delay: \(distribution()) }"
  }

  mutating func scenario(name: String) -> String {
    let kinds = ["paid-display", "paid-social", "search", "referral", "organic", "direct"]
    let reach = shares(2)
    let segmentShares = shares(3)
    let strategies = ["watched-classes", "abandoned-only", "same-category", "catalog-picks"]
    let armCount = Int.random(in: 1...3, using: &random)
    let armShares = shares(armCount + 1)
    let arms = (0..<armCount).map { index in
      "{ name: \"arm-\(index)\", strategy: \"\(strategies.randomElement(using: &random)!)\", "
        + "share: \(armShares[index + 1]), listedClasses: \(Int.random(in: 0...10, using: &random)) }"
    }.joined(separator: ", ")
    let prePeriod = Int.random(in: 0...3, using: &random)
    let duration = Int.random(in: 1...10, using: &random)
    let outageStart = Int.random(in: 0...240, using: &random)
    let window = Bool.random(using: &random) ? "window: \(minutes(60...20_000))," : ""
    let batch = Bool.random(using: &random) ? "batchWindow: \(minutes(1...1_440))," : ""
    let segmentNames = ["new-visitor", "free-trial", "lapsed-subscriber"]
    let segments = (0..<3).map { index in
      "{ name: \"\(segmentNames[index])\", share: \(segmentShares[index]), "
        + "interests: { cooking: \(Int.random(in: 1...5, using: &random)), writing: \(Int.random(in: 0...5, using: &random)), "
        + "music: \(Int.random(in: 0...5, using: &random)), film: \(Int.random(in: 0...5, using: &random)) }, "
        + "priceSensitivity: \(String(format: "%.2f", Double.random(in: 0...3, using: &random))), "
        + "emailResponsiveness: \(String(format: "%.2f", Double.random(in: 0...3, using: &random))) }"
    }.joined(separator: ",\n      ")

    return """
      {
        extends: "\(TestSupport.flagshipScenario)",
        name: "\(name)",
        run: {
          seed: \(UInt64.random(in: 0...UInt64.max, using: &random)),
          customers: \(Int.random(in: 100...800, using: &random)),
          prePeriod: "\(prePeriod)d", duration: "\(duration)d",
          arrivalWindow: "\(Int.random(in: 1...(prePeriod + duration), using: &random))d",
          timeZones: [
            { name: "America/New_York", offset: "-05:00", share: 0.5 },
            { name: "Asia/Kolkata", offset: "+05:30", share: 0.5 },
          ],
        },
        population: { segments: [
            \(segments)
        ] },
        channels: [
          { name: "first", kind: "\(kinds.randomElement(using: &random)!)", reach: \(reach[0]), clickThrough: \(probability()) },
          { name: "second", kind: "\(kinds.randomElement(using: &random)!)", reach: \(reach[1]), clickThrough: \(probability()), promotes: ["jazz-piano", "memoir"] },
        ],
        behaviour: {
          trailer: { delay: \(distribution()) },
          classPage: \(step()),
          browse: { meanClasses: \(Int.random(in: 0...6, using: &random)), delay: \(distribution()) },
          addToCart: \(step()),
          checkout: \(step()),
          organicReturn: \(step()),
          emailReturn: { irrelevantProbability: \(probability()), relevantProbability: \(probability()), delay: \(distribution()), classAppeal: \(probability()) },
          touchEffects: { trailer: \(Int.random(in: 0...3, using: &random)), emailOpen: \(Int.random(in: 0...3, using: &random)), relevanceWeight: \(probability()) },
        },
        pipeline: {
          client: { duplicateRate: \(String(format: "%.2f", Double.random(in: 0...0.3, using: &random))), invalidRate: \(String(format: "%.2f", Double.random(in: 0...0.3, using: &random))) },
          destinations: {
            analytics: { latency: \(distribution()) },
            warehouse: {
              latency: \(distribution()), \(batch)
              outages: [{ start: "\(outageStart)h", end: "\(outageStart + Int.random(in: 1...48, using: &random))h" }],
              retry: { maxAttempts: \(Int.random(in: 1...5, using: &random)), backoff: \(minutes(1...120)) },
            },
          },
        },
        experiment: { arms: [\(arms)], holdout: \(armShares[0]), globalControl: \(String(format: "%.2f", Double.random(in: 0...0.3, using: &random))) },
        workflows: [{
          name: "abandoned-cart", trigger: { event: "Product Added" },
          steps: [{ wait: \(minutes(0...2_880)) }, { exitIf: "purchased-trigger-class" }, { exitIf: "no-email-consent" },
                  { split: "experiment" }, { sendEmail: { template: "abandoned-cart" } }],
        }],
        email: { deliverability: \(probability()), deliveryDelay: \(distribution()), open: \(step()), click: \(step()) },
        measurement: { conversion: { product: "\(Bool.random(using: &random) ? "any" : "trigger-class")" }, \(window) metrics: ["conversionRate", "revenuePerCustomer"] },
      }
      """
  }
}

/// Random scenarios inside the documented ranges always load: the ranges the reference
/// states are the ones the loader accepts. Seeds are fixed, so failures reproduce.
@Test func randomValidScenariosLoad() throws {
  let folder = try TestSupport.temporaryDirectory()
  for seed in 0..<150 {
    var generator = ScenarioGenerator(seed: UInt64(seed))
    let file = folder.appendingPathComponent("random-\(seed).json5")
    try generator.scenario(name: "random-\(seed)").write(to: file, atomically: true, encoding: .utf8)
    do {
      let scenario = try ScenarioLoader.load(path: file.path)
      #expect(scenario.name == "random-\(seed)")
    } catch {
      Issue.record("seed \(seed) was rejected: \(error)")
    }
  }
}

/// Random valid scenarios run to the end without a crash, and their counts reconcile.
@Test(arguments: 0..<10)
func randomValidScenarioRuns(seed: Int) throws {
  let folder = try TestSupport.temporaryDirectory()
  var generator = ScenarioGenerator(seed: UInt64(1_000 + seed))
  let file = folder.appendingPathComponent("random.json5")
  try generator.scenario(name: "random-run-\(seed)").write(to: file, atomically: true, encoding: .utf8)
  let output = folder.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    ["run", file.path, "--out", output.path, "--quiet", "--json"])
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  let messages = try #require(summary["messages"] as? [String: Any])
  let emitted = try #require(messages["emitted"] as? Int)
  let parts = ["accepted", "quarantined", "dropped"].compactMap { messages[$0] as? Int }
  #expect(emitted == parts.reduce(0, +))
  let destinations = try #require(messages["destinations"] as? [String: [String: Int]])
  for (name, counts) in destinations {
    let routed = counts["routed"] ?? -1
    let parts = ["delivered", "filtered", "deadLettered"].compactMap { counts[$0] }
    #expect(routed == parts.reduce(0, +), "\(name) does not reconcile")
  }
}

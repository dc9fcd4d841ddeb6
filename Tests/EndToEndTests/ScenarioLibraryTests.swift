import Config
import Foundation
import LoopSim
import Testing
import TestSupport

/// Every scenario file of the whole loop in the library, by path. The reference funnel,
/// which runs without the pipeline, has its own tests.
private let libraryScenarios: [String] = {
  let folder = TestSupport.repositoryRoot.appendingPathComponent("Scenarios")
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { $0.hasSuffix(".json5") && $0 != "reference-funnel.json5" }.sorted()
    .map { folder.appendingPathComponent($0).path }
}()

@Test func libraryHasScenarios() {
  #expect(libraryScenarios.count >= 3)
}

@Test(arguments: libraryScenarios)
func libraryScenarioValidates(path: String) throws {
  let scenario = try ScenarioLoader.load(path: path)
  #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
  let text = try String(contentsOfFile: path, encoding: .utf8)
  #expect(text.hasPrefix("//"), "a library scenario starts with a comment saying its question")
}

/// Each library scenario runs as is at a small customer count, and its counts reconcile.
@Test(arguments: libraryScenarios)
func libraryScenarioRuns(path: String) throws {
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  let result = try TestSupport.runLoopSim([
    "run", path, "--customers", "1500", "--out", output.path, "--quiet", "--json",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  let messages = try #require(summary["messages"] as? [String: Any])
  let emitted = try #require(messages["emitted"] as? Int)
  let parts = ["accepted", "quarantined", "dropped"].compactMap { messages[$0] as? Int }
  #expect(emitted == parts.reduce(0, +))
}

/// Resolving a scenario and reading the result again gives the same scenario: the
/// resolved text is a complete scenario with every default written out.
@Test(arguments: libraryScenarios)
func resolveRoundTrips(path: String) throws {
  let scenario = try ScenarioLoader.load(path: path)
  let tree = try JSON5.parse(scenario.resolvedJSON, file: path + ".resolved")
  let again = try ScenarioLoader.validate(tree, file: path + ".resolved")
  #expect(again.resolvedJSON == scenario.resolvedJSON)
  #expect(again.sha256 == scenario.sha256)
}

@Test func resolveIncludesOverridesAndDefaults() throws {
  let overrides = try [
    ConfigOverride(parsing: "run.customers=1234"),
    ConfigOverride(parsing: "workflows[0].steps[0].wait=3h"),
  ]
  let scenario = try ScenarioLoader.load(
    path: TestSupport.flagshipScenario, overrides: overrides)
  let resolved = try #require(
    JSONSerialization.jsonObject(with: Data(scenario.resolvedJSON.utf8)) as? [String: Any])
  let run = try #require(resolved["run"] as? [String: Any])
  #expect(run["customers"] as? Int == 1234)
  #expect(run["prePeriod"] as? String == "0ms", "a default is written out")
  let workflow = try #require((resolved["workflows"] as? [[String: Any]])?.first)
  let steps = try #require(workflow["steps"] as? [[String: Any]])
  #expect(steps.first?["wait"] as? String == "3h")
  let plain = try ScenarioLoader.load(path: TestSupport.flagshipScenario)
  #expect(plain.sha256 != scenario.sha256)
}

/// `extends` merges objects key by key and replaces arrays, and the child wins.
@Test func extendsMergesObjectsAndReplacesArrays() throws {
  let folder = try TestSupport.temporaryDirectory()
  let child = folder.appendingPathComponent("child.json5")
  try """
  {
    extends: "\(TestSupport.flagshipScenario)",
    name: "child",
    run: { customers: 77 },
    experiment: { arms: [{ name: "only", strategy: "abandoned-only", share: 0.5 }], holdout: 0.5 },
    behaviour: {
      trailer: { delay: { fixed: "5m" } },
      classPage: { delay: { exponential: { mean: "3h" } } },
    },
  }
  """.write(to: child, atomically: true, encoding: .utf8)
  let scenario = try ScenarioLoader.load(path: child.path)
  let base = try ScenarioLoader.load(path: TestSupport.flagshipScenario)
  #expect(scenario.name == "child")
  #expect(scenario.run.customers == 77)
  #expect(scenario.run.seed == base.run.seed, "fields the child does not name come from the base")
  #expect(scenario.engage.experiment?.arms.map(\.name) == ["only"], "arrays are replaced")
  #expect(scenario.catalog.count == base.catalog.count)
  #expect(
    scenario.behaviour.trailer.delay == .fixed(.minutes(5)),
    "a distribution of another kind replaces the base's whole")
  #expect(scenario.behaviour.classPage.delay == .exponential(mean: .hours(3)))
  #expect(
    scenario.behaviour.classPage.probability == base.behaviour.classPage.probability,
    "the same kind merges, so the probability beside it stays")
}

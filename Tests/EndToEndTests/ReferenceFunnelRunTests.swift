import Foundation
import LoopSim
import Testing
import TestSupport

private var funnelScenario: String {
  TestSupport.repositoryRoot.appendingPathComponent("Scenarios/reference-funnel.json5").path
}

@Test func funnelScenarioValidates() throws {
  let result = try TestSupport.runLoopSim(["validate", funnelScenario])
  #expect(result.status == 0, "\(result.standardError)")
  #expect(result.standardOutput.contains("valid (scenario reference-funnel"))
  let text = try String(contentsOfFile: funnelScenario, encoding: .utf8)
  #expect(text.hasPrefix("//"), "a library scenario starts with a comment saying its question")
}

/// Two runs with the same seed write byte-identical summaries, whose counts add up.
@Test func funnelRunIsByteIdentical() throws {
  let folder = try TestSupport.temporaryDirectory()
  var summaries: [Data] = []
  for name in ["first", "second"] {
    let output = folder.appendingPathComponent(name)
    let result = try TestSupport.runLoopSim([
      "run", funnelScenario, "--customers", "5000", "--out", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("Lift"))
    summaries.append(try Data(contentsOf: output.appendingPathComponent("summary.json")))
    #expect(
      !FileManager.default.fileExists(
        atPath: output.appendingPathComponent("results.sqlite").path),
      "the warehouse is off, so no results.sqlite")
  }
  #expect(summaries[0] == summaries[1])

  let summary = try #require(
    JSONSerialization.jsonObject(with: summaries[0]) as? [String: Any])
  #expect(summary["model"] as? String == "reference-funnel")
  #expect(summary["customers"] as? Int == 5000)
  let steps = try #require(summary["eventsByStep"] as? [String: Int])
  #expect(steps["arrival"] == 5000)
  #expect(summary["events"] as? Int == steps.values.reduce(0, +))
}

/// Runs on two and three threads write the same summary as a run on one.
@Test func funnelJobsWriteTheSameSummary() throws {
  let folder = try TestSupport.temporaryDirectory()
  var summaries: [Data] = []
  for jobs in ["1", "2", "3"] {
    let output = folder.appendingPathComponent("jobs-\(jobs)")
    let result = try TestSupport.runLoopSim([
      "run", funnelScenario, "--customers", "7000", "--jobs", jobs, "--out", output.path,
      "--quiet",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    summaries.append(try Data(contentsOf: output.appendingPathComponent("summary.json")))
  }
  #expect(summaries[1] == summaries[0])
  #expect(summaries[2] == summaries[0])
}

@Test func funnelScenarioResolvesWithItsModel() throws {
  let result = try TestSupport.runLoopSim(["resolve", funnelScenario, "--customers", "42"])
  #expect(result.status == 0, "\(result.standardError)")
  let resolved = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  #expect(resolved["model"] as? String == "reference-funnel")
  #expect((resolved["run"] as? [String: Any])?["customers"] as? Int == 42)
}

struct FunnelInputCase: CustomTestStringConvertible, Sendable {
  let name: String
  let arguments: [String]
  let expected: String
  var testDescription: String { name }
}

@Test(arguments: [
  FunnelInputCase(
    name: "misspelt model", arguments: ["--set", "model=reference-funel"],
    expected: "did you mean \"reference-funnel\""),
  FunnelInputCase(
    name: "loop section", arguments: ["--set", "pipeline={}"],
    expected: "a reference-funnel scenario has no pipeline section"),
  FunnelInputCase(
    name: "probability", arguments: ["--set", "funnel.emailOpen.probability=1.5"],
    expected: "funnel.emailOpen.probability"),
  FunnelInputCase(
    name: "arrival window", arguments: ["--set", "run.arrivalWindow=200d"],
    expected: "arrival window longer than the run"),
  FunnelInputCase(
    name: "duplicate channel", arguments: ["--set", "funnel.channels=[\"a\",\"a\"]"],
    expected: "duplicate channel name"),
  FunnelInputCase(
    name: "replicates", arguments: ["--replicates", "3"],
    expected: "--replicates applies only to scenarios of the whole loop"),
  FunnelInputCase(
    name: "zero jobs", arguments: ["--jobs", "0"],
    expected: "invalid value '0' for '--jobs': expected an integer from 1 to 1024"),
  FunnelInputCase(
    name: "shards", arguments: ["--shards", "2"],
    expected: "--shards applies only to scenarios of the whole loop"),
])
func funnelBadInput(_ input: FunnelInputCase) throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    ["run", funnelScenario, "--out", output.path, "--quiet"] + input.arguments)
  #expect(result.status == 2)
  #expect(result.standardError.contains(input.expected), "\(result.standardError)")
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

/// A command that needs the whole loop names the model field when given the funnel.
@Test func loopLoaderRejectsFunnelScenario() throws {
  #expect(throws: (any Error).self) { try ScenarioLoader.load(path: funnelScenario) }
  do {
    _ = try ScenarioLoader.load(path: funnelScenario)
  } catch {
    #expect("\(error)".contains("this command needs a scenario of the whole loop"))
  }
}

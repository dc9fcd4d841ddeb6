import Foundation
import LoopSim
import Testing
import TestSupport

/// Every loop scenario of the library with its baseline path: Scenarios/NAME.json5 is
/// checked against Results/baselines/NAME.json. The reference funnel has no warehouse or
/// lift to check; the benchmark checks its numbers instead.
private let scenariosWithBaselines: [String] = {
  let folder = TestSupport.repositoryRoot.appendingPathComponent("Scenarios")
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { $0.hasSuffix(".json5") && $0 != "reference-funnel.json5" }.sorted()
}()

private func baselinePath(for scenarioFile: String) -> String {
  let name = String(scenarioFile.dropLast(".json5".count))
  return TestSupport.repositoryRoot.appendingPathComponent("Results/baselines/\(name).json").path
}

private func scenarioPath(_ file: String) -> String {
  TestSupport.repositoryRoot.appendingPathComponent("Scenarios/\(file)").path
}

@Test(arguments: scenariosWithBaselines)
func libraryScenarioHasBaseline(file: String) throws {
  let path = baselinePath(for: file)
  #expect(
    FileManager.default.fileExists(atPath: path),
    "no baseline for Scenarios/\(file); run `make baselines` and commit Results/baselines/")
  let baseline = try Baseline.read(path: path)
  let scenario = try ScenarioLoader.load(path: scenarioPath(file))
  #expect(baseline.scenario == scenario.name)
  #expect(baseline.customers <= 10_000, "a baseline small enough for make test")
  #expect(!baseline.metrics.isEmpty)
}

/// The check of each library scenario against its own baseline passes, and its JUnit file
/// has one test case per metric.
@Test(arguments: scenariosWithBaselines)
func libraryScenarioPassesCheck(file: String) throws {
  let path = baselinePath(for: file)
  try #require(FileManager.default.fileExists(atPath: path), "no baseline for \(file)")
  let folder = try TestSupport.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let junit = folder.appendingPathComponent("check.xml").path

  let result = try TestSupport.runLoopSim([
    "check", scenarioPath(file), "--baseline", path, "--junit", junit, "--quiet",
  ])
  #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
  #expect(result.standardOutput.contains("Result     pass"))
  #expect(!result.standardOutput.contains("FAIL"))

  let baseline = try Baseline.read(path: path)
  let xml = try String(contentsOfFile: junit, encoding: .utf8)
  #expect(xml.components(separatedBy: "<testcase ").count - 1 == baseline.metrics.count)
  #expect(!xml.contains("<failure"))
}

/// A workflow whose one-hour wait is dropped (wait 0ms) changes who is enrolled and
/// when, and the check of the flagship must catch it.
@Test func checkFailsWhenWorkflowDelayIsDropped() throws {
  let file = "masterclass-abandoned-cart.json5"
  let folder = try TestSupport.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let junit = folder.appendingPathComponent("check.xml").path

  let result = try TestSupport.runLoopSim([
    "check", scenarioPath(file), "--baseline", baselinePath(for: file),
    "--set", "workflows[0].steps[0].wait=0ms", "--junit", junit, "--quiet",
  ])
  #expect(result.status == 1, "\(result.standardError)")
  let failedLines = result.standardOutput.split(separator: "\n").filter {
    $0.hasSuffix("FAIL")
  }
  let failed = Set(failedLines.compactMap { $0.split(separator: " ").first.map(String.init) })
  #expect(failed.contains("arms[watched-classes].conversionRate"), "\(result.standardOutput)")
  #expect(failed.contains("emails.sent"), "\(result.standardOutput)")
  #expect(result.standardOutput.contains("Result     FAIL: \(failed.count) of "))

  let xml = try String(contentsOfFile: junit, encoding: .utf8)
  #expect(xml.components(separatedBy: "<failure ").count - 1 == failed.count)
  #expect(xml.contains("failures=\"\(failed.count)\""))
}

import Config
import Foundation
import Simulation
import Testing

@testable import Pipeline

/// Reads `text` as the `pipeline` section of a scenario, the text located in `file`.
private func readPipeline(_ text: String, file: String, scenarioFile: String) throws -> (
  config: PipelineConfig?, diagnostics: [Diagnostic]
) {
  let tree = try JSON5.parse(text, file: file)
  let diagnostics = Diagnostics()
  let config = diagnostics.read(
    tree, at: ["pipeline"], as: PipelineConfig.reader(scenarioFile: scenarioFile))
  return (config, diagnostics.all)
}

/// Returns a pipeline section with every destination, plus `extra` members.
private func pipelineText(_ extra: String = "", warehouse: String = "") -> String {
  """
  {
    destinations: {
      analytics: { latency: "5s" },
      warehouse: { latency: "5m", \(warehouse) },
      messaging: { latency: "30s" },
    },
    \(extra)
  }
  """
}

/// Writes `text` to `path` inside `folder`, creating subfolders, and returns the file path.
@discardableResult
private func write(_ text: String, to path: String, in folder: URL) throws -> String {
  let url = folder.appendingPathComponent(path)
  try FileManager.default.createDirectory(
    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try text.write(to: url, atomically: true, encoding: .utf8)
  return url.path
}

private func standardized(_ path: String) -> String {
  URL(fileURLWithPath: path).standardizedFileURL.path
}

@Test func trackingPlanResolvesAgainstScenarioFolder() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let planText = try String(contentsOfFile: loopSimPlanPath, encoding: .utf8)
  let planPath = try write(planText, to: "plans/tracking-plan.json5", in: folder)
  let text = pipelineText(#"trackingPlan: "plans/tracking-plan.json5","#)
  let scenario = try write("{}", to: "scenario.json5", in: folder)

  let (config, diagnostics) = try readPipeline(text, file: scenario, scenarioFile: scenario)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  let reference = try #require(config?.trackingPlan)
  #expect(reference.path == "plans/tracking-plan.json5")
  #expect(reference.resolvedPath == standardized(planPath))
  #expect(reference.plan == (try TrackingPlan.load(contentsOfFile: loopSimPlanPath)))
}

@Test func trackingPlanResolvesAgainstFileThatNamesIt() throws {
  // A base scenario in another folder names the plan, as through `extends`.
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let planPath = try write(#"{ events: [] }"#, to: "base/plan.json5", in: folder)
  let base = try write("{}", to: "base/base.json5", in: folder)
  let variant = try write("{}", to: "variants/variant.json5", in: folder)

  let (config, diagnostics) = try readPipeline(
    pipelineText(#"trackingPlan: "plan.json5","#), file: base, scenarioFile: variant)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(config?.trackingPlan?.resolvedPath == standardized(planPath))
}

@Test func trackingPlanFromCommandLineResolvesAgainstScenario() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let planPath = try write(#"{ events: [] }"#, to: "plan.json5", in: folder)
  let scenario = try write("{}", to: "scenario.json5", in: folder)

  // A `--set` value's location names the argument, not a file.
  let (config, diagnostics) = try readPipeline(
    pipelineText(#"trackingPlan: "plan.json5","#), file: "--set pipeline",
    scenarioFile: scenario)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(config?.trackingPlan?.resolvedPath == standardized(planPath))
}

@Test func trackingPlanAbsolutePathIsUsedAsIs() throws {
  let (config, diagnostics) = try readPipeline(
    pipelineText("trackingPlan: \"\(loopSimPlanPath)\","), file: "scenario.json5",
    scenarioFile: "/nowhere/scenario.json5")
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(config?.trackingPlan?.resolvedPath == standardized(loopSimPlanPath))
}

@Test func missingTrackingPlanIsErrorAtField() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let scenario = try write("{}", to: "scenario.json5", in: folder)
  let expected = standardized(folder.appendingPathComponent("plans/missing.json5").path)

  let (config, diagnostics) = try readPipeline(
    pipelineText(#"trackingPlan: "plans/missing.json5","#), file: scenario,
    scenarioFile: scenario)
  #expect(config?.trackingPlan == nil)
  #expect(diagnostics.count == 1)
  let error = try #require(diagnostics.first)
  #expect(error.path.description == "pipeline.trackingPlan")
  #expect(error.file == scenario)
  #expect(error.location?.line == 7)
  #expect(error.problem == "cannot read the tracking plan file")
  #expect(error.found?.hasPrefix("\"plans/missing.json5\", resolved to \(expected): ") == true)
  #expect(error.fix?.contains(standardized(folder.path)) == true)
}

@Test func trackingPlanSyntaxErrorPointsIntoPlan() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let planPath = try write("{ events: [\n  { name: \"A\" ]\n}", to: "plan.json5", in: folder)
  let scenario = try write("{}", to: "scenario.json5", in: folder)

  let (config, diagnostics) = try readPipeline(
    pipelineText(#"trackingPlan: "plan.json5","#), file: scenario, scenarioFile: scenario)
  #expect(config?.trackingPlan == nil)
  #expect(diagnostics.count == 1)
  let error = try #require(diagnostics.first)
  #expect(error.file == standardized(planPath))
  #expect(error.location?.line == 2)
  #expect(error.problem.hasPrefix("invalid JSON5 in the tracking plan: expected "))
  #expect(error.fix == "correct the tracking plan that pipeline.trackingPlan names")
}

@Test func invalidTrackingPlanReportsPlanPath() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let planPath = try write(
    """
    { events: [
      { name: "A", properties: { p: { type: "float" } } } ] }
    """, to: "plan.json5", in: folder)
  let scenario = try write("{}", to: "scenario.json5", in: folder)

  let (config, diagnostics) = try readPipeline(
    pipelineText(#"trackingPlan: "plan.json5","#), file: scenario, scenarioFile: scenario)
  #expect(config?.trackingPlan == nil)
  #expect(diagnostics.count == 1)
  let error = try #require(diagnostics.first)
  #expect(error.file == standardized(planPath))
  #expect(error.location?.line == 2)
  #expect(error.path.description == "events[0].properties.p.type")
}

@Test func trackingPlanMustBePathString() throws {
  let (_, diagnostics) = try readPipeline(
    pipelineText("trackingPlan: 3,"), file: "scenario.json5", scenarioFile: "scenario.json5")
  #expect(diagnostics.map(\.path.description) == ["pipeline.trackingPlan"])
  #expect(diagnostics.first?.problem == "expected a string")
}

@Test func batchWindowReadsDuration() throws {
  let (config, diagnostics) = try readPipeline(
    pipelineText(warehouse: #"batchWindow: "1d""#), file: "s.json5", scenarioFile: "s.json5")
  #expect(diagnostics.isEmpty)
  let destinations = try #require(config?.destinations)
  #expect(destinations.map(\.batchWindow) == [nil, .days(1), nil])
}

/// A `batchWindow` value and the problem it must produce.
private let invalidBatchWindows: [(value: String, problem: String)] = [
  (#""25h""#, "batch window longer than 1 day"),
  (#""0s""#, "expected a duration longer than 0"),
  ("60", "expected a duration"),
]

@Test(arguments: invalidBatchWindows)
func batchWindowRejectsInvalid(value: String, problem: String) throws {
  let (_, diagnostics) = try readPipeline(
    pipelineText(warehouse: "batchWindow: \(value)"), file: "s.json5", scenarioFile: "s.json5")
  #expect(diagnostics.count == 1)
  let error = try #require(diagnostics.first)
  #expect(error.path.description == "pipeline.destinations.warehouse.batchWindow")
  #expect(error.location?.line == 4)
  #expect(error.problem == problem)
}

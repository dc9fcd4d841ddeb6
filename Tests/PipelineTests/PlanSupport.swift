import Config
import Foundation

@testable import Pipeline

/// The folder of this test target's fixture files.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures")

/// The plan of every event LoopSim emits.
let loopSimPlanPath = fixturesFolder.appendingPathComponent("tracking-plan.json5").path

/// Reads `text` as a tracking plan file named `file`, returning the plan and every diagnostic.
func readPlan(_ text: String, file: String = "plan.json5") throws -> (
  plan: TrackingPlan?, diagnostics: [Diagnostic]
) {
  let tree = try JSON5.parse(text, file: file)
  let diagnostics = Diagnostics()
  let plan = diagnostics.read(tree, as: TrackingPlan.reader)
  return (plan, diagnostics.all)
}

/// Creates a new empty folder under the system's temporary folder for the caller to remove.
func makeTemporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("pipeline-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The flagship's tracking plan in the scenario library.
let masterclassPlanPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Scenarios/plans/masterclass.json5").path

import Foundation
import LoopSim
import Testing
import TestSupport

/// Creates a baseline of the flagship at 1,500 customers in a new folder and returns the
/// folder and the baseline's path.
private func smallBaseline() throws -> (folder: URL, path: String) {
  let folder = try TestSupport.temporaryDirectory()
  let path = folder.appendingPathComponent("flagship.json").path
  let result = try TestSupport.runLoopSim([
    "check", TestSupport.flagshipScenario, "--baseline", path, "--update-baseline",
    "--customers", "1500", "--seed", "7", "--quiet",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  return (folder, path)
}

@Test func checkUpdateThenCheckPasses() throws {
  let (folder, path) = try smallBaseline()
  defer { try? FileManager.default.removeItem(at: folder) }
  let baseline = try Baseline.read(path: path)
  #expect(baseline.customers == 1500)
  #expect(baseline.seed == 7)
  #expect(baseline.scenario == "masterclass-abandoned-cart")
  let names = Set(baseline.metrics.map(\.name))
  for name in [
    "arms[holdout].conversionRate", "comparisons[watched-classes].absolute",
    "messages.emitted", "messages.accepted", "emails.sent", "arms[holdout].customers",
  ] {
    #expect(names.contains(name), "\(name)")
  }

  let result = try TestSupport.runLoopSim([
    "check", TestSupport.flagshipScenario, "--baseline", path, "--json", "--quiet",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  let json = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  #expect(json["passed"] as? Bool == true)
  #expect(json["customers"] as? Int == 1500)
  let metrics = try #require(json["metrics"] as? [[String: Any]])
  #expect(metrics.count == baseline.metrics.count)
  #expect(metrics.allSatisfy { $0["verdict"] as? String == "pass" })

  // Updating again at the same customers and seed lists no change and keeps the bytes.
  let before = try String(contentsOfFile: path, encoding: .utf8)
  let again = try TestSupport.runLoopSim([
    "check", TestSupport.flagshipScenario, "--baseline", path, "--update-baseline", "--quiet",
  ])
  #expect(again.status == 0)
  #expect(again.standardOutput.contains("No metric changed."))
  #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(leftovers == ["flagship.json"], "no temporary file is left behind")
}

/// A baseline marked read-only is not replaced: exit status 2 and the file unchanged.
@Test func checkKeepsReadOnlyBaseline() throws {
  let (folder, path) = try smallBaseline()
  defer { try? FileManager.default.removeItem(at: folder) }
  let before = try String(contentsOfFile: path, encoding: .utf8)
  try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
  let result = try TestSupport.runLoopSim([
    "check", TestSupport.flagshipScenario, "--baseline", path, "--update-baseline", "--quiet",
  ])
  #expect(result.status == 2, "\(result.standardError)")
  #expect(result.standardError.contains("the file is read-only"), "\(result.standardError)")
  #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(leftovers == ["flagship.json"], "no temporary file is left behind")
}

/// A baseline whose numbers were edited makes the check fail with exit status 1.
@Test func checkFailsOnEditedBaseline() throws {
  let (folder, path) = try smallBaseline()
  defer { try? FileManager.default.removeItem(at: folder) }
  var baseline = try Baseline.read(path: path)
  baseline.metrics = baseline.metrics.map { metric in
    guard metric.name == "messages.emitted", let value = metric.value else { return metric }
    return HeadlineMetric(name: metric.name, kind: metric.kind, value: value * 2)
  }
  try baseline.write(to: path)

  let result = try TestSupport.runLoopSim([
    "check", TestSupport.flagshipScenario, "--baseline", path, "--quiet",
  ])
  #expect(result.status == 1)
  let line = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("messages.emitted ") }
  #expect(line?.hasSuffix("FAIL") == true, "\(result.standardOutput)")
  #expect(result.standardOutput.contains("Result     FAIL: 1 of "))
}

struct BadCheckInput: Sendable, CustomTestStringConvertible {
  let label: String
  /// The baseline file's text, or nil for no file.
  let baseline: String?
  let extraArguments: [String]
  /// Texts the error message must contain.
  let expected: [String]

  var testDescription: String { label }
}

private let validHeader = """
  "schemaVersion": 1, "scenario": "masterclass-abandoned-cart", "scenarioSha256": "",
  "loopsimVersion": "0.1.0", "customers": 1500, "seed": 7
  """

let badCheckInputs: [BadCheckInput] = [
  BadCheckInput(
    label: "missing baseline file", baseline: nil, extraArguments: [],
    expected: ["the baseline file does not exist", "--update-baseline"]),
  BadCheckInput(
    label: "not JSON", baseline: "{ metrics: [", extraArguments: [],
    expected: ["baseline.json:1:"]),
  BadCheckInput(
    label: "unknown kind",
    baseline: "{\(validHeader),\n\"metrics\": [{\"name\": \"a\", \"kind\": \"poisson\", \"value\": 3}]}",
    extraArguments: [], expected: ["baseline.json:3:", "metrics[0].kind", "\"poisson\"", "poissonCount"]),
  BadCheckInput(
    label: "binomial without trials",
    baseline: "{\(validHeader),\n\"metrics\": [{\"name\": \"a\", \"kind\": \"binomialCount\", \"value\": 3}]}",
    extraArguments: [], expected: ["metrics[0].trials", "trials"]),
  BadCheckInput(
    label: "count beyond 2^53",
    baseline: "{\(validHeader),\n\"metrics\": [{\"name\": \"a\", \"kind\": \"poissonCount\", \"value\": 1e19}]}",
    extraArguments: [], expected: ["metrics[0].value", "from 0 to 2^53"]),
  BadCheckInput(
    label: "customers beyond the run limit",
    baseline: "{\"schemaVersion\": 1, \"scenario\": \"masterclass-abandoned-cart\", \"scenarioSha256\": \"\", \"loopsimVersion\": \"\", \"customers\": 1000000000000, \"seed\": 1, \"metrics\": []}",
    extraArguments: [], expected: ["baseline.json:1:", "customers"]),
  BadCheckInput(
    label: "missing customers",
    baseline: "{\"schemaVersion\": 1, \"scenario\": \"x\", \"scenarioSha256\": \"\", \"loopsimVersion\": \"\", \"seed\": 1, \"metrics\": []}",
    extraArguments: [], expected: ["customers", "missing required field"]),
  BadCheckInput(
    label: "baseline of another scenario",
    baseline: "{\"schemaVersion\": 1, \"scenario\": \"other\", \"scenarioSha256\": \"\", \"loopsimVersion\": \"\", \"customers\": 100, \"seed\": 1, \"metrics\": []}",
    extraArguments: [], expected: ["is for scenario 'other'"]),
  BadCheckInput(
    label: "customers without update", baseline: "{}", extraArguments: ["--customers", "10"],
    expected: ["--customers applies only with --update-baseline"]),
  BadCheckInput(
    label: "negative margin", baseline: "{}", extraArguments: ["--margin", "-1"],
    expected: ["invalid value '-1' for '--margin'"]),
  BadCheckInput(
    label: "set with update", baseline: nil,
    extraArguments: ["--update-baseline", "--set", "run.customers=10"],
    expected: ["--set does not apply with --update-baseline"]),
  BadCheckInput(
    label: "junit folder missing", baseline: "{}",
    extraArguments: ["--junit", "/nonexistent-folder/check.xml"],
    expected: ["--junit", "does not exist"]),
]

@Test(arguments: badCheckInputs)
func checkRejectsBadInput(_ input: BadCheckInput) throws {
  let folder = try TestSupport.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let path = folder.appendingPathComponent("baseline.json").path
  if let text = input.baseline {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
  let result = try TestSupport.runLoopSim(
    ["check", TestSupport.flagshipScenario, "--baseline", path, "--quiet"]
      + input.extraArguments)
  #expect(result.status == 2, "\(result.standardOutput)")
  for text in input.expected {
    #expect(result.standardError.contains(text), "\(result.standardError)")
  }
  #expect(result.standardOutput.isEmpty)
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(files == (input.baseline == nil ? [] : ["baseline.json"]), "nothing half-written")
}

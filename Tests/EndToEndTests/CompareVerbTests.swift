import Foundation
import LoopSim
import Testing
import TestSupport

private func json(_ text: String) throws -> [String: Any] {
  try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The same scenario twice, on the same customers and seed, differs by nothing: every
/// arm's difference is 0 with p = 1.
@Test func compareIdenticalScenariosShowsNoDifference() throws {
  let result = try TestSupport.runLoopSim([
    "compare", TestSupport.flagshipScenario, TestSupport.flagshipScenario,
    "--customers", "1500", "--json", "--quiet",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  let output = try json(result.standardOutput)
  let inputs = try #require(output["inputs"] as? [[String: Any]])
  #expect(inputs.map { $0["label"] as? String } == ["A", "B"])
  #expect(inputs.allSatisfy { $0["customers"] as? Int == 1500 })
  let differences = try #require(output["differences"] as? [[String: Any]])
  #expect(differences.map { $0["arm"] as? String } == ["watched-classes", "holdout"])
  for difference in differences {
    #expect(difference["difference"] as? Double == 0)
    #expect(difference["pValue"] as? Double == 1)
    // z is 0, or undefined when neither run has a conversion in the arm (pooled variance 0).
    if let statistic = difference["zStatistic"] as? Double {
      #expect(statistic == 0)
    } else {
      #expect(difference["zStatisticUndefinedReason"] as? String == "zeroPooledVariance")
    }
    let interval = try #require(difference["ci95"] as? [Double])
    #expect(interval[0] < 0)
    #expect(interval[1] > 0)
  }

  let table = try TestSupport.runLoopSim([
    "compare", TestSupport.flagshipScenario, TestSupport.flagshipScenario,
    "--customers", "1500", "--quiet",
  ])
  #expect(table.status == 0)
  #expect(table.standardOutput.contains("B − A  holdout"))
  #expect(table.standardOutput.contains("+0.00 pp"))
  #expect(table.standardOutput.contains("1.0000"))
}

/// The statsmodels reference case newcombeExampleA (56/70 against 48/80), committed in
/// Tests/MeasureTests/Fixtures/proportion_reference.json.
private struct ReferenceCase {
  let treatment: (successes: Int, trials: Int)
  let control: (successes: Int, trials: Int)
  let statistic: Double
  let pValue: Double
  let lower: Double
  let upper: Double
}

private func newcombeExampleA() throws -> ReferenceCase {
  let url = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/MeasureTests/Fixtures/proportion_reference.json")
  let root = try json(String(contentsOf: url, encoding: .utf8))
  let cases = try #require(root["cases"] as? [[String: Any]])
  let entry = try #require(cases.first { $0["name"] as? String == "newcombeExampleA" })
  let treatment = try #require(entry["treatment"] as? [String: Int])
  let control = try #require(entry["control"] as? [String: Int])
  let statsmodels = try #require(entry["statsmodels"] as? [String: Any])
  let zTest = try #require(statsmodels["zTest"] as? [String: Double])
  let newcombe = try #require(statsmodels["newcombeDifference"] as? [String: Double])
  return ReferenceCase(
    treatment: (try #require(treatment["successes"]), try #require(treatment["trials"])),
    control: (try #require(control["successes"]), try #require(control["trials"])),
    statistic: try #require(zTest["statistic"]), pValue: try #require(zTest["pValueTwoSided"]),
    lower: try #require(newcombe["lower"]), upper: try #require(newcombe["upper"]))
}

/// Writes a copy of a run's folder whose holdout has the given counts.
private func runFolder(
  from summary: [String: Any], holdout: (successes: Int, trials: Int), at url: URL
) throws {
  var summary = summary
  var arms = try #require(summary["arms"] as? [[String: Any]])
  let index = try #require(arms.firstIndex { $0["name"] as? String == "holdout" })
  arms[index]["customers"] = holdout.trials
  arms[index]["conversions"] = holdout.successes
  summary["arms"] = arms
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  try JSONSerialization.data(withJSONObject: summary).write(
    to: url.appendingPathComponent("summary.json"))
}

/// Two run folders whose holdouts are 48/80 and 56/70 give statsmodels' difference, Newcombe
/// interval, z and p for that table.
@Test func compareRunFoldersMatchesStatsmodels() throws {
  let reference = try newcombeExampleA()
  let folder = try TestSupport.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let run = folder.appendingPathComponent("run")
  let ran = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--customers", "1500", "--out", run.path, "--quiet",
  ])
  #expect(ran.status == 0, "\(ran.standardError)")
  let summary = try json(
    String(contentsOf: run.appendingPathComponent("summary.json"), encoding: .utf8))
  let first = folder.appendingPathComponent("first")
  let second = folder.appendingPathComponent("second")
  try runFolder(from: summary, holdout: reference.control, at: first)
  try runFolder(from: summary, holdout: reference.treatment, at: second)

  let result = try TestSupport.runLoopSim(["compare", first.path, second.path, "--json"])
  #expect(result.status == 0, "\(result.standardError)")
  let output = try json(result.standardOutput)
  let differences = try #require(output["differences"] as? [[String: Any]])
  let holdout = try #require(differences.first { $0["arm"] as? String == "holdout" })
  let difference = try #require(holdout["difference"] as? Double)
  let statistic = try #require(holdout["zStatistic"] as? Double)
  let pValue = try #require(holdout["pValue"] as? Double)
  let interval = try #require(holdout["ci95"] as? [Double])
  #expect(abs(difference - 0.2) < 1e-12)
  #expect(abs(statistic - reference.statistic) < 1e-9)
  #expect(abs(pValue - reference.pValue) < 1e-9)
  #expect(abs(interval[0] - reference.lower) < 1e-9)
  #expect(abs(interval[1] - reference.upper) < 1e-9)
  let watched = try #require(differences.first { $0["arm"] as? String == "watched-classes" })
  #expect(watched["difference"] as? Double == 0, "an unchanged arm differs by nothing")
  let inputs = try #require(output["inputs"] as? [[String: Any]])
  #expect(inputs.allSatisfy { $0["kind"] as? String == "runFolder" })
}

struct BadCompareInput: Sendable, CustomTestStringConvertible {
  let label: String
  /// Files to create in the folder `input`, by name, or nil for no folder.
  let files: [String: String]?
  let expected: String

  var testDescription: String { label }
}

let badCompareInputs: [BadCompareInput] = [
  BadCompareInput(label: "no such path", files: nil, expected: "no such file or folder"),
  BadCompareInput(
    label: "folder without summary", files: [:], expected: "cannot read the run's summary"),
  BadCompareInput(
    label: "replicates summary",
    files: ["summary.json": "{\"kind\": \"replicates\", \"customers\": 1}"],
    expected: "kind: the summary is of replicates"),
  BadCompareInput(
    label: "arm count not a count",
    files: [
      "summary.json":
        "{\"scenario\": \"s\", \"customers\": 10, \"seed\": 1, \"events\": 1, "
        + "\"eventsCutOffAtEnd\": 0, \"arms\": [{\"name\": \"a\", \"customers\": \"many\"}]}"
    ],
    expected: "arms[0].customers: expected a count"),
]

@Test(arguments: badCompareInputs)
func compareRejectsBadInput(_ input: BadCompareInput) throws {
  let folder = try TestSupport.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let target = folder.appendingPathComponent("input")
  if let files = input.files {
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(to: target.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
  }
  let result = try TestSupport.runLoopSim([
    "compare", TestSupport.flagshipScenario, target.path, "--customers", "1000", "--quiet",
  ])
  #expect(result.status == 2)
  #expect(result.standardError.contains(input.expected), "\(result.standardError)")
  #expect(result.standardOutput.isEmpty)
}

import Foundation
import LoopSim
import Testing
import TestSupport
import Warehouse

/// A run of `scenario` cut into shards, merged, and compared with the same run whole.
private struct ShardCase: CustomTestStringConvertible, Sendable {
  let scenario: String
  let customers: Int
  let shards: Int
  /// The order the shard folders are given to the merge, as shard indices.
  let mergeOrder: [Int]

  var testDescription: String { "\(scenario) at \(customers) customers in \(shards) shards" }
}

private let shardCases = [
  ShardCase(scenario: "masterclass-abandoned-cart", customers: 2_500, shards: 1, mergeOrder: [1]),
  ShardCase(
    scenario: "masterclass-abandoned-cart", customers: 2_500, shards: 3, mergeOrder: [3, 1, 2]),
  ShardCase(scenario: "personalization-strategies", customers: 2_000, shards: 2, mergeOrder: [1, 2]),
  ShardCase(scenario: "cuped-pre-period", customers: 1_500, shards: 2, mergeOrder: [2, 1]),
  ShardCase(scenario: "messaging-outage", customers: 1_500, shards: 4, mergeOrder: [1, 2, 3, 4]),
  ShardCase(scenario: "attribution-benchmark", customers: 400, shards: 2, mergeOrder: [1, 2]),
]

private func scenarioPath(_ name: String) -> String {
  TestSupport.repositoryRoot.appendingPathComponent("Scenarios/\(name).json5").path
}

/// Returns every table's rows as text, each table sorted. Row order only reflects when the
/// run wrote each row, so the rows themselves are the contents.
private func tableContents(_ path: String) throws -> [String: [String]] {
  let database = try Database(path: path, mode: .readOnly)
  let tables = try database.mapRows(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
  ) { try $0.string(at: 0) }
  var contents: [String: [String]] = [:]
  for table in tables {
    let rows = try database.mapRows("SELECT * FROM \"\(table)\"") { row in
      try (0..<row.columnCount).map { "\(try row.value(at: $0))" }.joined(separator: "|")
    }
    contents[table] = rows.sorted()
  }
  return contents
}

@Test(arguments: shardCases)
private func shardsMergeIntoTheWholeRun(_ testCase: ShardCase) throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let scenario = scenarioPath(testCase.scenario)
  let customers = "\(testCase.customers)"

  let whole = folder.appendingPathComponent("whole").path
  let run = try TestSupport.runLoopSim([
    "run", scenario, "--customers", customers, "--out", whole, "--quiet",
  ])
  #expect(run.status == 0, "\(run.standardError)")
  for index in 1...testCase.shards {
    let result = try TestSupport.runLoopSim([
      "run", scenario, "--customers", customers, "--shard", "\(index)/\(testCase.shards)",
      "--out", folder.appendingPathComponent("shard-\(index)").path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.standardError)")
  }
  let merged = folder.appendingPathComponent("merged").path
  let merge = try TestSupport.runLoopSim(
    ["merge"] + testCase.mergeOrder.map { folder.appendingPathComponent("shard-\($0)").path }
      + ["--out", merged, "--quiet"])
  #expect(merge.status == 0, "\(merge.standardError)")

  let expected = try Data(contentsOf: URL(fileURLWithPath: whole + "/summary.json"))
  let actual = try Data(contentsOf: URL(fileURLWithPath: merged + "/summary.json"))
  #expect(actual == expected, "summary.json differs from the whole run's")

  let wholeTables = try tableContents(whole + "/results.sqlite")
  let mergedTables = try tableContents(merged + "/results.sqlite")
  #expect(wholeTables.keys.sorted() == mergedTables.keys.sorted())
  for (table, rows) in wholeTables {
    #expect(mergedTables[table] == rows, "table \(table) differs from the whole run's")
  }
  #expect((wholeTables["messages"]?.count ?? 0) > 0)

  for file in ["paths.csv", "report.html"] {
    let wholeFile = whole + "/" + file
    guard FileManager.default.fileExists(atPath: wholeFile) else { continue }
    #expect(
      FileManager.default.contentsEqual(atPath: wholeFile, andPath: merged + "/" + file),
      "\(file) differs from the whole run's")
  }
}

/// A shard's own summary covers its customers and names its shard. The shards' events add
/// up to the whole run's.
@Test func shardSummariesAddUpToTheWholeRun() throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  func summary(_ extra: [String]) throws -> [String: Any] {
    let result = try TestSupport.runLoopSim(
      ["run", TestSupport.flagshipScenario, "--customers", "1000", "--json", "--quiet"] + extra)
    #expect(result.status == 0, "\(result.standardError)")
    return try #require(
      JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  }
  let whole = try summary(["--out", folder.appendingPathComponent("whole").path])
  #expect(whole["shard"] == nil)
  var events = 0
  for index in 1...2 {
    let part = try summary([
      "--shard", "\(index)/2", "--out", folder.appendingPathComponent("s\(index)").path,
    ])
    #expect(part["shard"] as? String == "\(index)/2")
    events += part["events"] as? Int ?? 0
  }
  #expect(events == whole["events"] as? Int)
}

private struct BadShard: CustomTestStringConvertible, Sendable {
  let argument: String
  let fragment: String
  var testDescription: String { argument }
}

@Test(arguments: [
  BadShard(argument: "0/2", fragment: "shard 0 of 2 does not exist"),
  BadShard(argument: "3/2", fragment: "shard 3 of 2 does not exist"),
  BadShard(argument: "1/0", fragment: "from 1 to 65536 shards, not 0"),
  BadShard(argument: "two", fragment: "is not of the form i/N"),
  BadShard(argument: "1/2/3", fragment: "is not of the form i/N"),
  BadShard(argument: "-1/2", fragment: "shard -1 of 2 does not exist"),
])
private func badShardArgumentIsAUsageError(_ bad: BadShard) throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let out = folder.appendingPathComponent("out").path
  let result = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--customers", "200", "--shard", bad.argument,
    "--out", out, "--quiet",
  ])
  #expect(result.status == 2)
  #expect(result.standardError.contains(bad.fragment), "\(result.standardError)")
  #expect(!FileManager.default.fileExists(atPath: out))
}

@Test(arguments: [(1, 4, 3), (2, 4, 3), (3, 4, 2), (4, 4, 2), (1, 1, 10), (3, 3, 3)])
func shardSizeCountsItsCustomers(index: Int, count: Int, expected: Int) throws {
  let shard = try Shard(index: index, count: count)
  #expect(shard.size(of: 10) == expected)
  #expect((0..<10).filter { shard.contains(customer: UInt64($0)) }.count == expected)
}

/// Shard folders for the merge's error cases, run once per test.
private func shardFolders(_ folder: URL, seed: String = "11") throws -> [String] {
  try (1...2).map { index in
    let out = folder.appendingPathComponent("seed\(seed)-shard-\(index)").path
    let result = try TestSupport.runLoopSim([
      "run", TestSupport.flagshipScenario, "--customers", "300", "--seed", seed,
      "--shard", "\(index)/2", "--out", out, "--quiet",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    return out
  }
}

@Test func mergeRefusesAnIncompleteOrMixedSet() throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let shards = try shardFolders(folder)
  let other = try shardFolders(folder, seed: "12")
  let out = folder.appendingPathComponent("merged").path

  let cases: [([String], String)] = [
    ([shards[0]], "shards 2/2 are missing"),
    ([shards[0], shards[0]], "shard 1/2 is given twice"),
    ([shards[0], other[1]], "ran different scenarios"),
    ([folder.path], "contains no shard.json"),
    ([folder.appendingPathComponent("absent").path], "is not a folder"),
    ([shards[0], shards[1], "--out", shards[0] + "/inner"], "lies in the shard folder"),
  ]
  for (arguments, fragment) in cases {
    let result = try TestSupport.runLoopSim(["merge"] + arguments + ["--quiet"] + (arguments.contains("--out") ? [] : ["--out", out]))
    #expect(result.status == 2, "\(arguments)")
    #expect(result.standardError.contains(fragment), "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  let partial = try TestSupport.runLoopSim([
    "merge", shards[1], "--allow-partial", "--out", out, "--json", "--quiet",
  ])
  #expect(partial.status == 0, "\(partial.standardError)")
  let summary = try #require(
    JSONSerialization.jsonObject(with: Data(partial.standardOutput.utf8)) as? [String: Any])
  #expect(summary["missingShards"] as? [Int] == [1])
  #expect(partial.standardError.contains("merged without shards 1"))
}

/// A damaged shard.json is named with the field at fault, and nothing is written.
@Test(arguments: [
  ("{", "the file is not a JSON object"),
  ("{\"formatVersion\": 9}", "formatVersion is 9"),
  ("{\"formatVersion\": 1, \"shard\": 5, \"shards\": 2}", "shard is 5/2"),
  (
    "{\"formatVersion\": 1, \"shard\": 1, \"shards\": 2, \"scenarioSha256\": \"x\"}",
    "scenarioSha256 is missing or not a SHA-256"
  ),
])
private func mergeNamesTheFaultInADamagedShardRecord(text: String, fragment: String) throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let shards = try shardFolders(folder)
  try Data(text.utf8).write(to: URL(fileURLWithPath: shards[0] + "/shard.json"))
  let out = folder.appendingPathComponent("merged").path
  let result = try TestSupport.runLoopSim(["merge", shards[0], shards[1], "--out", out, "--quiet"])
  #expect(result.status == 2)
  #expect(result.standardError.contains("shard.json: " + fragment), "\(result.standardError)")
  #expect(!FileManager.default.fileExists(atPath: out))
}

/// `--shards N` runs the shards on threads of one process and gives the plain run's bytes.
@Test func threadedShardsEqualThePlainRun() throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let plain = folder.appendingPathComponent("plain").path
  let threaded = folder.appendingPathComponent("threaded").path
  let base = ["run", TestSupport.flagshipScenario, "--customers", "2000", "--quiet"]
  let first = try TestSupport.runLoopSim(base + ["--out", plain])
  #expect(first.status == 0, "\(first.standardError)")
  let second = try TestSupport.runLoopSim(base + ["--shards", "3", "--jobs", "2", "--out", threaded])
  #expect(second.status == 0, "\(second.standardError)")

  for file in ["summary.json", "report.html"] {
    #expect(
      FileManager.default.contentsEqual(atPath: plain + "/" + file, andPath: threaded + "/" + file),
      "\(file) differs from the plain run's")
  }
  #expect(try tableContents(plain + "/results.sqlite") == tableContents(threaded + "/results.sqlite"))
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(leftovers.sorted() == ["plain", "threaded"])
}

@Test(arguments: [
  (["--shards", "2", "--shard", "1/2"], "does not go with --shard"),
  (["--shards", "0"], "--shards"),
  (["--shards", "2", "--replicates", "2"], "apply only to a single run"),
  (["--jobs", "2"], "--jobs applies only with --replicates or --shards"),
  (["--shards", "2", "--export-messages", "/tmp/never-written.jsonl"], "not with --shards"),
])
private func shardsOptionConflictsAreUsageErrors(extra: [String], fragment: String) throws {
  let result = try TestSupport.runLoopSim(
    ["run", TestSupport.flagshipScenario, "--customers", "200", "--quiet"] + extra)
  #expect(result.status == 2)
  #expect(result.standardError.contains(fragment), "\(result.standardError)")
}

/// A shard database whose tables were changed is rejected before anything is written.
@Test func mergeRejectsAChangedShardSchema() throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let shards = try shardFolders(folder)
  let database = try Database(path: shards[0] + "/results.sqlite")
  try database.execute("CREATE TABLE extra (value TEXT)")
  let out = folder.appendingPathComponent("merged").path
  let result = try TestSupport.runLoopSim(["merge", shards[0], shards[1], "--out", out, "--quiet"])
  #expect(result.status == 2)
  #expect(result.standardError.contains("do not match this loopsim's results schema"))
  #expect(!FileManager.default.fileExists(atPath: out))
}

/// Edits of a shard's files that a merge detects. Each case changes one shard and gives a
/// fragment the error message must contain.
private enum ShardEdit: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case editedCounter, negativeCounter, hugeCounter, relabelledShard, truncatedDatabase

  var testDescription: String { rawValue }

  var fragment: String {
    switch self {
    case .editedCounter: "is not the file that the shard run wrote"
    case .negativeCounter: "totals.counters[\"emails.sent\"] is -5, not an integer from 0"
    case .hugeCounter: "totals.counters[\"emails.sent\"] is 9223372036854775807"
    case .relabelledShard: "shard.json names shard 2/2, but results.sqlite names 1/2"
    case .truncatedDatabase: "results.sqlite"
    }
  }

  func apply(to folder: String) throws {
    let recordURL = URL(fileURLWithPath: folder + "/shard.json")
    var record = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: recordURL)) as? [String: Any])
    var totals = try #require(record["totals"] as? [String: Any])
    var counters = try #require(totals["counters"] as? [String: Any])
    switch self {
    case .editedCounter: counters["emails.sent"] = (counters["emails.sent"] as? Int ?? 0) + 100
    case .negativeCounter: counters["emails.sent"] = -5
    case .hugeCounter: counters["emails.sent"] = Int.max
    case .relabelledShard: record["shard"] = 2
    case .truncatedDatabase:
      let database = folder + "/results.sqlite"
      let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
      try bytes.prefix(20_000).write(to: URL(fileURLWithPath: database))
      return
    }
    totals["counters"] = counters
    record["totals"] = totals
    try JSONSerialization.data(withJSONObject: record).write(to: recordURL)
  }
}

@Test(arguments: ShardEdit.allCases)
private func mergeDetectsAnEditedShard(_ edit: ShardEdit) throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let shards = try shardFolders(folder)
  try edit.apply(to: shards[0])
  let out = folder.appendingPathComponent("merged").path
  let result = try TestSupport.runLoopSim(["merge", shards[0], shards[1], "--out", out, "--quiet"])
  #expect(result.status == 2, "\(result.standardError)")
  #expect(result.standardError.contains(edit.fragment), "\(result.standardError)")
  #expect(!result.standardError.contains("partial"), "\(result.standardError)")
  #expect(!FileManager.default.fileExists(atPath: out))
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(!leftovers.contains { $0.hasPrefix(".") })
}

/// An output folder reached through a symbolic link into a shard folder is still inside it.
@Test func mergeRejectsOutputThroughALinkIntoAShard() throws {
  let folder = try TestSupport.temporaryDirectory("loopsim-shards")
  defer { try? FileManager.default.removeItem(at: folder) }
  let shards = try shardFolders(folder)
  let link = folder.appendingPathComponent("link").path
  try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: shards[0])
  let result = try TestSupport.runLoopSim([
    "merge", shards[0], shards[1], "--out", link + "/merged", "--quiet",
  ])
  #expect(result.status == 2)
  #expect(result.standardError.contains("lies in the shard folder"), "\(result.standardError)")
  #expect(!FileManager.default.fileExists(atPath: shards[0] + "/merged"))
}

/// `resolve --tracking-plan` names the plan file a scenario reads, for drivers that ship it.
@Test func resolvePrintsTheTrackingPlanFile() throws {
  let result = try TestSupport.runLoopSim(["resolve", TestSupport.flagshipScenario, "--tracking-plan"])
  #expect(result.status == 0)
  let expected = TestSupport.repositoryRoot.appendingPathComponent("Scenarios/plans/masterclass.json5")
    .standardizedFileURL.path
  #expect(result.standardOutput == expected + "\n")
}

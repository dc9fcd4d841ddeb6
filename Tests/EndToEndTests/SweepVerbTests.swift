import Config
import Foundation
import LoopSim
import TestSupport
import Testing
import Warehouse

/// A failure while setting up the shared sweep.
private struct SweepSetupFailure: Error, CustomStringConvertible {
  let description: String
}

/// `loopsim sweep` of the flagship at 600 customers over two strategies times two list
/// lengths, three replicates each: 12 runs, made once and shared by the tests below.
struct SweepVerbTests {
  static let customers = "600"
  static let seed: UInt64 = 20_261_204
  static let strategyPath = "experiment.arms[0].strategy"
  static let listedPath = "experiment.arms[0].listedClasses"
  static let sweepArguments = [
    "sweep", TestSupport.flagshipScenario, "--customers", customers,
    "--grid", "\(strategyPath)=watched-classes,no-email", "--grid", "\(listedPath)=1,3",
    "--replicates", "3",
  ]

  /// The sweep's folder, written once for all tests.
  static let sweep: Result<URL, any Error> = Result {
    let folder = try TestSupport.temporaryDirectory("loopsim-sweep")
      .appendingPathComponent("sweep")
    let result = try TestSupport.runLoopSim(sweepArguments + ["--out", folder.path, "--quiet"])
    guard result.status == 0 else {
      throw SweepSetupFailure(
        description: "loopsim sweep exited with \(result.status): \(result.standardError)")
    }
    return folder
  }

  static func plan(_ folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("plan.json"))
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func runs(_ folder: URL) throws -> [[String: Any]] {
    try #require(plan(folder)["runs"] as? [[String: Any]])
  }

  static func summary(_ folder: URL, run: String) throws -> String {
    try String(
      contentsOf: folder.appendingPathComponent("runs/\(run)/summary.json"), encoding: .utf8)
  }

  /// Rows of `results.csv`, parsed.
  static func csv(_ folder: URL) throws -> CSVTable {
    let text = try String(
      contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
    return try CSVTable(parsing: text, file: "results.csv")
  }

  /// Returns the value of `column` in the CSV row of `run` and `metric`.
  static func field(_ table: CSVTable, run: String, metric: String, column: String) throws
    -> String
  {
    let runColumn = try #require(table.header.firstIndex(of: "run_id"))
    let metricColumn = try #require(table.header.firstIndex(of: "metric"))
    let valueColumn = try #require(table.header.firstIndex(of: column))
    let row = try #require(
      table.rows.first { $0[runColumn] == run && $0[metricColumn] == metric },
      "no row for \(run) \(metric)")
    return row[valueColumn]
  }

  @Test func sweepPlansEveryCombinationAndReplicate() throws {
    let folder = try Self.sweep.get()
    let runs = try Self.runs(folder)
    #expect(runs.count == 12)
    let ids = runs.compactMap { $0["id"] as? String }
    #expect(
      ids == [
        "p01-r01", "p01-r02", "p01-r03", "p02-r01", "p02-r02", "p02-r03",
        "p03-r01", "p03-r02", "p03-r03", "p04-r01", "p04-r02", "p04-r03",
      ])
    // The last --grid varies fastest, and replicate r runs at seed S + r − 1 at every point.
    let strategies = runs.map { ($0["values"] as? [String: Any])?[Self.strategyPath] as? String }
    let listed = runs.map { ($0["values"] as? [String: Any])?[Self.listedPath] as? Int }
    #expect(strategies.prefix(6).allSatisfy { $0 == "watched-classes" })
    #expect(strategies.suffix(6).allSatisfy { $0 == "no-email" })
    #expect(listed == [1, 1, 1, 3, 3, 3, 1, 1, 1, 3, 3, 3])
    for run in runs {
      let replicate = try #require(run["replicate"] as? Int)
      #expect(run["seed"] as? UInt64 == Self.seed + UInt64(replicate - 1))
    }
  }

  @Test func sweepWritesOneRowPerRunAndMetric() throws {
    let folder = try Self.sweep.get()
    var expected = 0
    var metricsByRun: [String: Int] = [:]
    for run in try Self.runs(folder) {
      let id = try #require(run["id"] as? String)
      let headlines = try SummaryHeadlines.read(
        summary: try Self.summary(folder, run: id), file: id)
      metricsByRun[id] = headlines.metrics.count
      expected += headlines.metrics.count
    }
    #expect(metricsByRun.count == 12)
    #expect(expected >= 12 * 40, "expected about 50 headline metrics per run")

    let table = try Self.csv(folder)
    #expect(
      table.header == [
        "run_id", Self.strategyPath, Self.listedPath, "replicate", "seed", "metric", "kind",
        "estimate", "lower", "upper", "p_value", "true_value", "undefined_reason",
      ])
    #expect(table.rows.count == expected)

    let database = try Database(
      path: folder.appendingPathComponent("results.sqlite").path, mode: .readOnly)
    let count = { (sql: String) in try database.mapRows(sql) { try $0.int(at: 0) }.first }
    #expect(try count("SELECT COUNT(*) FROM metrics") == expected)
    #expect(try count("SELECT COUNT(DISTINCT run_id) FROM metrics") == 12)
    #expect(try count("SELECT COUNT(*) FROM plan WHERE status = 'done'") == 12)
    #expect(try count("SELECT COUNT(*) FROM grid") == 4)
    let perRun = try database.mapRows(
      "SELECT run_id, COUNT(*) FROM metrics GROUP BY run_id ORDER BY run_id"
    ) { (try $0.string(at: 0), try $0.int(at: 1)) }
    for (id, rows) in perRun {
      #expect(rows == metricsByRun[id], "rows of \(id)")
    }
    // Grid values keep their JSON type: the list length is an integer column value.
    let types = try database.mapRows(
      "SELECT DISTINCT typeof(\"\(Self.listedPath)\") FROM metrics") { try $0.string(at: 0) }
    #expect(types == ["integer"])
  }

  /// A comparison's absolute lift carries its interval, the z-test's p-value and the
  /// true lift from the summary.
  @Test func sweepRowsCarryTestAndTruth() throws {
    let folder = try Self.sweep.get()
    let summary = try #require(
      JSONSerialization.jsonObject(
        with: Data(try Self.summary(folder, run: "p02-r03").utf8)) as? [String: Any])
    let comparison = try #require((summary["comparisons"] as? [[String: Any]])?.first)
    let table = try Self.csv(folder)
    let metric = "comparisons[watched-classes].absolute"
    func number(_ column: String) throws -> Double? {
      Double(try Self.field(table, run: "p02-r03", metric: metric, column: column))
    }
    let interval = try #require(comparison["ci95"] as? [Double])
    #expect(try number("estimate") == comparison["absolute"] as? Double)
    #expect(try number("lower") == interval[0])
    #expect(try number("upper") == interval[1])
    #expect(try number("p_value") == comparison["pValue"] as? Double)
    #expect(try number("true_value") == comparison["trueAbsolute"] as? Double)
    #expect(try Self.field(table, run: "p02-r03", metric: metric, column: "kind") == "estimate")
  }

  /// Every run's summary is the one that `loopsim run` writes with the same overrides and
  /// seed.
  @Test(arguments: [
    ("p01-r01", "watched-classes", 1, 0), ("p04-r03", "no-email", 3, 2),
  ])
  func sweepRunEqualsPlainRun(id: String, strategy: String, listed: Int, offset: UInt64)
    throws
  {
    let folder = try Self.sweep.get()
    let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
    let result = try TestSupport.runLoopSim([
      "run", TestSupport.flagshipScenario, "--customers", Self.customers,
      "--set", "\(Self.strategyPath)=\(strategy)", "--set", "\(Self.listedPath)=\(listed)",
      "--seed", String(Self.seed + offset), "--out", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let plain = try String(
      contentsOf: output.appendingPathComponent("summary.json"), encoding: .utf8)
    #expect(try Self.summary(folder, run: id) == plain)
  }

  /// A sweep over the arm's strategy changes what the arm does: the no-email points send
  /// nothing and have no true lift.
  @Test func sweepOverStrategyChangesMetrics() throws {
    let table = try Self.csv(try Self.sweep.get())
    let lift = "comparisons[watched-classes].absolute"
    for replicate in 1...3 {
      let watched = "p01-r0\(replicate)"
      let noEmail = "p03-r0\(replicate)"
      let sentWatched = try Self.field(table, run: watched, metric: "emails.sent", column: "estimate")
      let sentNone = try Self.field(table, run: noEmail, metric: "emails.sent", column: "estimate")
      #expect(try #require(Int(sentWatched)) > 0)
      #expect(sentNone == "0")
      let truthWatched = try Self.field(table, run: watched, metric: lift, column: "true_value")
      let truthNone = try Self.field(table, run: noEmail, metric: lift, column: "true_value")
      #expect(truthWatched != truthNone)
      #expect(try #require(Double(truthNone)) == 0)
    }
  }

  /// `--plan` prints plan.json as the sweep wrote it, and each run's resolved scenario is
  /// what `loopsim resolve` prints for the same overrides and seed.
  @Test func sweepPlanMatchesFolder() throws {
    let folder = try Self.sweep.get()
    let out = try TestSupport.temporaryDirectory().appendingPathComponent("never")
    let result = try TestSupport.runLoopSim(
      Self.sweepArguments + ["--plan", "--quiet", "--out", out.path])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: out.path), "--plan wrote a folder")
    let written = try String(
      contentsOf: folder.appendingPathComponent("plan.json"), encoding: .utf8)
    #expect(result.standardOutput == written)

    let plan = try #require(
      JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(plan["kind"] as? String == "sweep")
    #expect(plan["replicates"] as? Int == 3)
    #expect(plan["points"] as? Int == 4)
    let run = try #require((plan["runs"] as? [[String: Any]])?.last)
    let resolve = try TestSupport.runLoopSim([
      "resolve", TestSupport.flagshipScenario, "--customers", Self.customers,
      "--set", "\(Self.strategyPath)=no-email", "--set", "\(Self.listedPath)=3",
      "--seed", String(Self.seed + 2),
    ])
    #expect(resolve.status == 0)
    #expect(run["resolvedScenario"] as? String == resolve.standardOutput)
    let summary = try #require(
      JSONSerialization.jsonObject(with: Data(try Self.summary(folder, run: "p04-r03").utf8))
        as? [String: Any])
    #expect(run["scenarioSha256"] as? String == summary["scenarioSha256"] as? String)
  }

  /// `--combine` rebuilds byte-identical tables; a missing run fails with its id unless
  /// `--allow-partial` is given.
  @Test func sweepCombineRebuildsTables() throws {
    let folder = try Self.sweep.get()
    let copy = try TestSupport.temporaryDirectory().appendingPathComponent("copy")
    try FileManager.default.copyItem(at: folder, to: copy)
    for name in ["results.sqlite", "results.csv"] {
      try FileManager.default.removeItem(at: copy.appendingPathComponent(name))
    }
    let combined = try TestSupport.runLoopSim(["sweep", "--combine", copy.path, "--quiet"])
    #expect(combined.status == 0, "\(combined.standardError)")
    for name in ["results.sqlite", "results.csv"] {
      let original = try Data(contentsOf: folder.appendingPathComponent(name))
      let rebuilt = try Data(contentsOf: copy.appendingPathComponent(name))
      #expect(original == rebuilt, "\(name) differs after --combine")
    }

    try FileManager.default.removeItem(at: copy.appendingPathComponent("runs/p02-r02"))
    let csvBefore = try Data(contentsOf: copy.appendingPathComponent("results.csv"))
    let missing = try TestSupport.runLoopSim(["sweep", "--combine", copy.path, "--quiet"])
    #expect(missing.status == 2)
    #expect(missing.standardError.contains("p02-r02"), "\(missing.standardError)")
    #expect(missing.standardError.contains("--allow-partial"))
    #expect(try Data(contentsOf: copy.appendingPathComponent("results.csv")) == csvBefore)

    let partial = try TestSupport.runLoopSim([
      "sweep", "--combine", copy.path, "--allow-partial", "--quiet",
    ])
    #expect(partial.status == 0, "\(partial.standardError)")
    #expect(partial.standardError.contains("p02-r02"))
    let table = try Self.csv(copy)
    let ids = Set(table.rows.map { $0[0] })
    #expect(ids.count == 11)
    #expect(!ids.contains("p02-r02"))
    let database = try Database(
      path: copy.appendingPathComponent("results.sqlite").path, mode: .readOnly)
    let status = try database.mapRows("SELECT status FROM plan WHERE run_id = 'p02-r02'") {
      try $0.string(at: 0)
    }
    #expect(status == ["missing"])
  }

  /// `--combine` rejects a plan without runs, a summary of another schema version, and a
  /// folder where no run has a summary, even with `--allow-partial`.
  @Test(arguments: ["emptyPlan", "summaryVersion", "noSummaries"])
  func sweepCombineRejectsBadFolder(change: String) throws {
    let folder = try Self.sweep.get()
    let copy = try TestSupport.temporaryDirectory().appendingPathComponent("copy")
    try FileManager.default.copyItem(at: folder, to: copy)
    let fragment: String
    switch change {
    case "emptyPlan":
      let planURL = copy.appendingPathComponent("plan.json")
      var plan = try Self.plan(copy)
      plan["runs"] = [] as [Any]
      try JSONSerialization.data(withJSONObject: plan).write(to: planURL)
      fragment = "the plan lists no run"
    case "summaryVersion":
      let summaryURL = copy.appendingPathComponent("runs/p01-r01/summary.json")
      let text = try String(contentsOf: summaryURL, encoding: .utf8)
      try text.replacingOccurrences(of: "\"schemaVersion\": 3", with: "\"schemaVersion\": 99")
        .write(to: summaryURL, atomically: true, encoding: .utf8)
      fragment = "schemaVersion is 99"
    default:
      try FileManager.default.removeItem(at: copy.appendingPathComponent("runs"))
      fragment = "nothing to combine"
    }
    let result = try TestSupport.runLoopSim([
      "sweep", "--combine", copy.path, "--allow-partial", "--quiet",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains(fragment), "\(result.standardError)")
  }

  /// The same sweep, one run at a time and keeping every run's folder, writes the same
  /// bytes.
  @Test func sweepIsDeterministic() throws {
    let folder = try Self.sweep.get()
    let again = try TestSupport.temporaryDirectory().appendingPathComponent("again")
    let result = try TestSupport.runLoopSim(
      Self.sweepArguments + ["--out", again.path, "--jobs", "1", "--keep-runs"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("12 of 12 runs done"))
    #expect(result.standardOutput.contains("Results    \(again.path)"))
    for name in ["results.sqlite", "results.csv", "plan.json"] {
      let first = try Data(contentsOf: folder.appendingPathComponent(name))
      let second = try Data(contentsOf: again.appendingPathComponent(name))
      #expect(first == second, "\(name) differs between two sweeps")
    }
    for name in ["summary.json", "results.sqlite", "report.html"] {
      let path = again.appendingPathComponent("runs/p03-r02/\(name)").path
      #expect(FileManager.default.fileExists(atPath: path), "--keep-runs lacks \(name)")
    }
    #expect(
      !FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("runs/p03-r02/results.sqlite").path))
  }
}

/// A bad sweep request: its extra arguments and the parts its message must contain.
struct BadSweepCase: CustomTestStringConvertible, Sendable {
  let name: String
  let arguments: [String]
  let expected: [String]
  var testDescription: String { name }
}

private let badSweepCases = [
  BadSweepCase(
    name: "unknown path", arguments: ["--grid", "run.custmers=100,200"],
    expected: ["--grid 'run.custmers=100,200'", "run.custmers", "unknown field", "customers", "Fix:"]),
  BadSweepCase(
    name: "bad value", arguments: ["--grid", "run.customers=100,-5"],
    expected: ["--grid 'run.customers=100,-5'", "the value -5 for run.customers", "Fix:"]),
  BadSweepCase(
    name: "empty list", arguments: ["--grid", "run.customers="],
    expected: ["--grid 'run.customers='", "the value list is empty", "Fix:"]),
  BadSweepCase(
    name: "empty value", arguments: ["--grid", "run.customers=100,,200"],
    expected: ["--grid 'run.customers=100,,200'", "value 2 is empty", "Fix:"]),
  BadSweepCase(
    name: "duplicate path",
    arguments: ["--grid", "run.customers=100", "--grid", "run.customers=200"],
    expected: ["--grid 'run.customers=200'", "run.customers is already a grid path", "Fix:"]),
  BadSweepCase(
    name: "repeated value", arguments: ["--grid", "run.customers=100,100"],
    expected: ["--grid 'run.customers=100,100'", "repeats value 1", "Fix:"]),
  BadSweepCase(
    name: "zero replicates", arguments: ["--grid", "run.customers=100,200", "--replicates", "0"],
    expected: ["'0'", "--replicates", "from 1 to 10000"]),
  BadSweepCase(
    name: "seed as grid path", arguments: ["--grid", "run.seed=1,2"],
    expected: ["--grid 'run.seed=1,2'", "--replicates", "Fix:"]),
  BadSweepCase(
    name: "invalid combination",
    arguments: ["--grid", "run.duration=35d,30d", "--grid", "run.arrivalWindow=28d,33d"],
    expected: [
      "--grid: the combination", "run.duration=\"30d\"", "run.arrivalWindow=\"33d\"",
      "(point 4)", "arrival window longer than the run", "Fix:",
    ]),
  BadSweepCase(
    name: "unclosed bracket", arguments: ["--grid", "run.customers=[1,2"],
    expected: ["--grid 'run.customers=[1,2'", "no closing ']'", "Fix:"]),
  BadSweepCase(
    name: "grid and set on one path",
    arguments: ["--grid", "run.customers=100,200", "--customers", "50"],
    expected: ["run.customers is also set by --customers", "Fix:"]),
]

/// A bad grid fails with exit status 2 before anything runs, names the option, the path,
/// the value and the fix, and leaves no folder.
@Test(arguments: badSweepCases)
func sweepRejectsBadGrid(_ badCase: BadSweepCase) throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("sweep")
  let result = try TestSupport.runLoopSim(
    ["sweep", TestSupport.flagshipScenario] + badCase.arguments
      + ["--out", output.path, "--quiet"])
  #expect(result.status == 2, "stderr: \(result.standardError)")
  for part in badCase.expected {
    #expect(result.standardError.contains(part), "missing '\(part)' in: \(result.standardError)")
  }
  #expect(result.standardOutput.isEmpty)
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

/// How `--grid` splits its value list.
struct GridSplitCase: CustomTestStringConvertible, Sendable {
  let name: String
  let option: String
  let values: [String]
  var testDescription: String { name }
}

@Test(arguments: [
  GridSplitCase(name: "numbers", option: "run.customers=1000, 2000", values: ["1000", "2000"]),
  GridSplitCase(
    name: "quoted comma", option: "description='a,b',c,\"d,e\"",
    values: ["\"a,b\"", "\"c\"", "\"d,e\""]),
  GridSplitCase(
    name: "arrays and objects", option: "x=[1,2],{a: 1, b: [3,4]},true",
    values: ["[1,2]", "{\"a\":1,\"b\":[3,4]}", "true"]),
  GridSplitCase(name: "one value", option: "workflows[0].steps[0].wait=2h", values: ["\"2h\""]),
  GridSplitCase(
    name: "apostrophe in a word", option: "description=it's,b", values: ["\"it's\"", "\"b\""]),
])
func sweepGridSplitsValues(_ splitCase: GridSplitCase) throws {
  let axis = try SweepAxis(parsing: splitCase.option)
  let rendered = try axis.values.map { node -> String in
    switch node.value {
    case .array, .object:
      return try node.canonicalJSON().filter { !$0.isWhitespace }
    default:
      return try node.canonicalJSON()
    }
  }
  #expect(rendered == splitCase.values)
}

/// Ctrl-C during a sweep removes the partial folder and exits with 130.
@Test func sweepInterruptedRemovesPartialFolder() throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("sweep")
  let result = try TestSupport.runLoopSim(
    [
      "sweep", TestSupport.flagshipScenario, "--customers", "500000",
      "--grid", "experiment.arms[0].listedClasses=1,3", "--out", output.path, "--quiet",
    ]
  ) { process in
    Thread.sleep(forTimeInterval: 1.5)
    process.interrupt()
  }
  #expect(result.status == 130, "stderr: \(result.standardError)")
  #expect(result.standardError.contains("interrupted"))
  #expect(!FileManager.default.fileExists(atPath: output.path))
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

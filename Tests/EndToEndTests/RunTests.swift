import Foundation
import TestSupport
import Testing
import Warehouse

/// Runs the flagship with a few customers into a new folder and returns the folder.
private func runFlagship(
  customers: Int = 3_000, seed: UInt64? = nil, extra: [String] = []
) throws -> (URL, TestSupport.ProcessResult) {
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  var arguments = [
    "run", TestSupport.flagshipScenario, "--customers", "\(customers)", "--out", output.path,
    "--quiet",
  ]
  if let seed { arguments += ["--seed", "\(seed)"] }
  let result = try TestSupport.runLoopSim(arguments + extra)
  return (output, result)
}

private func summary(in directory: URL) throws -> [String: Any] {
  let data = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
  return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// Reads every table's rows in a fixed order as text, for comparing two runs.
private func dumpTables(in directory: URL) throws -> [String: [String]] {
  let database = try Database(
    path: directory.appendingPathComponent("results.sqlite").path, mode: .readOnly)
  let tables = try database.mapRows(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
  ) { try $0.string(at: 0) }
  var dump: [String: [String]] = [:]
  for table in tables {
    dump[table] = try database.mapRows("SELECT * FROM \"\(table)\" ORDER BY rowid") { row in
      try (0..<row.columnCount).map { "\(try row.value(at: $0))" }.joined(separator: "|")
    }
  }
  return dump
}

@Test func runSameSeedIsByteIdentical() throws {
  let (first, firstResult) = try runFlagship(seed: 99)
  let (second, secondResult) = try runFlagship(seed: 99)
  #expect(firstResult.status == 0, "\(firstResult.standardError)")
  #expect(secondResult.status == 0, "\(secondResult.standardError)")
  let firstSummary = try Data(contentsOf: first.appendingPathComponent("summary.json"))
  let secondSummary = try Data(contentsOf: second.appendingPathComponent("summary.json"))
  #expect(firstSummary == secondSummary)
  let firstTables = try dumpTables(in: first)
  let secondTables = try dumpTables(in: second)
  #expect(firstTables.keys.sorted() == secondTables.keys.sorted())
  for table in firstTables.keys.sorted() {
    #expect(firstTables[table] == secondTables[table], "table \(table) differs")
  }
  #expect((firstTables["messages"]?.count ?? 0) > 1_000)
}

@Test func runDifferentSeedDiffers() throws {
  let (first, _) = try runFlagship(seed: 1)
  let (second, _) = try runFlagship(seed: 2)
  let firstSummary = try summary(in: first)
  let secondSummary = try summary(in: second)
  #expect(firstSummary["seed"] as? Int == 1)
  #expect(secondSummary["seed"] as? Int == 2)
  #expect(firstSummary["events"] as? Int != secondSummary["events"] as? Int)
}

@Test func runCountsReconcile() throws {
  let (output, result) = try runFlagship(customers: 4_000)
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try summary(in: output)
  let messages = try #require(summary["messages"] as? [String: Any])
  let emitted = try #require(messages["emitted"] as? Int)
  let accepted = try #require(messages["accepted"] as? Int)
  let quarantined = try #require(messages["quarantined"] as? Int)
  let dropped = try #require(messages["dropped"] as? Int)
  #expect(emitted == accepted + quarantined + dropped)
  #expect(quarantined > 0, "the flagship's client faults should quarantine some messages")
  #expect(dropped > 0, "the flagship's client faults should duplicate some messages")

  let destinations = try #require(messages["destinations"] as? [String: [String: Int]])
  #expect(destinations.keys.sorted() == ["analytics", "messaging", "warehouse"])
  for (name, counts) in destinations {
    let routed = try #require(counts["routed"])
    #expect(routed == accepted, "\(name) routes every accepted message")
    #expect(
      routed == (counts["delivered"] ?? -1) + (counts["filtered"] ?? -1)
        + (counts["deadLettered"] ?? -1),
      "\(name) does not reconcile")
  }

  // The warehouse contains exactly the messages delivered to it, and the quarantine
  // table every quarantined one.
  let database = try Database(
    path: output.appendingPathComponent("results.sqlite").path, mode: .readOnly)
  let rows = try database.mapRows("SELECT COUNT(*) FROM messages") { try $0.int(at: 0) }
  #expect(rows.first == destinations["warehouse"]?["delivered"])
  let quarantineRows = try database.mapRows("SELECT COUNT(*) FROM quarantine") {
    try $0.int(at: 0)
  }
  #expect(quarantineRows.first == quarantined)
}

@Test func runSummaryHasDocumentedKeys() throws {
  let (output, result) = try runFlagship(customers: 2_000)
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try summary(in: output)
  for key in [
    "schemaVersion", "scenario", "seed", "customers", "events", "arms", "lift", "messages",
  ] {
    #expect(summary[key] != nil, "missing \(key)")
  }
  #expect(summary["scenario"] as? String == "masterclass-abandoned-cart")
  let arms = try #require(summary["arms"] as? [[String: Any]])
  #expect(arms.map { $0["name"] as? String } == ["watched-classes", "holdout"])
  for arm in arms {
    for key in ["customers", "conversions", "conversionRate"] {
      #expect(arm[key] != nil, "arm missing \(key)")
    }
  }
  let lift = try #require(summary["lift"] as? [String: Any])
  for key in ["absolute", "relative", "ci95", "pValue", "trueAbsolute", "trueRelative"] {
    #expect(lift.keys.contains(key), "lift missing \(key)")
  }
  let interval = try #require(lift["ci95"] as? [Double])
  #expect(interval.count == 2)
  #expect(interval[0] <= interval[1])
  #expect(result.standardOutput.contains("True lift"))
}

/// With a large effect and many customers, the estimate's interval covers the truth. The
/// seed is fixed, so the outcome is the same on every run.
@Test func runTrueLiftInsideInterval() throws {
  let fixture = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/EndToEndTests/Fixtures/large-effect.json5")
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(["run", fixture.path, "--out", output.path, "--quiet"])
  #expect(result.status == 0, "\(result.standardError)")
  let lift = try #require(try summary(in: output)["lift"] as? [String: Any])
  let interval = try #require(lift["ci95"] as? [Double])
  let truth = try #require(lift["trueAbsolute"] as? Double)
  let estimate = try #require(lift["absolute"] as? Double)
  #expect(truth > 0.1, "the fixture's effect should be large")
  #expect(interval[0] <= truth, "truth \(truth) below \(interval)")
  #expect(truth <= interval[1], "truth \(truth) above \(interval)")
  #expect(interval[0] > 0, "a large effect should be significant")
  #expect(abs(estimate - truth) < 0.05)
}

@Test func runWritesEscapedEmails() throws {
  let (output, result) = try runFlagship(
    customers: 4_000,
    extra: ["--set", "catalog[0].title=Knives <script>alert(1)</script> & \"Forks\""])
  #expect(result.status == 0, "\(result.standardError)")
  let database = try Database(
    path: output.appendingPathComponent("results.sqlite").path, mode: .readOnly)
  let html = try database.mapRows(
    "SELECT html FROM emails WHERE abandoned_class_id = 'knife-skills'"
  ) { try $0.string(at: 0) }
  #expect(!html.isEmpty)
  #expect(html.allSatisfy { !$0.contains("<script>") })
  #expect(
    html.allSatisfy {
      $0.contains("Knives &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Forks&quot;")
    })
}

/// The warehouse lift agrees with a count made here from the raw `messages` rows, and the
/// ground truth in the summary agrees with the `ground_truth` table.
@Test func runMeasurementMatchesIndependentCount() throws {
  let (output, result) = try runFlagship(customers: 6_000)
  #expect(result.status == 0, "\(result.standardError)")
  let database = try Database(
    path: output.appendingPathComponent("results.sqlite").path, mode: .readOnly)

  struct Row {
    let user: String
    let event: String
    let time: Int64
    let properties: String
  }
  let rows = try database.mapRows(
    """
    SELECT user_id, event, timestamp_ms, properties FROM messages
    WHERE event IN ('Experiment Viewed', 'Order Completed') AND user_id IS NOT NULL
    """
  ) {
    Row(
      user: try $0.string(at: 0), event: try $0.string(at: 1), time: try $0.int64(at: 2),
      properties: try $0.string(at: 3))
  }

  var assignment: [String: (arm: String, time: Int64)] = [:]
  for row in rows where row.event == "Experiment Viewed" {
    let properties = try #require(
      JSONSerialization.jsonObject(with: Data(row.properties.utf8)) as? [String: Any])
    let arm = try #require(properties["variation_name"] as? String)
    if let existing = assignment[row.user], existing.time <= row.time { continue }
    assignment[row.user] = (arm, row.time)
  }
  var converted: Set<String> = []
  for row in rows where row.event == "Order Completed" {
    if let assigned = assignment[row.user], row.time >= assigned.time {
      converted.insert(row.user)
    }
  }

  let summary = try summary(in: output)
  let arms = try #require(summary["arms"] as? [[String: Any]])
  for arm in arms {
    let name = try #require(arm["name"] as? String)
    let users = assignment.filter { $0.value.arm == name }.map(\.key)
    #expect(arm["customers"] as? Int == users.count, "\(name) customers")
    #expect(
      arm["conversions"] as? Int == users.filter(converted.contains).count, "\(name) conversions")
  }

  let lift = try #require(summary["lift"] as? [String: Any])
  let truthRows = try database.mapRows(
    """
    SELECT (SELECT COUNT(*) FROM ground_truth),
           (SELECT SUM(converted) FROM potential_outcomes WHERE arm = 'watched-classes'),
           (SELECT SUM(converted) FROM potential_outcomes WHERE arm = 'holdout')
    """
  ) { (try $0.int(at: 0), try $0.int(at: 1), try $0.int(at: 2)) }
  let truth = try #require(truthRows.first)
  #expect(lift["trueCustomers"] as? Int == truth.0)
  let trueAbsolute = try #require(lift["trueAbsolute"] as? Double)
  #expect(abs(trueAbsolute - Double(truth.1 - truth.2) / Double(truth.0)) < 1e-12)
}

@Test func runEmptyArmGivesReasons() throws {
  let (output, result) = try runFlagship(extra: [
    "--set", "experiment.holdout=0", "--set", "experiment.arms[0].share=1",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try summary(in: output)
  let lift = try #require(summary["lift"] as? [String: Any])
  for key in ["absolute", "relative", "ci95", "relativeCi95", "zStatistic", "pValue"] {
    #expect(lift[key] is NSNull, "\(key) should be null")
    #expect(lift[key + "UndefinedReason"] as? String == "emptyArm", "\(key) needs a reason")
  }
  #expect(lift["trueAbsolute"] is Double, "the truth is known even with no holdout")
  let arms = try #require(summary["arms"] as? [[String: Any]])
  #expect(arms[0]["ci95"] is [Double], "the non-empty arm keeps its interval")
  #expect(arms[1]["ci95UndefinedReason"] as? String == "emptyArm")
}

/// A pipeline that loses every holdout assignment event breaks the split the warehouse
/// sees; the sample-ratio check must flag it and the summary must say so.
@Test func runFlagsSampleRatioMismatch() throws {
  let plan = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/EndToEndTests/Fixtures/blocks-holdout-plan.json5")
  let (output, result) = try runFlagship(
    customers: 4_000, extra: ["--set", "pipeline.trackingPlan=\(plan.path)"])
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try summary(in: output)
  let sampleRatio = try #require(summary["sampleRatio"] as? [String: Any])
  #expect(sampleRatio["mismatch"] as? Bool == true)
  #expect((sampleRatio["pValue"] as? Double ?? 1) < 0.001)
  let warnings = try #require(summary["warnings"] as? [String])
  #expect(warnings.contains { $0.contains("sample ratio mismatch") })
}

/// The comparison carries the Holm-adjusted p-value, the revenue test and, with a
/// pre-period, the CUPED adjustment.
@Test func runReportsRevenueHolmAndCuped() throws {
  let (output, result) = try runFlagship(
    customers: 6_000,
    extra: [
      "--set", "run.prePeriod=14d", "--set", "run.arrivalWindow=14d", "--set",
      "behaviour.engagement={sigma:1}", "--set", "behaviour.visits={ratePerWeek:1}",
    ])
  #expect(result.status == 0, "\(result.standardError)")
  let lift = try #require(try summary(in: output)["lift"] as? [String: Any])
  let pValue = try #require(lift["pValue"] as? Double)
  #expect(lift["pValueHolm"] as? Double == pValue, "one comparison: Holm leaves p as it is")
  let revenue = try #require(lift["revenue"] as? [String: Any])
  #expect(revenue["degreesOfFreedom"] is Double)
  #expect(revenue["bootstrapPercentileCi95"] is [Double])
  let cuped = try #require(lift["cuped"] as? [String: Any])
  let reduction = try #require(cuped["varianceReduction"] as? Double)
  #expect(reduction > 0, "engaged returning customers make the covariate informative")
  #expect(reduction < 1)
}

import Foundation
import TestSupport
import Testing
import Warehouse

/// `loopsim run --export-messages`, and the replay of a run's own export.
struct ExportReplayTests {
  /// The events the messaging engine sends; customers never send them.
  static let engineEvents: Set<String> = [
    "Experiment Viewed", "Email Sent", "Email Delivered", "Email Bounced", "Email Opened",
    "Email Link Clicked", "Unsubscribed", "Email Marked as Spam",
  ]

  /// A plan that quarantines the engine's holdout assignments.
  static let holdoutBlockingPlan = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/EndToEndTests/Fixtures/blocks-holdout-plan.json5"
  ).path

  /// A plan that quarantines the customers' class page views.
  static let viewBlockingPlan = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/EndToEndTests/Fixtures/blocks-product-viewed-plan.json5"
  ).path

  /// Runs the flagship with `extra` arguments and an export, and returns the run's folder,
  /// the export's path and the process result.
  static func runWithExport(customers: Int = 3_000, extra: [String] = []) throws -> (
    run: URL, export: URL, result: TestSupport.ProcessResult
  ) {
    let folder = try TestSupport.temporaryDirectory("loopsim-export")
    let run = folder.appendingPathComponent("run")
    let export = folder.appendingPathComponent("messages.jsonl")
    let result = try TestSupport.runLoopSim(
      [
        "run", TestSupport.flagshipScenario, "--customers", "\(customers)", "--out", run.path,
        "--export-messages", export.path, "--quiet",
      ] + extra)
    return (run, export, result)
  }

  /// Reads the export's lines as JSON objects.
  static func exportedMessages(_ export: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: export, encoding: .utf8)
    #expect(text.hasSuffix("\n"))
    return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
      let object = try JSONSerialization.jsonObject(with: Data($0.utf8))
      return try #require(object as? [String: Any], "not an object: \($0)")
    }
  }

  static func source(_ message: [String: Any]) -> String? {
    (message["context"] as? [String: Any])?["loopsimSource"] as? String
  }

  // MARK: The export

  @Test func exportIsOneMarkedObjectPerLine() throws {
    let (run, export, result) = try Self.runWithExport()
    #expect(result.status == 0, "\(result.standardError)")
    let messages = try Self.exportedMessages(export)
    let summary = try ReplayTests.summary(in: run)
    let counts = try ReplayTests.messages(summary)
    #expect(messages.count == counts["emitted"] as? Int)

    var sources: [String: Int] = [:]
    for message in messages {
      sources[Self.source(message) ?? "none", default: 0] += 1
      #expect(message["type"] is String)
      #expect(message["timestamp"] is String)
      #expect(message["sentAt"] is String)
      #expect(message["receivedAt"] is String, "the export stamps when Collect received it")
    }
    #expect(sources.keys.sorted() == ["back-end", "front-end", "messaging"])
    // Collect received the messages in time order, so receivedAt never decreases.
    let times = messages.compactMap { $0["receivedAt"] as? String }
    #expect(times == times.sorted())
    // The engine's messages are exactly the engine's events.
    for message in messages {
      let event = message["event"] as? String ?? ""
      #expect((Self.source(message) == "messaging") == Self.engineEvents.contains(event))
    }
    // Quarantined messages are exported too.
    let withoutIds = messages.filter { $0["userId"] == nil && $0["anonymousId"] == nil }
    #expect(withoutIds.count == counts["quarantined"] as? Int)
    #expect(!withoutIds.isEmpty)
  }

  @Test func exportRefusesExistingFile() throws {
    let folder = try TestSupport.temporaryDirectory("loopsim-export")
    let export = folder.appendingPathComponent("messages.jsonl")
    try Data("keep".utf8).write(to: export)
    let result = try TestSupport.runLoopSim([
      "run", TestSupport.flagshipScenario, "--customers", "100", "--out",
      folder.appendingPathComponent("run").path, "--export-messages", export.path, "--quiet",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--export-messages"))
    #expect(try String(contentsOf: export, encoding: .utf8) == "keep")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
  }

  @Test func exportRefusesMissingFolder() throws {
    let folder = try TestSupport.temporaryDirectory("loopsim-export")
    let export = folder.appendingPathComponent("absent/messages.jsonl")
    let result = try TestSupport.runLoopSim([
      "run", TestSupport.flagshipScenario, "--customers", "100", "--out",
      folder.appendingPathComponent("run").path, "--export-messages", export.path, "--quiet",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("cannot create the file"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func exportRejectedWithReplicates() throws {
    let folder = try TestSupport.temporaryDirectory("loopsim-export")
    let result = try TestSupport.runLoopSim([
      "run", TestSupport.flagshipScenario, "--customers", "100", "--replicates", "2",
      "--export-messages", folder.appendingPathComponent("messages.jsonl").path,
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--replicates"))
  }

  /// Ctrl-C during a run leaves neither the export nor its hidden partial file.
  @Test func exportRemovedWhenInterrupted() throws {
    let folder = try TestSupport.temporaryDirectory("loopsim-export")
    var duringRun: [String] = []
    let result = try TestSupport.runLoopSim(
      [
        "run", TestSupport.flagshipScenario, "--customers", "300000", "--out",
        folder.appendingPathComponent("run").path, "--export-messages",
        folder.appendingPathComponent("messages.jsonl").path, "--quiet",
      ]
    ) { process in
      Thread.sleep(forTimeInterval: 1.5)
      duringRun = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      process.interrupt()
    }
    #expect(result.status == 130, "stderr: \(result.standardError)")
    #expect(duringRun.contains { $0.hasPrefix(".messages.jsonl.partial-") }, "\(duringRun)")
    #expect(!duringRun.contains("messages.jsonl"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  // MARK: Replaying a run's export

  /// Returns the run's Collect counts of its customers' messages, worked out from the run's
  /// own output: the export's lines by source, and the run's quarantine table by event, because
  /// only the engine sends the engine's events.
  static func customerSideCounts(run: URL, export: URL) throws -> (
    counts: [String: Int], quarantineReasons: [String: Int]
  ) {
    let messages = try exportedMessages(export)
    let customerSide = messages.filter { source($0) != "messaging" }
    let engineSide = messages.filter { source($0) == "messaging" }

    // The engine's message ids are unique, so none of its messages was dropped.
    let engineIds = engineSide.compactMap { $0["messageId"] as? String }
    #expect(Set(engineIds).count == engineSide.count)
    let customerIds = Set(customerSide.compactMap { $0["messageId"] as? String })
    #expect(customerIds.isDisjoint(with: engineIds))

    let database = try ReplayTests.database(in: run)
    let quarantine = try database.mapRows("SELECT event, reason FROM quarantine") {
      (event: try $0.isNull(at: 0) ? "" : try $0.string(at: 0), reason: try $0.string(at: 1))
    }
    var reasons: [String: Int] = [:]
    for row in quarantine where !engineEvents.contains(row.event) {
      reasons[row.reason, default: 0] += 1
    }
    let quarantined = reasons.values.reduce(0, +)
    let runMessages = try ReplayTests.messages(ReplayTests.summary(in: run))
    let dropped = try #require(runMessages["dropped"] as? Int)
    let counts = [
      "emitted": customerSide.count, "quarantined": quarantined, "dropped": dropped,
      "accepted": customerSide.count - quarantined - dropped,
    ]
    return (counts, reasons)
  }

  static let replayedScenarios: [[String]] = [
    [],
    ["--set", "pipeline.trackingPlan=\(holdoutBlockingPlan)"],
    ["--set", "pipeline.trackingPlan=\(viewBlockingPlan)"],
    ["--set", "behaviour.visits={ratePerWeek:1}", "--seed", "7"],
    // Wrong device clocks, an offline app, a short dedup window and a rename: the replay
    // places each line at its receivedAt and collects and routes as the run did.
    [
      "--set", "pipeline.dedupWindow=10m", "--set", "pipeline.lateThreshold=30m",
      "--set",
      "pipeline.client={duplicateRate:0.02,duplicateDelay:{exponential:{mean:'20m'}},"
        + "invalidRate:0.002,secondDeviceRate:0.3,"
        + "clockSkew:{offset:{exponential:{mean:'5m'}},behindShare:0.7},"
        + "offlineRate:0.1,offlineDelay:{exponential:{mean:'2h'}}}",
      "--set", "pipeline.destinations.analytics.mappings={product_id:'sku'}",
    ],
  ]

  /// The central check: a run's export, replayed through the same scenario, gives the same
  /// Collect counts for the customers' messages, and skips the engine's.
  @Test(arguments: replayedScenarios)
  func replayOfExportReproducesCounts(extra: [String]) throws {
    let (run, export, runResult) = try Self.runWithExport(extra: extra)
    #expect(runResult.status == 0, "\(runResult.standardError)")
    let (expected, expectedReasons) = try Self.customerSideCounts(run: run, export: export)
    #expect((expected["quarantined"] ?? 0) > 0)
    #expect((expected["dropped"] ?? 0) > 0)

    let (replay, result) = try ReplayTests.replay(export.path, extra: extra)
    #expect(result.status == 0, "\(result.standardError)")
    let messages = try ReplayTests.messages(ReplayTests.summary(in: replay))
    let fromFile = try #require(messages["fromFile"] as? [String: Int])
    for key in ["emitted", "accepted", "quarantined", "dropped"] {
      #expect(fromFile[key] == expected[key], "\(key)")
    }
    let engineLines = try Self.exportedMessages(export).filter { Self.source($0) == "messaging" }
    #expect(messages["skipped"] as? Int == engineLines.count)

    // The reasons match the run's too: the file's quarantined lines, and every drop.
    let replayRows = try ReplayTests.database(in: replay).mapRows(
      "SELECT reason FROM quarantine WHERE line IS NOT NULL"
    ) { try $0.string(at: 0) }
    #expect(Dictionary(replayRows.map { ($0, 1) }, uniquingKeysWith: +) == expectedReasons)
    let runMessages = try ReplayTests.messages(ReplayTests.summary(in: run))
    #expect(
      messages["dropReasons"] as? [String: Int] == runMessages["dropReasons"] as? [String: Int])
    // The engine's messages are never late and merge no identity, so these match the run's.
    for key in ["late", "merges"] {
      #expect(messages[key] as? Int == runMessages[key] as? Int, "\(key)")
    }
    // The merges table contains them, and warehouse rows are stitched to the merged user.
    let database = try ReplayTests.database(in: replay)
    let mergeRows = try database.mapRows("SELECT COUNT(*) FROM merges") { try $0.int(at: 0) }
    #expect(mergeRows == [messages["merges"] as? Int ?? -1])
    let unstitched = try database.mapRows(
      """
      SELECT COUNT(*) FROM messages
      WHERE resolved_user_id IS NULL AND anonymous_id IN (SELECT merged_id FROM merges)
      """
    ) { try $0.int(at: 0) }
    #expect(unstitched == [0])
  }
}

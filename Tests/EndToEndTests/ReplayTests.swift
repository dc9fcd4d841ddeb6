import Foundation
import TestSupport
import Testing
import Warehouse

/// `loopsim replay` on files that stretch the reader, and on input it must reject.
struct ReplayTests {
  /// Writes `bytes` to a new file named `name` and returns its path.
  static func write(_ bytes: [UInt8], named name: String = "messages.jsonl") throws -> String {
    let url = try TestSupport.temporaryDirectory("loopsim-replay").appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// Replays `file` through the flagship into a new folder, and returns the folder and the
  /// process result.
  static func replay(_ file: String, extra: [String] = []) throws -> (
    URL, TestSupport.ProcessResult
  ) {
    let output = try TestSupport.temporaryDirectory().appendingPathComponent("replay")
    let result = try TestSupport.runLoopSim(
      ["replay", file, "--scenario", TestSupport.flagshipScenario, "--out", output.path, "--quiet"]
        + extra)
    return (output, result)
  }

  static func summary(in directory: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func messages(_ summary: [String: Any]) throws -> [String: Any] {
    try #require(summary["messages"] as? [String: Any])
  }

  static func database(in directory: URL) throws -> Database {
    try Database(path: directory.appendingPathComponent("results.sqlite").path, mode: .readOnly)
  }

  /// Returns a Segment track message by `user` at `time` as one line of text.
  static func track(
    _ event: String, id: String, user: String, time: String = "2026-01-06T10:00:00Z",
    properties: String = "{}", context: String = "{}"
  ) -> String {
    #"{"type":"track","messageId":"\#(id)","userId":"\#(user)","event":"\#(event)","#
      + #""properties":\#(properties),"context":\#(context),"timestamp":"\#(time)"}"#
  }

  // MARK: Malformed lines

  /// Every kind of line the reader and Collect sort out, each with its expected result.
  static let mixedLines: [(text: [UInt8], reason: String?)] = {
    func line(_ text: String, _ reason: String? = nil) -> ([UInt8], String?) {
      (Array(text.utf8), reason)
    }
    let valid = #""messageId":"m-x","userId":"u-1","timestamp":"2026-01-06T10:00:00Z""#
    let big = "\"" + String(repeating: "x", count: 1_048_577) + "\""
    let long = String(repeating: "y", count: 4 * 1_048_576)
    return [
      line(track("Product Viewed", id: "m-1", user: "u-1")),  // 1: accepted
      line(track("Product Viewed", id: "m-1", user: "u-1")),  // 2: dropped as a duplicate
      line(""),  // 3: empty
      line(#"{"type":"track","#, "invalid JSON"),
      (Array(#"{"type":"track","event":"Caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), "invalid UTF-8"),
      line("[1,2]", "not a JSON object"),
      line("{\(valid)}", "missing type"),
      line(#"{"type":"purchase",\#(valid)}"#, "unknown type"),
      line(#"{"type":"track","userId":42}"#, "invalid userId"),  // 9
      line(
        #"{"type":"track","event":"E","properties":{"notes":\#(big)},\#(valid)}"#,
        "property value over 1 MiB"),
      line(
        #"{"type":"track","messageId":"m","userId":"u","timestamp":"yesterday"}"#,
        "invalid timestamp"),
      line(#"{"type":"track","messageId":"m","userId":"u","event":"E"}"#, "missing timestamp"),
      line(
        track("E", id: "m-2", user: "u", time: "2025-12-31T23:00:00Z"),
        "timestamp before the scenario start"),
      // 14: accepted, collected after the end of the run as an offline app's late message
      line(track("E", id: "m-3", user: "u", time: "2027-01-01T00:00:00Z")),
      line(#"{"type":"alias",\#(valid)}"#, "alias without previousId"),  // 15
      line(#"{"type":"group",\#(valid)}"#, "group without groupId"),
      line(
        #"{"type":"page","messageId":"m-4","name":"Class","timestamp":"2026-01-06T10:00:00Z"}"#,
        "missing userId and anonymousId"),
      line(
        #"{"type":"track","userId":"u-1","event":"E","timestamp":"2026-01-06T10:00:00Z"}"#,
        "missing messageId"),
      line(
        #"{"type":"track","messageId":"m-5","userId":"u-1","timestamp":"2026-01-06T10:00:00Z"}"#,
        "track without event"),
      // 20: skipped as the engine's
      line(
        track("Email Opened", id: "m-6", user: "u-1", context: #"{"loopsimSource":"messaging"}"#)),
      line(track("Experiment Viewed", id: "m-7", user: "u-1")),  // 21: skipped
      line(" \t "),  // 22: empty
      line(#"{"type":"track","event":"\#(long)"}"#, "line over 4 MiB"),
      line(
        #"{"type":"identify","messageId":"m-8","userId":"u-2","traits":{"email_opt_in":true},"#
          + #""timestamp":"2026-01-06T10:00:00+02:00"}"# + "\r"),  // 24: accepted, CRLF
      line(
        track("E", id: "m-9", user: "u", context: #"{"loopsimSource":"web"}"#),
        "invalid context.loopsimSource"),
      line(
        #"{"type":"page","messageId":"m-10","anonymousId":"a-3","name":"Class","#
          + #""sentAt":"2026-01-07T00:00:00Z"}"#),
    ]
  }()

  static var mixedFile: [UInt8] {
    // The last line has no line break.
    Array(mixedLines.map(\.text).joined(separator: [UInt8(ascii: "\n")]))
  }

  @Test func replayQuarantinesEveryMalformedLine() throws {
    let file = try Self.write(Self.mixedFile)
    let (output, result) = try Self.replay(file, extra: ["--json"])
    #expect(result.status == 0, "\(result.standardError)")

    let summary = try Self.summary(in: output)
    let replay = try #require(summary["replay"] as? [String: Any])
    #expect(replay["lines"] as? Int == Self.mixedLines.count)
    #expect(replay["emptyLines"] as? Int == 2)
    let messages = try Self.messages(summary)
    #expect(messages["skipped"] as? Int == 2)
    #expect(
      messages["skipReasons"] as? [String: Int]
        == ["messaging engine message": 1, "unmarked messaging engine event": 1])
    let fromFile = try #require(messages["fromFile"] as? [String: Int])
    let expectedQuarantine = Self.mixedLines.compactMap(\.reason)
    #expect(fromFile["emitted"] == Self.mixedLines.count - 4)
    #expect(fromFile["accepted"] == 4)
    #expect(replay["linesAfterEnd"] as? Int == 1)
    #expect(fromFile["dropped"] == 1)
    #expect(fromFile["quarantined"] == expectedQuarantine.count)
    #expect(messages["quarantined"] as? Int == expectedQuarantine.count)
    #expect(messages["dropReasons"] as? [String: Int] == ["duplicate messageId": 1])
    let reasons = try #require(messages["quarantineReasons"] as? [String: Int])
    #expect(reasons == Dictionary(expectedQuarantine.map { ($0, 1) }, uniquingKeysWith: +))

    // Every quarantined line is a row with its line number and reason.
    let rows = try Self.database(in: output).mapRows(
      "SELECT line, reason, message FROM quarantine ORDER BY line"
    ) { row in
      (line: try row.int(at: 0), reason: try row.string(at: 1), text: try row.string(at: 2))
    }
    let expectedRows = Self.mixedLines.enumerated().compactMap { index, line in
      line.reason.map { (line: index + 1, reason: $0) }
    }
    #expect(rows.map(\.line) == expectedRows.map(\.line))
    #expect(rows.map(\.reason) == expectedRows.map(\.reason))
    // A long rejected line keeps only its first 64 KiB.
    for row in rows where [10, 23].contains(row.line) {
      #expect(row.text.utf8.count == 65_536, "line \(row.line)")
    }
    let syntax = try #require(rows.first { $0.line == 4 })
    #expect(syntax.text == #"{"type":"track","#)

    // The standard output is summary.json.
    let written = try String(
      contentsOf: output.appendingPathComponent("summary.json"), encoding: .utf8)
    #expect(result.standardOutput == written)
  }

  @Test func replayWarehouseHoldsAcceptedLines() throws {
    let file = try Self.write(Self.mixedFile)
    let (output, result) = try Self.replay(file)
    #expect(result.status == 0, "\(result.standardError)")
    let ids = try Self.database(in: output).mapRows(
      "SELECT message_id, source FROM messages ORDER BY message_id"
    ) { "\(try $0.string(at: 0)) \(try $0.string(at: 1))" }
    #expect(ids == ["m-1 back-end", "m-10 front-end", "m-3 back-end", "m-8 back-end"])
    #expect(result.standardOutput.contains("From file    emitted 22 = accepted 4"))
    #expect(result.standardOutput.contains("collected after the end 1"))
  }

  @Test func replayEmptyFileHasNoMessages() throws {
    let file = try Self.write([])
    let (output, result) = try Self.replay(file)
    #expect(result.status == 0, "\(result.standardError)")
    let summary = try Self.summary(in: output)
    #expect((summary["replay"] as? [String: Any])?["lines"] as? Int == 0)
    let messages = try Self.messages(summary)
    for key in ["emitted", "accepted", "quarantined", "dropped", "skipped"] {
      #expect(messages[key] as? Int == 0, "\(key)")
    }
    #expect(
      (summary["replay"] as? [String: Any])?["fileSha256"] as? String
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func replayOnlyBlankLines() throws {
    let file = try Self.write(Array("\n\r\n  \n".utf8))
    let (output, result) = try Self.replay(file)
    #expect(result.status == 0, "\(result.standardError)")
    let summary = try Self.summary(in: output)
    let replay = try #require(summary["replay"] as? [String: Any])
    #expect(replay["lines"] as? Int == 3)
    #expect(replay["emptyLines"] as? Int == 3)
    #expect(try Self.messages(summary)["emitted"] as? Int == 0)
  }

  // MARK: The engine's reactions

  /// Users who add a class to the cart are enrolled, split and emailed by the replayed
  /// engine, and their clicks buy nothing, because the file is all the customers do.
  @Test func replaySimulatesEngineOnly() throws {
    var lines: [String] = []
    for user in 0..<40 {
      lines.append(
        #"{"type":"identify","messageId":"i-\#(user)","userId":"u-\#(user)","#
          + #""traits":{"email_opt_in":true},"timestamp":"2026-01-06T09:00:00Z"}"#)
      lines.append(
        Self.track(
          "Product Added", id: "p-\(user)", user: "u-\(user)", time: "2026-01-06T10:00:00Z",
          properties: #"{"product_id":"jazz-piano","price":150}"#))
    }
    let file = try Self.write(Array(lines.joined(separator: "\n").utf8))
    let (output, result) = try Self.replay(file)
    #expect(result.status == 0, "\(result.standardError)")

    let summary = try Self.summary(in: output)
    let assignments = try #require(summary["assignments"] as? [String: Any])
    #expect(assignments["enrolled"] as? Int == 40)
    let arms = try #require(assignments["arms"] as? [String: Int])
    #expect(arms.values.reduce(0, +) == 40)
    let emails = try #require(summary["emails"] as? [String: Int])
    #expect((emails["sent"] ?? 0) > 10)
    #expect(emails["sent"] == arms["watched-classes"])
    let fromEngine = try #require(try Self.messages(summary)["fromEngine"] as? [String: Int])
    #expect((fromEngine["emitted"] ?? 0) >= 40 + (emails["sent"] ?? 0))

    let database = try Self.database(in: output)
    let orders = try database.mapRows(
      "SELECT COUNT(*) FROM messages WHERE event = 'Order Completed'"
    ) { try $0.int(at: 0) }
    #expect(orders == [0])
    let relevance = try database.mapRows(
      "SELECT COUNT(*) FROM emails WHERE relevance IS NOT NULL"
    ) { try $0.int(at: 0) }
    #expect(relevance == [0])
    let assigned = try database.mapRows("SELECT COUNT(*) FROM assignments") { try $0.int(at: 0) }
    #expect(assigned == [40])
  }

  // MARK: Determinism

  /// Reads every table's rows in a fixed order as text.
  static func dumpTables(in directory: URL) throws -> [String: [String]] {
    let database = try database(in: directory)
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

  @Test func replaySameFileIsByteIdentical() throws {
    var lines = Self.mixedLines.map(\.text)
    for user in 0..<20 {
      lines.append(
        Array(
          Self.track(
            "Product Added", id: "p-\(user)", user: "u-\(user)",
            properties: #"{"product_id":"memoir"}"#
          ).utf8))
    }
    let file = try Self.write(Array(lines.joined(separator: [UInt8(ascii: "\n")])))
    let (first, firstResult) = try Self.replay(file)
    let (second, secondResult) = try Self.replay(file)
    #expect(firstResult.status == 0, "\(firstResult.standardError)")
    #expect(secondResult.status == 0, "\(secondResult.standardError)")
    let firstSummary = try Data(contentsOf: first.appendingPathComponent("summary.json"))
    let secondSummary = try Data(contentsOf: second.appendingPathComponent("summary.json"))
    #expect(firstSummary == secondSummary)
    let firstTables = try Self.dumpTables(in: first)
    let secondTables = try Self.dumpTables(in: second)
    #expect(firstTables.keys.sorted() == secondTables.keys.sorted())
    for table in firstTables.keys.sorted() {
      #expect(firstTables[table] == secondTables[table], "table \(table) differs")
    }
    #expect((firstTables["assignments"]?.count ?? 0) == 20)
  }

  // MARK: Input that cannot be replayed

  static func expectRejected(_ arguments: [String]) throws -> String {
    let result = try TestSupport.runLoopSim(["replay"] + arguments)
    #expect(result.status == 2, "stderr: \(result.standardError)")
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError.contains("error:"), "\(result.standardError)")
    return result.standardError
  }

  @Test func replayOutputFolderNotEmptyExitsTwo() throws {
    let file = try Self.write([])
    let output = try TestSupport.temporaryDirectory()
    try Data("x".utf8).write(to: output.appendingPathComponent("keep"))
    let message = try Self.expectRejected([
      file, "--scenario", TestSupport.flagshipScenario, "--out", output.path,
    ])
    #expect(message.contains("not empty"))
  }

  /// Ctrl-C during a replay removes the partial output and exits with 130.
  @Test func replayInterruptedRemovesPartialOutput() throws {
    var text = ""
    for index in 0..<300_000 {
      text +=
        #"{"type":"page","messageId":"m-\#(index)","anonymousId":"a-\#(index % 1_000)","#
        + #""timestamp":"2026-01-06T00:00:00Z"}"# + "\n"
    }
    let file = try Self.write(Array(text.utf8))
    let parent = try TestSupport.temporaryDirectory()
    let result = try TestSupport.runLoopSim(
      [
        "replay", file, "--scenario", TestSupport.flagshipScenario, "--out",
        parent.appendingPathComponent("replay").path, "--quiet",
      ]
    ) { process in
      Thread.sleep(forTimeInterval: 0.5)
      process.interrupt()
    }
    #expect(result.status == 130, "stderr: \(result.standardError)")
    #expect(result.standardError.contains("interrupted"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  @Test func replayMissingFileExitsTwo() throws {
    let missing = try TestSupport.temporaryDirectory().appendingPathComponent("none.jsonl").path
    let message = try Self.expectRejected([missing, "--scenario", TestSupport.flagshipScenario])
    #expect(message.contains("none.jsonl"))
    #expect(message.contains("No such file"))
  }

  @Test func replayFolderExitsTwo() throws {
    let folder = try TestSupport.temporaryDirectory().path
    let message = try Self.expectRejected([folder, "--scenario", TestSupport.flagshipScenario])
    #expect(message.contains("is a folder"))
  }

  @Test func replayUnreadableFileExitsTwo() throws {
    // The superuser reads any file, so the check applies to other users only.
    guard getuid() != 0 else { return }
    let file = try Self.write(Array("{}".utf8))
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file)
    let message = try Self.expectRejected([file, "--scenario", TestSupport.flagshipScenario])
    #expect(message.contains("Permission denied"))
  }

  @Test func replayInvalidScenarioExitsTwo() throws {
    let file = try Self.write([])
    let message = try Self.expectRejected([
      file, "--scenario", TestSupport.flagshipScenario, "--set", "email.deliverability=2",
    ])
    #expect(message.contains("email.deliverability"))
  }

  @Test func replayWithoutDefaultScenarioExitsTwo() throws {
    let folder = try TestSupport.temporaryDirectory()
    let file = try Self.write([])
    let result = try TestSupport.runLoopSim(["replay", file], in: folder)
    #expect(result.status == 2)
    #expect(result.standardError.contains("--scenario"))
  }

  /// From the repository folder, the flagship is the default scenario.
  @Test func replayDefaultsToFlagship() throws {
    let file = try Self.write(Self.mixedLines[0].text)
    let output = try TestSupport.temporaryDirectory().appendingPathComponent("replay")
    let result = try TestSupport.runLoopSim(
      ["replay", file, "--out", output.path, "--json", "--quiet"], in: TestSupport.repositoryRoot)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(try Self.summary(in: output)["scenario"] as? String == "masterclass-abandoned-cart")
  }
}

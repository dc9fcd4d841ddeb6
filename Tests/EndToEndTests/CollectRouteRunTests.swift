import Foundation
import TestSupport
import Testing
import Warehouse

// The flagship with every Collect and Route feature switched on: app users, second devices,
// skewed clocks, offline batches, late retried copies, refunds, password resets, jittered
// retries, a deny list and a property mapping.

private let featureOverrides = [
  "--set", "population.segments[0].appShare=0.5",
  "--set", "population.segments[1].appShare=0.3",
  "--set", "behaviour.refund={ probability: 0.1, delay: \"2d\" }",
  "--set", "behaviour.passwordReset={ probability: 0.05, delay: \"1h\" }",
  "--set", "behaviour.visits={ ratePerWeek: 1 }",
  "--set", "pipeline.client.secondDeviceRate=0.5",
  "--set", "pipeline.client.clockSkew={ offset: { exponential: { mean: \"30m\" } } }",
  "--set", "pipeline.client.offlineRate=0.2",
  "--set", "pipeline.client.offlineDelay={ exponential: { mean: \"3h\" } }",
  "--set", "pipeline.client.duplicateDelay={ empirical: { values: [\"0ms\", \"2d\"] } }",
  "--set", "pipeline.destinations.warehouse.retry={ maxAttempts: 4, backoff: \"20m\", jitter: true }",
  "--set", "pipeline.destinations.warehouse.mappings={ cart_id: \"basket_id\" }",
  "--set", "pipeline.destinations.analytics.events={ deny: [\"Email Sent\"] }",
]

/// Runs the flagship with the features on and returns the folder and the process result.
private func runWithFeatures(customers: Int) throws -> (URL, TestSupport.ProcessResult) {
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    [
      "run", TestSupport.flagshipScenario, "--customers", "\(customers)", "--out", output.path,
      "--quiet",
    ] + featureOverrides)
  return (output, result)
}

private func messageCounts(in directory: URL) throws -> [String: Any] {
  let data = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
  let summary = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  return try #require(summary["messages"] as? [String: Any])
}

private func database(in directory: URL) throws -> Database {
  try Database(path: directory.appendingPathComponent("results.sqlite").path, mode: .readOnly)
}

private func count(_ sql: String, in database: Database) throws -> Int {
  try database.mapRows(sql) { try $0.int(at: 0) }.first ?? -1
}

@Test func collectFeaturesReconcile() throws {
  let (output, result) = try runWithFeatures(customers: 2_000)
  #expect(result.status == 0, "\(result.standardError)")
  #expect(result.standardOutput.contains("identity merges"))
  let messages = try messageCounts(in: output)
  let emitted = try #require(messages["emitted"] as? Int)
  let accepted = try #require(messages["accepted"] as? Int)
  let quarantined = try #require(messages["quarantined"] as? Int)
  let dropped = try #require(messages["dropped"] as? Int)
  #expect(emitted == accepted + quarantined + dropped)
  let late = try #require(messages["late"] as? Int)
  let outsideWindow = try #require(messages["duplicatesOutsideWindow"] as? Int)
  let merges = try #require(messages["merges"] as? Int)
  #expect(late > 0)
  #expect(outsideWindow > 0)
  #expect(merges > 0)
  #expect(messages["flagged"] as? Int == 0, "the plan covers every new event and property")

  let results = try database(in: output)
  #expect(try count("SELECT COUNT(*) FROM merges", in: results) == merges)
  let counters = try results.mapRows(
    "SELECT counter, value FROM pipeline_counts WHERE stage = 'collect'"
  ) { (try $0.string(at: 0), try $0.int(at: 1)) }
  let byCounter = Dictionary(uniqueKeysWithValues: counters)
  #expect(byCounter["late"] == late)
  #expect(byCounter["duplicatesOutsideWindow"] == outsideWindow)
  #expect(byCounter["merges"] == merges)

  // Every dead letter is a row, per destination.
  let destinations = try #require(messages["destinations"] as? [String: [String: Int]])
  for (name, counts) in destinations {
    let routed = try #require(counts["routed"])
    #expect(
      routed == (counts["delivered"] ?? -1) + (counts["filtered"] ?? -1)
        + (counts["deadLettered"] ?? -1), "\(name)")
    let rows = try count(
      "SELECT COUNT(*) FROM dead_letters WHERE destination = '\(name)'", in: results)
    #expect(rows == counts["deadLettered"], "\(name)")
  }
  #expect((destinations["warehouse"]?["deadLettered"] ?? 0) > 0)
  #expect((destinations["analytics"]?["filtered"] ?? 0) > 0)
  #expect(
    try count(
      "SELECT COUNT(*) FROM dead_letters WHERE reason <> 'outage: 4 attempts failed'",
      in: results) == 0)
}

@Test func warehouseShowsResolvedUsersAndNewMessages() throws {
  let (output, result) = try runWithFeatures(customers: 1_500)
  #expect(result.status == 0, "\(result.standardError)")
  let results = try database(in: output)

  // Events before a login are attributed to the user the anonymous id turned out to be.
  let attributed = try count(
    """
    SELECT COUNT(*) FROM messages m
    WHERE m.user_id IS NULL AND m.resolved_user_id IS NOT NULL
      AND m.resolved_user_id = (SELECT g.user_id FROM merges g
                                WHERE g.merged_id = m.anonymous_id LIMIT 1)
    """, in: results)
  #expect(attributed > 0)
  #expect(
    try count(
      "SELECT COUNT(*) FROM messages WHERE user_id IS NOT NULL AND resolved_user_id <> user_id",
      in: results) == 0)
  // An anonymous id that no identify or alias merged resolves to no one.
  #expect(
    try count(
      """
      SELECT COUNT(*) FROM messages
      WHERE user_id IS NULL AND resolved_user_id IS NOT NULL
        AND anonymous_id NOT IN (SELECT merged_id FROM merges)
      """, in: results) == 0)

  for (type, event) in [
    ("screen", nil), ("alias", nil), ("track", "Order Refunded"),
    ("track", "Password Reset Requested"),
  ] as [(String, String?)] {
    let rows = try count(
      "SELECT COUNT(*) FROM messages WHERE type = '\(type)'"
        + (event.map { " AND event = '\($0)'" } ?? ""), in: results)
    #expect(rows > 0, "\(type) \(event ?? "")")
  }
  #expect(
    try count(
      "SELECT COUNT(*) FROM messages WHERE previous_id IS NOT NULL AND type = 'alias'",
      in: results) > 0)
  // The mapping renames cart_id for the warehouse.
  #expect(
    try count(
      """
      SELECT COUNT(*) FROM messages WHERE event = 'Product Added'
        AND json_extract(properties, '$.basket_id') IS NOT NULL
        AND json_extract(properties, '$.cart_id') IS NULL
      """, in: results)
      == count("SELECT COUNT(*) FROM messages WHERE event = 'Product Added'", in: results))
  // Copies accepted after the window are second rows with the same message id.
  #expect(
    try count(
      "SELECT COUNT(*) FROM (SELECT message_id FROM messages GROUP BY message_id "
        + "HAVING COUNT(*) > 1)", in: results) > 0)
}

@Test func collectFeaturesAreDeterministic() throws {
  let (first, firstResult) = try runWithFeatures(customers: 1_000)
  let (second, secondResult) = try runWithFeatures(customers: 1_000)
  #expect(firstResult.status == 0, "\(firstResult.standardError)")
  #expect(secondResult.status == 0, "\(secondResult.standardError)")
  let firstSummary = try Data(contentsOf: first.appendingPathComponent("summary.json"))
  let secondSummary = try Data(contentsOf: second.appendingPathComponent("summary.json"))
  #expect(firstSummary == secondSummary)
  for table in ["merges", "dead_letters", "messages"] {
    let rows = { (directory: URL) in
      try database(in: directory).mapRows("SELECT * FROM \(table) ORDER BY rowid") { row in
        try (0..<row.columnCount).map { "\(try row.value(at: $0))" }.joined(separator: "|")
      }
    }
    let firstRows = try rows(first)
    #expect(!firstRows.isEmpty, "\(table)")
    #expect(firstRows == (try rows(second)), "\(table) differs")
  }
}

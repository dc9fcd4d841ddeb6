import Foundation
import TestSupport
import Testing
import Warehouse

/// The email lifecycle in the warehouse: every event of every email reaches the
/// warehouse exactly once, or is in the dead-letter table because its delivery failed.
struct EmailEventTests {
  static let emailEvents = [
    "Email Sent", "Email Delivered", "Email Bounced", "Email Opened", "Email Link Clicked",
    "Unsubscribed", "Email Marked as Spam",
  ]

  /// A key for one kind of event of one email.
  struct EventKey: Hashable, CustomStringConvertible {
    let emailId: String
    let event: String

    var description: String { "\(event) of \(emailId)" }
  }

  /// Counts the events that each email's row in the `emails` table records.
  static func expectedEvents(_ database: Database) throws -> [EventKey: Int] {
    var expected: [EventKey: Int] = [:]
    try database.prepare(
      """
      SELECT email_id, soft_bounces, delivered_at IS NOT NULL, bounced_at IS NOT NULL,
             machine_opened_at IS NOT NULL, opened_at IS NOT NULL AND privacy_proxy = 0,
             clicked_at IS NOT NULL, unsubscribed_at IS NOT NULL,
             marked_as_spam_at IS NOT NULL
      FROM emails
      """
    ).forEachRow { row in
      let id = try row.string(at: 0)
      let counts = [
        ("Email Sent", 1),
        ("Email Bounced", Int(try row.int64(at: 1) + row.int64(at: 3))),
        ("Email Delivered", Int(try row.int64(at: 2))),
        ("Email Opened", Int(try row.int64(at: 4) + row.int64(at: 5))),
        ("Email Link Clicked", Int(try row.int64(at: 6))),
        ("Unsubscribed", Int(try row.int64(at: 7))),
        ("Email Marked as Spam", Int(try row.int64(at: 8))),
      ]
      for (event, count) in counts where count > 0 {
        expected[EventKey(emailId: id, event: event)] = count
      }
    }
    return expected
  }

  @Test func everyEmailEventReachesTheWarehouseOnce() throws {
    // More bounces, opt-outs and complaints than the flagship, and a day-long warehouse
    // outage whose retries give up, so that some email events are dead-lettered.
    let (run, export, result) = try ExportReplayTests.runWithExport(
      customers: 8_000,
      extra: [
        "--set", "email.deliverability=0.8", "--set", "email.unsubscribe.base=0.2",
        "--set", "email.spamComplaint.base=0.05",
        "--set", "pipeline.destinations.warehouse.outages[0].end=13d",
      ])
    #expect(result.status == 0, "\(result.standardError)")
    let database = try Database(
      path: run.appendingPathComponent("results.sqlite").path, mode: .readOnly)
    let expected = try Self.expectedEvents(database)

    // Every email event Collect received, by message id.
    var keysByMessageId: [String: EventKey] = [:]
    for message in try ExportReplayTests.exportedMessages(export) {
      guard let event = message["event"] as? String, Self.emailEvents.contains(event),
        let id = message["messageId"] as? String,
        let emailId = (message["properties"] as? [String: Any])?["email_id"] as? String
      else { continue }
      keysByMessageId[id] = EventKey(emailId: emailId, event: event)
    }

    var delivered: [EventKey: Int] = [:]
    try database.prepare(
      """
      SELECT json_extract(properties, '$.email_id'), event, COUNT(*) FROM messages
      WHERE event IN ('Email Sent', 'Email Delivered', 'Email Bounced', 'Email Opened',
                      'Email Link Clicked', 'Unsubscribed', 'Email Marked as Spam')
      GROUP BY 1, 2
      """
    ).forEachRow { row in
      delivered[EventKey(emailId: try row.string(at: 0), event: try row.string(at: 1))] =
        Int(try row.int64(at: 2))
    }
    var deadLettered: [EventKey: Int] = [:]
    try database.prepare(
      "SELECT message_id FROM dead_letters WHERE destination = 'warehouse'"
    ).forEachRow { row in
      if let key = keysByMessageId[try row.string(at: 0)] {
        deadLettered[key, default: 0] += 1
      }
    }

    #expect(!deadLettered.isEmpty, "the outage should dead-letter some email events")
    let kinds = Set(expected.keys.map(\.event))
    #expect(kinds == Set(Self.emailEvents), "every kind of email event should occur")
    for key in Set(expected.keys).union(delivered.keys).union(deadLettered.keys) {
      let found = delivered[key, default: 0] + deadLettered[key, default: 0]
      #expect(found == expected[key, default: 0], "\(key): \(found) found")
    }
  }
}

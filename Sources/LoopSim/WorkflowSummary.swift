import Config
import Engage

/// One workflow's enrollments, exits and sends in the factual pass, for `summary.json`.
public struct WorkflowSummary: Sendable {
  /// The `exits` key of an enrollment that ran past its last step.
  public static let completed = "completed"

  public let name: String
  /// The trigger kind: `event`, `segment`, `schedule` or `profileDate`.
  public let trigger: String
  public let enrollments: Int
  /// Enrollments still in the workflow when the run ended.
  public let active: Int
  /// Finished enrollments by exit reason, `completed` for those that ran past the last
  /// step; they add up to `enrollments − active`.
  public let exits: [String: Int]
  /// Triggers that enrolled no one, by reason, for every `EntryRejection`.
  public let entriesRejected: [(reason: EntryRejection, count: Int)]
  /// The workflow's sends.
  public let sends: SendCounts

  func write(to writer: inout JSONWriter) {
    writer.beginObject()
    writer.member("name", name)
    writer.member("trigger", trigger)
    writer.member("enrollments", enrollments)
    writer.member("active", active)
    writer.key("exits")
    writer.beginObject()
    for reason in exits.keys.sorted() {
      writer.member(reason, exits[reason] ?? 0)
    }
    writer.endObject()
    writer.key("entriesRejected")
    writer.beginObject()
    for (reason, count) in entriesRejected {
      writer.member(reason.rawValue, count)
    }
    writer.endObject()
    sends.write(to: &writer)
    writer.endObject()
  }
}

/// Send attempts and their outcomes: every attempt of a `sendEmail` step either sent an
/// email or was skipped with a reason, so `attempts = sent + skipped`. A send that quiet
/// hours delayed is an attempt only when it runs again.
public struct SendCounts: Sendable {
  public let attempts: Int
  public let sent: Int
  public let skipped: Int
  /// Skipped sends by reason, for every `SkipReason`, in its order.
  public let skippedReasons: [(reason: SkipReason, count: Int)]
  /// Sends that quiet hours delayed.
  public let delayedByQuietHours: Int

  init(_ skippedSends: [SkippedSend], sent: Int, counts: [WorkflowCounts]) {
    var byReason: [SkipReason: Int] = [:]
    for skip in skippedSends {
      byReason[skip.reason, default: 0] += 1
    }
    self.sent = sent
    skipped = skippedSends.count
    attempts = sent + skippedSends.count
    skippedReasons = SkipReason.allCases.map { ($0, byReason[$0] ?? 0) }
    delayedByQuietHours = counts.reduce(0) { $0 + $1.sendsDelayed }
  }

  /// Makes the counts from skipped sends counted by reason (`SkipReason` raw values).
  init(skipped: [String: Int], sent: Int, delayedByQuietHours: Int) {
    let skippedCount = skipped.values.reduce(0, +)
    self.sent = sent
    self.skipped = skippedCount
    attempts = sent + skippedCount
    skippedReasons = SkipReason.allCases.map { ($0, skipped[$0.rawValue] ?? 0) }
    self.delayedByQuietHours = delayedByQuietHours
  }

  /// Writes the counts as the object `sends`.
  func write(to writer: inout JSONWriter) {
    writer.key("sends")
    writer.beginObject()
    writer.member("attempts", attempts)
    writer.member("sent", sent)
    writer.member("skipped", skipped)
    writer.key("skippedReasons")
    writer.beginObject()
    for (reason, count) in skippedReasons {
      writer.member(reason.rawValue, count)
    }
    writer.endObject()
    writer.member("delayedByQuietHours", delayedByQuietHours)
    writer.endObject()
  }
}

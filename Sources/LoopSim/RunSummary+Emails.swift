import Config
import Engage

extension RunSummary {
  /// The workflow's email counts from the messaging engine's records: ground truth,
  /// including what no event reports, such as an open hidden by a privacy proxy.
  public struct EmailCounts: Sendable {
    /// Emails sent, each with an `Email Sent` event.
    public let sent: Int
    /// Emails delivered, after any soft bounces.
    public let delivered: Int
    /// Emails whose delivery failed for good: a hard bounce, or a soft bounce with no
    /// retry left.
    public let bounced: Int
    /// Delivery attempts that bounced softly and were retried.
    public let softBounces: Int
    /// Emails the customer opened, privacy proxy or not.
    public let opened: Int
    /// Emails a privacy proxy opened at delivery.
    public let machineOpened: Int
    /// Emails with at least one `Email Opened` event: what an open rate counts.
    public let openedAsReported: Int
    public let clicked: Int
    public let unsubscribed: Int
    public let spamComplaints: Int
    /// Emails sent with their template's fallback content.
    public let fallbacks: Int
    /// Sends that a template's `missing: "skip"` policy stopped.
    public let skippedForMissingField: Int

    init(emails: [EmailRecord], skipped: Int) {
      func count(_ isCounted: (EmailRecord) -> Bool) -> Int {
        emails.lazy.filter(isCounted).count
      }
      sent = emails.count
      delivered = count { $0.deliveredAt != nil }
      bounced = count { $0.bouncedAt != nil }
      softBounces = emails.reduce(0) { $0 + $1.softBounces }
      opened = count { $0.openedAt != nil }
      machineOpened = count { $0.machineOpenedAt != nil }
      openedAsReported = count {
        $0.machineOpenedAt != nil || ($0.openedAt != nil && !$0.usesPrivacyProxy)
      }
      clicked = count { $0.clickedAt != nil }
      unsubscribed = count { $0.unsubscribedAt != nil }
      spamComplaints = count { $0.markedAsSpamAt != nil }
      fallbacks = count { $0.fallbackField != nil }
      skippedForMissingField = skipped
    }

    /// Writes the `emails` member of `summary.json`.
    /// Makes the counts from `fields` as `fields` names them; a missing one is zero.
    init(fields: [String: Int]) {
      sent = fields["sent"] ?? 0
      delivered = fields["delivered"] ?? 0
      bounced = fields["bounced"] ?? 0
      softBounces = fields["softBounces"] ?? 0
      opened = fields["opened"] ?? 0
      machineOpened = fields["machineOpened"] ?? 0
      openedAsReported = fields["openedAsReported"] ?? 0
      clicked = fields["clicked"] ?? 0
      unsubscribed = fields["unsubscribed"] ?? 0
      spamComplaints = fields["spamComplaints"] ?? 0
      fallbacks = fields["fallbacks"] ?? 0
      skippedForMissingField = fields["skippedForMissingField"] ?? 0
    }

    /// The counts by their `summary.json` keys, in the order written there.
    var fields: [(String, Int)] {
      [
        ("sent", sent), ("delivered", delivered), ("bounced", bounced),
        ("softBounces", softBounces), ("opened", opened), ("machineOpened", machineOpened),
        ("openedAsReported", openedAsReported), ("clicked", clicked),
        ("unsubscribed", unsubscribed), ("spamComplaints", spamComplaints),
        ("fallbacks", fallbacks), ("skippedForMissingField", skippedForMissingField),
      ]
    }

    func write(to writer: inout JSONWriter) {
      writer.key("emails")
      writer.beginObject()
      for (key, value) in fields {
        writer.member(key, value)
      }
      writer.endObject()
    }

    /// The counts on one line, for the terminal table.
    var line: String {
      "sent \(sent), delivered \(delivered), bounced \(bounced) (soft bounces retried "
        + "\(softBounces)), opened \(opened) (as reported \(openedAsReported), by privacy "
        + "proxies \(machineOpened)), clicked \(clicked), unsubscribed \(unsubscribed), "
        + "spam complaints \(spamComplaints), fallbacks \(fallbacks), skipped "
        + "\(skippedForMissingField)"
    }
  }
}

import Simulation

/// What Collect did with one message.
public enum CollectVerdict: Sendable, Equatable {
  case accepted
  case quarantined(reason: String)
  case dropped(reason: String)
}

/// Message counts at Collect. Every emitted message is accepted, quarantined or
/// dropped, so `emitted == accepted + quarantined + dropped` always holds.
public struct CollectCounts: Sendable, Equatable {
  public var emitted = 0
  public var accepted = 0
  public var quarantined = 0
  public var dropped = 0
  /// Counts by reason; render them sorted by reason.
  public var quarantineReasons: [String: Int] = [:]
  public var dropReasons: [String: Int] = [:]

  public init() {}

  public var reconciles: Bool { emitted == accepted + quarantined + dropped }
}

/// The collection stage of the customer data platform: validates required fields,
/// drops duplicate messageIds and stamps `receivedAt`.
///
/// Duplicates are detected across the whole run. Message ids are per customer, so the
/// set of seen ids of one shard never meets another shard's, and merged counts are exact.
public struct Collector: Sendable {
  public private(set) var counts = CollectCounts()
  private var seen: Set<MessageID> = []

  public init() {}

  public mutating func collect(_ message: inout Message, at now: SimTime) -> CollectVerdict {
    counts.emitted += 1
    if let reason = Collector.validationFailure(of: message) {
      counts.quarantined += 1
      counts.quarantineReasons[reason, default: 0] += 1
      return .quarantined(reason: reason)
    }
    if let id = message.messageId, !seen.insert(id).inserted {
      let reason = "duplicate messageId"
      counts.dropped += 1
      counts.dropReasons[reason, default: 0] += 1
      return .dropped(reason: reason)
    }
    message.receivedAt = now
    counts.accepted += 1
    return .accepted
  }

  /// The first required field a message lacks, per the Segment Spec's common fields.
  static func validationFailure(of message: Message) -> String? {
    if message.messageId == nil {
      return "missing messageId"
    }
    if isBlank(message.userId) && isBlank(message.anonymousId) {
      return "missing userId and anonymousId"
    }
    switch message.type {
    case .track where isBlank(message.event):
      return "track without event"
    case .identify where isBlank(message.userId) && message.traits.isEmpty:
      return "identify without userId or traits"
    case .alias where isBlank(message.userId):
      return "alias without userId"
    default:
      return nil
    }
  }

  private static func isBlank(_ value: String?) -> Bool {
    value?.isEmpty ?? true
  }
}

import Simulation

/// What Collect did with one message.
public enum CollectVerdict: Sendable, Equatable {
  case accepted
  case quarantined(reason: String)
  case dropped(reason: String)
}

/// Message counts at Collect. Every emitted message is accepted, quarantined or
/// dropped, so `emitted == accepted + quarantined + dropped` always holds.
///
/// The tracking plan adds `flagged` and `propertiesDropped`, which count within `accepted`
/// and are not part of that identity.
public struct CollectCounts: Sendable, Equatable {
  public var emitted = 0
  public var accepted = 0
  public var quarantined = 0
  public var dropped = 0
  /// Counts by reason; render them sorted by reason.
  public var quarantineReasons: [String: Int] = [:]
  public var dropReasons: [String: Int] = [:]
  /// Accepted messages that break the tracking plan and were passed with a flag.
  public var flagged = 0
  /// Flagged messages by reason, sorted by reason when rendered. A message with several
  /// violations counts once in `flagged` and once under each of its reasons.
  public var flagReasons: [String: Int] = [:]
  /// Properties removed from accepted messages because they broke the tracking plan.
  public var propertiesDropped = 0
  /// Removed properties by reason, sorted by reason when rendered. They sum to
  /// `propertiesDropped`.
  public var propertyDropReasons: [String: Int] = [:]
  /// Accepted messages whose `receivedAt − timestamp` exceeds the late threshold: held on an
  /// offline device, or stamped by a clock that runs behind.
  public var late = 0
  /// Accepted copies that a client sent again with a messageId Collect had accepted before
  /// the deduplication window. Only a simulator can count them, because it marks the
  /// copies its clients send again.
  public var duplicatesOutsideWindow = 0
  /// Identities merged by `identify` and `alias` messages.
  public var merges = 0

  public init() {}

  public var reconciles: Bool { emitted == accepted + quarantined + dropped }
}

/// The collection stage of the customer data platform: validates required fields,
/// drops duplicate messageIds within the deduplication window, applies the tracking plan,
/// resolves identities and stamps `receivedAt`.
///
/// Every rule depends on one customer's messages and on simulated time only. Message ids
/// and identities are per customer, so the remembered ids and the identity graph of one
/// shard never meet another shard's, and merged counts are exact.
public struct Collector: Sendable {
  public private(set) var counts = CollectCounts()
  /// The plan applied to track messages, or nil to accept every valid message.
  public let trackingPlan: TrackingPlan?
  /// How far `receivedAt` may trail `timestamp` before a message counts as late.
  public let lateThreshold: SimDuration
  /// The identities merged so far.
  public private(set) var identities: IdentityGraph
  private var recent: RecentMessageIDs

  public init(
    trackingPlan: TrackingPlan? = nil,
    dedupWindow: SimDuration = PipelineConfig.defaultDedupWindow,
    lateThreshold: SimDuration = PipelineConfig.defaultLateThreshold, keepsMerges: Bool = true
  ) {
    self.trackingPlan = trackingPlan
    self.lateThreshold = lateThreshold
    self.identities = IdentityGraph(keepsMerges: keepsMerges)
    self.recent = RecentMessageIDs(window: dedupWindow)
  }

  /// The deduplication window.
  public var dedupWindow: SimDuration { recent.window }

  /// Collects one message received at `now`: quarantines it when it lacks a required field,
  /// drops it when its messageId was accepted within the deduplication window, then applies
  /// the tracking plan.
  ///
  /// The plan comes after the duplicate check, so a flag or a removed property is counted
  /// once per accepted message, and the copy of a blocked message is dropped as a duplicate.
  /// An accepted message keeps its `timestamp` and `sentAt`, gets `receivedAt` and
  /// `resolvedUserId`, may merge identities, and may lose properties under
  /// `drop-properties`.
  public mutating func collect(_ message: inout Message, at now: SimTime) -> CollectVerdict {
    counts.emitted += 1
    if let reason = Collector.validationFailure(of: message) {
      return quarantine(reason)
    }
    if let id = message.messageId {
      if recent.contains(id, at: now) {
        let reason = "duplicate messageId"
        counts.dropped += 1
        counts.dropReasons[reason, default: 0] += 1
        return .dropped(reason: reason)
      }
      recent.remember(id, at: now)
    }
    if let trackingPlan, let reason = apply(trackingPlan, to: &message) {
      return quarantine(reason)
    }

    message.receivedAt = now
    if identities.observe(message, at: now) != nil {
      counts.merges += 1
    }
    message.resolvedUserId = identities.resolvedUserId(of: message)
    if now - message.timestamp > lateThreshold {
      counts.late += 1
    }
    if message.isResend {
      counts.duplicatesOutsideWindow += 1
    }
    counts.accepted += 1
    return .accepted
  }

  private mutating func quarantine(_ reason: String) -> CollectVerdict {
    counts.quarantined += 1
    counts.quarantineReasons[reason, default: 0] += 1
    return .quarantined(reason: reason)
  }

  /// Applies the plan's actions to `message` and counts flags and removed properties.
  /// Returns the quarantine reason when the plan blocks the message, else nil.
  private mutating func apply(_ plan: TrackingPlan, to message: inout Message) -> String? {
    switch plan.check(message) {
    case .conforms:
      return nil

    case .unplannedEvent(let event):
      let reason = PlanCheck.unplannedEventReason(event)
      switch plan.unplannedEvents {
      case .allow:
        return nil
      case .flag:
        flag([reason])
        return nil
      case .block:
        return reason
      }

    case .violations(let violations):
      switch plan.violations {
      case .allow:
        return nil
      case .flag:
        flag(violations.map(\.reason))
        return nil
      case .dropProperties:
        for violation in violations where violation.isRemovable {
          message.properties[violation.property] = nil
          counts.propertiesDropped += 1
          counts.propertyDropReasons[violation.reason, default: 0] += 1
        }
        // A missing required property cannot be removed, so the message is flagged.
        let remaining = violations.filter { !$0.isRemovable }.map(\.reason)
        if !remaining.isEmpty {
          flag(remaining)
        }
        return nil
      case .block:
        return violations.first?.reason
      }
    }
  }

  private mutating func flag(_ reasons: [String]) {
    counts.flagged += 1
    for reason in reasons {
      counts.flagReasons[reason, default: 0] += 1
    }
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
    case .alias where isBlank(message.previousId):
      return "alias without previousId"
    default:
      return nil
    }
  }

  private static func isBlank(_ value: String?) -> Bool {
    value?.isEmpty ?? true
  }
}

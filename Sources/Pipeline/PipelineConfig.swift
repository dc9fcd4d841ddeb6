import Simulation

/// The destinations Route delivers to.
public enum DestinationKind: String, Sendable, CaseIterable, Hashable {
  case analytics, warehouse, messaging
}

/// A time window during which a destination rejects every delivery attempt.
public struct OutageWindow: Sendable, Hashable {
  public let start: SimTime
  public let end: SimTime

  public init(start: SimTime, end: SimTime) {
    self.start = start
    self.end = end
  }

  public func contains(_ time: SimTime) -> Bool { time >= start && time < end }
}

/// How a failed delivery is retried: up to `maxAttempts` attempts in all, with exponential
/// backoff. The k-th retry comes `backoff · 2^(k−1)` after the failed attempt, or with
/// `jitter` (AWS's "full jitter"), a uniform random wait from 0 to that value.
public struct RetryPolicy: Sendable, Hashable {
  /// The policy of a destination whose scenario gives no `retry`: 3 attempts, 1 minute.
  public static let `default` = RetryPolicy(maxAttempts: 3, backoff: .minutes(1))

  public let maxAttempts: Int
  public let backoff: SimDuration
  /// Whether each wait is drawn uniformly from 0 to the exponential backoff.
  public let jitter: Bool

  public init(maxAttempts: Int, backoff: SimDuration, jitter: Bool = false) {
    self.maxAttempts = maxAttempts
    self.backoff = backoff
    self.jitter = jitter
  }

  /// Returns the longest wait before retry `retry` (counted from 1): backoff · 2^(retry−1),
  /// saturating at the largest duration instead of overflowing.
  public func maximumWait(beforeRetry retry: Int) -> SimDuration {
    let factor = Int64(1) << Int64(min(max(retry - 1, 0), 62))
    let (wait, overflow) = backoff.milliseconds.multipliedReportingOverflow(by: factor)
    return SimDuration(milliseconds: overflow ? .max : wait)
  }
}

/// The track events a destination receives. Messages of other types (identify, page,
/// screen, alias) always pass.
public enum EventFilter: Sendable, Hashable, ExpressibleByArrayLiteral {
  /// Every event passes.
  case all
  /// Only the listed events pass.
  case allow(Set<String>)
  /// Every event except the listed ones passes.
  case deny(Set<String>)

  /// Creates an allow list from an array literal, as a scenario's plain `events` list is.
  public init(arrayLiteral events: String...) {
    self = .allow(Set(events))
  }

  /// Returns whether a track message named `event` passes.
  public func passes(event: String) -> Bool {
    switch self {
    case .all: true
    case .allow(let events): events.contains(event)
    case .deny(let events): !events.contains(event)
    }
  }

  /// Returns whether `message` passes: every message that is not a track passes.
  public func passes(_ message: Message) -> Bool {
    message.type != .track || passes(event: message.event ?? "")
  }
}

/// One destination's delivery model: latency, event filter, outages, retries and batching.
public struct DestinationConfig: Sendable, Hashable {
  /// The longest `batchWindow` a scenario may set.
  public static let maximumBatchWindow = SimDuration.days(1)

  public let kind: DestinationKind
  public let latency: Distribution
  /// The track events this destination receives.
  public let events: EventFilter
  /// Property renames on delivery to this destination, from the name the message carries
  /// to the name the destination receives, such as `product_id` → `sku`.
  public let mappings: [String: String]
  public let outages: [OutageWindow]
  public let retry: RetryPolicy
  /// The length of the batch windows that deliveries wait for, or nil to deliver each
  /// message on its own. Windows start at simulated time 0.
  public let batchWindow: SimDuration?

  public init(
    kind: DestinationKind, latency: Distribution, events: EventFilter = .all,
    mappings: [String: String] = [:], outages: [OutageWindow] = [],
    retry: RetryPolicy = .default, batchWindow: SimDuration? = nil
  ) {
    self.kind = kind
    self.latency = latency
    self.events = events
    self.mappings = mappings
    self.outages = outages
    self.retry = retry
    self.batchWindow = batchWindow
  }

  /// Returns `message` as this destination receives it: each property named in `mappings`
  /// renamed in place. When the message already carries a property with the new name, the
  /// later of the two in the message's order wins. The reader rejects mappings whose new
  /// names LoopSim's messages carry.
  public func mapped(_ message: Message) -> Message {
    guard !mappings.isEmpty else { return message }
    var mapped = message
    mapped.properties = message.properties.renamingKeys(mappings)
    return mapped
  }

  /// Returns the time at which the batch holding a message routed at `time` closes.
  ///
  /// Windows are half-open, [k·w, (k+1)·w) for the window length w, like outage windows.
  /// So a batch closes at the first boundary strictly after `time`, and a message routed
  /// exactly on a boundary waits a whole window. Without a batch window, returns `time`.
  /// The result saturates at the largest representable time.
  public func batchClose(forMessageRoutedAt time: SimTime) -> SimTime {
    guard let window = batchWindow?.milliseconds, window > 0 else { return time }
    let offset = ((time.milliseconds % window) + window) % window
    return time + SimDuration(milliseconds: window - offset)
  }
}

/// The error of the customers' device clocks. Each device draws one offset: a size from
/// `offset`, and with probability `behindShare` a negative sign. A clock with a negative
/// offset runs behind, so its timestamps are earlier than the true time.
public struct ClockSkew: Sendable, Hashable {
  public let offset: Distribution
  public let behindShare: Double

  public init(offset: Distribution, behindShare: Double = 0.5) {
    self.offset = offset
    self.behindShare = behindShare
  }

  /// Every clock right: the default when a scenario gives no `clockSkew`.
  public static let none = ClockSkew(offset: .fixed(.zero))
}

/// The client side of the tracking libraries: their faults, the devices customers use and
/// the devices' clocks and connections.
public struct ClientFaults: Sendable, Hashable {
  /// Probability that a message is sent twice with the same messageId (a retried request).
  public let duplicateRate: Double
  /// Probability that a front-end message loses its identity fields (a tracking bug), so
  /// Collect must quarantine it.
  public let invalidRate: Double
  /// Time from a message's sending to the retried copy's.
  public let duplicateDelay: Distribution
  /// Probability that a customer has a second device, a web browser with its own anonymous
  /// id, on which every later return to the site happens.
  public let secondDeviceRate: Double
  /// The error of each device's clock.
  public let clockSkew: ClockSkew
  /// Probability that an action on the app finds the device offline. The app then keeps
  /// every message until the device is back online, `offlineDelay` later, and sends them
  /// together with their original timestamps.
  public let offlineRate: Double
  public let offlineDelay: Distribution

  public init(
    duplicateRate: Double, invalidRate: Double, duplicateDelay: Distribution = .fixed(.zero),
    secondDeviceRate: Double = 0, clockSkew: ClockSkew = .none, offlineRate: Double = 0,
    offlineDelay: Distribution = .fixed(.zero)
  ) {
    self.duplicateRate = duplicateRate
    self.invalidRate = invalidRate
    self.duplicateDelay = duplicateDelay
    self.secondDeviceRate = secondDeviceRate
    self.clockSkew = clockSkew
    self.offlineRate = offlineRate
    self.offlineDelay = offlineDelay
  }

  public static let none = ClientFaults(duplicateRate: 0, invalidRate: 0)
}

/// The `pipeline` section: client faults, Collect's settings, the tracking plan and the
/// destinations.
public struct PipelineConfig: Sendable, Hashable {
  /// The default `dedupWindow`: 24 hours.
  public static let defaultDedupWindow = SimDuration.hours(24)
  /// The longest `dedupWindow` a scenario may set: Collect remembers every messageId it
  /// accepted during the window.
  public static let maximumDedupWindow = SimDuration.days(30)
  /// The default `lateThreshold`: 1 hour.
  public static let defaultLateThreshold = SimDuration.hours(1)

  public let client: ClientFaults
  /// The destinations in the order of `DestinationKind.allCases` when read from a scenario.
  public let destinations: [DestinationConfig]
  /// The tracking plan Collect applies to track messages, or nil for none.
  public let trackingPlan: TrackingPlanReference?
  /// How long Collect remembers an accepted messageId to drop its duplicates.
  public let dedupWindow: SimDuration
  /// How far `receivedAt` may trail `timestamp` before Collect counts a message as late.
  public let lateThreshold: SimDuration

  public init(
    client: ClientFaults, destinations: [DestinationConfig],
    trackingPlan: TrackingPlanReference? = nil,
    dedupWindow: SimDuration = PipelineConfig.defaultDedupWindow,
    lateThreshold: SimDuration = PipelineConfig.defaultLateThreshold
  ) {
    self.client = client
    self.destinations = destinations
    self.trackingPlan = trackingPlan
    self.dedupWindow = dedupWindow
    self.lateThreshold = lateThreshold
  }
}

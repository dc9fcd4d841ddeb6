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

/// How a failed delivery is retried: up to `maxAttempts` attempts in all, the k-th retry
/// `backoff · 2^(k−1)` after the failed attempt.
public struct RetryPolicy: Sendable, Hashable {
  /// The policy of a destination whose scenario gives no `retry`: 3 attempts, 1 minute.
  public static let `default` = RetryPolicy(maxAttempts: 3, backoff: .minutes(1))

  public let maxAttempts: Int
  public let backoff: SimDuration

  public init(maxAttempts: Int, backoff: SimDuration) {
    self.maxAttempts = maxAttempts
    self.backoff = backoff
  }
}

/// One destination's delivery model: latency, event filter, outages, retries and batching.
public struct DestinationConfig: Sendable, Hashable {
  /// The longest `batchWindow` a scenario may set.
  public static let maximumBatchWindow = SimDuration.days(1)

  public let kind: DestinationKind
  public let latency: Distribution
  /// Track event names this destination receives; nil means every event. Messages of
  /// other types (identify, page…) are always delivered.
  public let events: Set<String>?
  public let outages: [OutageWindow]
  public let retry: RetryPolicy
  /// The length of the batch windows that deliveries wait for, or nil to deliver each
  /// message on its own. Windows start at simulated time 0.
  public let batchWindow: SimDuration?

  public init(
    kind: DestinationKind, latency: Distribution, events: Set<String>? = nil,
    outages: [OutageWindow] = [], retry: RetryPolicy = .default,
    batchWindow: SimDuration? = nil
  ) {
    self.kind = kind
    self.latency = latency
    self.events = events
    self.outages = outages
    self.retry = retry
    self.batchWindow = batchWindow
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

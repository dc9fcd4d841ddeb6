import Simulation

/// Delivery counts for one destination. Every routed message is delivered, filtered
/// or dead-lettered once in-flight deliveries have landed.
public struct DestinationCounts: Sendable, Equatable {
  public var routed = 0
  public var delivered = 0
  public var filtered = 0
  public var deadLettered = 0
  /// Delivery attempts that failed and were retried.
  public var retries = 0

  public init() {}

  public var reconciles: Bool { routed == delivered + filtered + deadLettered }
}

/// A delivery that Route plans: the destination, the landing time, and the message as that
/// destination receives it, with its property mappings applied.
public struct PlannedDelivery: Sendable {
  public let destination: Int
  public let time: SimTime
  public let message: Message
}

/// A message that a destination never received, because every delivery attempt failed.
public struct DeadLetter: Sendable, Equatable {
  public let messageId: MessageID?
  public let destination: DestinationKind
  /// Delivery attempts made, the first included.
  public let attempts: Int
  /// Why the attempts failed, such as `outage: 4 attempts failed`.
  public let reason: String
  public let lastAttempt: SimTime
}

/// The routing stage: for each destination, filters the message or plans its delivery,
/// retrying through outages.
///
/// The first attempt comes when the message's batch closes (at once without a batch
/// window), plus a latency drawn from the message's keyed stream (`route.KIND.latency`).
/// Retries wait by the destination's retry policy; with jitter, each wait is drawn from
/// `route.KIND.retry-jitter` at the same key. Batch windows and outages are fixed in
/// simulated time. So a delivery's fate depends only on its own message, never on other
/// traffic, and shards merge exactly.
public struct Router: Sendable {
  public let destinations: [DestinationConfig]
  public private(set) var counts: [DestinationCounts]
  /// Every dead-lettered delivery in routing order, when the router keeps them.
  public private(set) var deadLetters: [DeadLetter] = []
  /// Whether `deadLetters` keeps every dead letter, for the results' `dead_letters` table.
  public let keepsDeadLetters: Bool
  private let latencyPurposes: [RandomPurpose]
  private let jitterPurposes: [RandomPurpose]

  public init(
    destinations: [DestinationConfig], streams: RandomStreams, keepsDeadLetters: Bool = true
  ) throws {
    self.destinations = destinations
    self.counts = Array(repeating: DestinationCounts(), count: destinations.count)
    self.keepsDeadLetters = keepsDeadLetters
    self.latencyPurposes = try destinations.map {
      try streams.purpose("route.\($0.kind.rawValue).latency")
    }
    self.jitterPurposes = try destinations.map {
      try streams.purpose("route.\($0.kind.rawValue).retry-jitter")
    }
  }

  /// Plans the deliveries of one accepted message and counts the filtered and
  /// dead-lettered ones. The caller schedules the planned deliveries and calls
  /// `markDelivered` when each lands.
  public mutating func route(_ message: Message, at now: SimTime) -> [PlannedDelivery] {
    var planned: [PlannedDelivery] = []
    for (index, destination) in destinations.enumerated() {
      counts[index].routed += 1
      guard destination.events.passes(message) else {
        counts[index].filtered += 1
        continue
      }
      let key = message.messageId?.counter ?? 0
      var stream = latencyPurposes[index].stream(customer: message.customer, occurrence: key)
      var jitter = jitterPurposes[index].stream(customer: message.customer, occurrence: key)
      let retry = destination.retry
      var attempt = destination.batchClose(forMessageRoutedAt: now)
        + destination.latency.sample(&stream)
      var attempts = 1
      var landed = true
      while destination.outages.contains(where: { $0.contains(attempt) }) {
        guard attempts < retry.maxAttempts else {
          landed = false
          break
        }
        counts[index].retries += 1
        attempt = attempt + wait(beforeRetry: attempts, policy: retry, stream: &jitter)
        attempts += 1
      }
      if landed {
        planned.append(
          PlannedDelivery(destination: index, time: attempt, message: destination.mapped(message)))
      } else {
        counts[index].deadLettered += 1
        if keepsDeadLetters {
          deadLetters.append(
            DeadLetter(
              messageId: message.messageId, destination: destination.kind, attempts: attempts,
              reason: "outage: \(attempts) attempt\(attempts == 1 ? "" : "s") failed",
              lastAttempt: attempt))
        }
      }
    }
    return planned
  }

  public mutating func markDelivered(destination: Int) {
    counts[destination].delivered += 1
  }

  /// Returns the wait before retry `retry` (counted from 1): the policy's backoff, or with
  /// jitter a uniform draw from 0 to it, rounded to whole milliseconds.
  private func wait(
    beforeRetry retry: Int, policy: RetryPolicy, stream: inout RandomStream
  ) -> SimDuration {
    let maximum = policy.maximumWait(beforeRetry: retry)
    guard policy.jitter, maximum > .zero else { return maximum }
    return SimDuration(roundingMilliseconds: stream.uniform() * Double(maximum.milliseconds))
  }
}

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

/// Where Route sends an accepted message, and when it lands.
public struct PlannedDelivery: Sendable {
  public let destination: Int
  public let time: SimTime
}

/// The routing stage: for each destination, filters the message or plans its delivery,
/// retrying through outages.
///
/// The first attempt comes when the message's batch closes (at once without a batch
/// window), plus a latency drawn from the message's keyed stream. Batch windows and outages
/// are fixed in simulated time and retries follow a fixed schedule. So a delivery's fate
/// depends only on its own message, never on other traffic, and shards merge exactly.
public struct Router: Sendable {
  public let destinations: [DestinationConfig]
  public private(set) var counts: [DestinationCounts]
  private let latencyPurposes: [RandomPurpose]

  public init(destinations: [DestinationConfig], streams: RandomStreams) throws {
    self.destinations = destinations
    self.counts = Array(repeating: DestinationCounts(), count: destinations.count)
    self.latencyPurposes = try destinations.map {
      try streams.purpose("route.\($0.kind.rawValue).latency")
    }
  }

  /// Plans the deliveries of one accepted message and counts the filtered and
  /// dead-lettered ones. The caller schedules the planned deliveries and calls
  /// `markDelivered` when each lands.
  public mutating func route(_ message: Message, at now: SimTime) -> [PlannedDelivery] {
    var planned: [PlannedDelivery] = []
    for (index, destination) in destinations.enumerated() {
      counts[index].routed += 1
      if let events = destination.events, message.type == .track,
        !events.contains(message.event ?? "")
      {
        counts[index].filtered += 1
        continue
      }
      var stream = latencyPurposes[index].stream(
        customer: message.customer, occurrence: message.messageId?.counter ?? 0)
      let batchClose = destination.batchClose(forMessageRoutedAt: now)
      var attempt = batchClose + destination.latency.sample(&stream)
      var attempts = 1
      var landed = true
      while destination.outages.contains(where: { $0.contains(attempt) }) {
        guard attempts < destination.retry.maxAttempts else {
          landed = false
          break
        }
        counts[index].retries += 1
        let factor = Int64(1) << Int64(min(attempts - 1, 30))
        let (wait, overflow) = destination.retry.backoff.milliseconds
          .multipliedReportingOverflow(by: factor)
        attempt = attempt + SimDuration(milliseconds: overflow ? .max : wait)
        attempts += 1
      }
      if landed {
        planned.append(PlannedDelivery(destination: index, time: attempt))
      } else {
        counts[index].deadLettered += 1
      }
    }
    return planned
  }

  public mutating func markDelivered(destination: Int) {
    counts[destination].delivered += 1
  }
}

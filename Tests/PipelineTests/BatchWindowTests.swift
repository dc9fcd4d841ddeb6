import Simulation
import Testing

@testable import Pipeline

private let hour: Int64 = 3_600_000
private let minute: Int64 = 60_000

private func order(counter: UInt32) -> Message {
  Message(
    type: .track, messageId: MessageID(customer: 1, counter: counter), userId: "user-1",
    timestamp: .zero, event: "Order Completed", source: .backEnd, customer: 1)
}

private func hourlyWarehouse(
  outages: [OutageWindow] = [], retry: RetryPolicy = .default
) -> DestinationConfig {
  DestinationConfig(
    kind: .warehouse, latency: .fixed(.minutes(5)), outages: outages, retry: retry,
    batchWindow: .hours(1))
}

/// Routing times in milliseconds and when an hourly batch holding them closes.
private let boundaryCases: [(routedAt: Int64, closesAt: Int64)] = [
  (0, hour),
  (1, hour),
  (hour - 1, hour),
  (hour, 2 * hour),
  (hour + 1, 2 * hour),
  (5 * hour + 30 * minute, 6 * hour),
]

@Test(arguments: boundaryCases)
func batchCloseIsNextBoundary(routedAt: Int64, closesAt: Int64) {
  let destination = hourlyWarehouse()
  let close = destination.batchClose(forMessageRoutedAt: SimTime(milliseconds: routedAt))
  #expect(close == SimTime(milliseconds: closesAt))
}

@Test func batchCloseWithoutWindowIsRoutingTime() {
  let destination = DestinationConfig(kind: .analytics, latency: .fixed(.seconds(5)))
  let time = SimTime(milliseconds: 1_234_567)
  #expect(destination.batchClose(forMessageRoutedAt: time) == time)
}

@Test func batchCloseSaturatesAtEndOfTime() {
  let destination = hourlyWarehouse()
  let close = destination.batchClose(forMessageRoutedAt: SimTime(milliseconds: .max - 5))
  #expect(close == SimTime(milliseconds: .max))
}

@Test func batchArrivalAroundBoundary() throws {
  var router = try Router(destinations: [hourlyWarehouse()], streams: RandomStreams(seed: 1))
  let before = router.route(order(counter: 0), at: SimTime(milliseconds: hour - 1))
  let on = router.route(order(counter: 1), at: SimTime(milliseconds: hour))
  let after = router.route(order(counter: 2), at: SimTime(milliseconds: hour + 1))

  // Each lands when its batch closes plus the 5-minute latency.
  #expect(before.first?.time == SimTime(milliseconds: hour + 5 * minute))
  #expect(on.first?.time == SimTime(milliseconds: 2 * hour + 5 * minute))
  #expect(after.first?.time == SimTime(milliseconds: 2 * hour + 5 * minute))
  #expect(router.counts[0].routed == 3)
  #expect(router.counts[0].retries == 0)
}

@Test func batchAttemptRetriesThroughOutage() throws {
  // The load at 1h05 falls in the outage from 1h to 1h10, so it is retried 10 minutes later.
  let outage = OutageWindow(
    start: SimTime(milliseconds: hour), end: SimTime(milliseconds: hour + 10 * minute))
  let destination = hourlyWarehouse(
    outages: [outage], retry: RetryPolicy(maxAttempts: 3, backoff: .minutes(10)))
  var router = try Router(destinations: [destination], streams: RandomStreams(seed: 1))

  // Routed at 0h30, before the outage: its batch loads inside it and needs one retry.
  let early = router.route(order(counter: 0), at: SimTime(milliseconds: 30 * minute))
  #expect(early.first?.time == SimTime(milliseconds: hour + 15 * minute))
  #expect(router.counts[0].retries == 1)

  // Routed during the outage, on its first millisecond: its batch loads at 2h05, after it.
  let during = router.route(order(counter: 1), at: SimTime(milliseconds: hour))
  #expect(during.first?.time == SimTime(milliseconds: 2 * hour + 5 * minute))
  #expect(router.counts[0].retries == 1)

  // Both planned deliveries are in flight until they land.
  #expect(router.counts[0].reconciles == false)
  router.markDelivered(destination: 0)
  router.markDelivered(destination: 0)
  #expect(router.counts[0].reconciles)
}

@Test func batchAttemptDeadLettersInLongOutage() throws {
  // Outage 2h to 2h30: the batch closing at 2h loads at 2h05, retries at 2h15, then gives up.
  let outage = OutageWindow(
    start: SimTime(milliseconds: 2 * hour), end: SimTime(milliseconds: 2 * hour + 30 * minute))
  let destination = hourlyWarehouse(
    outages: [outage], retry: RetryPolicy(maxAttempts: 2, backoff: .minutes(10)))
  var router = try Router(destinations: [destination], streams: RandomStreams(seed: 1))

  let planned = router.route(order(counter: 0), at: SimTime(milliseconds: hour + 30 * minute))
  #expect(planned.isEmpty)
  #expect(router.counts[0].deadLettered == 1)
  #expect(router.counts[0].retries == 1)
  #expect(router.counts[0].reconciles)
}

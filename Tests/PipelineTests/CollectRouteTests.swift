import Simulation
import Testing

@testable import Pipeline

private func track(
  _ event: String?, customer: UInt64 = 1, counter: UInt32 = 0, userId: String? = "user-1",
  anonymousId: String? = nil
) -> Message {
  Message(
    type: .track, messageId: MessageID(customer: customer, counter: counter),
    anonymousId: anonymousId, userId: userId, timestamp: .zero, event: event,
    source: .frontEnd, customer: customer)
}

@Test(arguments: [
  (track("Product Added"), nil as String?),
  (track("Product Added", userId: nil, anonymousId: "anon-1"), nil),
  (track("Product Added", userId: nil), "missing userId and anonymousId"),
  (track("Product Added", userId: "", anonymousId: ""), "missing userId and anonymousId"),
  (track(nil), "track without event"),
  (track(""), "track without event"),
])
func collectValidatesRequiredFields(message: Message, reason: String?) {
  #expect(Collector.validationFailure(of: message) == reason)
}

@Test func collectDropsDuplicateMessageIds() {
  var collector = Collector()
  var first = track("Product Added", counter: 7)
  var again = track("Product Added", counter: 7)
  var other = track("Product Added", customer: 2, counter: 7)
  #expect(collector.collect(&first, at: SimTime(milliseconds: 5)) == .accepted)
  #expect(first.receivedAt == SimTime(milliseconds: 5))
  #expect(
    collector.collect(&again, at: SimTime(milliseconds: 6))
      == .dropped(reason: "duplicate messageId"))
  #expect(collector.collect(&other, at: SimTime(milliseconds: 6)) == .accepted)
  var invalid = track(nil, counter: 8)
  #expect(collector.collect(&invalid, at: .zero) == .quarantined(reason: "track without event"))
  #expect(collector.counts.emitted == 4)
  #expect(collector.counts.accepted == 2)
  #expect(collector.counts.dropped == 1)
  #expect(collector.counts.quarantined == 1)
  #expect(collector.counts.reconciles)
}

@Test func routeFiltersByEventName() throws {
  let destinations = [
    DestinationConfig(kind: .analytics, latency: .fixed(.seconds(5))),
    DestinationConfig(kind: .messaging, latency: .fixed(.seconds(30)), events: ["Product Added"]),
  ]
  var router = try Router(destinations: destinations, streams: RandomStreams(seed: 1))
  let planned = router.route(track("Checkout Started"), at: SimTime(milliseconds: 1_000))
  #expect(planned.map(\.destination) == [0])
  #expect(planned.first?.time == SimTime(milliseconds: 6_000))
  #expect(router.counts[1].filtered == 1)

  // Messages other than track pass every event filter.
  var identify = track(nil)
  identify.type = .identify
  #expect(router.route(identify, at: .zero).map(\.destination) == [0, 1])
}

@Test func routeRetriesThroughOutage() throws {
  // Outage from 10 s to 70 s; latency 5 s; retries at +20 s, +40 s, +80 s after each failure.
  let outage = OutageWindow(
    start: SimTime(milliseconds: 10_000), end: SimTime(milliseconds: 70_000))
  let destination = DestinationConfig(
    kind: .warehouse, latency: .fixed(.seconds(5)), outages: [outage],
    retry: RetryPolicy(maxAttempts: 4, backoff: .seconds(20)))
  var router = try Router(destinations: [destination], streams: RandomStreams(seed: 1))

  // First attempt at 15 s fails, then 35 s and 75 s: the third attempt lands.
  let landed = router.route(track("Order Completed"), at: SimTime(milliseconds: 10_000))
  #expect(landed.first?.time == SimTime(milliseconds: 75_000))
  #expect(router.counts[0].retries == 2)

  // With two attempts only, the same message is dead-lettered.
  let strict = DestinationConfig(
    kind: .warehouse, latency: .fixed(.seconds(5)), outages: [outage],
    retry: RetryPolicy(maxAttempts: 2, backoff: .seconds(20)))
  var strictRouter = try Router(destinations: [strict], streams: RandomStreams(seed: 1))
  #expect(strictRouter.route(track("Order Completed"), at: SimTime(milliseconds: 10_000)).isEmpty)
  #expect(strictRouter.counts[0].deadLettered == 1)
  #expect(strictRouter.counts[0].reconciles)
}

@Test func routeLatencyIsKeyedPerMessage() throws {
  let destination = DestinationConfig(kind: .analytics, latency: .exponential(mean: .minutes(1)))
  var first = try Router(destinations: [destination], streams: RandomStreams(seed: 9))
  var second = try Router(destinations: [destination], streams: RandomStreams(seed: 9))
  let messages = (0..<50).map {
    track("Product Viewed", customer: UInt64($0 % 7), counter: UInt32($0))
  }
  let forward = messages.map { first.route($0, at: .zero).first?.time }
  let backward = messages.reversed().map { second.route($0, at: .zero).first?.time }
  #expect(forward == Array(backward.reversed()))
}

@Test func clientFaultsDuplicateAndDamage() throws {
  let web = Device(index: 0, platform: .web, anonymousId: "anon-1", signedIn: true)
  var state = ClientState()
  let always = try ClientFaultModel(
    faults: ClientFaults(duplicateRate: 1, invalidRate: 1), streams: RandomStreams(seed: 1))
  let sent = always.send(
    [track("Product Viewed", anonymousId: "anon-1")], recordedAt: .zero, on: web, state: &state
  ).map(\.message)
  #expect(sent.count == 2)
  #expect(sent.allSatisfy { $0.userId == nil })
  #expect(sent.allSatisfy { $0.anonymousId == nil })
  #expect(sent[0].messageId == sent[1].messageId)
  #expect(sent.map(\.isResend) == [false, true])

  let never = try ClientFaultModel(faults: .none, streams: RandomStreams(seed: 1))
  let once = never.send([track("Product Viewed")], recordedAt: .zero, on: web, state: &state)
  #expect(once.count == 1)
}

@Test func analyticsFunnelStitchesIdentities() {
  var store = AnalyticsStore()
  store.receive(track("Video Playback Started", userId: nil, anonymousId: "anon-1"))
  var identify = track(nil, userId: "user-1", anonymousId: "anon-1")
  identify.type = .identify
  store.receive(identify)
  store.receive(track("Product Added", userId: "user-1"))
  store.receive(track("Video Playback Started", userId: "user-1"))
  let funnel = store.funnel()
  #expect(funnel.first { $0.event == "Video Playback Started" }?.people == 1)
  #expect(funnel.first { $0.event == "Product Added" }?.people == 1)
  #expect(store.eventCounts["Video Playback Started"] == 2)
}

@Test func messageRendersSegmentJSON() throws {
  var message = track("Product Added", anonymousId: "anon-1")
  message.properties = Properties([("product_id", .string("bread")), ("price", .number(120))])
  message.context.campaign = Campaign(name: "c", source: "google", medium: "display")
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05"))
  let json = message.segmentJSON(clock: clock)
  #expect(
    json.hasPrefix(
      #"{"type":"track","messageId":"1-0","anonymousId":"anon-1","userId":"user-1","event":"Product Added","timestamp":"2026-01-05T00:00:00.000Z""#
    ))
  #expect(json.contains(#""campaign":{"name":"c","source":"google","medium":"display"}"#))
  #expect(json.hasSuffix(#""properties":{"product_id":"bread","price":120}}"#))
}

import Config
import Simulation
import Testing

@testable import Pipeline

private let minute: Int64 = 60_000
private let hour: Int64 = 3_600_000

private func message(
  _ type: MessageType = .track, event: String? = "Product Added", customer: UInt64 = 1,
  counter: UInt32 = 0
) -> Message {
  Message(
    type: type, messageId: MessageID(customer: customer, counter: counter), userId: "user-1",
    timestamp: .zero, event: event,
    properties: Properties([
      ("product_id", .string("bread")), ("price", .number(120)), ("currency", .string("USD")),
    ]), source: .frontEnd, customer: customer)
}

@Test func allowFilterPassesOnlyListedEvents() {
  let filter: EventFilter = .allow(["Product Added"])
  #expect(filter.passes(message(event: "Product Added")))
  #expect(!filter.passes(message(event: "Checkout Started")))
  #expect(filter.passes(message(.identify, event: nil)))
}

@Test func denyFilterBlocksListedEvents() {
  let filter: EventFilter = .deny(["Email Sent", "Email Delivered"])
  #expect(!filter.passes(message(event: "Email Sent")))
  #expect(filter.passes(message(event: "Product Added")))
  #expect(filter.passes(message(.page, event: nil)))
}

@Test func routeCountsDeniedEventsAsFiltered() throws {
  let destinations = [
    DestinationConfig(kind: .analytics, latency: .fixed(.seconds(1)), events: .deny(["X"])),
    DestinationConfig(kind: .warehouse, latency: .fixed(.seconds(1)), events: ["X"]),
  ]
  var router = try Router(destinations: destinations, streams: RandomStreams(seed: 1))
  #expect(router.route(message(event: "X"), at: .zero).map(\.destination) == [1])
  #expect(router.route(message(event: "Y"), at: .zero).map(\.destination) == [0])
  #expect(router.counts.map(\.filtered) == [1, 1])
  #expect(router.counts.map(\.routed) == [2, 2])
}

@Test func mappingsRenamePropertiesForOneDestination() throws {
  let destinations = [
    DestinationConfig(kind: .analytics, latency: .fixed(.seconds(1))),
    DestinationConfig(
      kind: .warehouse, latency: .fixed(.seconds(1)), mappings: ["product_id": "sku"]),
  ]
  var router = try Router(destinations: destinations, streams: RandomStreams(seed: 1))
  let planned = router.route(message(), at: .zero)
  #expect(planned.count == 2)
  let plain = try #require(planned.first { $0.destination == 0 }).message.properties
  let mapped = try #require(planned.first { $0.destination == 1 }).message.properties
  #expect(plain.entries.map(\.key) == ["product_id", "price", "currency"])
  #expect(mapped.entries.map(\.key) == ["sku", "price", "currency"])
  #expect(mapped["sku"] == .string("bread"))
}

@Test func mappingsSwapNames() {
  let renamed = message().properties.renamingKeys(["price": "currency", "currency": "price"])
  #expect(renamed["price"] == .string("USD"))
  #expect(renamed["currency"] == .number(120))
}

/// Reads `text` as one destination and returns the problems reported.
private func destinationProblems(_ text: String) throws -> (
  config: DestinationConfig?, problems: [String], paths: [String]
) {
  let tree = try JSON5.parse(text, file: "destination.json5")
  let diagnostics = Diagnostics()
  let config = diagnostics.read(
    tree, at: ["warehouse"], as: PipelineConfig.destinationReader(.warehouse))
  return (config, diagnostics.all.map(\.problem), diagnostics.all.map(\.path.description))
}

@Test func eventsReaderAcceptsThreeForms() throws {
  let plain = try destinationProblems(#"{ latency: "1s", events: ["Product Added"] }"#)
  #expect(plain.config?.events == .allow(["Product Added"]))
  let allow = try destinationProblems(#"{ latency: "1s", events: { allow: ["Signed Up"] } }"#)
  #expect(allow.config?.events == .allow(["Signed Up"]))
  let deny = try destinationProblems(#"{ latency: "1s", events: { deny: ["Email Sent"] } }"#)
  #expect(deny.config?.events == .deny(["Email Sent"]))
  let absent = try destinationProblems(#"{ latency: "1s" }"#)
  #expect(absent.config?.events == .all)
}

/// Invalid `events` values, the problem reported and its field path.
private let invalidFilters: [(text: String, problem: String, path: String)] = [
  (
    #"{ allow: ["Signed Up"], deny: ["Email Sent"] }"#, "an event filter with both allow and deny",
    "warehouse.events.deny"
  ),
  ("{}", "an event filter without allow or deny", "warehouse.events"),
  (#"{ deny: ["Email Sentt"] }"#, #"expected one of "Video Playback Started""#,
    "warehouse.events.deny[0]"),
  (#"{ alow: ["Signed Up"] }"#, "unknown field", "warehouse.events.alow"),
  (#""Signed Up""#, "expected an event filter", "warehouse.events"),
]

@Test(arguments: invalidFilters.map(\.text))
func eventsReaderRejects(text: String) throws {
  let expected = try #require(invalidFilters.first { $0.text == text })
  let read = try destinationProblems(#"{ latency: "1s", events: \#(text) }"#)
  #expect(read.config == nil)
  #expect(read.problems.contains { $0.hasPrefix(expected.problem) }, "\(read.problems)")
  #expect(read.paths.contains(expected.path), "\(read.paths)")
}

@Test func eventsReaderSuggestsKnownField() throws {
  let tree = try JSON5.parse(#"{ latency: "1s", events: { alow: [] } }"#, file: "d.json5")
  let diagnostics = Diagnostics()
  _ = diagnostics.read(tree, at: ["warehouse"], as: PipelineConfig.destinationReader(.warehouse))
  let unknown = try #require(diagnostics.all.first { $0.problem == "unknown field" })
  #expect(unknown.fix == #"did you mean "allow"?"#)
}

/// Invalid `mappings`, the problem reported and its field path.
private let invalidMappings: [(text: String, problem: String, path: String)] = [
  (
    #"{ product_id: "sku", name: "sku" }"#, #"two properties renamed to "sku""#,
    "warehouse.mappings.name"
  ),
  (
    #"{ price: "currency" }"#, #"renaming "price" to "currency" collides with the property"#,
    "warehouse.mappings.price"
  ),
  (#"{ price: "" }"#, "expected a non-empty string", "warehouse.mappings.price"),
  (#"{ price: 3 }"#, "expected a string", "warehouse.mappings.price"),
  (#"["sku"]"#, "expected an object of property renames", "warehouse.mappings"),
]

@Test(arguments: invalidMappings.map(\.text))
func mappingsReaderRejects(text: String) throws {
  let expected = try #require(invalidMappings.first { $0.text == text })
  let read = try destinationProblems(#"{ latency: "1s", mappings: \#(text) }"#)
  #expect(read.config == nil)
  #expect(read.problems.contains { $0.hasPrefix(expected.problem) }, "\(read.problems)")
  #expect(read.paths.contains(expected.path), "\(read.paths)")
}

@Test func mappingsReaderAcceptsRenamedTargets() throws {
  // "currency" is carried with "price", but it is renamed itself, so nothing collides.
  let read = try destinationProblems(
    #"{ latency: "1s", mappings: { price: "currency", currency: "iso_currency" } }"#)
  #expect(read.problems.isEmpty, "\(read.problems)")
  #expect(read.config?.mappings == ["price": "currency", "currency": "iso_currency"])
}

// MARK: Retries with jitter

private let outage = OutageWindow(
  start: SimTime(milliseconds: hour), end: SimTime(milliseconds: 3 * hour))

private func jitteredWarehouse(maxAttempts: Int = 4) -> DestinationConfig {
  DestinationConfig(
    kind: .warehouse, latency: .uniform(minimum: .zero, maximum: .minutes(10)),
    outages: [outage],
    retry: RetryPolicy(maxAttempts: maxAttempts, backoff: .minutes(20), jitter: true))
}

/// Messages of 30 customers routed during the outage, in order.
private let outageTraffic: [Message] = (0..<300).map {
  message(customer: UInt64($0 % 30), counter: UInt32($0))
}

private func routeOutageTraffic(
  _ messages: [Message], seed: UInt64 = 4
) throws -> (router: Router, planned: [PlannedDelivery]) {
  var router = try Router(destinations: [jitteredWarehouse()], streams: RandomStreams(seed: seed))
  var planned: [PlannedDelivery] = []
  for (index, message) in messages.enumerated() {
    let routedAt = SimTime(milliseconds: hour + Int64(index % 60) * minute)
    planned += router.route(message, at: routedAt)
  }
  return (router, planned)
}

@Test func jitteredRetriesReconcileWithDeadLetters() throws {
  var (router, planned) = try routeOutageTraffic(outageTraffic)
  let counts = router.counts[0]
  #expect(counts.routed == 300)
  #expect(counts.deadLettered > 0)
  #expect(!planned.isEmpty)
  #expect(counts.retries > 0)
  for _ in planned {
    router.markDelivered(destination: 0)
  }
  #expect(router.counts[0].reconciles)
  #expect(router.deadLetters.count == router.counts[0].deadLettered)
  for letter in router.deadLetters {
    #expect(letter.destination == .warehouse)
    #expect(letter.attempts == 4)
    #expect(letter.reason == "outage: 4 attempts failed")
    #expect(outage.contains(letter.lastAttempt))
  }
  // Every landing falls outside the outage.
  #expect(planned.allSatisfy { !outage.contains($0.time) })
}

@Test func jitteredWaitsStayWithinBackoff() throws {
  // With full jitter, four attempts span at most 10 m latency + 20 + 40 + 80 minutes.
  let (router, planned) = try routeOutageTraffic(outageTraffic)
  let latest = SimTime(milliseconds: 2 * hour - minute + 10 * minute + 140 * minute)
  #expect(planned.allSatisfy { $0.time <= latest })
  #expect(router.deadLetters.allSatisfy { $0.lastAttempt <= latest })

  // The same messages without jitter land on the fixed backoff schedule; with jitter, some
  // land earlier.
  var fixed = try Router(
    destinations: [
      DestinationConfig(
        kind: .warehouse, latency: .uniform(minimum: .zero, maximum: .minutes(10)),
        outages: [outage], retry: RetryPolicy(maxAttempts: 4, backoff: .minutes(20)))
    ], streams: RandomStreams(seed: 4))
  let fixedTimes = outageTraffic.enumerated().flatMap { index, message in
    fixed.route(message, at: SimTime(milliseconds: hour + Int64(index % 60) * minute))
  }.map(\.time)
  #expect(planned.map(\.time) != fixedTimes)
}

@Test func deadLettersDoNotDependOnRoutingOrder() throws {
  let forward = try routeOutageTraffic(outageTraffic)
  // Route the same messages at the same times, last first.
  var router = try Router(destinations: [jitteredWarehouse()], streams: RandomStreams(seed: 4))
  var backwardPlanned: [PlannedDelivery] = []
  for (index, message) in outageTraffic.enumerated().reversed() {
    backwardPlanned += router.route(
      message, at: SimTime(milliseconds: hour + Int64(index % 60) * minute))
  }
  #expect(router.deadLetters.reversed() == forward.router.deadLetters)
  #expect(backwardPlanned.map(\.time).reversed() == forward.planned.map(\.time))
  #expect(router.counts == forward.router.counts)

  let again = try routeOutageTraffic(outageTraffic)
  #expect(again.router.deadLetters == forward.router.deadLetters)
  let otherSeed = try routeOutageTraffic(outageTraffic, seed: 5)
  #expect(otherSeed.router.deadLetters != forward.router.deadLetters)
}

@Test func routerKeepsNoDeadLettersWhenAsked() throws {
  var router = try Router(
    destinations: [jitteredWarehouse(maxAttempts: 1)], streams: RandomStreams(seed: 4),
    keepsDeadLetters: false)
  _ = router.route(message(), at: SimTime(milliseconds: 2 * hour))
  #expect(router.counts[0].deadLettered == 1)
  #expect(router.deadLetters.isEmpty)
}

import Customers
import Simulation
import Testing

@testable import Pipeline

private func message(
  _ type: MessageType, counter: UInt32, anonymousId: String? = nil, userId: String? = nil,
  previousId: String? = nil, event: String? = nil, customer: UInt64 = 1
) -> Message {
  var message = Message(
    type: type, messageId: MessageID(customer: customer, counter: counter),
    anonymousId: anonymousId, userId: userId, timestamp: .zero, event: event,
    previousId: previousId, source: .frontEnd, customer: customer)
  if type == .page { message.name = "Class" }
  return message
}

/// Collects `messages` in order, one second apart, and returns them as accepted.
private func collectAll(_ messages: [Message], into collector: inout Collector) -> [Message] {
  messages.enumerated().map { index, message in
    var collected = message
    _ = collector.collect(&collected, at: SimTime(milliseconds: Int64(index) * 1_000))
    return collected
  }
}

@Test func identifyMergesAnonymousHistory() throws {
  var collector = Collector()
  let collected = collectAll(
    [
      message(.page, counter: 0, anonymousId: "anon-a"),
      message(.track, counter: 1, anonymousId: "anon-a", event: "Product Viewed"),
      message(.identify, counter: 2, anonymousId: "anon-a", userId: "user-1"),
      message(.track, counter: 3, anonymousId: "anon-a", event: "Product Viewed"),
    ], into: &collector)

  // Collect cannot resolve the user before the login. After it, the anonymous id resolves.
  #expect(collected.map(\.resolvedUserId) == [nil, nil, "user-1", "user-1"])
  #expect(collector.counts.merges == 1)
  let merge = try #require(collector.identities.merges.first)
  #expect(merge.kind == .anonymousId)
  #expect(merge.mergedId == "anon-a")
  #expect(merge.userId == "user-1")
  #expect(merge.messageId == MessageID(customer: 1, counter: 2))
  #expect(merge.messageType == .identify)
  #expect(merge.time == SimTime(milliseconds: 2_000))

  // The final graph attributes the events before the login to the user.
  #expect(collector.identities.resolvedUserId(of: collected[0]) == "user-1")
  #expect(collector.identities.resolutions().map(\.id) == ["anon-a"])
}

@Test func aliasChainResolvesToLatestUser() {
  var graph = IdentityGraph()
  graph.observe(message(.alias, counter: 0, userId: "b", previousId: "a"), at: .zero)
  graph.observe(message(.alias, counter: 1, userId: "c", previousId: "b"), at: .zero)
  #expect(graph.mergeCount == 2)
  #expect(graph.root(of: "a") == "c")
  #expect(graph.root(of: "b") == "c")
  #expect(graph.root(of: "c") == "c")
  #expect(graph.resolvedUserId(of: message(.track, counter: 2, userId: "a")) == "c")
  #expect(graph.merges.map(\.kind) == [.previousId, .previousId])
  #expect(graph.merges.map(\.mergedId) == ["a", "b"])
}

@Test func aliasBackAlongChainMergesNothing() {
  var graph = IdentityGraph()
  graph.observe(message(.alias, counter: 0, userId: "b", previousId: "a"), at: .zero)
  graph.observe(message(.alias, counter: 1, userId: "c", previousId: "b"), at: .zero)
  // c → a would close a cycle; a and c are already one person.
  #expect(graph.observe(message(.alias, counter: 2, userId: "a", previousId: "c"), at: .zero) == nil)
  #expect(graph.mergeCount == 2)
  #expect(graph.root(of: "a") == "c")
}

@Test func aliasMergesAnonymousHistoryThroughChain() {
  var graph = IdentityGraph()
  graph.observe(message(.identify, counter: 0, anonymousId: "anon-a", userId: "old"), at: .zero)
  graph.observe(message(.alias, counter: 1, userId: "new", previousId: "old"), at: .zero)
  #expect(graph.resolvedUserId(of: message(.page, counter: 2, anonymousId: "anon-a")) == "new")
}

@Test func identifyOfUsersRootMakesNoCycle() {
  var graph = IdentityGraph()
  // An alias that names an anonymous id as the user id makes it the root of "u1".
  graph.observe(message(.alias, counter: 0, userId: "anon-a", previousId: "u1"), at: .zero)
  let identify = message(.identify, counter: 1, anonymousId: "anon-a", userId: "u1")
  #expect(graph.observe(identify, at: .zero) == nil)
  #expect(graph.root(of: "u1") == "anon-a")
  #expect(graph.root(of: "anon-a") == "anon-a")
}

/// Random identify and alias calls over a few ids never make a cycle: every root is final.
@Test(arguments: 0..<50)
func randomMergesKeepRootsFinal(seed: UInt64) throws {
  let ids = ["a", "b", "c", "d", "anon-1", "anon-2", "anon-3"]
  var stream = try RandomStreams(seed: seed).purpose("test.identity").stream(customer: 0)
  var graph = IdentityGraph()
  for counter in 0..<40 {
    let first = ids[stream.uniformInteger(below: ids.count)]
    let second = ids[stream.uniformInteger(below: ids.count)]
    let call =
      stream.bernoulli(0.5)
      ? message(.identify, counter: UInt32(counter), anonymousId: first, userId: second)
      : message(.alias, counter: UInt32(counter), userId: second, previousId: first)
    graph.observe(call, at: .zero)
  }
  for id in ids {
    let root = graph.root(of: id)
    #expect(graph.root(of: root) == root, "seed \(seed), id \(id)")
  }
  #expect(graph.mergeCount <= ids.count - 1)
}

@Test func identifyKeepsFirstUserOfDevice() {
  var graph = IdentityGraph()
  graph.observe(message(.identify, counter: 0, anonymousId: "anon-a", userId: "u1"), at: .zero)
  let second = graph.observe(
    message(.identify, counter: 1, anonymousId: "anon-a", userId: "u2"), at: .zero)
  #expect(second == nil)
  #expect(graph.root(of: "anon-a") == "u1")
  #expect(graph.root(of: "u2") == "u2")
}

@Test func repeatedIdentifyMergesOnce() {
  var graph = IdentityGraph(keepsMerges: false)
  for counter in 0..<3 {
    graph.observe(
      message(.identify, counter: UInt32(counter), anonymousId: "anon-a", userId: "u1"),
      at: .zero)
  }
  #expect(graph.mergeCount == 1)
  #expect(graph.merges.isEmpty)
}

@Test func trackWithBothIdsMergesNothing() {
  var graph = IdentityGraph()
  let track = message(.track, counter: 0, anonymousId: "anon-a", userId: "u1", event: "X")
  #expect(graph.observe(track, at: .zero) == nil)
  #expect(graph.resolvedUserId(of: message(.page, counter: 1, anonymousId: "anon-a")) == nil)
}

@Test func aliasWithoutPreviousIdIsQuarantined() {
  var collector = Collector()
  var alias = message(.alias, counter: 0, anonymousId: "anon-a", userId: "u1")
  #expect(
    collector.collect(&alias, at: .zero) == .quarantined(reason: "alias without previousId"))
  #expect(collector.counts.merges == 0)
}

/// One customer's actions: a first journey that signs in, then a return that checks out.
private func journeyWithReturn(customer: UInt64) -> [CustomerAction] {
  let minute: Int64 = 60_000
  func at(_ minutes: Int64, _ kind: CustomerAction.Kind, signedIn: Bool, returning: Bool)
    -> CustomerAction
  {
    CustomerAction(
      customer: customer, time: SimTime(milliseconds: minutes * minute), kind: kind,
      signedIn: signedIn, session: returning ? .returning : .firstTouch)
  }
  return [
    at(0, .trailerWatched(channel: 0, classIndex: 0), signedIn: false, returning: false),
    at(5, .classViewed(classIndex: 0), signedIn: false, returning: false),
    at(9, .identified(firstTime: true), signedIn: true, returning: false),
    at(9, .productAdded(classIndex: 0), signedIn: true, returning: false),
    at(3_000, .classViewed(classIndex: 1), signedIn: true, returning: true),
    at(3_010, .checkoutStarted(classIndex: 0), signedIn: true, returning: true),
    at(3_010, .orderCompleted(classIndex: 0, orderNumber: 1, revenueCents: 12_000, cause: .visitReturn),
      signedIn: true, returning: true),
  ]
}

private func client(secondDeviceRate: Double, seed: UInt64 = 11) throws -> TrackingClient {
  TrackingClient(
    tracker: Tracker(catalog: testCatalog, channels: testChannels),
    faults: try ClientFaultModel(
      faults: ClientFaults(duplicateRate: 0, invalidRate: 0, secondDeviceRate: secondDeviceRate),
      streams: RandomStreams(seed: seed)))
}

@Test func secondDeviceMergesWhenCustomerSignsInThere() throws {
  let client = try client(secondDeviceRate: 1)
  var state = ClientState()
  var counter: UInt32 = 0
  var collector = Collector()
  var collected: [Message] = []
  for action in journeyWithReturn(customer: 4) {
    for sent in client.send(action, state: &state, counter: &counter) {
      var message = sent.message
      #expect(collector.collect(&message, at: sent.arrival) == .accepted)
      collected.append(message)
    }
  }
  let first = CustomerIdentity.anonymousId(4)
  let second = CustomerIdentity.anonymousId(4, device: 1)
  #expect(first != second)

  // The return's page view is anonymous on the new device. The checkout needs a sign-in,
  // which the client sends as an alias and an identify.
  let returnPage = try #require(collected.first { $0.anonymousId == second })
  #expect(returnPage.type == .page)
  #expect(returnPage.userId == nil)
  #expect(returnPage.resolvedUserId == nil)
  let alias = try #require(collected.first { $0.type == .alias })
  #expect(alias.previousId == second)
  #expect(alias.userId == "user-4")
  let checkout = try #require(collected.first { $0.event == "Checkout Started" })
  #expect(checkout.anonymousId == second)
  #expect(checkout.userId == "user-4")

  #expect(collector.identities.merges.map(\.kind) == [.anonymousId, .previousId])
  #expect(collector.identities.merges.map(\.mergedId) == [first, second])
  #expect(collector.identities.root(of: first) == "user-4")
  #expect(collector.identities.root(of: second) == "user-4")
  // After the sign-in on the second device, its earlier page view belongs to the user.
  #expect(collector.identities.resolvedUserId(of: returnPage) == "user-4")
}

@Test func signUpOnSecondDeviceLeavesFirstAnonymous() throws {
  let client = try client(secondDeviceRate: 1)
  var state = ClientState()
  var counter: UInt32 = 0
  func send(_ kind: CustomerAction.Kind, signedIn: Bool, returning: Bool) -> [Message] {
    let action = CustomerAction(
      customer: 9, time: .zero, kind: kind, signedIn: signedIn,
      session: returning ? .returning : .firstTouch)
    return client.send(action, state: &state, counter: &counter).map(\.message)
  }
  _ = send(.classViewed(classIndex: 0), signedIn: false, returning: false)
  let signUp = send(.identified(firstTime: true), signedIn: true, returning: true)
  #expect(signUp.map(\.type) == [.alias, .identify, .track])
  // A later view from the first touch comes from the first device, where the customer has
  // not signed in.
  let view = send(.classViewed(classIndex: 1), signedIn: true, returning: false)
  #expect(view.allSatisfy { $0.userId == nil })
  #expect(view.allSatisfy { $0.anonymousId == CustomerIdentity.anonymousId(9) })
}

@Test func withoutSecondDeviceReturnStaysOnFirst() throws {
  let client = try client(secondDeviceRate: 0)
  var state = ClientState()
  var counter: UInt32 = 0
  let messages = journeyWithReturn(customer: 4).flatMap {
    client.send($0, state: &state, counter: &counter).map(\.message)
  }
  #expect(!messages.contains { $0.type == .alias })
  #expect(
    Set(messages.compactMap(\.anonymousId)) == [CustomerIdentity.anonymousId(4)])
}

/// Sends the journeys of `customers` through one client and one Collector, in the order
/// given, every action of a customer at once.
private func merges(
  of customers: [UInt64], interleaved: Bool
) throws -> [UInt64: [IdentityMerge]] {
  let client = try client(secondDeviceRate: 0.5)
  var states: [UInt64: ClientState] = [:]
  var counters: [UInt64: UInt32] = [:]
  var actions = customers.flatMap { journeyWithReturn(customer: $0) }
  if interleaved {
    actions.sort { ($0.time, $0.customer) < ($1.time, $1.customer) }
  }
  var collector = Collector()
  for action in actions {
    var state = states[action.customer] ?? ClientState()
    var counter = counters[action.customer] ?? 0
    for sent in client.send(action, state: &state, counter: &counter) {
      var message = sent.message
      _ = collector.collect(&message, at: sent.arrival)
    }
    states[action.customer] = state
    counters[action.customer] = counter
  }
  return Dictionary(grouping: collector.identities.merges) {
    $0.messageId?.customer ?? .max
  }
}

@Test func mergesDoNotDependOnOtherCustomers() throws {
  let customers: [UInt64] = Array(0..<40)
  let together = try merges(of: customers, interleaved: true)
  let reversed = try merges(of: customers.reversed(), interleaved: false)
  #expect(together == reversed)
  for customer in customers.prefix(8) {
    let alone = try merges(of: [customer], interleaved: false)
    #expect(alone[customer] == together[customer], "customer \(customer)")
  }
  // Some customers have a second device and merge twice, the others once.
  let counts = Set(together.values.map(\.count))
  #expect(counts == [1, 2])
}

@Test func analyticsFunnelFollowsAliasChain() {
  var store = AnalyticsStore()
  store.receive(message(.track, counter: 0, anonymousId: "anon-a", event: "Product Viewed"))
  store.receive(message(.identify, counter: 1, anonymousId: "anon-a", userId: "old"))
  store.receive(message(.alias, counter: 2, userId: "new", previousId: "old"))
  store.receive(message(.track, counter: 3, userId: "new", event: "Product Viewed"))
  let viewed = store.funnel().first { $0.event == "Product Viewed" }
  #expect(viewed?.people == 1)
}

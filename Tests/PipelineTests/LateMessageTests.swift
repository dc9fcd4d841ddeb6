import Customers
import Simulation
import Testing

@testable import Pipeline

private let hour: Int64 = 3_600_000
private let minute: Int64 = 60_000

private func trackingClient(_ faults: ClientFaults) throws -> TrackingClient {
  TrackingClient(
    tracker: Tracker(catalog: testCatalog, channels: testChannels),
    faults: try ClientFaultModel(faults: faults, streams: RandomStreams(seed: 21)))
}

private func action(
  _ kind: CustomerAction.Kind, at milliseconds: Int64, usesApp: Bool = false,
  customer: UInt64 = 6
) -> CustomerAction {
  CustomerAction(
    customer: customer, time: SimTime(milliseconds: milliseconds), kind: kind, signedIn: true,
    usesApp: usesApp)
}

/// Sends `actions` through `client` and collects every message at its arrival, in arrival
/// order (ties in sending order), as the run's calendar would.
private func sendAndCollect(
  _ actions: [CustomerAction], client: TrackingClient, collector: inout Collector
) -> [(sent: Message, collected: Message, arrival: SimTime)] {
  var state = ClientState()
  var counter: UInt32 = 0
  var outgoing: [OutgoingMessage] = []
  for action in actions {
    outgoing += client.send(action, state: &state, counter: &counter)
  }
  let ordered = outgoing.enumerated().sorted {
    ($0.element.arrival, $0.offset) < ($1.element.arrival, $1.offset)
  }.map(\.element)
  return ordered.map { sent in
    var message = sent.message
    _ = collector.collect(&message, at: sent.arrival)
    return (sent.message, message, sent.arrival)
  }
}

@Test func clockBehindCountsAsLateWithTimestampKept() throws {
  let client = try trackingClient(
    ClientFaults(
      duplicateRate: 0, invalidRate: 0,
      clockSkew: ClockSkew(offset: .fixed(.hours(2)), behindShare: 1)))
  var collector = Collector()
  let time = 10 * hour
  let results = sendAndCollect(
    [action(.productAdded(classIndex: 0), at: time)], client: client, collector: &collector)
  let added = try #require(results.first)
  #expect(added.collected.timestamp == SimTime(milliseconds: time - 2 * hour))
  #expect(added.collected.sentAt == SimTime(milliseconds: time - 2 * hour))
  #expect(added.collected.receivedAt == SimTime(milliseconds: time))
  #expect(collector.counts.late == 1)
}

@Test func clockAheadIsNotLate() throws {
  let client = try trackingClient(
    ClientFaults(
      duplicateRate: 0, invalidRate: 0,
      clockSkew: ClockSkew(offset: .fixed(.hours(2)), behindShare: 0)))
  var collector = Collector()
  let results = sendAndCollect(
    [action(.productAdded(classIndex: 0), at: hour)], client: client, collector: &collector)
  #expect(results.first?.collected.timestamp == SimTime(milliseconds: 3 * hour))
  #expect(collector.counts.late == 0)
}

@Test func serverClockIsNeverSkewed() throws {
  let client = try trackingClient(
    ClientFaults(
      duplicateRate: 0, invalidRate: 0,
      clockSkew: ClockSkew(offset: .fixed(.hours(2)), behindShare: 1)))
  var collector = Collector()
  let order = CustomerAction.Kind.orderCompleted(
    classIndex: 0, orderNumber: 1, revenueCents: 12_000, cause: .checkout)
  let results = sendAndCollect([action(order, at: 5 * hour)], client: client, collector: &collector)
  #expect(results.first?.collected.timestamp == SimTime(milliseconds: 5 * hour))
  #expect(collector.counts.late == 0)
}

/// Delays from `timestamp` to `receivedAt`, and whether each exceeds the 1-hour threshold.
private let lateEdges: [(delay: Int64, late: Bool)] = [
  (0, false), (hour - 1, false), (hour, false), (hour + 1, true), (-hour, false),
]

@Test(arguments: lateEdges.map(\.delay))
func lateThresholdEdge(delay: Int64) throws {
  let edge = try #require(lateEdges.first { $0.delay == delay })
  var collector = Collector()
  var message = Message(
    type: .track, messageId: MessageID(customer: 1, counter: 0), anonymousId: "anon-1",
    timestamp: SimTime(milliseconds: 10 * hour), event: "Product Viewed", source: .frontEnd,
    customer: 1)
  #expect(collector.collect(&message, at: SimTime(milliseconds: 10 * hour + delay)) == .accepted)
  #expect(collector.counts.late == (edge.late ? 1 : 0))
  #expect(message.timestamp == SimTime(milliseconds: 10 * hour))
}

@Test func offlineAppSendsBatchLaterWithOriginalTimestamps() throws {
  let client = try trackingClient(
    ClientFaults(duplicateRate: 0, invalidRate: 0, offlineRate: 1, offlineDelay: .fixed(.hours(3))))
  var collector = Collector()
  let start = 20 * hour
  let results = sendAndCollect(
    [
      action(.identified(firstTime: true), at: start, usesApp: true),
      action(.productAdded(classIndex: 0), at: start, usesApp: true),
      action(.classViewed(classIndex: 1), at: start + 10 * minute, usesApp: true),
    ], client: client, collector: &collector)

  let reconnect = SimTime(milliseconds: start + 3 * hour)
  let app = results.filter { $0.sent.source == .frontEnd }
  #expect(app.count == 4)
  for entry in app {
    #expect(entry.arrival == reconnect, "\(entry.sent.type)")
    #expect(entry.collected.sentAt == reconnect)
    #expect(entry.collected.receivedAt == reconnect)
  }
  #expect(
    app.map(\.collected.timestamp.milliseconds) == [start, start, start + 10 * minute, start + 10 * minute])
  // Every held message trails its timestamp by more than an hour.
  #expect(collector.counts.late == 4)

  // The backend's Signed Up is not held, so it reaches Collect before the identify that
  // preceded it on the device.
  let signedUp = try #require(results.first { $0.sent.event == "Signed Up" })
  #expect(signedUp.arrival == SimTime(milliseconds: start))
  #expect(results.first?.sent.event == "Signed Up")
}

@Test func offlinePeriodEndsAtReconnect() throws {
  let client = try trackingClient(
    ClientFaults(
      duplicateRate: 0, invalidRate: 0, offlineRate: 1, offlineDelay: .fixed(.hours(1))))
  var state = ClientState()
  var counter: UInt32 = 0
  let first = client.send(
    action(.classViewed(classIndex: 0), at: 0, usesApp: true), state: &state, counter: &counter)
  #expect(first.map(\.arrival) == [SimTime(milliseconds: hour), SimTime(milliseconds: hour)])
  // Two hours on, the last offline period has ended, so the action finds the app online
  // or starts a new period of its own.
  let later = client.send(
    action(.classViewed(classIndex: 1), at: 2 * hour, usesApp: true), state: &state,
    counter: &counter)
  #expect(later.map(\.arrival) == [SimTime(milliseconds: 3 * hour), SimTime(milliseconds: 3 * hour)])
}

@Test func websiteIsNeverOffline() throws {
  let client = try trackingClient(
    ClientFaults(duplicateRate: 0, invalidRate: 0, offlineRate: 1, offlineDelay: .fixed(.hours(3))))
  var state = ClientState()
  var counter: UInt32 = 0
  let sent = client.send(
    action(.classViewed(classIndex: 0), at: hour), state: &state, counter: &counter)
  #expect(sent.allSatisfy { $0.arrival == SimTime(milliseconds: hour) })
  #expect(state.offlineUntil == nil)
}

@Test func clockOffsetsAreKeyedPerDevice() throws {
  let faults = ClientFaults(
    duplicateRate: 0, invalidRate: 0,
    clockSkew: ClockSkew(offset: .exponential(mean: .minutes(10))))
  let model = try ClientFaultModel(faults: faults, streams: RandomStreams(seed: 8))
  let again = try ClientFaultModel(faults: faults, streams: RandomStreams(seed: 8))
  let offsets = (0..<200).map { model.clockOffset(customer: UInt64($0), device: 0) }
  #expect(offsets == (0..<200).map { again.clockOffset(customer: UInt64($0), device: 0) })
  #expect(offsets.contains { $0 < 0 })
  #expect(offsets.contains { $0 > 0 })
  let secondDevices = (0..<200).map { model.clockOffset(customer: UInt64($0), device: 1) }
  #expect(secondDevices != offsets)
}

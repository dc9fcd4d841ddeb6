import Simulation
import Testing

@testable import Pipeline

private let hour: Int64 = 3_600_000

private func order(counter: UInt32, customer: UInt64 = 1, resend: Bool = false) -> Message {
  var message = Message(
    type: .track, messageId: MessageID(customer: customer, counter: counter),
    userId: "user-\(customer)", timestamp: .zero, event: "Order Completed", source: .backEnd,
    customer: customer)
  message.isResend = resend
  return message
}

/// When a copy arrives after the first, and whether Collect drops it, with the default
/// 24-hour window.
private let windowEdges: [(name: String, delay: Int64, dropped: Bool)] = [
  ("at once", 0, true),
  ("just inside", 24 * hour - 1, true),
  ("exactly at the window", 24 * hour, false),
  ("just after", 24 * hour + 1, false),
]

@Test(arguments: windowEdges.map(\.name))
func dedupWindowEdge(name: String) throws {
  let edge = try #require(windowEdges.first { $0.name == name })
  var collector = Collector()
  var first = order(counter: 0)
  var copy = order(counter: 0, resend: true)
  let start = SimTime(milliseconds: 5 * hour)
  #expect(collector.collect(&first, at: start) == .accepted)
  let verdict = collector.collect(&copy, at: start + SimDuration(milliseconds: edge.delay))
  if edge.dropped {
    #expect(verdict == .dropped(reason: "duplicate messageId"))
    #expect(collector.counts.duplicatesOutsideWindow == 0)
  } else {
    #expect(verdict == .accepted)
    #expect(collector.counts.duplicatesOutsideWindow == 1)
  }
  #expect(collector.counts.reconciles)
}

@Test func dedupWindowRestartsAtAcceptedCopy() {
  var collector = Collector(dedupWindow: .hours(1))
  var first = order(counter: 0)
  var late = order(counter: 0, resend: true)
  var again = order(counter: 0, resend: true)
  _ = collector.collect(&first, at: .zero)
  #expect(collector.collect(&late, at: SimTime(milliseconds: 2 * hour)) == .accepted)
  // The accepted copy is remembered in its turn, so a third copy soon after is dropped.
  #expect(
    collector.collect(&again, at: SimTime(milliseconds: 2 * hour + 1))
      == .dropped(reason: "duplicate messageId"))
  #expect(collector.counts.accepted == 2)
  #expect(collector.counts.dropped == 1)
  #expect(collector.counts.duplicatesOutsideWindow == 1)
}

@Test func zeroDedupWindowAcceptsEveryCopy() {
  var collector = Collector(dedupWindow: .zero)
  var first = order(counter: 0)
  var copy = order(counter: 0, resend: true)
  _ = collector.collect(&first, at: .zero)
  #expect(collector.collect(&copy, at: .zero) == .accepted)
  #expect(collector.counts.duplicatesOutsideWindow == 1)
}

@Test func dedupMemoryIsBoundedByWindow() {
  var recent = RecentMessageIDs(window: .hours(1))
  for index in 0..<10_000 {
    let time = SimTime(milliseconds: Int64(index) * 60_000)
    recent.remember(MessageID(customer: 1, counter: UInt32(index)), at: time)
  }
  // One acceptance a minute: the ids of the last hour, 60 of them, are held.
  #expect(recent.count == 60)
  #expect(
    recent.contains(
      MessageID(customer: 1, counter: 9_999), at: SimTime(milliseconds: 9_999 * 60_000)))
  #expect(
    !recent.contains(
      MessageID(customer: 1, counter: 9_000), at: SimTime(milliseconds: 9_999 * 60_000)))
}

@Test func dedupVerdictsDoNotDependOnOtherCustomers() {
  // Customer 1 sends copies 23 h and 25 h after the first; customer 2's traffic in
  // between moves eviction forward but changes none of customer 1's verdicts.
  func verdicts(withOtherTraffic: Bool) -> [CollectVerdict] {
    var collector = Collector()
    var events: [(time: Int64, message: Message)] = [
      (0, order(counter: 0)),
      (23 * hour, order(counter: 0, resend: true)),
      (25 * hour, order(counter: 0, resend: true)),
    ]
    if withOtherTraffic {
      events += (0..<60).map { ($0 * hour, order(counter: UInt32($0), customer: 2)) }
      events.sort { $0.time < $1.time }
    }
    return events.compactMap { time, message in
      var collected = message
      let verdict = collector.collect(&collected, at: SimTime(milliseconds: time))
      return message.customer == 1 ? verdict : nil
    }
  }
  let alone = verdicts(withOtherTraffic: false)
  #expect(alone == [.accepted, .dropped(reason: "duplicate messageId"), .accepted])
  #expect(verdicts(withOtherTraffic: true) == alone)
}

@Test func resentCopyArrivesAfterDuplicateDelay() throws {
  let faults = ClientFaults(
    duplicateRate: 1, invalidRate: 0, duplicateDelay: .fixed(.hours(30)))
  let model = try ClientFaultModel(faults: faults, streams: RandomStreams(seed: 3))
  var state = ClientState()
  let device = Device(index: 0, platform: .web, anonymousId: "anon-1", signedIn: true)
  let time = SimTime(milliseconds: 2 * hour)
  let sent = model.send([order(counter: 4)], recordedAt: time, on: device, state: &state)
  #expect(sent.map(\.arrival) == [time, time + .hours(30)])
  #expect(sent.map(\.message.isResend) == [false, true])
  #expect(sent.map(\.message.sentAt) == [time, time + .hours(30)])
  #expect(sent.map(\.message.timestamp) == [.zero, .zero])

  var collector = Collector()
  for outgoing in sent {
    var message = outgoing.message
    #expect(collector.collect(&message, at: outgoing.arrival) == .accepted)
  }
  #expect(collector.counts.duplicatesOutsideWindow == 1)
}

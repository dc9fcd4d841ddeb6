import Testing
import TestSupport

@testable import Simulation

@Suite("EventQueue")
struct EventQueueTests {
  /// Random schedules and pops on an `EventQueue` and an `EventCalendar` side by side: both
  /// must give the same events at the same times, in the same order.
  @Test("matches EventCalendar", arguments: 0..<100)
  func matchesEventCalendar(seed: Int) {
    var generator = SplitMix64(state: UInt64(seed) &+ 1_000)
    var queue = EventQueue<Int>(minimumCapacity: 1)
    var calendar = EventCalendar<Int>()
    // A narrow time range forces many ties, which must break by scheduling order.
    let timeRange = Int64(1 + seed % 40)
    var now: Int64 = 0

    for step in 0..<3_000 {
      if Int.random(in: 0..<10, using: &generator) < 6 {
        let time = now + Int64.random(in: 0...timeRange, using: &generator)
        queue.schedule(step, at: SimTime(milliseconds: time))
        calendar.schedule(step, at: SimTime(milliseconds: time))
      } else {
        let expected = calendar.popNext()
        let popped = queue.popNext()
        #expect(popped?.event == expected?.event)
        #expect(popped?.time == expected?.time)
        if let popped { now = popped.time.milliseconds }
      }
      let (count, nextTime) = (queue.count, queue.nextTime)
      #expect(count == calendar.count)
      #expect(nextTime == calendar.nextTime)
      if step % 101 == 0 {
        let heapOrdered = queue.invariantsHold()
        #expect(heapOrdered)
      }
    }
    while let expected = calendar.popNext() {
      let popped = queue.popNext()
      #expect(popped?.event == expected.event)
      #expect(popped?.time == expected.time)
    }
    let drained = queue.isEmpty
    let extra = queue.popNext()
    #expect(drained)
    #expect(extra == nil)
  }

  /// Everything scheduled up front comes out sorted by (time, scheduling order).
  @Test("drains in time and scheduling order", arguments: [1, 2, 5, 63, 64, 65, 1_000, 5_000])
  func drainsInOrder(count: Int) {
    var generator = SplitMix64(state: UInt64(count))
    var queue = EventQueue<Int>(minimumCapacity: 4)
    var expected: [(time: Int64, id: Int)] = []
    for id in 0..<count {
      let time = Int64.random(in: 0..<Int64(1 + count / 3), using: &generator)
      queue.schedule(id, at: SimTime(milliseconds: time))
      expected.append((time, id))
    }
    expected.sort { ($0.time, $0.id) < ($1.time, $1.id) }
    let heapOrdered = queue.invariantsHold()
    #expect(heapOrdered)

    var drained: [(time: Int64, id: Int)] = []
    while let next = queue.popNext() {
      drained.append((next.time.milliseconds, next.event))
    }
    #expect(drained.map(\.id) == expected.map(\.id))
    #expect(drained.map(\.time) == expected.map(\.time))
  }

  @Test("ties fire in scheduling order")
  func tiesFireInSchedulingOrder() {
    var queue = EventQueue<String>()
    let noon = SimTime(milliseconds: 43_200_000)
    for name in ["first", "second", "third", "fourth", "fifth", "sixth"] {
      queue.schedule(name, at: noon)
    }
    queue.schedule("earlier", at: SimTime(milliseconds: 1))
    queue.schedule("later", at: noon + .milliseconds(1))
    var order: [String] = []
    while let next = queue.popNext() {
      order.append(next.event)
    }
    #expect(order == ["earlier", "first", "second", "third", "fourth", "fifth", "sixth", "later"])
  }

  @Test("peek does not remove")
  func peekDoesNotRemove() {
    var queue = EventQueue<Int>()
    let (emptyPeek, emptyTime) = (queue.peek(), queue.nextTime)
    #expect(emptyPeek == nil)
    #expect(emptyTime == nil)
    queue.schedule(7, at: SimTime(milliseconds: 70))
    queue.schedule(3, at: SimTime(milliseconds: 30))
    let (peeked, nextTime, count) = (queue.peek(), queue.nextTime, queue.count)
    #expect(peeked?.event == 3)
    #expect(peeked?.time == SimTime(milliseconds: 30))
    #expect(nextTime == SimTime(milliseconds: 30))
    #expect(count == 2)
  }

  /// Payloads with reference counts are released when popped, removed or left behind.
  @Test("removeAll empties the queue")
  func removeAllEmptiesTheQueue() {
    var queue = EventQueue<[Int]>(minimumCapacity: 2)
    for index in 0..<100 {
      queue.schedule([index, index], at: SimTime(milliseconds: Int64(100 - index)))
    }
    let first = queue.popNext()
    #expect(first?.event == [99, 99])
    queue.removeAll()
    let (isEmpty, count) = (queue.isEmpty, queue.count)
    #expect(isEmpty)
    #expect(count == 0)
    queue.schedule([1], at: SimTime(milliseconds: 5))
    let next = queue.popNext()
    #expect(next?.event == [1])
  }
}

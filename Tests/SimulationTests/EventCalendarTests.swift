import Testing
import TestSupport

@testable import Simulation

/// The reference model: pending events in a plain array, the next one found by sorting.
private struct ReferenceEvent {
  let time: Int64
  let order: Int
  let id: Int
  let handle: EventHandle
}

@Test(arguments: 0..<200)
func calendarMatchesSortedReference(seed: Int) {
  var generator = SplitMix64(state: UInt64(seed))
  var calendar = EventCalendar<Int>()
  var reference: [ReferenceEvent] = []
  var fired: [EventHandle] = []
  var nextID = 0
  // A narrow time range forces many ties, which must break by scheduling order.
  let timeRange = Int64(1 + seed % 50)

  for step in 0..<2_000 {
    let roll = Int.random(in: 0..<10, using: &generator)
    if roll < 5 {
      let time = Int64.random(in: 0...timeRange, using: &generator)
      let handle = calendar.schedule(nextID, at: SimTime(milliseconds: time))
      reference.append(ReferenceEvent(time: time, order: nextID, id: nextID, handle: handle))
      nextID += 1
    } else if roll < 7, !reference.isEmpty {
      let victim = reference.remove(at: Int.random(in: 0..<reference.count, using: &generator))
      #expect(calendar.cancel(victim.handle) == victim.id)
      #expect(!calendar.contains(victim.handle))
    } else if roll < 8, let stale = fired.randomElement(using: &generator) {
      #expect(calendar.cancel(stale) == nil, "a fired event's handle must not cancel")
    } else {
      let expected = reference.min { ($0.time, $0.order) < ($1.time, $1.order) }
      let popped = calendar.popNext()
      #expect(popped?.event == expected?.id)
      #expect(popped?.time.milliseconds == expected?.time)
      if let expected {
        reference.removeAll { $0.id == expected.id }
        fired.append(expected.handle)
      }
    }
    #expect(calendar.count == reference.count)
    if step % 97 == 0 {
      #expect(calendar.invariantsHold())
    }
  }

  // Drain: the rest must come out in (time, scheduling order).
  let expectedOrder = reference.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.id)
  var drained: [Int] = []
  while let next = calendar.popNext() {
    drained.append(next.event)
  }
  #expect(drained == expectedOrder)
  #expect(calendar.invariantsHold())
}

@Test func calendarTiesFireInSchedulingOrder() {
  var calendar = EventCalendar<String>()
  let noon = SimTime(milliseconds: 43_200_000)
  for name in ["first", "second", "third", "fourth", "fifth"] {
    calendar.schedule(name, at: noon)
  }
  calendar.schedule("earlier", at: SimTime(milliseconds: 1))
  var order: [String] = []
  while let next = calendar.popNext() {
    order.append(next.event)
  }
  #expect(order == ["earlier", "first", "second", "third", "fourth", "fifth"])
}

@Test func calendarStaleHandleAfterSlotReuse() {
  var calendar = EventCalendar<String>()
  let old = calendar.schedule("old", at: SimTime(milliseconds: 5))
  #expect(calendar.popNext()?.event == "old")
  // The new event reuses the freed slot; the old handle must not reach it.
  let new = calendar.schedule("new", at: SimTime(milliseconds: 9))
  #expect(!calendar.contains(old))
  #expect(calendar.cancel(old) == nil)
  #expect(calendar.contains(new))
  #expect(calendar.peek()?.event == "new")
}

@Test func calendarPeekDoesNotRemove() {
  var calendar = EventCalendar<Int>()
  #expect(calendar.peek() == nil)
  #expect(calendar.nextTime == nil)
  calendar.schedule(7, at: SimTime(milliseconds: 70))
  calendar.schedule(3, at: SimTime(milliseconds: 30))
  #expect(calendar.peek()?.event == 3)
  #expect(calendar.nextTime == SimTime(milliseconds: 30))
  #expect(calendar.count == 2)
}

@Test func calendarRemoveAllInvalidatesHandles() {
  var calendar = EventCalendar<Int>()
  let handles = (0..<10).map { calendar.schedule($0, at: SimTime(milliseconds: Int64($0))) }
  calendar.removeAll()
  #expect(calendar.isEmpty)
  #expect(handles.allSatisfy { !calendar.contains($0) })
  #expect(calendar.invariantsHold())
}

@Test func simulatorRunStopsAtLimit() {
  var simulator = Simulator<String>()
  simulator.schedule("a", at: SimTime(milliseconds: 10))
  simulator.schedule("b", at: SimTime(milliseconds: 20))
  simulator.schedule("late", at: SimTime(milliseconds: 100))
  var seen: [(SimTime, String)] = []
  simulator.run(until: SimTime(milliseconds: 50)) { simulator, event in
    seen.append((simulator.now, event))
    if event == "a" {
      simulator.schedule("a-follow-up", after: .zero)
    }
  }
  #expect(seen.map(\.1) == ["a", "a-follow-up", "b"])
  #expect(seen.map(\.0.milliseconds) == [10, 10, 20])
  #expect(simulator.now == SimTime(milliseconds: 50))
  #expect(simulator.eventsProcessed == 3)
  #expect(simulator.calendar.count == 1)
  #expect(simulator.nextTime == SimTime(milliseconds: 100))
}

@Test func simulatorCancelledDelayNeverFires() {
  var simulator = Simulator<String>()
  let reminder = simulator.schedule("reminder", after: .hours(1))
  simulator.schedule("purchase", after: .minutes(10))
  var seen: [String] = []
  simulator.run { simulator, event in
    seen.append(event)
    if event == "purchase" {
      #expect(simulator.cancel(reminder) == "reminder")
    }
  }
  #expect(seen == ["purchase"])
  #expect(simulator.now == SimTime(milliseconds: 600_000))
}

@Test(arguments: [
  (SimDuration.milliseconds(1_500), "1500ms"),
  (SimDuration.seconds(90), "90s"),
  (SimDuration.minutes(45), "45m"),
  (SimDuration.hours(2), "2h"),
  (SimDuration.days(3), "3d"),
  (SimDuration.zero, "0ms"),
])
func durationDescription(duration: SimDuration, expected: String) {
  #expect(duration.description == expected)
}

@Test func timeArithmeticSaturates() {
  let late = SimTime(milliseconds: .max - 5)
  #expect((late + .hours(1)).milliseconds == .max)
  #expect(SimDuration(roundingMilliseconds: .infinity) == .maximum)
  #expect(SimDuration(roundingMilliseconds: .nan) == .zero)
  #expect(SimDuration(roundingMilliseconds: -3) == .zero)
  #expect(SimDuration(roundingMilliseconds: 2.5).milliseconds == 3)
}

/// A handle to a scheduled event, used to cancel it before it fires.
///
/// A handle stays valid until its event fires or is cancelled; after that, `cancel` and
/// `contains` report it as gone even if its storage slot has been reused.
public struct EventHandle: Hashable, Sendable {
  @usableFromInline let slot: UInt32
  @usableFromInline let generation: UInt32

  @inlinable
  init(slot: UInt32, generation: UInt32) {
    self.slot = slot
    self.generation = generation
  }
}

/// The future event list of a discrete-event simulation: a 4-ary min-heap ordered by
/// (time, scheduling sequence).
///
/// The sequence number makes the order total: two events at the same millisecond fire in
/// the order they were scheduled, so a run never depends on how the heap happens to break
/// ties. Heap entries are small (time, sequence, slot); event payloads live in a slot
/// table beside the heap, and a position table per slot makes cancellation exact: a
/// cancelled event leaves the heap at once instead of lingering as a tombstone.
///
/// A 4-ary heap has half the depth of a binary one, which suits a calendar where sift-up
/// (schedule) is as frequent as sift-down (pop). Complexities below are for n pending
/// events; "amortized" covers the growth of the backing arrays.
public struct EventCalendar<Event> {
  @usableFromInline
  struct Entry: Sendable {
    @usableFromInline var time: Int64
    @usableFromInline var sequence: UInt64
    @usableFromInline var slot: UInt32

    @inlinable
    init(time: Int64, sequence: UInt64, slot: UInt32) {
      self.time = time
      self.sequence = sequence
      self.slot = slot
    }

    @inlinable
    func precedes(_ other: Entry) -> Bool {
      time < other.time || (time == other.time && sequence < other.sequence)
    }
  }

  @usableFromInline static var arity: Int { 4 }

  @usableFromInline var heap: [Entry] = []
  /// Event payload by slot; nil for a free slot.
  @usableFromInline var events: [Event?] = []
  /// Heap index by slot; -1 for a free slot. 32 bits halve the memory that the sift loops
  /// touch at random, so a calendar contains at most 2^31 − 1 pending events.
  @usableFromInline var positions: [Int32] = []
  /// Incremented each time a slot is freed, so stale handles are recognised.
  @usableFromInline var generations: [UInt32] = []
  @usableFromInline var freeSlots: [UInt32] = []
  @usableFromInline var nextSequence: UInt64 = 0

  public init() {}

  /// The number of pending events. O(1).
  @inlinable
  public var count: Int { heap.count }

  /// Whether no event is pending. O(1).
  @inlinable
  public var isEmpty: Bool { heap.isEmpty }

  /// The time of the next event, or nil when none is pending. O(1).
  @inlinable
  public var nextTime: SimTime? {
    heap.first.map { SimTime(milliseconds: $0.time) }
  }

  /// The next event and its time, without removing it. O(1).
  @inlinable
  public func peek() -> (time: SimTime, event: Event)? {
    guard let root = heap.first, let event = events[Int(root.slot)] else { return nil }
    return (SimTime(milliseconds: root.time), event)
  }

  /// Schedules `event` at `time`. O(log n) amortized.
  @inlinable
  @discardableResult
  public mutating func schedule(_ event: Event, at time: SimTime) -> EventHandle {
    let slot: UInt32
    if let reused = freeSlots.popLast() {
      slot = reused
      events[Int(slot)] = event
    } else {
      slot = UInt32(events.count)
      events.append(event)
      positions.append(-1)
      generations.append(0)
    }
    let entry = Entry(time: time.milliseconds, sequence: nextSequence, slot: slot)
    nextSequence &+= 1
    heap.append(entry)
    positions[Int(slot)] = Int32(heap.count - 1)
    siftUp(heap.count - 1)
    return EventHandle(slot: slot, generation: generations[Int(slot)])
  }

  /// Whether the event of `handle` is still pending. O(1).
  @inlinable
  public func contains(_ handle: EventHandle) -> Bool {
    let slot = Int(handle.slot)
    return slot < generations.count && generations[slot] == handle.generation
      && positions[slot] >= 0
  }

  /// Removes the event of `handle` if it is still pending and returns it; returns nil for
  /// an event that already fired or was cancelled. O(log n).
  @inlinable
  @discardableResult
  public mutating func cancel(_ handle: EventHandle) -> Event? {
    guard contains(handle) else { return nil }
    let index = Int(positions[Int(handle.slot)])
    let removed = removeEntry(at: index)
    return releaseSlot(removed.slot)
  }

  /// Removes and returns the earliest event, ties going to the one scheduled first.
  /// O(log n).
  @inlinable
  public mutating func popNext() -> (time: SimTime, event: Event)? {
    guard !heap.isEmpty else { return nil }
    let root = removeEntry(at: 0)
    guard let event = releaseSlot(root.slot) else { return nil }
    return (SimTime(milliseconds: root.time), event)
  }

  /// Removes every pending event. Handles issued before stay invalid. O(n).
  public mutating func removeAll() {
    while !heap.isEmpty {
      let entry = heap.removeLast()
      _ = releaseSlot(entry.slot)
    }
  }

  /// Checks the heap order and the slot tables in O(n). For tests and debugging.
  public func invariantsHold() -> Bool {
    for index in heap.indices {
      if positions[Int(heap[index].slot)] != Int32(index) { return false }
      if events[Int(heap[index].slot)] == nil { return false }
      if index > 0 && heap[index].precedes(heap[(index - 1) / Self.arity]) { return false }
    }
    let pendingSlots = positions.lazy.filter { $0 >= 0 }.count
    return pendingSlots == heap.count && pendingSlots + freeSlots.count == events.count
  }

  // MARK: Heap mechanics

  @inlinable
  mutating func removeEntry(at index: Int) -> Entry {
    let removed = heap[index]
    let last = heap.removeLast()
    if index < heap.count {
      heap[index] = last
      positions[Int(last.slot)] = Int32(index)
      if index > 0 && last.precedes(heap[(index - 1) / Self.arity]) {
        siftUp(index)
      } else {
        siftDown(index)
      }
    }
    positions[Int(removed.slot)] = -1
    return removed
  }

  @inlinable
  mutating func releaseSlot(_ slot: UInt32) -> Event? {
    let event = events[Int(slot)]
    events[Int(slot)] = nil
    positions[Int(slot)] = -1
    generations[Int(slot)] &+= 1
    freeSlots.append(slot)
    return event
  }

  // The sift loops work on buffer pointers: indexing the arrays directly makes every store
  // check that the array is uniquely referenced, which costs more than the comparison.

  @inlinable
  mutating func siftUp(_ start: Int) {
    heap.withUnsafeMutableBufferPointer { heap in
      positions.withUnsafeMutableBufferPointer { positions in
        let moving = heap[start]
        var index = start
        while index > 0 {
          let parent = (index - 1) / Self.arity
          guard moving.precedes(heap[parent]) else { break }
          heap[index] = heap[parent]
          positions[Int(heap[index].slot)] = Int32(truncatingIfNeeded: index)
          index = parent
        }
        heap[index] = moving
        positions[Int(moving.slot)] = Int32(truncatingIfNeeded: index)
      }
    }
  }

  @inlinable
  mutating func siftDown(_ start: Int) {
    heap.withUnsafeMutableBufferPointer { heap in
      positions.withUnsafeMutableBufferPointer { positions in
        let moving = heap[start]
        let count = heap.count
        var index = start
        while true {
          let firstChild = index * Self.arity + 1
          if firstChild >= count { break }
          var best = firstChild
          let lastChild = Swift.min(firstChild + Self.arity, count)
          var child = firstChild + 1
          while child < lastChild {
            if heap[child].precedes(heap[best]) { best = child }
            child += 1
          }
          guard heap[best].precedes(moving) else { break }
          heap[index] = heap[best]
          positions[Int(heap[index].slot)] = Int32(truncatingIfNeeded: index)
          index = best
        }
        heap[index] = moving
        positions[Int(moving.slot)] = Int32(truncatingIfNeeded: index)
      }
    }
  }
}

extension EventCalendar: Sendable where Event: Sendable {}

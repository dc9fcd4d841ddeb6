/// A future event list for models that never cancel an event: a 4-ary min-heap ordered by
/// (time, scheduling sequence), like `EventCalendar`, with each event stored inside its
/// heap entry.
///
/// Events leave in the same order as from an `EventCalendar` given the same schedule: by
/// time, and two events at the same millisecond in the order they were scheduled. Without
/// cancellation there is no slot table, no position table and no generation count to
/// keep up, and a pop or a schedule moves only heap entries.
///
/// The queue owns its buffer and cannot be copied, so no operation checks whether the
/// storage is shared, as a copy-on-write array would on every store. Pass it `inout` or
/// keep it in one place.
///
/// Complexities are for n pending events; "amortized" covers the growth of the buffer.
public struct EventQueue<Event>: ~Copyable {
  @usableFromInline
  struct Entry {
    /// The time with its sign bit flipped, so that unsigned order is the order of times.
    @usableFromInline var timeKey: UInt64
    @usableFromInline var sequence: UInt64
    @usableFromInline var event: Event

    @inlinable
    init(order: EventOrder, event: Event) {
      self.timeKey = EventOrder.timeKey(order.time)
      self.sequence = order.sequence
      self.event = event
    }

    @inlinable
    var time: SimTime { EventOrder.time(timeKey: timeKey) }

    /// (time, sequence) as one unsigned 128-bit number: comparing two entries is one wide
    /// comparison without branches.
    @inlinable
    var key: UInt128 { UInt128(timeKey) << 64 | UInt128(sequence) }

    @inlinable
    func precedes(_ other: Entry) -> Bool {
      key < other.key
    }
  }

  @usableFromInline var entries: UnsafeMutablePointer<Entry>
  @usableFromInline var capacity: Int
  @usableFromInline var pending: Int = 0
  @usableFromInline var nextSequence: UInt64 = 0

  /// Creates an empty queue with room for `minimumCapacity` events before it grows.
  public init(minimumCapacity: Int = 64) {
    capacity = Swift.max(minimumCapacity, 4)
    entries = .allocate(capacity: capacity)
  }

  deinit {
    entries.deinitialize(count: pending)
    entries.deallocate()
  }

  /// The number of pending events. O(1).
  @inlinable
  public var count: Int { pending }

  /// Whether no event is pending. O(1).
  @inlinable
  public var isEmpty: Bool { pending == 0 }

  /// The time of the next event, or nil when none is pending. O(1).
  @inlinable
  public var nextTime: SimTime? {
    pending > 0 ? entries[0].time : nil
  }

  /// The time and scheduling sequence of the next event, or nil when none is pending. O(1).
  @inlinable
  public var nextOrder: EventOrder? {
    pending > 0 ? EventOrder(time: entries[0].time, sequence: entries[0].sequence) : nil
  }

  /// Returns the next event and its time without removing it. O(1).
  @inlinable
  public func peek() -> (time: SimTime, event: Event)? {
    guard pending > 0 else { return nil }
    return (entries[0].time, entries[0].event)
  }

  /// Takes the next scheduling sequence number for an event at `time` that the caller keeps
  /// outside the queue, as if it were scheduled now.
  ///
  /// A model with a stream of its own, such as arrivals produced one at a time, can hold
  /// that stream's next event beside the queue and handle it when its order precedes
  /// `nextOrder`. Events then come in the same order as if it had been scheduled. O(1).
  @inlinable
  public mutating func reserveOrder(at time: SimTime) -> EventOrder {
    defer { nextSequence &+= 1 }
    return EventOrder(time: time, sequence: nextSequence)
  }

  /// Schedules `event` at `time`. O(log n) amortized.
  @inlinable
  public mutating func schedule(_ event: Event, at time: SimTime) {
    if pending == capacity { grow() }
    let moving = Entry(order: reserveOrder(at: time), event: event)
    pending &+= 1
    rise(moving, from: pending &- 1)
  }

  /// Removes and returns the earliest event, ties going to the one scheduled first.
  /// O(log n).
  @inlinable
  public mutating func popNext() -> (time: SimTime, event: Event)? {
    guard pending > 0 else { return nil }
    let root = entries.move()
    pending &-= 1
    if pending > 0 {
      fillRoot(with: (entries + pending).move())
    }
    return (root.time, root.event)
  }

  /// Removes every pending event. O(n).
  public mutating func removeAll() {
    entries.deinitialize(count: pending)
    pending = 0
  }

  /// Checks the heap order in O(n). For tests and debugging.
  public func invariantsHold() -> Bool {
    guard pending > 1 else { return true }
    for index in 1..<pending where entries[index].precedes(entries[(index - 1) / 4]) {
      return false
    }
    return true
  }

  // MARK: Heap mechanics

  /// Fills the hole at the root, whose memory is uninitialized, with `moving`.
  ///
  /// The hole first moves down to a leaf, taking the smallest child up at each level,
  /// and `moving` then rises from there. `moving` was the last leaf, so it usually
  /// belongs near the bottom: this skips the comparison with it on the way down.
  @inlinable
  mutating func fillRoot(with moving: Entry) {
    let count = pending
    var index = 0
    while true {
      let firstChild = index &* 4 &+ 1
      if firstChild >= count { break }
      var best = firstChild
      if firstChild &+ 3 < count {
        // Four children: two independent comparisons, then one between the winners.
        let left =
          entries[firstChild &+ 1].precedes(entries[firstChild]) ? firstChild &+ 1 : firstChild
        let right =
          entries[firstChild &+ 3].precedes(entries[firstChild &+ 2])
          ? firstChild &+ 3 : firstChild &+ 2
        best = entries[right].precedes(entries[left]) ? right : left
      } else {
        var child = firstChild &+ 1
        while child < count {
          if entries[child].precedes(entries[best]) { best = child }
          child &+= 1
        }
      }
      (entries + index).initialize(to: (entries + best).move())
      index = best
    }
    rise(moving, from: index)
  }

  /// Places `moving` in the hole at `index`, whose memory is uninitialized, after moving
  /// the hole up past every parent that `moving` precedes.
  @inlinable
  mutating func rise(_ moving: Entry, from start: Int) {
    var index = start
    while index > 0 {
      let parent = (index &- 1) / 4
      guard moving.precedes(entries[parent]) else { break }
      (entries + index).initialize(to: (entries + parent).move())
      index = parent
    }
    (entries + index).initialize(to: moving)
  }

  /// Doubles the buffer.
  @usableFromInline
  mutating func grow() {
    let larger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: entries, count: pending)
    entries.deallocate()
    entries = larger
    capacity *= 2
  }
}

// The queue owns its buffer alone, as a noncopyable value, so it may move to another
// thread whenever its events may.
extension EventQueue: @unchecked Sendable where Event: Sendable {}

/// The position of an event in a queue's order: its time, then its scheduling sequence.
public struct EventOrder: Comparable, Hashable, Sendable {
  public let time: SimTime
  /// The number of events scheduled before it on the same queue.
  public let sequence: UInt64

  @inlinable
  public init(time: SimTime, sequence: UInt64) {
    self.time = time
    self.sequence = sequence
  }

  @inlinable
  public static func < (lhs: EventOrder, rhs: EventOrder) -> Bool {
    (UInt128(timeKey(lhs.time)) << 64 | UInt128(lhs.sequence))
      < (UInt128(timeKey(rhs.time)) << 64 | UInt128(rhs.sequence))
  }

  @inlinable
  static func timeKey(_ time: SimTime) -> UInt64 {
    UInt64(bitPattern: time.milliseconds) ^ (1 << 63)
  }

  @inlinable
  static func time(timeKey: UInt64) -> SimTime {
    SimTime(milliseconds: Int64(bitPattern: timeKey ^ (1 << 63)))
  }
}

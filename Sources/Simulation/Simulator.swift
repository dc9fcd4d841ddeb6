/// The discrete-event kernel: a simulated clock over an `EventCalendar`.
///
/// Stages never call one another across simulated time; they schedule events, and the
/// run loop hands each event to the model in (time, scheduling order):
///
/// ```swift
/// var simulator = Simulator<ModelEvent>()
/// simulator.schedule(.arrival(customer: 0), at: .zero)
/// try simulator.run(until: end) { simulator, event in
///   try model.handle(event, in: &simulator)
/// }
/// ```
public struct Simulator<Event> {
  @usableFromInline var clock: SimTime
  @usableFromInline var processed: Int = 0
  @usableFromInline var pending = EventCalendar<Event>()

  public init(start: SimTime = .zero) {
    self.clock = start
  }

  /// The simulated time of the event being handled, or of the last one handled.
  @inlinable
  public var now: SimTime { clock }

  /// Events handed to the model so far.
  @inlinable
  public var eventsProcessed: Int { processed }

  /// The pending events.
  public var calendar: EventCalendar<Event> { pending }

  /// Schedules `event` at `time`, which must not be in the past. O(log n).
  @inlinable
  @discardableResult
  public mutating func schedule(_ event: Event, at time: SimTime) -> EventHandle {
    precondition(time >= now, "event scheduled at \(time), before the current time \(now)")
    return pending.schedule(event, at: time)
  }

  /// Schedules `event` after `delay` from now. O(log n).
  @inlinable
  @discardableResult
  public mutating func schedule(_ event: Event, after delay: SimDuration) -> EventHandle {
    pending.schedule(event, at: now + delay)
  }

  /// Cancels a pending event and returns it, or nil if it already fired or was
  /// cancelled. O(log n).
  @inlinable
  @discardableResult
  public mutating func cancel(_ handle: EventHandle) -> Event? {
    pending.cancel(handle)
  }

  /// The time of the next pending event. O(1).
  @inlinable
  public var nextTime: SimTime? { pending.nextTime }

  /// Advances the clock to the next event and returns it, or returns nil when the
  /// calendar is empty or the next event is later than `limit` (which stays pending).
  /// O(log n).
  @inlinable
  public mutating func step(until limit: SimTime? = nil) -> Event? {
    if let limit, let next = pending.nextTime, next > limit { return nil }
    guard let (time, event) = pending.popNext() else { return nil }
    clock = time
    processed += 1
    return event
  }

  /// Hands events to `handle` in order until the calendar is empty or the next event is
  /// later than `limit`. With a limit, the clock ends at the limit, as if the simulation
  /// had run through the quiet time after the last event.
  @inlinable
  public mutating func run(
    until limit: SimTime? = nil, _ handle: (inout Simulator, Event) throws -> Void
  ) rethrows {
    while let event = step(until: limit) {
      try handle(&self, event)
    }
    if let limit, now < limit {
      clock = limit
    }
  }
}

extension Simulator: Sendable where Event: Sendable {}

import Simulation

@testable import Customers

/// A `JourneyContext` that keeps its own calendar and records every action, so tests can
/// run journeys without the rest of the loop.
struct RecordingContext: JourneyContext {
  /// Something waiting on the calendar: a journey step, or an email open or click that the
  /// test arranged.
  enum Pending {
    case journey(JourneyEvent)
    case emailOpen(customer: UInt64, relevance: Double)
    case emailClick(customer: UInt64, relevance: Double)
  }

  var now = SimTime.zero
  var actions: [CustomerAction] = []
  /// Every journey event scheduled, in scheduling order.
  var scheduled: [JourneyEvent] = []
  /// The time each event of `scheduled` is due, parallel to it.
  var scheduledTimes: [SimTime] = []
  private var pending: [(time: SimTime, sequence: Int, item: Pending)] = []
  private var sequence = 0

  mutating func schedule(_ event: JourneyEvent, after delay: SimDuration) {
    scheduled.append(event)
    scheduledTimes.append(now + delay)
    add(.journey(event), at: now + delay)
  }

  mutating func record(_ action: CustomerAction) {
    actions.append(action)
  }

  mutating func add(_ item: Pending, at time: SimTime) {
    pending.append((time, sequence, item))
    sequence += 1
  }

  /// Removes the earliest pending item, ties broken by scheduling order, and moves the
  /// clock to its time. O(pending count).
  mutating func next() -> Pending? {
    guard
      let index = pending.indices.min(by: {
        (pending[$0].time, pending[$0].sequence) < (pending[$1].time, pending[$1].sequence)
      })
    else { return nil }
    let entry = pending.remove(at: index)
    now = entry.time
    return entry.item
  }
}

/// An email open to arrange for every abandoner: `delay` after the abandonment, about the
/// class in the cart, with the given relevance.
struct EmailOpenPlan {
  var relevance: Double
  var delay: SimDuration
}

/// An email click to arrange for every abandoner: `delay` after the abandonment, on an
/// email about the class in the cart, with the given relevance.
struct EmailClickPlan {
  var relevance: Double
  var delay: SimDuration
}

/// The result of running some customers to the end of their journeys.
struct JourneyRun {
  var states: [UInt64: CustomerState]
  var context: RecordingContext

  /// Returns the actions of one customer, in the order recorded.
  func actions(of customer: UInt64) -> [CustomerAction] {
    context.actions.filter { $0.customer == customer }
  }

  /// Returns the customers who bought for the given cause.
  func buyers(cause: CustomerAction.Cause) -> Set<UInt64> {
    var buyers = Set<UInt64>()
    for action in context.actions {
      if case .orderCompleted(_, _, _, let actionCause) = action.kind, actionCause == cause {
        buyers.insert(action.customer)
      }
    }
    return buyers
  }
}

/// Runs `customers`, all arriving at time 0 in the given order, on one shared calendar until
/// nothing is pending.
func run(
  _ journey: Journey, customers: some Sequence<UInt64>, emailOpen: EmailOpenPlan? = nil,
  emailClick: EmailClickPlan? = nil
) -> JourneyRun {
  var context = RecordingContext()
  var states: [UInt64: CustomerState] = [:]
  for customer in customers {
    var state = CustomerState()
    journey.arrive(customer, state: &state, context: &context)
    states[customer] = state
  }
  while let item = context.next() {
    switch item {
    case .journey(let event):
      var state = states[event.customer] ?? CustomerState()
      let abandonedBefore = state.abandonments
      journey.handle(event, state: &state, context: &context)
      if let emailOpen, state.abandonments > abandonedBefore {
        context.add(
          .emailOpen(customer: event.customer, relevance: emailOpen.relevance),
          at: context.now + emailOpen.delay)
      }
      if let emailClick, state.abandonments > abandonedBefore {
        context.add(
          .emailClick(customer: event.customer, relevance: emailClick.relevance),
          at: context.now + emailClick.delay)
      }
      states[event.customer] = state
    case .emailOpen(let customer, let relevance):
      guard var state = states[customer], let cartClass = state.cartClass else { continue }
      journey.emailOpened(aboutClass: cartClass, relevance: relevance, state: &state)
      states[customer] = state
    case .emailClick(let customer, let relevance):
      guard var state = states[customer], let cartClass = state.cartClass else { continue }
      journey.emailClicked(
        customer: customer, aboutClass: cartClass, relevance: relevance, emailNumber: 0,
        state: &state, context: &context)
      states[customer] = state
    }
  }
  return JourneyRun(states: states, context: context)
}

/// Runs each customer alone, which is faster than one shared calendar for many customers
/// and gives the same results, because customers share nothing.
func runEach(
  _ journey: Journey, customers: Range<UInt64>, emailOpen: EmailOpenPlan? = nil,
  emailClick: EmailClickPlan? = nil
) -> JourneyRun {
  var combined = JourneyRun(states: [:], context: RecordingContext())
  for customer in customers {
    let single = run(journey, customers: [customer], emailOpen: emailOpen, emailClick: emailClick)
    combined.states.merge(single.states) { first, _ in first }
    combined.context.actions += single.context.actions
    combined.context.scheduled += single.context.scheduled
    combined.context.scheduledTimes += single.context.scheduledTimes
  }
  return combined
}

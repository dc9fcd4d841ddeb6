import Simulation

/// Runs the reference funnel on LoopSim's calendar with keyed random streams.
///
/// Draws come from the stream of (seed, purpose, customer id), one purpose per decision,
/// so a customer's steps depend neither on other customers nor on event order:
/// `funnel.channel`, `funnel.trailer`, `funnel.class-page`, `funnel.add-to-cart`,
/// `funnel.checkout` (the delay at occurrence 0 when the cart is filled, the purchase at
/// occurrence 1 at checkout), `funnel.arm` (uniform below `holdout` puts the abandoner in
/// the holdout), `funnel.email`, `funnel.email-open`, `funnel.email-click`,
/// `funnel.email-return` and `funnel.organic-return`. A step's delay is drawn from the
/// same stream right after its Bernoulli draw. Arrivals are `UniformArrivals` of purpose
/// `customer.arrival`, produced one at a time, so one arrival is pending at once.
///
/// Memory is one byte per customer plus the pending events.
public struct ReferenceFunnelSimulation: Sendable {
  public let model: ReferenceFunnelModel
  let purposes: Purposes

  struct Purposes: Sendable {
    let arrival, channel, trailer, classPage, addToCart, checkout, arm, email, emailOpen,
      emailClick, emailReturn, organicReturn: RandomPurpose

    init(_ streams: RandomStreams) throws {
      arrival = try streams.purpose("customer.arrival")
      channel = try streams.purpose("funnel.channel")
      trailer = try streams.purpose("funnel.trailer")
      classPage = try streams.purpose("funnel.class-page")
      addToCart = try streams.purpose("funnel.add-to-cart")
      checkout = try streams.purpose("funnel.checkout")
      arm = try streams.purpose("funnel.arm")
      email = try streams.purpose("funnel.email")
      emailOpen = try streams.purpose("funnel.email-open")
      emailClick = try streams.purpose("funnel.email-click")
      emailReturn = try streams.purpose("funnel.email-return")
      organicReturn = try streams.purpose("funnel.organic-return")
    }
  }

  /// Per-customer flags, one byte each.
  struct Flags: OptionSet {
    let rawValue: UInt8
    static let converted = Flags(rawValue: 1)
    static let holdout = Flags(rawValue: 2)
  }

  /// - Throws: `SHA256Error` when deriving a stream fails.
  public init(model: ReferenceFunnelModel, streams: RandomStreams) throws {
    self.model = model
    purposes = try Purposes(streams)
  }

  /// Simulates `customers` customers arriving uniformly over `arrivalWindow`, handling
  /// events up to `end`; events later than `end` are counted as cut off.
  ///
  /// The events go through an `EventQueue`, because the funnel never cancels one. The one
  /// pending arrival waits beside the queue with the order that `EventQueue.reserveOrder`
  /// gave it, so events come in the same order as on `Simulator`'s calendar: by time, then
  /// by scheduling order.
  ///
  /// - Parameter shouldStop: Polled every 8,192 events; when it returns true the run stops
  ///   and returns nil.
  public func run(
    customers: Int, arrivalWindow: SimDuration, end: SimTime,
    shouldStop: () -> Bool = { false }
  ) -> FunnelCounts? {
    precondition(customers >= 0 && customers <= Int(UInt32.max), "customer count out of range")
    var state = RunState(model: model, purposes: purposes, customers: customers)
    var arrivals = UniformArrivals(
      count: UInt64(customers), over: arrivalWindow, purpose: purposes.arrival)
    var arrival: (order: EventOrder, customer: UInt32)?
    if let first = arrivals.next() {
      arrival = (state.queue.reserveOrder(at: first.time), UInt32(first.customer))
    }

    var sinceCheck = 0
    while true {
      let event: FunnelEvent
      if let pendingArrival = arrival,
        state.queue.nextOrder.map({ pendingArrival.order < $0 }) ?? true
      {
        guard pendingArrival.order.time <= end else { break }
        state.now = pendingArrival.order.time
        event = FunnelEvent(customer: pendingArrival.customer, step: .arrival)
        arrival = arrivals.next().map {
          (state.queue.reserveOrder(at: $0.time), UInt32($0.customer))
        }
      } else {
        guard let next = state.queue.nextTime, next <= end,
          let (time, popped) = state.queue.popNext()
        else { break }
        state.now = time
        event = popped
      }
      state.events[Int(event.step.rawValue)] += 1
      state.handle(event)

      sinceCheck &+= 1
      if sinceCheck == 8_192 {
        sinceCheck = 0
        if shouldStop() { return nil }
      }
    }
    return state.counts(pendingOutside: arrival == nil ? 0 : 1)
  }
}

/// The state of one run: the pending events, the clock, the per-customer flags and the
/// counters. Flags and counters live in buffers of their own, so the event loop updates
/// them without the uniqueness checks of copy-on-write arrays.
private struct RunState: ~Copyable {
  typealias Flags = ReferenceFunnelSimulation.Flags

  let model: ReferenceFunnelModel
  let purposes: ReferenceFunnelSimulation.Purposes
  var queue = EventQueue<FunnelEvent>()
  var now = SimTime.zero
  let flags: UnsafeMutableBufferPointer<Flags>
  /// Events handled, by `FunnelEvent.Step` raw value.
  let events: UnsafeMutableBufferPointer<Int>
  let arrivalsByChannel: UnsafeMutableBufferPointer<Int>
  let channelCount: Int
  var checkoutPurchases = 0
  var treatmentAbandoners = 0
  var holdoutAbandoners = 0
  var treatmentConversions = 0
  var holdoutConversions = 0

  init(
    model: ReferenceFunnelModel, purposes: ReferenceFunnelSimulation.Purposes, customers: Int
  ) {
    self.model = model
    self.purposes = purposes
    flags = .allocate(capacity: customers)
    flags.initialize(repeating: [])
    events = .allocate(capacity: FunnelEvent.Step.allCases.count)
    events.initialize(repeating: 0)
    channelCount = model.channels.count
    arrivalsByChannel = .allocate(capacity: channelCount)
    arrivalsByChannel.initialize(repeating: 0)
  }

  deinit {
    flags.deallocate()
    events.deallocate()
    arrivalsByChannel.deallocate()
  }

  /// The counts so far; `pendingOutside` events wait outside the queue and count as cut
  /// off.
  func counts(pendingOutside: Int) -> FunnelCounts {
    var counts = FunnelCounts(channels: channelCount)
    counts.events = Array(events)
    counts.arrivalsByChannel = Array(arrivalsByChannel)
    counts.checkoutPurchases = checkoutPurchases
    counts.treatmentAbandoners = treatmentAbandoners
    counts.holdoutAbandoners = holdoutAbandoners
    counts.treatmentConversions = treatmentConversions
    counts.holdoutConversions = holdoutConversions
    counts.cutOff = queue.count + pendingOutside
    return counts
  }

  mutating func handle(_ event: FunnelEvent) {
    let customer = UInt64(event.customer)
    let index = Int(event.customer)

    switch event.step {
    case .arrival:
      var channelStream = purposes.channel.stream(customer: customer)
      arrivalsByChannel[channelStream.uniformInteger(below: channelCount)] += 1
      decide(model.trailer, purposes.trailer, event, then: .trailer)

    case .trailer:
      decide(model.classPage, purposes.classPage, event, then: .classPage)

    case .classPage:
      decide(model.addToCart, purposes.addToCart, event, then: .addToCart)

    case .addToCart:
      var stream = purposes.checkout.stream(customer: customer)
      queue.schedule(
        FunnelEvent(customer: event.customer, step: .checkout),
        at: now + model.checkout.delay.sample(&stream))

    case .checkout:
      var stream = purposes.checkout.stream(customer: customer, occurrence: 1)
      if stream.bernoulli(model.checkout.probability) {
        flags[index].insert(.converted)
        checkoutPurchases += 1
      } else {
        abandon(event)
      }

    case .email:
      decide(model.emailOpen, purposes.emailOpen, event, then: .emailOpen)

    case .emailOpen:
      decide(model.emailClick, purposes.emailClick, event, then: .emailClick)

    case .emailClick:
      decide(model.emailReturn, purposes.emailReturn, event, then: .emailReturn)

    case .emailReturn, .organicReturn:
      guard !flags[index].contains(.converted) else { return }
      flags[index].insert(.converted)
      if flags[index].contains(.holdout) {
        holdoutConversions += 1
      } else {
        treatmentConversions += 1
      }
    }
  }

  /// Assigns the abandoner's arm, schedules the treatment's email and decides the organic
  /// return.
  private mutating func abandon(_ event: FunnelEvent) {
    let customer = UInt64(event.customer)
    let index = Int(event.customer)
    var armStream = purposes.arm.stream(customer: customer)
    if armStream.uniform() < model.holdout {
      flags[index].insert(.holdout)
      holdoutAbandoners += 1
    } else {
      treatmentAbandoners += 1
      var emailStream = purposes.email.stream(customer: customer)
      queue.schedule(
        FunnelEvent(customer: event.customer, step: .email),
        at: now + model.emailDelay.sample(&emailStream))
    }
    decide(model.organicReturn, purposes.organicReturn, event, then: .organicReturn)
  }

  /// Draws whether `step` happens with `model.probability`, and if so schedules it after a
  /// delay drawn from the same stream.
  @inline(__always)
  private mutating func decide(
    _ model: StepModel, _ purpose: RandomPurpose, _ event: FunnelEvent,
    then step: FunnelEvent.Step
  ) {
    var stream = purpose.stream(customer: UInt64(event.customer))
    guard stream.bernoulli(model.probability) else { return }
    queue.schedule(
      FunnelEvent(customer: event.customer, step: step), at: now + model.delay.sample(&stream))
  }
}

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
  /// - Parameter shouldStop: Polled every 8,192 events; when it returns true the run stops
  ///   and returns nil.
  public func run(
    customers: Int, arrivalWindow: SimDuration, end: SimTime,
    shouldStop: () -> Bool = { false }
  ) -> FunnelCounts? {
    precondition(customers >= 0 && customers <= Int(UInt32.max), "customer count out of range")
    var counts = FunnelCounts(channels: model.channels.count)
    var flags = [Flags](repeating: [], count: customers)
    var simulator = Simulator<FunnelEvent>()
    var arrivals = UniformArrivals(
      count: UInt64(customers), over: arrivalWindow, purpose: purposes.arrival)
    if let first = arrivals.next() {
      simulator.schedule(
        FunnelEvent(customer: UInt32(first.customer), step: .arrival), at: first.time)
    }

    var sinceCheck = 0
    while let event = simulator.step(until: end) {
      counts.events[Int(event.step.rawValue)] += 1
      if event.step == .arrival, let next = arrivals.next() {
        simulator.schedule(
          FunnelEvent(customer: UInt32(next.customer), step: .arrival), at: next.time)
      }
      handle(event, flags: &flags, counts: &counts, simulator: &simulator)

      sinceCheck += 1
      if sinceCheck == 8_192 {
        sinceCheck = 0
        if shouldStop() { return nil }
      }
    }
    counts.cutOff = simulator.calendar.count
    return counts
  }

  private func handle(
    _ event: FunnelEvent, flags: inout [Flags], counts: inout FunnelCounts,
    simulator: inout Simulator<FunnelEvent>
  ) {
    let customer = UInt64(event.customer)
    let index = Int(event.customer)

    switch event.step {
    case .arrival:
      var channelStream = purposes.channel.stream(customer: customer)
      counts.arrivalsByChannel[channelStream.uniformInteger(below: model.channels.count)] += 1
      decide(model.trailer, purposes.trailer, event, then: .trailer, &simulator)

    case .trailer:
      decide(model.classPage, purposes.classPage, event, then: .classPage, &simulator)

    case .classPage:
      decide(model.addToCart, purposes.addToCart, event, then: .addToCart, &simulator)

    case .addToCart:
      var stream = purposes.checkout.stream(customer: customer)
      simulator.schedule(
        FunnelEvent(customer: event.customer, step: .checkout),
        after: model.checkout.delay.sample(&stream))

    case .checkout:
      var stream = purposes.checkout.stream(customer: customer, occurrence: 1)
      if stream.bernoulli(model.checkout.probability) {
        flags[index].insert(.converted)
        counts.checkoutPurchases += 1
      } else {
        abandon(event, flags: &flags, counts: &counts, simulator: &simulator)
      }

    case .email:
      decide(model.emailOpen, purposes.emailOpen, event, then: .emailOpen, &simulator)

    case .emailOpen:
      decide(model.emailClick, purposes.emailClick, event, then: .emailClick, &simulator)

    case .emailClick:
      decide(model.emailReturn, purposes.emailReturn, event, then: .emailReturn, &simulator)

    case .emailReturn, .organicReturn:
      guard !flags[index].contains(.converted) else { return }
      flags[index].insert(.converted)
      if flags[index].contains(.holdout) {
        counts.holdoutConversions += 1
      } else {
        counts.treatmentConversions += 1
      }
    }
  }

  /// Assigns the abandoner's arm, schedules the treatment's email and decides the organic
  /// return.
  private func abandon(
    _ event: FunnelEvent, flags: inout [Flags], counts: inout FunnelCounts,
    simulator: inout Simulator<FunnelEvent>
  ) {
    let customer = UInt64(event.customer)
    let index = Int(event.customer)
    var armStream = purposes.arm.stream(customer: customer)
    if armStream.uniform() < model.holdout {
      flags[index].insert(.holdout)
      counts.holdoutAbandoners += 1
    } else {
      counts.treatmentAbandoners += 1
      var emailStream = purposes.email.stream(customer: customer)
      simulator.schedule(
        FunnelEvent(customer: event.customer, step: .email),
        after: model.emailDelay.sample(&emailStream))
    }
    decide(model.organicReturn, purposes.organicReturn, event, then: .organicReturn, &simulator)
  }

  /// Draws whether `step` happens with `model.probability`, and if so schedules it after a
  /// delay drawn from the same stream.
  @inline(__always)
  private func decide(
    _ model: StepModel, _ purpose: RandomPurpose, _ event: FunnelEvent,
    then step: FunnelEvent.Step, _ simulator: inout Simulator<FunnelEvent>
  ) {
    var stream = purpose.stream(customer: UInt64(event.customer))
    guard stream.bernoulli(model.probability) else { return }
    simulator.schedule(
      FunnelEvent(customer: event.customer, step: step), after: model.delay.sample(&stream))
  }
}

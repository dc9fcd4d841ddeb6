import Dispatch
import Simulation
import Synchronization

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
  /// With `jobs` above 1 the customers are split into that many ranges of consecutive ids,
  /// simulated on threads of their own, and the counts are added. The counts are the same
  /// as with one job: a customer's events depend only on that customer's streams and
  /// flags, and each range starts its arrivals where the whole sequence has them
  /// (`UniformArrivals.skip(to:)`).
  ///
  /// - Parameters:
  ///   - jobs: The number of threads, at least 1.
  ///   - shouldStop: Polled every 8,192 events by each thread; when it returns true the run
  ///     stops and returns nil.
  public func run(
    customers: Int, arrivalWindow: SimDuration, end: SimTime, jobs: Int = 1,
    shouldStop: @Sendable () -> Bool = { false }
  ) -> FunnelCounts? {
    precondition(customers >= 0 && customers <= Int(UInt32.max), "customer count out of range")
    precondition(jobs >= 1, "jobs must be at least 1, got \(jobs)")
    let bounds = Self.rangeBounds(customers: customers, jobs: jobs)
    let ranges = (0..<bounds.count - 1).map { bounds[$0]..<bounds[$0 + 1] }
    let results: [RangeCounts?]
    if ranges.count == 1 {
      results = [
        run(
          customers: ranges[0], of: customers, arrivalWindow: arrivalWindow, end: end,
          shouldStop: shouldStop)
      ]
    } else {
      let parts = Mutex<[RangeCounts?]>(Array(repeating: nil, count: ranges.count))
      DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
        let counts = run(
          customers: ranges[part], of: customers, arrivalWindow: arrivalWindow, end: end,
          shouldStop: shouldStop)
        parts.withLock { $0[part] = counts }
      }
      results = parts.withLock { $0 }
    }

    var total = FunnelCounts(channels: model.channels.count)
    var arrivalCutOff = false
    for part in results {
      guard let part else { return nil }
      total.add(part.counts)
      arrivalCutOff = arrivalCutOff || part.arrivalCutOff
    }
    // Arrivals come one at a time, so a whole run leaves at most one pending: the first
    // customer's after `end`, whichever range that customer is in.
    total.cutOff += arrivalCutOff ? 1 : 0
    return total
  }

  /// The counts of one range of customers, with its pending arrival apart.
  struct RangeCounts: Sendable {
    /// The counts, with the events left in the queue as `cutOff`.
    var counts: FunnelCounts
    /// Whether an arrival of the range was later than `end`.
    var arrivalCutOff: Bool
  }

  /// Returns the first customer of each range and, last, `customers`: `jobs` ranges
  /// (fewer when there are fewer customers) sized to finish together. A range other than
  /// the first also walks the arrival draws of every customer before it, so earlier
  /// ranges are longer.
  static func rangeBounds(customers: Int, jobs: Int) -> [Int] {
    let ranges = Swift.max(1, Swift.min(jobs, customers))
    guard ranges > 1 else { return [0, customers] }
    // With range j starting at aⱼ and a skipped customer costing `skipCost` of a simulated
    // one, equal times T give aⱼ₊₁ = T + (1 − skipCost)·aⱼ. Solve with T = 1, then scale.
    // The cost is an estimate from callgrind at 200,000 customers, where the arrival
    // draws take about a quarter of the instructions in the event loop.
    let skipCost = 0.25
    var starts = [0.0]
    for _ in 0..<ranges {
      starts.append(1 + (1 - skipCost) * starts.last!)
    }
    let scale = Double(customers) / starts.last!
    var bounds = starts.map { Int(($0 * scale).rounded()) }
    bounds[ranges] = customers
    // Leave every range at least one customer.
    for index in 1..<ranges {
      bounds[index] = Swift.min(
        Swift.max(bounds[index], bounds[index - 1] + 1), customers - (ranges - index))
    }
    return bounds
  }

  /// Simulates the customers of `range`, out of `customers` in the whole run.
  func run(
    customers range: Range<Int>, of customers: Int, arrivalWindow: SimDuration, end: SimTime,
    shouldStop: () -> Bool
  ) -> RangeCounts? {
    var state = RunState(model: model, purposes: purposes, customers: range)
    var arrivals = UniformArrivals(
      count: UInt64(customers), over: arrivalWindow, purpose: purposes.arrival)
    arrivals.skip(to: UInt64(range.lowerBound))
    let last = UInt32(truncatingIfNeeded: range.upperBound - 1)
    var arrival: (order: EventOrder, customer: UInt32)?
    if !range.isEmpty, let first = arrivals.next() {
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
        arrival =
          pendingArrival.customer == last
          ? nil
          : arrivals.next().map { (state.queue.reserveOrder(at: $0.time), UInt32($0.customer)) }
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
    return RangeCounts(counts: state.counts(), arrivalCutOff: arrival != nil)
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
  /// The streams that every arrival takes, in customer order.
  var channelStreams, trailerStreams: SequentialStreams
  var now = SimTime.zero
  /// Flags by customer id minus `firstCustomer`.
  let flags: UnsafeMutableBufferPointer<Flags>
  let firstCustomer: Int
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
    model: ReferenceFunnelModel, purposes: ReferenceFunnelSimulation.Purposes,
    customers: Range<Int>
  ) {
    self.model = model
    self.purposes = purposes
    channelStreams = SequentialStreams(purposes.channel)
    trailerStreams = SequentialStreams(purposes.trailer)
    firstCustomer = customers.lowerBound
    flags = .allocate(capacity: customers.count)
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

  /// Returns the counts so far, counting the events left in the queue as cut off.
  func counts() -> FunnelCounts {
    var counts = FunnelCounts(channels: channelCount)
    counts.events = Array(events)
    counts.arrivalsByChannel = Array(arrivalsByChannel)
    counts.checkoutPurchases = checkoutPurchases
    counts.treatmentAbandoners = treatmentAbandoners
    counts.holdoutAbandoners = holdoutAbandoners
    counts.treatmentConversions = treatmentConversions
    counts.holdoutConversions = holdoutConversions
    counts.cutOff = queue.count
    return counts
  }

  mutating func handle(_ event: FunnelEvent) {
    let customer = UInt64(event.customer)
    let index = Int(event.customer) - firstCustomer

    switch event.step {
    case .arrival:
      var channelStream = channelStreams.stream(customer: customer)
      arrivalsByChannel[channelStream.uniformInteger(below: channelCount)] += 1
      var trailerStream = trailerStreams.stream(customer: customer)
      decide(model.trailer, &trailerStream, event, then: .trailer)

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
    let index = Int(event.customer) - firstCustomer
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
    decide(model, &stream, event, then: step)
  }

  /// `decide` with the step's stream given.
  @inline(__always)
  private mutating func decide(
    _ model: StepModel, _ stream: inout RandomStream, _ event: FunnelEvent,
    then step: FunnelEvent.Step
  ) {
    guard stream.bernoulli(model.probability) else { return }
    queue.schedule(
      FunnelEvent(customer: event.customer, step: step), at: now + model.delay.sample(&stream))
  }
}

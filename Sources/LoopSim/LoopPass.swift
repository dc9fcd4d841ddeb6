import Customers
import Engage
import Pipeline
import Simulation
import Synchronization

/// An event on the run's calendar. Each stage has its own cases; nothing calls another
/// stage across simulated time.
enum LoopEvent: Sendable {
  case arrival(Arrival)
  case journey(JourneyEvent)
  /// A message a client sent later than the action that made it (held on an offline device,
  /// or a retried request) reaches Collect.
  indirect case collect(Message)
  indirect case delivery(destination: Int, message: Message)
  case engage(EngageEvent)
}

/// Lets another thread (a Ctrl-C handler) stop a run between events.
public final class CancellationFlag: Sendable {
  private let flag = Atomic<Bool>(false)
  private let parent: CancellationFlag?

  public init() {
    parent = nil
  }

  /// Creates a flag that reads as cancelled once it or `parent` is cancelled. Part of a run
  /// can then be stopped on its own, while the user's cancellation still stops all of it.
  init(following parent: CancellationFlag?) {
    self.parent = parent
  }

  public func cancel() { flag.store(true, ordering: .relaxed) }
  public var isCancelled: Bool {
    flag.load(ordering: .relaxed) || parent?.isCancelled == true
  }
}

/// Reports a pass's progress: the share of simulated time done (0–1), the events processed
/// and the customers arrived. The pass leaves the phase empty for its caller to name.
public typealias ProgressHandler = (ProgressUpdate) -> Void

/// Observes Collect: a message as it arrived, stamped with the time it arrived as
/// `receivedAt`, and the verdict on it.
typealias CollectObserver = (Message, CollectVerdict) -> Void

/// Everything one pass through the loop produced.
struct PassResult {
  var collect: CollectCounts
  var destinations: [DestinationCounts]
  var destinationKinds: [DestinationKind]
  var funnel: [(event: String, people: Int)]
  var eventsProcessed: Int
  /// Events still on the calendar at the end that were not deliveries: journeys and
  /// email steps cut off by the end of the run.
  var eventsCutOff: Int
  var enrollments: [Enrollment]
  var emails: [EmailRecord]
  /// Each customer's first split, in the order they happened.
  var assignments: [CustomerAssignment]
  var skippedSends: [SkippedSend]
  var workflowCounts: [WorkflowCounts]
  /// Sends that a template's `missing: "skip"` policy stopped.
  var skippedEmails: [SkippedEmail]
  var customers: [CustomerState]
  var quarantine: [(message: Message, reason: String)]
  /// Identity merges and dead letters, kept only by the pass that writes the warehouse.
  var merges: [IdentityMerge]
  var deadLetters: [DeadLetter]
  var profiles: Int
}

/// One simulation of the whole loop over all customers.
///
/// The run makes passes with the same keyed draws: the factual pass, which writes the
/// warehouse, and counterfactual passes with every customer forced into one arm, which
/// record what each enrolled customer would have done in that arm.
struct LoopPass {
  let scenario: Scenario
  let armPolicy: ArmPolicy
  let warehouse: WarehouseDestination?
  let cancellation: CancellationFlag?
  let progress: ProgressHandler?
  /// Called with every message Collect receives, as sent, and what Collect did with it.
  var collectObserver: CollectObserver? = nil
  /// Channels switched off for a counterfactual attribution pass: indices of the
  /// scenario's channels, then `scenario.channels.count + i` for the email of workflow i.
  var switchedOff: Set<Int> = []
  /// The customers this pass simulates; nil for all of them.
  var shard: Shard? = nil

  func run() throws -> PassResult {
    let streams = RandomStreams(seed: scenario.run.seed)
    let population = try Population(segments: scenario.segments, catalog: scenario.catalog)
    let journey = try Journey(
      catalog: scenario.catalog, population: population, channels: scenario.channels,
      behaviour: scenario.behaviour, timeZones: scenario.run.timeZones,
      runEnd: scenario.run.end,
      switchedOff: switchedOff.filter { $0 < scenario.channels.count }, streams: streams)
    var context = try LoopContext(
      scenario: scenario, journey: journey, streams: streams,
      keepsRecords: warehouse != nil)
    context.collectObserver = collectObserver
    context.silencedWorkflows = Set(
      scenario.workflows.indices.filter { switchedOff.contains(scenario.channels.count + $0) }
        .map { scenario.workflows[$0].name })
    var engine = try MessagingEngine(
      configuration: scenario.engage, catalog: scenario.catalog, armPolicy: armPolicy,
      streams: streams, timeZones: scenario.run.timeZones, clock: scenario.run.clock)
    engine.enrollsFrom = scenario.run.experimentStart
    var analytics = AnalyticsStore()
    let destinationKinds = scenario.pipeline.destinations.map(\.kind)

    var arrivals = UniformArrivals(
      count: UInt64(scenario.run.customers), over: scenario.run.arrivalWindow,
      purpose: try streams.purpose("customer.arrival"))
    // Arrival times are order statistics drawn in customer order, so a shard draws every
    // customer's arrival and keeps its own.
    let shard = self.shard
    func nextArrival() -> Arrival? {
      while let arrival = arrivals.next() {
        if shard?.contains(customer: arrival.customer) ?? true { return arrival }
      }
      return nil
    }
    if let first = nextArrival() {
      context.simulator.schedule(.arrival(first), at: first.time)
    }

    let end = scenario.run.end
    let experimentStart = scenario.run.experimentStart
    var sinceCheck = 0
    var arrived = 0
    let customerCount = shard?.size(of: scenario.run.customers) ?? scenario.run.customers
    while let event = context.simulator.step(until: end) {
      switch event {
      case .arrival(let arrival):
        arrived += 1
        if let next = nextArrival() {
          context.simulator.schedule(.arrival(next), at: next.time)
        }
        let index = Int(arrival.customer)
        var state = context.customers[index]
        journey.arrive(arrival.customer, state: &state, context: &context)
        context.customers[index] = state

      case .journey(let step):
        let index = Int(step.customer)
        var state = context.customers[index]
        journey.handle(step, state: &state, context: &context)
        context.customers[index] = state

      case .collect(let message):
        context.collectAndRoute(message)

      case .delivery(let destination, let message):
        engine.acceptsTriggers = context.simulator.now >= experimentStart
        try deliver(
          message, to: destination, kinds: destinationKinds, context: &context,
          engine: &engine, analytics: &analytics)

      case .engage(let step):
        engine.handle(step, context: &context)
      }

      sinceCheck += 1
      if sinceCheck == 8_192 {
        sinceCheck = 0
        if cancellation?.isCancelled == true { throw Interrupted() }
        progress?(
          ProgressUpdate(
            fraction: Double(context.simulator.now.milliseconds) / Double(end.milliseconds),
            events: context.simulator.eventsProcessed, customersArrived: arrived,
            customers: customerCount))
      }
    }

    // The scenario has ended, so customers and workflows take no further steps. Messages
    // that clients held still reach Collect and deliveries in flight still land, so every
    // emitted message is accounted for.
    engine.acceptsTriggers = false
    var cutOff = 0
    while let event = context.simulator.step() {
      switch event {
      case .collect(let message):
        context.collectAndRoute(message)
      case .delivery(let destination, let message):
        try deliver(
          message, to: destination, kinds: destinationKinds, context: &context,
          engine: &engine, analytics: &analytics)
      case .arrival, .journey, .engage:
        cutOff += 1
      }
    }
    progress?(
      ProgressUpdate(
        fraction: 1, events: context.simulator.eventsProcessed,
        customersArrived: arrived, customers: customerCount))
    try warehouse?.stitch(context.collector.identities)

    guard context.collector.counts.reconciles, context.router.counts.allSatisfy(\.reconciles)
    else {
      throw RuntimeFailure(
        "internal error: message counts do not reconcile (collect \(context.collector.counts), "
          + "destinations \(context.router.counts)); please report this with the scenario")
    }
    return PassResult(
      collect: context.collector.counts, destinations: context.router.counts,
      destinationKinds: destinationKinds, funnel: analytics.funnel(),
      eventsProcessed: context.simulator.eventsProcessed, eventsCutOff: cutOff,
      enrollments: engine.enrollments, emails: engine.emails, assignments: engine.assignments,
      skippedSends: engine.skippedSends, workflowCounts: engine.workflowCounts,
      skippedEmails: engine.emailLog.skipped, customers: context.customers,
      quarantine: context.quarantine, merges: context.collector.identities.merges,
      deadLetters: context.router.deadLetters,
      profiles: engine.profiles.profiles.lazy.filter { $0.mergedInto == nil }.count)
  }

  private func deliver(
    _ message: Message, to destination: Int, kinds: [DestinationKind],
    context: inout LoopContext, engine: inout MessagingEngine, analytics: inout AnalyticsStore
  ) throws {
    context.router.markDelivered(destination: destination)
    switch kinds[destination] {
    case .analytics:
      analytics.receive(message)
    case .warehouse:
      try warehouse?.load(message, at: context.simulator.now)
    case .messaging:
      engine.receive(message, context: &context)
    }
  }
}

/// The run's shared state as the stages reach it: the clock and calendar, the customers'
/// ground truth, and Collect and Route, which every emitted message passes through.
struct LoopContext: JourneyContext, EngageContext {
  var simulator = Simulator<LoopEvent>()
  var customers: [CustomerState]
  var messageCounters: [UInt32]
  var clientStates: [ClientState]
  var collector: Collector
  var router: Router
  var quarantine: [(message: Message, reason: String)] = []
  var collectObserver: CollectObserver?
  /// Whether customers react to the emails they open and click. A pass that switches the
  /// email channel off still runs the workflow, with its draws, but no customer reacts.
  /// Workflows whose emails the customers ignore, in a counterfactual attribution pass:
  /// the emails are still sent and counted, but no open or click changes a journey.
  var silencedWorkflows: Set<String> = []
  /// Whether the pass keeps the quarantined messages, merges and dead letters for the
  /// results tables.
  let keepsRecords: Bool
  let journey: Journey
  let client: TrackingClient

  init(scenario: Scenario, journey: Journey, streams: RandomStreams, keepsRecords: Bool) throws {
    let pipeline = scenario.pipeline
    customers = Array(repeating: CustomerState(), count: scenario.run.customers)
    messageCounters = Array(repeating: 0, count: scenario.run.customers)
    clientStates = Array(repeating: ClientState(), count: scenario.run.customers)
    router = try Router(pipeline: pipeline, streams: streams, keepsDeadLetters: keepsRecords)
    collector = Collector(pipeline: pipeline, keepsMerges: keepsRecords)
    self.keepsRecords = keepsRecords
    self.journey = journey
    client = TrackingClient(
      tracker: Tracker(catalog: scenario.catalog, channels: scenario.channels),
      faults: try ClientFaultModel(faults: pipeline.client, streams: streams))
  }

  var now: SimTime { simulator.now }

  // MARK: JourneyContext

  mutating func schedule(_ event: JourneyEvent, after delay: SimDuration) {
    simulator.schedule(.journey(event), after: delay)
  }

  /// Sends the messages of `action` to Collect: at once, or by a `collect` event when the
  /// client sends them later.
  mutating func record(_ action: CustomerAction) {
    let index = Int(action.customer)
    let outgoing = client.send(
      action, state: &clientStates[index], counter: &messageCounters[index])
    for sent in outgoing {
      if sent.arrival > simulator.now {
        simulator.schedule(.collect(sent.message), at: sent.arrival)
      } else {
        collectAndRoute(sent.message)
      }
    }
  }

  // MARK: EngageContext

  mutating func schedule(_ event: EngageEvent, after delay: SimDuration) {
    simulator.schedule(.engage(event), after: delay)
  }

  mutating func send(_ message: Message) {
    collectAndRoute(message)
  }

  mutating func nextMessageID(for customer: UInt64) -> MessageID {
    let index = Int(customer)
    let id = MessageID(customer: customer, counter: messageCounters[index])
    messageCounters[index] &+= 1
    return id
  }

  func relevance(of classIndices: [Int], customer: UInt64) -> Double {
    journey.relevance(of: classIndices, for: customers[Int(customer)])
  }

  func emailResponsiveness(customer: UInt64) -> Double {
    journey.emailResponsiveness(of: customers[Int(customer)])
  }

  mutating func customerOpened(email: EmailRecord) {
    guard !silencedWorkflows.contains(email.workflow) else { return }
    guard let classIndex = journey.catalog.index(ofClassID: email.abandonedClassId) else { return }
    journey.emailOpened(
      aboutClass: classIndex, relevance: email.relevance, state: &customers[Int(email.customer)])
  }

  mutating func customerClicked(email: EmailRecord) {
    guard !silencedWorkflows.contains(email.workflow) else { return }
    guard let classIndex = journey.catalog.index(ofClassID: email.abandonedClassId) else { return }
    let index = Int(email.customer)
    var state = customers[index]
    journey.emailClicked(
      customer: email.customer, aboutClass: classIndex, relevance: email.relevance,
      emailNumber: email.number, state: &state, context: &self)
    customers[index] = state
  }

  // MARK: Collect and Route

  mutating func collectAndRoute(_ received: Message) {
    var message = received
    let verdict = collector.collect(&message, at: simulator.now)
    if let collectObserver {
      var arrived = received
      arrived.receivedAt = simulator.now
      collectObserver(arrived, verdict)
    }
    switch verdict {
    case .accepted:
      for delivery in router.route(message, at: simulator.now) {
        simulator.schedule(
          .delivery(destination: delivery.destination, message: delivery.message),
          at: delivery.time)
      }
    case .quarantined(let reason):
      if keepsRecords {
        quarantine.append((message, reason))
      }
    case .dropped:
      break
    }
  }
}

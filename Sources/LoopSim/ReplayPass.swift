import Customers
import Engage
import Pipeline
import Simulation

/// An event on a replay's calendar.
enum ReplayEvent: Sendable {
  /// The file's message at this index of the sorted messages reaches Collect.
  case collect(Int)
  indirect case delivery(destination: Int, message: Message)
  case engage(EngageEvent)
}

/// Collect's verdicts on the messages of one origin: the file's lines, or the messages the
/// replayed messaging engine sent.
public struct OriginCounts: Sendable, Equatable {
  public var emitted = 0
  public var accepted = 0
  public var quarantined = 0
  public var dropped = 0
  /// Accepted messages that the tracking plan flagged.
  public var flagged = 0

  public init() {}

  public var reconciles: Bool { emitted == accepted + quarantined + dropped }
}

/// A quarantined message or line of a replay, for the `quarantine` table.
struct ReplayQuarantineRow {
  /// The line of the file; nil for a message of the replayed engine.
  let line: Int?
  let reason: String
  /// The reader's detail; nil for Collect's reasons, which need none.
  let detail: String?
  /// The message, when the line became one.
  let message: Message?
  /// The line as read, when it did not become a message.
  let text: String?
}

/// Everything a replay produced.
struct ReplayResult {
  var collect: CollectCounts
  var fromFile: OriginCounts
  var fromEngine: OriginCounts
  var destinations: [DestinationCounts]
  var destinationKinds: [DestinationKind]
  var funnel: [(event: String, people: Int)]
  var eventsProcessed: Int
  var eventsCutOff: Int
  /// Lines that reached the collector after the end of the run.
  var collectedAfterEnd: Int
  var enrollments: [Enrollment]
  var emails: [EmailRecord]
  var assignments: [CustomerAssignment]
  var skippedSends: [SkippedSend]
  var workflowCounts: [WorkflowCounts]
  /// In order: the reader's rejections by line, then Collect's quarantines as they happened.
  var quarantine: [ReplayQuarantineRow]
  var profiles: Int
  var merges: [IdentityMerge]
  var deadLetters: [DeadLetter]
}

/// One pass of the file's messages through Collect, Route and the messaging engine, on the
/// discrete-event calendar.
///
/// Each message reaches Collect at its `sentAt`, in file order when times are equal. The
/// engine reacts as in a run (enrollments, splits, emails and their lifecycle events),
/// with its draws keyed by the customer numbers the reader derived. Customers do nothing
/// beyond the file: there is no behaviour model, so an email click leads to no purchase,
/// and every email's relevance and every segment's responsiveness are unknown (the
/// engine's open and click probabilities are used as they are).
struct ReplayPass {
  let scenario: Scenario
  let input: ReplayInput
  let warehouse: WarehouseDestination?
  let cancellation: CancellationFlag?
  let progress: ProgressHandler?

  func run() throws -> ReplayResult {
    let streams = RandomStreams(seed: scenario.run.seed)
    var context = try ReplayContext(scenario: scenario, streams: streams, ids: input.messageIDs)
    var engine = try MessagingEngine(
      configuration: scenario.engage, catalog: scenario.catalog, armPolicy: .assigned,
      streams: streams, timeZones: scenario.run.timeZones, clock: scenario.run.clock)
    engine.enrollsFrom = scenario.run.experimentStart
    var analytics = AnalyticsStore()
    let destinationKinds = scenario.pipeline.destinations.map(\.kind)

    // Messages reach Collect when the file says the collector received them. The index
    // breaks ties, so messages received at the same millisecond keep the file's order.
    let arrivals = input.messages.map { $0.message.receivedAt ?? $0.message.sentAt }
    let order = input.messages.indices.sorted { (arrivals[$0], $0) < (arrivals[$1], $1) }
    if let first = order.first {
      context.simulator.schedule(.collect(0), at: arrivals[first])
    }

    func collect(_ position: Int) {
      if position + 1 < order.count {
        context.simulator.schedule(.collect(position + 1), at: arrivals[order[position + 1]])
      }
      let (line, message) = input.messages[order[position]]
      context.collectAndRoute(message, line: line)
    }

    let end = scenario.run.end
    let experimentStart = scenario.run.experimentStart
    var sinceCheck = 0
    while let event = context.simulator.step(until: end) {
      switch event {
      case .collect(let position):
        collect(position)

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
            fraction: Double(context.simulator.now.milliseconds)
              / Double(max(1, end.milliseconds)),
            events: context.simulator.eventsProcessed))
      }
    }

    // As in a run: messages that reach the collector after the end are still collected,
    // deliveries in flight still land, and the workflow takes no more steps.
    engine.acceptsTriggers = false
    var cutOff = 0
    var collectedAfterEnd = 0
    while let event = context.simulator.step() {
      switch event {
      case .collect(let position):
        collectedAfterEnd += 1
        collect(position)
      case .delivery(let destination, let message):
        try deliver(
          message, to: destination, kinds: destinationKinds, context: &context,
          engine: &engine, analytics: &analytics)
      case .engage:
        cutOff += 1
      }
    }
    progress?(ProgressUpdate(fraction: 1, events: context.simulator.eventsProcessed))
    try warehouse?.stitch(context.collector.identities)

    guard context.collector.counts.reconciles, context.router.counts.allSatisfy(\.reconciles),
      context.fromFile.reconciles, context.fromEngine.reconciles
    else {
      throw RuntimeFailure(
        "internal error: replay message counts do not reconcile (collect "
          + "\(context.collector.counts), destinations \(context.router.counts)); please "
          + "report this with the file and the scenario")
    }

    // The lines the reader quarantined count as emitted and quarantined messages of the
    // file, ahead of Collect's own quarantine.
    var collect = context.collector.counts
    var fromFile = context.fromFile
    var quarantine: [ReplayQuarantineRow] = []
    for rejected in input.rejected {
      let reason = rejected.rejection.reason
      collect.emitted += 1
      collect.quarantined += 1
      collect.quarantineReasons[reason, default: 0] += 1
      fromFile.emitted += 1
      fromFile.quarantined += 1
      quarantine.append(
        ReplayQuarantineRow(
          line: rejected.line, reason: reason, detail: rejected.rejection.detail, message: nil,
          text: rejected.text))
    }
    return ReplayResult(
      collect: collect, fromFile: fromFile, fromEngine: context.fromEngine,
      destinations: context.router.counts, destinationKinds: destinationKinds,
      funnel: analytics.funnel(), eventsProcessed: context.simulator.eventsProcessed,
      eventsCutOff: cutOff, collectedAfterEnd: collectedAfterEnd,
      enrollments: engine.enrollments, emails: engine.emails,
      assignments: engine.assignments, skippedSends: engine.skippedSends,
      workflowCounts: engine.workflowCounts,
      quarantine: quarantine + context.quarantine,
      profiles: engine.profiles.profiles.lazy.filter { $0.mergedInto == nil }.count,
      merges: context.collector.identities.merges, deadLetters: context.router.deadLetters)
  }

  private func deliver(
    _ message: Message, to destination: Int, kinds: [DestinationKind],
    context: inout ReplayContext, engine: inout MessagingEngine, analytics: inout AnalyticsStore
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

/// A replay's shared state as the messaging engine reaches it: the calendar, Collect and
/// Route, and the message ids.
struct ReplayContext: EngageContext {
  var simulator = Simulator<ReplayEvent>()
  var collector: Collector
  var router: Router
  var ids: MessageIDTable
  var fromFile = OriginCounts()
  var fromEngine = OriginCounts()
  var quarantine: [ReplayQuarantineRow] = []

  init(scenario: Scenario, streams: RandomStreams, ids: MessageIDTable) throws {
    collector = Collector(pipeline: scenario.pipeline, keepsMerges: true)
    router = try Router(pipeline: scenario.pipeline, streams: streams, keepsDeadLetters: true)
    self.ids = ids
  }

  var now: SimTime { simulator.now }

  /// Collects `message` and schedules its deliveries, counting it under the file when
  /// `line` is given and under the engine otherwise.
  mutating func collectAndRoute(_ message: Message, line: Int?) {
    var message = message
    let flaggedBefore = collector.counts.flagged
    let verdict = collector.collect(&message, at: simulator.now)
    var counts = line == nil ? fromEngine : fromFile
    counts.emitted += 1
    counts.flagged += collector.counts.flagged - flaggedBefore
    switch verdict {
    case .accepted:
      counts.accepted += 1
      for delivery in router.route(message, at: simulator.now) {
        simulator.schedule(
          .delivery(destination: delivery.destination, message: delivery.message),
          at: delivery.time)
      }
    case .quarantined(let reason):
      counts.quarantined += 1
      quarantine.append(
        ReplayQuarantineRow(line: line, reason: reason, detail: nil, message: message, text: nil))
    case .dropped:
      counts.dropped += 1
    }
    if line == nil {
      fromEngine = counts
    } else {
      fromFile = counts
    }
  }

  // MARK: EngageContext

  mutating func schedule(_ event: EngageEvent, after delay: SimDuration) {
    simulator.schedule(.engage(event), after: delay)
  }

  mutating func send(_ message: Message) {
    collectAndRoute(message, line: nil)
  }

  mutating func nextMessageID(for customer: UInt64) -> MessageID {
    ids.newID(for: customer)
  }

  /// Returns 0, because a replay has no customer's interests. The `emails` table stores null.
  func relevance(of classIndices: [Int], customer: UInt64) -> Double { 0 }

  /// Returns 1, because a replay has no customer's segment, so the email step's
  /// probabilities apply unchanged.
  func emailResponsiveness(customer: UInt64) -> Double { 1 }

  /// Does nothing: a replay has no behaviour model.
  mutating func customerOpened(email: EmailRecord) {}

  /// Does nothing: a replay has no behaviour model, so a click leads to no purchase.
  mutating func customerClicked(email: EmailRecord) {}
}

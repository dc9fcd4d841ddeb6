import Customers
import Pipeline
import Simulation

/// The messaging engine: profiles fed by Route, workflows run step by step, messaging
/// rules across workflows, and email delivery.
///
/// A delivered message updates its profile first. Then, for every enrollment of that
/// profile in progress, a matching goal event ends it and a matching `waitFor` event
/// resumes it. Then each workflow, in the order written, may enroll the profile: on its
/// trigger event, or when the profile enters its segment. Schedule and profile-date
/// triggers come due as calendar events. Steps that take no simulated time run at once,
/// and a wait schedules a `.wake` event, so nothing calls across simulated time. The
/// engine sees only the messages its destination delivered, so a lost or late message
/// changes what it does.
///
/// All state is per profile or per customer, except `acceptsTriggers` and `enrollsFrom`,
/// which depend on simulated time only, so shards of customers run the same steps.
///
/// Random streams, each keyed by customer:
/// - `workflow.<experiment name>.split`: one uniform variate, read by cumulative shares,
///   the first time the customer reaches a split in any workflow;
/// - `experiment.global-control`: one Bernoulli draw, the same at every enrollment;
/// - `workflow.<name>.random-split.<step>`: one uniform variate per random split step,
///   the same at every entry;
/// - `email.delivery-delay`, `email.delivery`, `email.open`, `email.click`: keyed also by
///   the customer's email number, so every arm policy gives the same draws for the same
///   email.
public struct MessagingEngine: Sendable {
  /// The maximum number of steps an enrollment runs without waiting; a configuration that passed
  /// `EngageConfig.validate()` has no loop without a wait, so only a very long list of
  /// branches could reach it.
  public static let maximumStepsPerWake = 10_000

  public let configuration: EngageConfig
  public let catalog: Catalog
  public let armPolicy: ArmPolicy
  /// The zones of the scenario, by which a profile's `timeZone` name sets local times.
  public let timeZones: TimeZoneMix
  /// Places simulated time on the calendar, for local times of day.
  public let clock: ScenarioClock
  public internal(set) var profiles = ProfileStore()
  public internal(set) var enrollments: [Enrollment] = []
  public internal(set) var emails: [EmailRecord] = []
  /// Each customer's first split, in the order they happened.
  public internal(set) var assignments: [CustomerAssignment] = []
  /// Sends that did not happen, in the order they were skipped.
  public internal(set) var skippedSends: [SkippedSend] = []
  /// Counts per workflow, in the order of `configuration.workflows`.
  public internal(set) var workflowCounts: [WorkflowCounts]
  /// Each customer's emails, the skipped sends and the email lifecycle's streams.
  public internal(set) var emailLog: EmailLog
  /// When false, delivered messages still update profiles but enter no workflow: the
  /// scenario has ended and only in-flight deliveries are landing.
  public var acceptsTriggers = true
  /// No workflow enrolls anyone before this time: the end of the pre-period.
  public var enrollsFrom = SimTime.zero

  /// The engine's state of each profile, by profile index.
  var profileStates: [ProfileState] = []
  /// The arm of each customer who reached a split, and when.
  var assignmentByCustomer: [UInt64: Int] = [:]
  /// The number of emails sent to each customer so far.
  var emailCount: [UInt64: UInt32] = [:]
  /// Zones by name, resolved from `timeZones` or Foundation's IANA database.
  var zonesByName: [String: TimeZoneMix.Zone] = [:]
  let classIndexById: [String: Int]
  /// The catalog indices of each category's classes, in catalog order, by category number.
  let classesByCategory: [[Int]]
  let templatesByName: [String: TemplateConfig]
  let splitPurpose, globalControlPurpose: RandomPurpose
  /// The purpose of each workflow's random split steps, by workflow and step position.
  let randomSplitPurposes: [[Int: RandomPurpose]]
  let deliveryDelayPurpose, deliveryPurpose, openPurpose, clickPurpose: RandomPurpose

  public var emailConfig: EmailConfig { configuration.email }
  var workflows: [WorkflowConfig] { configuration.workflows }

  /// Creates an engine for one pass of a run.
  ///
  /// - Throws: `EngageConfigError` when `configuration` fails `EngageConfig.validate()`
  ///   or `armPolicy` forces an arm that no split can assign, and `SHA256Error` when a
  ///   stream cannot be derived.
  public init(
    configuration: EngageConfig, catalog: Catalog, armPolicy: ArmPolicy,
    streams: RandomStreams, timeZones: TimeZoneMix = .utc,
    clock: ScenarioClock = ScenarioClock(startUnixMilliseconds: 0)
  ) throws {
    try configuration.validate()
    if case .forced(let name) = armPolicy {
      let names = (configuration.experiment?.armNames ?? []) + [ExperimentConfig.globalControlArm]
      guard configuration.hasSplit, names.contains(name) else {
        let reason =
          !configuration.hasSplit
          ? "no workflow has a split step"
          : "the split assigns only " + names.joined(separator: ", ")
        throw EngageConfigError("cannot force arm \"\(name)\", because \(reason)")
      }
    }

    self.configuration = configuration
    self.catalog = catalog
    self.armPolicy = armPolicy
    self.timeZones = timeZones
    self.clock = clock
    workflowCounts = Array(repeating: WorkflowCounts(), count: configuration.workflows.count)
    classIndexById = Dictionary(
      catalog.classes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    var byCategory = Array(repeating: [Int](), count: catalog.categories.count)
    for (index, category) in catalog.categoryIndex.enumerated() {
      byCategory[category].append(index)
    }
    classesByCategory = byCategory
    templatesByName = Dictionary(
      configuration.templates.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    // The split draw keeps the purpose that the single-workflow engine used, keyed by the
    // experiment's name, which defaults to the first workflow with a split.
    splitPurpose = try streams.purpose(
      "workflow.\(configuration.experimentName ?? "experiment").split")
    globalControlPurpose = try streams.purpose("experiment.global-control")
    randomSplitPurposes = try configuration.workflows.map { workflow in
      var purposes: [Int: RandomPurpose] = [:]
      for (index, step) in workflow.steps.enumerated() where step.kind == .randomSplit {
        let key = workflow.stepNames[index] ?? "\(index)"
        purposes[index] = try streams.purpose("workflow.\(workflow.name).random-split.\(key)")
      }
      return purposes
    }
    deliveryDelayPurpose = try streams.purpose("email.delivery-delay")
    deliveryPurpose = try streams.purpose("email.delivery")
    openPurpose = try streams.purpose("email.open")
    clickPurpose = try streams.purpose("email.click")
    for zone in timeZones.zones where zonesByName[zone.name] == nil {
      zonesByName[zone.name] = zone
    }
    emailLog = try EmailLog(streams: streams)
  }

  /// Receives a message delivered by Route: updates the profile, ends or resumes the
  /// profile's enrollments on a goal or `waitFor` event, and enrolls the profile in the
  /// workflows the message triggers.
  public mutating func receive<Context: EngageContext>(_ message: Message, context: inout Context) {
    guard let index = profiles.receive(message) else { return }
    ensureState(upTo: index)
    if let merged = profiles.lastMerged {
      mergeState(from: merged, into: index)
      mergeCalculatedAttributes(from: merged, into: index)
    }
    if message.type == .track, let event = message.event {
      updateCalculatedAttributes(of: index, with: message, event: event, now: context.now)
    }

    if message.type == .track, let event = message.event {
      resumeEnrollments(of: index, on: message, event: event, context: &context)
      if isEnrolling(at: context.now) {
        let trigger = TriggerOccurrence(
          event: event, messageId: message.messageId, properties: message.properties,
          timestamp: message.timestamp)
        for (position, workflow) in workflows.enumerated() {
          guard case .event(let name, let condition) = workflow.trigger, name == event else {
            continue
          }
          let input = ConditionInput(
            profile: profiles[index], properties: message.properties, now: context.now)
          guard condition?.holds(for: input) ?? true else { continue }
          enter(position, profile: index, trigger: trigger, context: &context)
        }
      }
    }
    profileChanged(index, context: &context)
  }

  public mutating func handle<Context: EngageContext>(_ event: EngageEvent, context: inout Context)
  {
    switch event {
    case .wake(let index, let number):
      wake(index, number: number, context: &context)
    case .trigger(let workflow, let profile):
      triggerComesDue(workflow, profile: profile, context: &context)
    case .email(let index, let step):
      handleEmail(index, step, context: &context)
    }
  }

  /// Returns the enrollment's profile, or the profile it was merged into.
  func currentProfile(of enrollment: Enrollment) -> Profile {
    profiles[profiles.current(enrollment.profile)]
  }

  func isEnrolling(at time: SimTime) -> Bool {
    acceptsTriggers && time >= enrollsFrom
  }

  // MARK: Entry

  /// Enrolls the profile in workflow `position` unless an entry rule stops it, and runs
  /// the enrollment's steps up to the first wait.
  mutating func enter<Context: EngageContext>(
    _ position: Int, profile index: Int, trigger: TriggerOccurrence, context: inout Context
  ) {
    let workflow = workflows[position]
    guard let userId = profiles[index].userId else {
      reject(position, .noUserId)
      return
    }
    var state = profileStates[index].workflows[position]
    if let id = trigger.messageId {
      guard state.triggerIds.insert(id).inserted else {
        reject(position, .duplicateTrigger)
        return
      }
      profileStates[index].workflows[position].triggerIds = state.triggerIds
    }
    guard state.active == nil else {
      reject(position, .alreadyEnrolled)
      return
    }
    switch workflow.entry {
    case .once where state.entries > 0:
      reject(position, .enteredBefore)
      return
    case .oncePerPeriod(let period):
      if let last = state.lastEntryAt, context.now - last < period {
        reject(position, .withinEntryPeriod)
        return
      }
    default:
      break
    }

    let customer = profiles[index].customer
    enrollments.append(
      Enrollment(
        workflow: position, workflowName: workflow.name, profile: index, customer: customer,
        userId: userId, trigger: trigger, enteredAt: context.now,
        inGlobalControl: drawsGlobalControl(customer)))
    let enrollment = enrollments.count - 1
    state.active = enrollment
    state.entries += 1
    state.lastEntryAt = context.now
    profileStates[index].workflows[position] = state
    profileStates[index].active.append(enrollment)
    runSteps(enrollment, context: &context)
  }

  private mutating func reject(_ workflow: Int, _ reason: EntryRejection) {
    workflowCounts[workflow].entriesRejected[reason, default: 0] += 1
  }

  /// Checks the triggers that depend on the profile's state after it changed: segments it
  /// entered, and the schedule and profile-date triggers it became due for.
  mutating func profileChanged<Context: EngageContext>(_ index: Int, context: inout Context) {
    guard profiles[index].mergedInto == nil else { return }
    for (position, workflow) in workflows.enumerated() {
      // An enrollment of an earlier workflow may have changed the profile.
      let profile = profiles[index]
      switch workflow.trigger {
      case .event:
        break
      case .segment(let condition):
        let isMember = condition.holds(
          for: ConditionInput(profile: profile, properties: nil, now: context.now))
        let wasMember = profileStates[index].workflows[position].inSegment
        profileStates[index].workflows[position].inSegment = isMember
        if isMember, !wasMember, isEnrolling(at: context.now) {
          enter(position, profile: index, trigger: .withoutEvent, context: &context)
        }
      case .schedule(let time, _):
        guard profile.userId != nil, !profileStates[index].workflows[position].isDue else {
          continue
        }
        let next = zone(of: profile).nextTime(
          atLocalMilliseconds: time.milliseconds, after: context.now, clock: clock)
        profileStates[index].workflows[position].isDue = true
        context.schedule(.trigger(workflow: position, profile: index), after: next - context.now)
      case .profileDate:
        guard !profileStates[index].workflows[position].isDue,
          let due = dueTime(of: workflow, for: profile),
          profile.time(of: dateAttribute(of: workflow)) != profileStates[index].workflows[position].lastDate
        else { continue }
        profileStates[index].workflows[position].isDue = true
        context.schedule(
          .trigger(workflow: position, profile: index),
          after: max(due - context.now, .zero))
      }
    }
  }

  /// Enrolls the profile when a schedule or profile-date trigger comes due, and schedules
  /// the trigger's next time.
  private mutating func triggerComesDue<Context: EngageContext>(
    _ position: Int, profile index: Int, context: inout Context
  ) {
    profileStates[index].workflows[position].isDue = false
    let profile = profiles[index]
    guard profile.mergedInto == nil else { return }
    let workflow = workflows[position]
    switch workflow.trigger {
    case .schedule(_, let condition):
      let input = ConditionInput(profile: profile, properties: nil, now: context.now)
      if isEnrolling(at: context.now), condition?.holds(for: input) ?? true {
        enter(position, profile: index, trigger: .withoutEvent, context: &context)
      }
    case .profileDate:
      // The attribute may have changed since this event was scheduled: a later date
      // reschedules below. A date that came due is used up even when no workflow enrolls
      // (in the pre-period), so it never comes due again.
      if let due = dueTime(of: workflow, for: profile), due <= context.now {
        profileStates[index].workflows[position].lastDate = profile.time(
          of: dateAttribute(of: workflow))
        if isEnrolling(at: context.now) {
          enter(position, profile: index, trigger: .withoutEvent, context: &context)
        }
      }
    case .event, .segment:
      return
    }
    profileChanged(index, context: &context)
  }

  private func dateAttribute(of workflow: WorkflowConfig) -> ProfileAttribute {
    guard case .profileDate(let attribute, _, _) = workflow.trigger else { return .signedUpAt }
    return attribute
  }

  /// The time a profile-date trigger is due for `profile`: the attribute plus `after`,
  /// moved to the next local time `at`; nil when the attribute has no value.
  private func dueTime(of workflow: WorkflowConfig, for profile: Profile) -> SimTime? {
    guard case .profileDate(let attribute, let after, let time) = workflow.trigger,
      let date = profile.time(of: attribute)
    else { return nil }
    let base = date + after
    guard let time else { return base }
    return zone(of: profile).nextTime(
      atLocalMilliseconds: time.milliseconds, after: base + .milliseconds(-1), clock: clock)
  }

  private func drawsGlobalControl(_ customer: UInt64) -> Bool {
    guard let share = configuration.experiment?.globalControl, share > 0 else { return false }
    var stream = globalControlPurpose.stream(customer: customer)
    return stream.bernoulli(min(share, 1))
  }

  // MARK: Profile state

  /// Grows `profileStates` to cover profile `index`.
  private mutating func ensureState(upTo index: Int) {
    while profileStates.count <= index {
      profileStates.append(ProfileState(workflows: workflows.count))
    }
  }

  /// Folds the declared calculated attributes of a profile merged into another, in place
  /// of `Profile.merge`, which keeps the surviving profile's value.
  private mutating func mergeCalculatedAttributes(from merged: Int, into index: Int) {
    for attribute in configuration.calculatedAttributes {
      profiles[index].declaredAttributes[attribute.name] = attribute.merged(
        profiles[index].declaredAttributes[attribute.name],
        profiles[merged].declaredAttributes[attribute.name])
    }
  }

  /// Applies a delivered track message to the declared calculated attributes whose event
  /// and condition it matches.
  private mutating func updateCalculatedAttributes(
    of index: Int, with message: Message, event: String, now: SimTime
  ) {
    for attribute in configuration.calculatedAttributes where attribute.event == event {
      let input = ConditionInput(profile: profiles[index], properties: message.properties, now: now)
      guard attribute.condition?.holds(for: input) ?? true else { continue }
      profiles[index].declaredAttributes[attribute.name] = attribute.updated(
        profiles[index].declaredAttributes[attribute.name], properties: message.properties,
        timestamp: message.timestamp)
    }
  }

  /// Moves the engine's state of a profile that was folded into another: its enrollments
  /// in progress, entries, trigger ids and recent sends.
  private mutating func mergeState(from merged: Int, into index: Int) {
    let from = profileStates[merged]
    profileStates[index].merge(from)
    profileStates[merged] = ProfileState(workflows: workflows.count)
  }
}

/// The engine's state of one profile.
struct ProfileState: Sendable {
  /// The state per workflow, in the order of `EngageConfig.workflows`.
  var workflows: [WorkflowEntryState]
  /// Enrollments in progress, in the order they began.
  var active: [Int] = []
  /// When emails were sent to the profile in the last 7 days, oldest first.
  var recentSends: [SimTime] = []

  init(workflows count: Int) {
    workflows = Array(repeating: WorkflowEntryState(), count: count)
  }

  mutating func merge(_ other: ProfileState) {
    for index in workflows.indices {
      workflows[index].merge(other.workflows[index])
    }
    active = (active + other.active).sorted()
    recentSends = (recentSends + other.recentSends).sorted()
  }
}

/// A profile's state in one workflow.
struct WorkflowEntryState: Sendable {
  /// The enrollment in progress, if any.
  var active: Int?
  var entries = 0
  var lastEntryAt: SimTime?
  /// Whether the profile met the segment condition when it last changed.
  var inSegment = false
  /// The `messageId`s of the trigger messages that reached the workflow.
  var triggerIds: Set<MessageID> = []
  /// Whether a schedule or profile-date trigger event is on the calendar.
  var isDue = false
  /// The date a profile-date trigger last enrolled the profile for.
  var lastDate: SimTime?

  mutating func merge(_ other: WorkflowEntryState) {
    if active == nil { active = other.active }
    entries += other.entries
    if let last = other.lastEntryAt { lastEntryAt = max(lastEntryAt ?? last, last) }
    inSegment = inSegment || other.inSegment
    triggerIds.formUnion(other.triggerIds)
    if lastDate == nil { lastDate = other.lastDate }
  }
}

import Customers
import Pipeline
import Simulation

/// The messaging engine: profiles fed by Route, one workflow run step by step, and email
/// delivery.
///
/// A profile enrolls on the workflow's trigger event, at most once. Its steps then run in
/// order: steps that take no simulated time run at once, and a `wait` schedules a `.wake`
/// event that runs the next step, so nothing calls across simulated time. The engine
/// knows only the messages its destination delivered, so a lost or late message changes
/// what it does.
///
/// Random streams, each keyed by customer:
/// - `workflow.<name>.split`: one uniform variate per split, read by cumulative shares;
/// - `experiment.global-control`: one Bernoulli draw at enrollment;
/// - `email.delivery-delay`, `email.delivery`, `email.open`, `email.click`: keyed also by
///   the customer's email number, so every arm policy gives the same draws for the same
///   email.
public struct MessagingEngine: Sendable {
  public let configuration: EngageConfig
  public let catalog: Catalog
  public let armPolicy: ArmPolicy
  public private(set) var profiles = ProfileStore()
  public internal(set) var enrollments: [Enrollment] = []
  public internal(set) var emails: [EmailRecord] = []
  /// Each customer's emails, the skipped sends and the email lifecycle's streams.
  public internal(set) var emailLog: EmailLog
  /// When false, delivered messages still update profiles but enter no workflow: the
  /// scenario has ended and only in-flight deliveries are landing.
  public var acceptsTriggers = true

  private var enrolledProfiles: Set<Int> = []
  /// The number of emails sent to each customer so far.
  var emailCount: [UInt64: UInt32] = [:]
  let classIndexById: [String: Int]
  /// The catalog indices of each category's classes, in catalog order, by category number.
  let classesByCategory: [[Int]]
  let templatesByName: [String: TemplateConfig]
  private let splitPurpose, globalControlPurpose: RandomPurpose
  let deliveryDelayPurpose, deliveryPurpose, openPurpose, clickPurpose: RandomPurpose

  public var workflow: WorkflowConfig { configuration.workflow }
  public var emailConfig: EmailConfig { configuration.email }

  /// Creates an engine for one pass of a run.
  ///
  /// - Throws: `EngageConfigError` when `configuration` fails `EngageConfig.validate()`
  ///   or `armPolicy` forces an arm that the split cannot assign, and `SHA256Error` when
  ///   a stream cannot be derived.
  public init(
    configuration: EngageConfig, catalog: Catalog, armPolicy: ArmPolicy,
    streams: RandomStreams
  ) throws {
    try configuration.validate()
    if case .forced(let name) = armPolicy {
      let names = (configuration.experiment?.armNames ?? []) + [ExperimentConfig.globalControlArm]
      guard configuration.workflow.splitIndex != nil, names.contains(name) else {
        let reason =
          configuration.workflow.splitIndex == nil
          ? "the workflow has no split step"
          : "the split assigns only " + names.joined(separator: ", ")
        throw EngageConfigError("cannot force arm \"\(name)\", because \(reason)")
      }
    }

    self.configuration = configuration
    self.catalog = catalog
    self.armPolicy = armPolicy
    classIndexById = Dictionary(
      catalog.classes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    var byCategory = Array(repeating: [Int](), count: catalog.categories.count)
    for (index, category) in catalog.categoryIndex.enumerated() {
      byCategory[category].append(index)
    }
    classesByCategory = byCategory
    templatesByName = Dictionary(
      configuration.templates.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    splitPurpose = try streams.purpose("workflow.\(configuration.workflow.name).split")
    globalControlPurpose = try streams.purpose("experiment.global-control")
    deliveryDelayPurpose = try streams.purpose("email.delivery-delay")
    deliveryPurpose = try streams.purpose("email.delivery")
    openPurpose = try streams.purpose("email.open")
    clickPurpose = try streams.purpose("email.click")
    emailLog = try EmailLog(streams: streams)
  }

  /// Receives a message delivered by Route: updates the profile, and on the trigger event
  /// enrolls the profile and runs its steps up to the first wait.
  public mutating func receive<Context: EngageContext>(_ message: Message, context: inout Context) {
    guard let index = profiles.receive(message) else { return }
    guard acceptsTriggers, message.type == .track, message.event == workflow.triggerEvent,
      !enrolledProfiles.contains(index)
    else { return }
    let profile = profiles[index]
    guard let userId = profile.userId, case .string(let classId)? = message.properties["product_id"]
    else { return }

    enrolledProfiles.insert(index)
    enrollments.append(
      Enrollment(
        profile: index, customer: profile.customer, userId: userId, classId: classId,
        triggeredAt: message.timestamp, enteredAt: context.now,
        inGlobalControl: drawsGlobalControl(profile.customer)))
    runSteps(enrollments.count - 1, context: &context)
  }

  public mutating func handle<Context: EngageContext>(_ event: EngageEvent, context: inout Context)
  {
    switch event {
    case .wake(let index):
      runSteps(index, context: &context)
    case .email(let index, let step):
      handleEmail(index, step, context: &context)
    }
  }

  // MARK: Workflow

  /// Runs the enrollment's steps from `nextStep` until one waits or the profile leaves.
  private mutating func runSteps<Context: EngageContext>(_ index: Int, context: inout Context) {
    while enrollments[index].finishedAt == nil {
      let position = enrollments[index].nextStep
      guard workflow.steps.indices.contains(position) else {
        enrollments[index].finishedAt = context.now
        return
      }
      enrollments[index].nextStep = position + 1

      switch workflow.steps[position] {
      case .wait(let delay):
        context.schedule(.wake(enrollment: index), after: delay)
        return
      case .exitIf(let condition):
        if isMet(condition, by: enrollments[index]) {
          leave(index, reason: condition.exitReason, at: context.now)
        }
      case .split:
        split(index, context: &context)
      case .sendEmail(let step):
        sendEmail(step, enrollment: index, context: &context)
      case .exit:
        enrollments[index].finishedAt = context.now
      }
    }
  }

  private mutating func leave(_ index: Int, reason: String, at time: SimTime) {
    enrollments[index].exitReason = reason
    enrollments[index].finishedAt = time
  }

  private func isMet(_ condition: ExitCondition, by enrollment: Enrollment) -> Bool {
    let profile = currentProfile(of: enrollment)
    switch condition {
    case .purchasedTriggerClass:
      return profile.hasPurchased(enrollment.classId)
    case .purchasedAnything:
      return profile.lastPurchasedAt.map { $0 >= enrollment.triggeredAt } ?? false
    case .noEmailConsent:
      return !profile.emailOptIn
    }
  }

  /// Returns the enrollment's profile, or the profile it was merged into.
  func currentProfile(of enrollment: Enrollment) -> Profile {
    var index = enrollment.profile
    // A merge chain is at most as long as the store; the bound only guards the loop.
    for _ in 0..<profiles.profiles.count {
      guard let next = profiles[index].mergedInto else { break }
      index = next
    }
    return profiles[index]
  }

  private func drawsGlobalControl(_ customer: UInt64) -> Bool {
    guard let share = configuration.experiment?.globalControl, share > 0 else { return false }
    var stream = globalControlPurpose.stream(customer: customer)
    return stream.bernoulli(min(share, 1))
  }

  /// Assigns the enrollment's arm and sends its `Experiment Viewed` event.
  private mutating func split<Context: EngageContext>(_ index: Int, context: inout Context) {
    // `EngageConfig.validate()` rejects a split without an experiment.
    guard let experiment = configuration.experiment else { return }
    let enrollment = enrollments[index]
    let arm: String
    switch armPolicy {
    case .assigned where enrollment.inGlobalControl:
      arm = ExperimentConfig.globalControlArm
    case .assigned:
      var stream = splitPurpose.stream(customer: enrollment.customer)
      arm = experiment.armName(forDraw: stream.uniform())
    case .forced(let name):
      arm = name
    }

    enrollments[index].arm = arm
    enrollments[index].assignedAt = context.now
    context.send(
      Message(
        type: .track, messageId: context.nextMessageID(for: enrollment.customer),
        userId: enrollment.userId, timestamp: context.now, event: "Experiment Viewed",
        properties: Properties([
          ("experiment_id", .string(workflow.name)),
          ("experiment_name", .string(workflow.name)),
          ("variation_name", .string(arm)),
        ]), source: .messaging, customer: enrollment.customer))
  }

  /// Sends the step's email, unless the enrollment's arm sends nothing.
  ///
  /// After a split, the holdout and global control arms are sent nothing, and an arm
  /// gives its strategy, number of listed classes and, if it has one, its own template.
  /// Without a split, global control customers are sent nothing and everyone else gets
  /// the step's template with the `watched-classes` strategy and
  /// `ArmConfig.defaultListedClasses` classes. A profile without email consent leaves the
  /// workflow with the reason `no email consent`.
  private mutating func sendEmail<Context: EngageContext>(
    _ step: SendEmailStep, enrollment index: Int, context: inout Context
  ) {
    let enrollment = enrollments[index]
    var content = EmailContent(
      template: step.template, strategy: .watchedClasses,
      listedClasses: ArmConfig.defaultListedClasses)
    if let armName = enrollment.arm {
      guard let arm = configuration.experiment?.arm(named: armName), arm.strategy.sendsEmail
      else { return }
      content = EmailContent(
        template: arm.template ?? step.template, strategy: arm.strategy,
        listedClasses: arm.listedClasses)
    } else if enrollment.inGlobalControl {
      return
    }
    // `EngageConfig.validate()` rejects a template name that is not defined.
    guard let template = templatesByName[content.template] else { return }

    let profile = currentProfile(of: enrollment)
    guard profile.emailOptIn else {
      leave(index, reason: Enrollment.noEmailConsentReason, at: context.now)
      return
    }
    if let email = sendComposedEmail(
      for: enrollment, profile: profile, content: content, template: template,
      context: &context)
    {
      enrollments[index].emails.append(email)
    }
  }
}

/// What one email contains, as the arm or the step decides.
struct EmailContent: Sendable, Hashable {
  var template: String
  var strategy: PersonalizationStrategy
  var listedClasses: Int
}

import Pipeline
import Simulation

/// One profile's passage through one workflow.
public struct Enrollment: Sendable {
  /// The exit reason of a profile that a `sendEmail` step could not email.
  public static let noEmailConsentReason = "no email consent"
  /// The exit reason of an `exit` step or an `exit` target.
  public static let exitStepReason = "exit"
  /// The exit reason of a `filter` step whose condition failed.
  public static let filterReason = "filter"
  /// The exit reason of an enrollment that ran `MessagingEngine.maximumStepsPerWake` steps
  /// without waiting, which only a configuration built in code can cause.
  public static let stepLimitReason = "step limit"

  /// The workflow's position in `EngageConfig.workflows`.
  public let workflow: Int
  public let workflowName: String
  public let profile: Int
  public let customer: UInt64
  public let userId: String
  /// The class of the trigger event (`product_id`, else `content_asset_id`): for an
  /// abandoned-cart workflow, the class abandoned in the cart. Nil for a trigger without
  /// an event or an event without a class.
  public let classId: String?
  /// The trigger event's name and `messageId`; nil for a trigger without an event.
  public let triggerEvent: String?
  public let triggerMessageId: MessageID?
  /// The trigger event's properties, which step conditions read as `properties.NAME`.
  public let triggerProperties: Properties?
  /// The trigger event's timestamp, from which `purchased-anything` counts purchases; the
  /// time of enrollment for a trigger without an event.
  public let triggeredAt: SimTime
  /// When the trigger reached the engine and the profile enrolled.
  public let enteredAt: SimTime
  /// Whether the customer was drawn into the global control group, which receives no
  /// email. Drawn from the customer's own stream, so it is the same in every workflow and
  /// whatever the arm policy.
  public let inGlobalControl: Bool
  /// The index of the next step to run; the `waitFor` or `sendEmail` step itself while
  /// the enrollment waits at one.
  public internal(set) var nextStep = 0
  /// The arm's name, set by the split step: `holdout`, `global-control` or an arm of the
  /// experiment. Nil before the split, and in a workflow without one.
  public internal(set) var arm: String?
  public internal(set) var assignedAt: SimTime?
  /// Why the profile left early: `exit`, `filter`, an `exitIf` condition's reason,
  /// `goal: EVENT`, `waitFor: EVENT`, `waitFor timed out: EVENT` or `no email consent`.
  /// Nil for a profile that ran past the last step, and while it is still enrolled.
  public internal(set) var exitReason: String?
  /// When the profile left the workflow. Nil while it is still in the workflow, also at
  /// the end of a run.
  public internal(set) var finishedAt: SimTime?
  /// Indices into `MessagingEngine.emails` of the emails sent, in order.
  public internal(set) var emails: [Int] = []
  /// Whether the enrollment waits at a `waitFor` step (`nextStep`) for its event.
  var isWaitingForEvent = false
  /// The number of the latest wake scheduled; a wake with another number is stale.
  var wakeNumber: UInt32 = 0

  init(
    workflow: Int, workflowName: String, profile: Int, customer: UInt64, userId: String,
    trigger: TriggerOccurrence, enteredAt: SimTime, inGlobalControl: Bool
  ) {
    self.workflow = workflow
    self.workflowName = workflowName
    self.profile = profile
    self.customer = customer
    self.userId = userId
    classId = trigger.classId
    triggerEvent = trigger.event
    triggerMessageId = trigger.messageId
    triggerProperties = trigger.properties
    triggeredAt = trigger.timestamp ?? enteredAt
    self.enteredAt = enteredAt
    self.inGlobalControl = inGlobalControl
  }

  /// The first email sent, if any.
  public var email: Int? { emails.first }
}

/// The occurrence that made a profile eligible to enter a workflow: an event message, or nothing for
/// segment, schedule and profile-date triggers.
struct TriggerOccurrence {
  var event: String?
  var messageId: MessageID?
  var properties: Properties?
  var timestamp: SimTime?

  static let withoutEvent = TriggerOccurrence()

  /// The class a message is about: `product_id`, else `content_asset_id`.
  var classId: String? {
    for key in ["product_id", "content_asset_id"] {
      if case .string(let id)? = properties?[key] { return id }
    }
    return nil
  }
}

/// The first split a customer reached, in any workflow: the customer's experiment arm.
public struct CustomerAssignment: Sendable {
  public let customer: UInt64
  public let userId: String
  public let arm: String
  /// When the split ran.
  public let assignedAt: SimTime
  /// The workflow of that split, and the class of its enrollment, for conversions that
  /// count only the trigger class.
  public let workflow: String
  public let classId: String?
}

/// The reason a trigger did not enroll a profile.
public enum EntryRejection: String, Sendable, CaseIterable {
  /// The profile has no user id yet, so no email can reach it.
  case noUserId
  /// The same trigger message (by `messageId`) already reached the workflow: a retried
  /// delivery, or a duplicate Collect accepted after its deduplication window.
  case duplicateTrigger
  /// The profile is in the workflow now.
  case alreadyEnrolled
  /// Entry `once`, and the profile entered before.
  case enteredBefore
  /// Entry `once-per-period`, and the last entry is more recent than the period.
  case withinEntryPeriod
}

/// The reason a `sendEmail` step sent nothing.
public enum SkipReason: String, Sendable, CaseIterable {
  /// The customer's arm is the holdout.
  case heldOut
  /// The customer is in the global control group.
  case globalControl
  /// The profile has no email consent; the enrollment then leaves the workflow.
  case noConsent
  /// The profile is unsubscribed, hard-bounced or complained (the detail names which).
  case suppressed
  /// The email has nothing to show: no class from the trigger, the cart or the classes
  /// watched.
  case missingData
  /// The send fell in quiet hours with the action `skip`.
  case quietHours
  /// The profile reached a frequency cap (the detail is `perDay` or `perWeek`).
  case frequencyCap
}

/// A send that did not happen, for the `skipped_sends` table.
public struct SkippedSend: Sendable {
  public let customer: UInt64
  public let userId: String
  public let workflow: String
  /// The position of the `sendEmail` step in the workflow.
  public let step: Int
  public let template: String
  public let arm: String?
  public let reason: SkipReason
  /// More about the reason: the suppression, or which cap.
  public let detail: String?
  public let time: SimTime
}

/// A workflow's counts of one pass that enrollments do not record.
public struct WorkflowCounts: Sendable {
  /// Triggers that did not enroll, by reason.
  public var entriesRejected: [EntryRejection: Int] = [:]
  /// Sends that quiet hours delayed; a delayed send counts again when it runs.
  public var sendsDelayed = 0

  public init() {}
}

/// An email the engine sent, with its lifecycle.
public struct EmailRecord: Sendable {
  public let id: String
  public let customer: UInt64
  public let userId: String
  public let workflow: String
  /// The name of the template the email was made from.
  public let template: String
  /// The enrollment's arm; nil in a workflow without a split.
  public let arm: String?
  /// The strategy that chose the classes listed beside the abandoned class.
  public let strategy: PersonalizationStrategy
  public let subject: String
  public let html: String
  public let abandonedClassId: String
  /// The abandoned class, then the classes the strategy listed.
  public let listedClassIds: [String]
  /// How relevant the listed classes are to the customer (0–1); ground truth.
  public let relevance: Double
  public let sentAt: SimTime
  /// The customer's email number, from 0, used to key their reaction draws.
  public let number: UInt32
  public internal(set) var deliveredAt: SimTime?
  public internal(set) var bouncedAt: SimTime?
  public internal(set) var openedAt: SimTime?
  public internal(set) var clickedAt: SimTime?
}

/// A scheduled step of the messaging engine.
public enum EngageEvent: Sendable {
  /// Runs the enrollment's next workflow step after a wait; stale unless `number` is the
  /// enrollment's latest wake.
  case wake(enrollment: Int, number: UInt32)
  /// A schedule or profile-date trigger of a workflow comes due for a profile.
  case trigger(workflow: Int, profile: Int)
  case delivery(email: Int)
  case open(email: Int)
  case click(email: Int)
}

/// What the engine needs from the run.
public protocol EngageContext {
  var now: SimTime { get }
  mutating func schedule(_ event: EngageEvent, after delay: SimDuration)
  /// Sends one of the engine's own events (email engagement, experiment assignment)
  /// into Collect, closing the loop.
  mutating func send(_ message: Message)
  mutating func nextMessageID(for customer: UInt64) -> MessageID
  func relevance(of classIndices: [Int], customer: UInt64) -> Double
  func emailResponsiveness(customer: UInt64) -> Double
  /// The customer opened an email; the behaviour model may remember it.
  mutating func customerOpened(email: EmailRecord)
  /// The customer clicked an email; the behaviour model decides what they do next.
  mutating func customerClicked(email: EmailRecord)
}

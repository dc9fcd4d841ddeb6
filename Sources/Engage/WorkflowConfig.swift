import Customers
import Simulation

/// A workflow: a trigger that enrolls a profile, entry rules, an optional goal, and steps.
///
/// The abandoned-cart workflow, for example, enrolls a profile on `Product Added`, waits an
/// hour, exits when the class was bought meanwhile, splits the profile into an experiment
/// arm and sends the arm's email.
public struct WorkflowConfig: Sendable, Hashable {
  /// The workflow's name: `campaign_id` of its email events, and the default name of the
  /// experiment whose split it runs first.
  public let name: String
  public let trigger: WorkflowTrigger
  public let entry: EntryRule
  /// The event that ends an enrollment at whatever step it is; nil for none.
  public let goal: WorkflowGoal?
  public let steps: [WorkflowStep]
  /// The step names by position, nil for an unnamed step; as long as `steps`.
  public let stepNames: [String?]

  /// The placeholders that email templates may use.
  public static let placeholderNames: Set<String> = [
    "abandoned.title", "abandoned.instructor", "abandoned.category", "abandoned.price",
  ]

  public init(
    name: String, trigger: WorkflowTrigger, entry: EntryRule = .once,
    goal: WorkflowGoal? = nil, steps: [WorkflowStep], stepNames: [String?]? = nil
  ) {
    self.name = name
    self.trigger = trigger
    self.entry = entry
    self.goal = goal
    self.steps = steps
    let names = stepNames ?? []
    self.stepNames = steps.indices.map { names.indices.contains($0) ? names[$0] : nil }
  }

  /// Creates a workflow triggered by every `triggerEvent` message, entered once.
  public init(name: String, triggerEvent: String, steps: [WorkflowStep]) {
    self.init(name: name, trigger: .event(triggerEvent, where: nil), steps: steps)
  }

  /// The trigger's event, for an event trigger.
  public var triggerEvent: String? {
    guard case .event(let event, _) = trigger else { return nil }
    return event
  }

  /// The position of the first split step, if there is one.
  public var splitIndex: Int? {
    steps.firstIndex { $0.kind == .split }
  }

  /// Returns the position of the step named `name`.
  public func stepIndex(named name: String) -> Int? {
    stepNames.firstIndex { $0 == name }
  }
}

/// The event or change that enrolls a profile in a workflow.
public enum WorkflowTrigger: Sendable, Hashable {
  /// A track event with this name reached the engine, and its properties and the profile
  /// meet the condition.
  case event(String, where: Condition?)
  /// The profile enters a segment: the condition, false before, holds after a message
  /// changed the profile or an `updateProfile` step set an attribute.
  case segment(Condition)
  /// Every day at this local time in the profile's time zone, every profile with a user id
  /// that meets the condition.
  case schedule(dailyAt: TimeOfDay, where: Condition?)
  /// A time attribute of the profile plus `after`, moved to the next local time `at` when
  /// one is given.
  case profileDate(ProfileAttribute, after: SimDuration, at: TimeOfDay?)

  /// The trigger kind: the key that names it in the scenario format.
  public var kind: String {
    switch self {
    case .event: "event"
    case .segment: "segment"
    case .schedule: "schedule"
    case .profileDate: "profileDate"
    }
  }
}

/// When a profile may enter a workflow again. Whatever the rule, a profile is in at most
/// one enrollment of a workflow at a time, and one trigger message (by `messageId`)
/// enrolls it at most once.
public enum EntryRule: Sendable, Hashable {
  /// At most one enrollment, ever.
  case once
  /// Again once the last entry is at least this long ago.
  case oncePerPeriod(SimDuration)
  /// On every trigger while not enrolled.
  case everyTime
}

/// A workflow's goal: an event that ends an enrollment at any step, with the exit reason
/// `goal: EVENT`.
public struct WorkflowGoal: Sendable, Hashable {
  public let event: String
  /// A condition on the goal event's properties and the profile; nil for none.
  public let condition: Condition?

  public init(event: String, condition: Condition? = nil) {
    self.event = event
    self.condition = condition
  }

  /// The exit reason of an enrollment that reached the goal.
  public var exitReason: String { "goal: " + event }
}

/// A named email template from the `templates` section.
public struct TemplateConfig: Sendable, Hashable {
  public let name: String
  /// The subject line, one line, rendered as plain text.
  public let subject: EmailTemplate
  /// The `<h1>` of the email body, whose placeholder values are HTML-escaped.
  public let heading: EmailTemplate

  public init(name: String, subject: EmailTemplate, heading: EmailTemplate) {
    self.name = name
    self.subject = subject
    self.heading = heading
  }
}

/// How email behaves once sent: delivery, and the customer's opens and clicks.
public struct EmailConfig: Sendable, Hashable {
  /// Probability that a sent email is delivered rather than bounced.
  public let deliverability: Double
  /// Time from send to delivery or bounce.
  public let deliveryDelay: Distribution
  /// Delivered → opened; the probability is multiplied by the segment's responsiveness.
  public let open: StepModel
  /// Opened → link clicked; the probability is multiplied by the segment's responsiveness.
  public let click: StepModel

  public init(
    deliverability: Double, deliveryDelay: Distribution, open: StepModel, click: StepModel
  ) {
    self.deliverability = deliverability
    self.deliveryDelay = deliveryDelay
    self.open = open
    self.click = click
  }
}

import Customers
import Simulation

/// A workflow: a trigger event that enrolls a profile, then steps that run in order.
///
/// The abandoned-cart workflow, for example, waits an hour, exits when the class was
/// bought meanwhile, splits the profile into an experiment arm and sends the arm's email.
public struct WorkflowConfig: Sendable, Hashable {
  /// The workflow's name: `experiment_id` of its `Experiment Viewed` events, `campaign_id`
  /// of its email events, and part of the key of its split draw.
  public let name: String
  /// The track event that enrolls a profile, such as `Product Added`.
  public let triggerEvent: String
  public let steps: [WorkflowStep]

  public init(name: String, triggerEvent: String, steps: [WorkflowStep]) {
    self.name = name
    self.triggerEvent = triggerEvent
    self.steps = steps
  }

  /// The position of the first split step, if there is one.
  public var splitIndex: Int? {
    steps.firstIndex { $0.kind == .split }
  }
}

/// One step of a workflow.
///
/// Each case is one step kind of the scenario format, written as an object with exactly
/// one key, the kind's name. A new kind (a delay until a local time, a wait for an event,
/// a branch, a frequency cap) needs a case here and a `Kind`. It also needs a branch in
/// the step reader, in `configValue` and in `MessagingEngine.runSteps`, and a rule in
/// `orderProblems` when its position matters. The compiler points at each switch that
/// misses the case.
public enum WorkflowStep: Sendable, Hashable {
  /// Waits this long, then runs the next step. The duration may be 0.
  case wait(SimDuration)
  /// Leaves the workflow when the profile meets the condition.
  case exitIf(ExitCondition)
  /// Assigns an arm of the `experiment` section.
  case split
  /// Sends an email made from a template, unless the profile's arm sends nothing.
  case sendEmail(SendEmailStep)
  /// Leaves the workflow.
  case exit

  /// A step kind: the key that names it in the scenario format.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case wait, exitIf, split, sendEmail, exit
  }

  public var kind: Kind {
    switch self {
    case .wait: .wait
    case .exitIf: .exitIf
    case .split: .split
    case .sendEmail: .sendEmail
    case .exit: .exit
    }
  }
}

/// A condition on which an `exitIf` step removes a profile from the workflow. The profile
/// is built from delivered messages only, so a purchase whose message is late or lost
/// does not count.
public enum ExitCondition: String, Sendable, Hashable, CaseIterable {
  /// The profile bought the class that triggered the enrollment.
  case purchasedTriggerClass = "purchased-trigger-class"
  /// The profile bought any class at or after the trigger event's timestamp.
  case purchasedAnything = "purchased-anything"
  /// The profile has no email consent (`email_opt_in` is not true).
  case noEmailConsent = "no-email-consent"

  /// The exit reason recorded on the enrollment.
  public var exitReason: String {
    switch self {
    case .purchasedTriggerClass: "goal: purchased"
    case .purchasedAnything: "goal: purchased anything"
    case .noEmailConsent: Enrollment.noEmailConsentReason
    }
  }
}

/// A `sendEmail` step.
public struct SendEmailStep: Sendable, Hashable {
  /// The name of a template in the `templates` section; an experiment arm may override it.
  public let template: String

  public init(template: String) {
    self.template = template
  }
}

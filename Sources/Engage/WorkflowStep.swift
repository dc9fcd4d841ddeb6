import Simulation

/// One step of a workflow.
///
/// Each case is one step kind of the scenario format, written as an object whose key is
/// the kind's name, plus an optional `name` that `goTo` targets refer to. A new kind needs
/// a case here and a `Kind`. It also needs a branch in the step reader, in `configValue`,
/// in `MessagingEngine.runStep` and in `WorkflowConfig.successors`. The compiler points at
/// each switch that misses the case.
public enum WorkflowStep: Sendable, Hashable {
  /// Waits this long, then runs the next step. The duration may be 0.
  case wait(SimDuration)
  /// Waits until the next time the profile's local clock shows this time, strictly after
  /// now, in the profile's time zone.
  case waitUntil(TimeOfDay)
  /// Waits for an event, or until a timeout.
  case waitFor(WaitForStep)
  /// Leaves the workflow when the profile meets the condition.
  case exitIf(ExitCondition)
  /// Leaves the workflow with the reason `filter` unless the condition holds.
  case filter(Condition)
  /// Goes to the target of the first case whose condition holds, else to `otherwise`.
  case branch(BranchStep)
  /// Goes to one of the paths, drawn by weight once per customer and step, so a customer
  /// who enters again takes the same path.
  case randomSplit([RandomPath])
  /// Assigns an arm of the `experiment` section, or keeps the customer's arm from an
  /// earlier split in any workflow.
  case split
  /// Sends an email made from a template, unless a messaging rule stops it.
  case sendEmail(SendEmailStep)
  /// Sets an attribute of the profile.
  case updateProfile(ProfileUpdate)
  /// Leaves the workflow.
  case exit

  /// A step kind: the key that names it in the scenario format.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case wait, waitUntil, waitFor, exitIf, filter, branch, randomSplit, split, sendEmail
    case updateProfile, exit
  }

  public var kind: Kind {
    switch self {
    case .wait: .wait
    case .waitUntil: .waitUntil
    case .waitFor: .waitFor
    case .exitIf: .exitIf
    case .filter: .filter
    case .branch: .branch
    case .randomSplit: .randomSplit
    case .split: .split
    case .sendEmail: .sendEmail
    case .updateProfile: .updateProfile
    case .exit: .exit
    }
  }
}

/// The destination of a `branch`, `randomSplit` or `waitFor` step.
public enum StepTarget: Sendable, Hashable, CustomStringConvertible {
  /// The next step in the list (`"continue"`); after the last step the workflow ends.
  case next
  /// Leave the workflow (`"exit"`).
  case exit
  /// The step with this name.
  case step(String)

  /// The words that are targets themselves, and so cannot name a step.
  public static let keywords = ["continue", "exit"]

  /// The target as a scenario writes it.
  public var description: String {
    switch self {
    case .next: "continue"
    case .exit: "exit"
    case .step(let name): name
    }
  }

  init(_ text: String) {
    switch text {
    case "continue": self = .next
    case "exit": self = .exit
    default: self = .step(text)
    }
  }
}

/// A `waitFor` step: waits until the profile receives a matching event or the timeout
/// passes, whichever comes first.
public struct WaitForStep: Sendable, Hashable {
  /// The track event waited for.
  public let event: String
  /// A condition on the event's properties and the profile; nil for none.
  public let condition: Condition?
  /// How long to wait; longer than 0.
  public let timeout: SimDuration
  /// The target when the event arrives.
  public let then: StepTarget
  /// The target when the timeout passes first.
  public let onTimeout: StepTarget

  public init(
    event: String, condition: Condition? = nil, timeout: SimDuration, then: StepTarget,
    onTimeout: StepTarget? = nil
  ) {
    self.event = event
    self.condition = condition
    self.timeout = timeout
    self.then = then
    self.onTimeout = onTimeout ?? Self.defaultTimeoutTarget(then: then)
  }

  /// The default of `onTimeout`: `continue` when the event exits, and `exit` when it
  /// continues, so "wait 1h for Order Completed, then exit" continues after an hour
  /// without a purchase.
  public static func defaultTimeoutTarget(then: StepTarget) -> StepTarget {
    then == .exit ? .next : .exit
  }

  /// The exit reason when the event arrives and `then` is `exit`.
  public var eventExitReason: String { "waitFor: " + event }
  /// The exit reason when the timeout passes and `onTimeout` is `exit`.
  public var timeoutExitReason: String { "waitFor timed out: " + event }
}

/// A `branch` step.
public struct BranchStep: Sendable, Hashable {
  /// The cases in order. The first whose condition is true chooses the target.
  public let cases: [BranchCase]
  /// The target when no case is true (the `else` key).
  public let otherwise: StepTarget

  public init(cases: [BranchCase], otherwise: StepTarget = .next) {
    self.cases = cases
    self.otherwise = otherwise
  }
}

/// One case of a `branch` step: `{ if: CONDITION, goTo: TARGET }`.
public struct BranchCase: Sendable, Hashable {
  public let condition: Condition
  public let target: StepTarget

  public init(condition: Condition, target: StepTarget) {
    self.condition = condition
    self.target = target
  }
}

/// One path of a `randomSplit` step: `{ weight: 1, goTo: TARGET }`.
public struct RandomPath: Sendable, Hashable {
  /// The relative weight, from 0 to 1,000,000; the weights of a step are divided by their sum.
  public let weight: Double
  public let target: StepTarget

  public init(weight: Double, target: StepTarget) {
    self.weight = weight
    self.target = target
  }
}

/// An `updateProfile` step: `{ attribute: NAME, value: VALUE }`.
public struct ProfileUpdate: Sendable, Hashable {
  /// The attribute set: a name that is not a calculated attribute.
  public let attribute: String
  public let value: ConditionValue

  public init(attribute: String, value: ConditionValue) {
    self.attribute = attribute
    self.value = value
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

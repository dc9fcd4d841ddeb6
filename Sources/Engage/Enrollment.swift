import Pipeline
import Simulation

/// One profile's passage through the workflow.
public struct Enrollment: Sendable {
  /// The exit reason of a profile that a `sendEmail` step could not email.
  public static let noEmailConsentReason = "no email consent"

  public let profile: Int
  public let customer: UInt64
  public let userId: String
  /// The class of the trigger event: the class abandoned in the cart.
  public let classId: String
  /// The trigger event's timestamp, from which `purchased-anything` counts purchases.
  public let triggeredAt: SimTime
  /// When the trigger message reached the engine and the profile enrolled.
  public let enteredAt: SimTime
  /// Whether the customer was drawn into the global control group, which receives no
  /// email. Drawn at enrollment from the customer's own stream, whatever the arm policy.
  public let inGlobalControl: Bool
  /// The index of the next step to run.
  public internal(set) var nextStep = 0
  /// The arm's name, set by the split step: `holdout`, `global-control` or an arm of the
  /// experiment. Nil before the split, and in a workflow without one.
  public internal(set) var arm: String?
  public internal(set) var assignedAt: SimTime?
  /// Why the profile left early: an `exitIf` condition's reason, or `no email consent`.
  public internal(set) var exitReason: String?
  /// When the profile left the workflow: after its last step, at an `exit` step or on
  /// an exit condition. Nil while it is still in the workflow, also at the end of a run.
  public internal(set) var finishedAt: SimTime?
  /// Indices into `MessagingEngine.emails` of the emails sent, in order.
  public internal(set) var emails: [Int] = []

  /// The first email sent, if any.
  public var email: Int? { emails.first }
}

/// A scheduled step of the messaging engine.
public enum EngageEvent: Sendable {
  /// Runs the enrollment's next workflow step, after a wait.
  case wake(enrollment: Int)
  /// The next step of an email's lifecycle, by its index in `MessagingEngine.emails`.
  case email(Int, EmailStep)
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

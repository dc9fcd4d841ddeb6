import Customers
import Simulation

/// An abandoned-cart workflow: triggered by an event, it waits, exits if the customer
/// bought the class meanwhile, splits customers into treatment and holdout, and sends the
/// treatment arm an email about the class plus classes they watched before.
public struct WorkflowConfig: Sendable {
  public let name: String
  /// The track event that enters a profile, such as `Product Added`.
  public let triggerEvent: String
  /// The wait between the trigger and the exit check.
  public let delay: SimDuration
  /// Share of entering profiles held out (no email).
  public let holdoutShare: Double
  /// The most watched classes an email lists beside the abandoned one.
  public let maxWatchedClasses: Int
  public let subject: EmailTemplate
  public let heading: EmailTemplate

  public static let placeholderNames: Set<String> = [
    "abandoned.title", "abandoned.instructor", "abandoned.category", "abandoned.price",
  ]

  public init(
    name: String, triggerEvent: String, delay: SimDuration, holdoutShare: Double,
    maxWatchedClasses: Int, subject: EmailTemplate, heading: EmailTemplate
  ) {
    self.name = name
    self.triggerEvent = triggerEvent
    self.delay = delay
    self.holdoutShare = holdoutShare
    self.maxWatchedClasses = maxWatchedClasses
    self.subject = subject
    self.heading = heading
  }
}

/// How email behaves once sent: delivery, and the customer's opens and clicks.
public struct EmailConfig: Sendable {
  /// Probability that a sent email is delivered rather than bounced.
  public let deliverability: Double
  /// Time from send to delivery or bounce.
  public let deliveryDelay: Distribution
  /// Delivered → opened; the probability is multiplied by the segment's responsiveness.
  public let open: StepModel
  /// Opened → link clicked; the probability is multiplied by the segment's responsiveness.
  public let click: StepModel

  public init(deliverability: Double, deliveryDelay: Distribution, open: StepModel, click: StepModel) {
    self.deliverability = deliverability
    self.deliveryDelay = deliveryDelay
    self.open = open
    self.click = click
  }
}

/// A workflow arm.
public enum Arm: String, Sendable, Hashable, CaseIterable {
  case treatment, holdout
}

/// How arms are assigned. Counterfactual runs flip or fix the assignment while every
/// other draw stays the same.
public enum ArmPolicy: Sendable, Hashable {
  /// The split drawn from each customer's keyed stream.
  case assigned
  /// The opposite of the drawn arm.
  case flipped
}

import Simulation

/// An email the engine sent, with its lifecycle: ground truth that the results store.
public struct EmailRecord: Sendable {
  public let id: String
  public let customer: UInt64
  public let userId: String
  public let workflow: String
  /// The name of the template the email was made from.
  public let template: String
  /// The enrollment's arm; nil in a workflow without a split.
  public let arm: String?
  /// The strategy that chose the email's content.
  public let strategy: PersonalizationStrategy
  public let subject: String
  public let html: String
  /// The class in the cart, which the email is about even when it does not show it.
  public let abandonedClassId: String
  /// The catalog classes the rendered subject and body show, in the order first shown.
  public let shownClassIds: [String]
  /// How relevant the shown classes are to the customer (0–1); ground truth.
  public let relevance: Double
  /// The field whose missing value made the template render its fallback content, or nil
  /// for an email rendered in full.
  public let fallbackField: String?
  public let sentAt: SimTime
  /// The customer's email number, from 0, used to key their reaction draws.
  public let number: UInt32

  public internal(set) var deliveredAt: SimTime?
  /// When the last delivery attempt failed for good: a hard bounce.
  public internal(set) var bouncedAt: SimTime?
  /// Delivery attempts that bounced softly and were retried. A soft bounce with no retry
  /// left is a hard bounce, counted in `bouncedAt` instead.
  public internal(set) var softBounces = 0
  /// Whether the customer's mail goes through a privacy proxy; set at delivery.
  public internal(set) var usesPrivacyProxy = false
  /// When a privacy proxy loaded the email, reporting an open that no person made.
  public internal(set) var machineOpenedAt: SimTime?
  /// When the customer opened the email. For a customer behind a privacy proxy this open
  /// sends no `Email Opened` event, because the proxy loaded the email already.
  public internal(set) var openedAt: SimTime?
  public internal(set) var clickedAt: SimTime?
  public internal(set) var unsubscribedAt: SimTime?
  public internal(set) var markedAsSpamAt: SimTime?
}

/// A step of an email's lifecycle, scheduled on the calendar.
public enum EmailStep: UInt8, Sendable {
  /// A delivery attempt: the first, or the retry after a soft bounce.
  case deliveryAttempt
  /// The customer opens the email.
  case open
  case click
  case unsubscribe
  case spamComplaint
}

/// A send that a template's `missing: "skip"` policy stopped: nothing was sent.
public struct SkippedEmail: Sendable, Hashable {
  public let customer: UInt64
  public let userId: String
  public let workflow: String
  public let arm: String?
  public let template: String
  public let strategy: PersonalizationStrategy
  /// The field that had no value.
  public let missingField: String
  public let skippedAt: SimTime
}

/// The messaging engine's record of its emails beyond `MessagingEngine.emails`: each
/// customer's emails, the skipped sends, and the random streams of the email lifecycle.
public struct EmailLog: Sendable {
  /// Indices into `MessagingEngine.emails`, per customer, in the order sent.
  var emailsByCustomer: [UInt64: [Int]] = [:]
  public internal(set) var skipped: [SkippedEmail] = []
  let purposes: Purposes

  /// The streams of the email lifecycle's decisions that `MessagingEngine` does not hold.
  struct Purposes: Sendable {
    let privacyProxy, deliveryRetry, spamComplaint, unsubscribe: RandomPurpose

    init(_ streams: RandomStreams) throws {
      privacyProxy = try streams.purpose("email.privacy-proxy")
      deliveryRetry = try streams.purpose("email.delivery-retry")
      spamComplaint = try streams.purpose("email.spam-complaint")
      unsubscribe = try streams.purpose("email.unsubscribe")
    }
  }

  /// - Throws: `SHA256Error` when a stream cannot be derived.
  init(streams: RandomStreams) throws {
    purposes = try Purposes(streams)
  }
}

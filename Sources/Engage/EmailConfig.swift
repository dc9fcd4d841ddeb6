import Customers
import Simulation

/// The `email` section: how a sent email is delivered, bounced and retried, opened by a
/// person or by a privacy proxy, and how the customer responds.
public struct EmailConfig: Sendable, Hashable {
  /// The default of `siteUrl`: a domain reserved for examples (RFC 2606).
  public static let defaultSiteURL = "https://www.example.com"

  /// Probability that one delivery attempt succeeds rather than bounces.
  public let deliverability: Double
  /// Time from sending to the first delivery attempt.
  public let deliveryDelay: Distribution
  /// Delivered → opened by the customer; the probability is multiplied by the segment's
  /// responsiveness.
  public let open: StepModel
  /// Opened → link clicked; see `EmailResponseModel.clickProbability`.
  public let click: StepModel
  /// Relevance, fatigue, unsubscribes and spam complaints.
  public let response: EmailResponseModel
  /// The share of customers whose mail goes through a privacy proxy, which loads every
  /// delivered email at once and so reports an open that no person made.
  public let privacyProxyShare: Double
  /// The split of failed delivery attempts into soft and hard bounces, and the retries of
  /// soft ones.
  public let bounce: BouncePolicy
  /// The start of class links in email, without a trailing slash: a class's `url` is
  /// siteURL + `/classes/` + its id.
  public let siteURL: String

  public init(
    deliverability: Double, deliveryDelay: Distribution, open: StepModel, click: StepModel,
    response: EmailResponseModel = .none, privacyProxyShare: Double = 0,
    bounce: BouncePolicy = .hardOnly, siteURL: String = EmailConfig.defaultSiteURL
  ) {
    self.deliverability = deliverability
    self.deliveryDelay = deliveryDelay
    self.open = open
    self.click = click
    self.response = response
    self.privacyProxyShare = privacyProxyShare
    self.bounce = bounce
    self.siteURL = siteURL
  }
}

/// The handling of a delivery attempt that fails.
///
/// A failed attempt is a soft bounce (a full mailbox, a server that is busy) with
/// probability `softShare`, and a hard bounce (no such address) otherwise. A soft bounce
/// is retried after `retryDelay`, at most `maxRetries` times; a retry draws delivery
/// again with the same deliverability. A soft bounce with no retry left counts as hard.
public struct BouncePolicy: Sendable, Hashable {
  /// The accepted range of `maxRetries`.
  public static let maxRetriesRange = 0...10

  public let softShare: Double
  public let maxRetries: Int
  public let retryDelay: Distribution

  public init(softShare: Double, maxRetries: Int = 2, retryDelay: Distribution = .fixed(.hours(1)))
  {
    self.softShare = softShare
    self.maxRetries = maxRetries
    self.retryDelay = retryDelay
  }

  /// Every failed attempt is a hard bounce, so nothing is retried: the default.
  public static let hardOnly = BouncePolicy(softShare: 0)
}

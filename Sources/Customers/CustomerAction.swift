import Simulation

/// Something a customer did that the website, app or backend records. The Pipeline turns
/// each action into Segment messages; the simulator keeps it as ground truth.
public struct CustomerAction: Sendable {
  public enum Kind: Sendable, Equatable {
    /// Clicked an ad and landed on a class trailer page; `channel` indexes the scenario's
    /// channels.
    case trailerWatched(channel: Int, classIndex: Int)
    /// Viewed a class page: after a trailer, while browsing, or as the landing page of a
    /// first touch, in which case the action's `campaignChannel` is set.
    case classViewed(classIndex: Int)
    /// Signed up or logged in to add a class to the cart; `firstTime` is a sign-up.
    case identified(firstTime: Bool)
    case productAdded(classIndex: Int)
    case checkoutStarted(classIndex: Int)
    /// A purchase; `orderNumber` counts the customer's orders from 1.
    case orderCompleted(classIndex: Int, orderNumber: Int, revenueCents: Int64, cause: Cause)
  }

  /// Why a purchase happened, known only to the simulator.
  public enum Cause: String, Sendable {
    case checkout
    case organicReturn = "organic-return"
    case emailReturn = "email-return"
    /// The abandoned class in the cart, bought during a repeat visit.
    case visitReturn = "visit-return"
  }

  public let customer: UInt64
  public let time: SimTime
  public let kind: Kind
  /// Whether the customer is signed in, so front-end messages carry the user id.
  public let signedIn: Bool
  /// The customer's time zone name (`context.timezone` of front-end messages), if known.
  public let timeZone: String?
  /// The channel, indexing the scenario's channels, whose campaign context
  /// (`context.campaign`) the action's page carries. It is set on the visit that a first
  /// touch leads to: the trailer of an ad channel, or the class page that a search,
  /// referral, organic or direct visitor landed on. Other actions have nil.
  public let campaignChannel: Int?

  public init(
    customer: UInt64, time: SimTime, kind: Kind, signedIn: Bool, timeZone: String? = nil,
    campaignChannel: Int? = nil
  ) {
    self.customer = customer
    self.time = time
    self.kind = kind
    self.signedIn = signedIn
    self.timeZone = timeZone
    self.campaignChannel = campaignChannel
  }
}

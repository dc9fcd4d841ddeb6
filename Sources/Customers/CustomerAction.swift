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
    /// `classesOwned` lists the classes bought before, in order of purchase.
    case identified(firstTime: Bool, classesOwned: [Int] = [])
    case productAdded(classIndex: Int)
    case checkoutStarted(classIndex: Int)
    /// A purchase; `orderNumber` counts the customer's orders from 1.
    case orderCompleted(classIndex: Int, orderNumber: Int, revenueCents: Int64, cause: Cause)
    /// The backend refunded the whole order `orderNumber`. The class stays bought, so the
    /// customer never buys it again.
    case orderRefunded(classIndex: Int, orderNumber: Int, revenueCents: Int64)
    /// The customer asked for a password reset email, which the backend records.
    case passwordResetRequested
  }

  /// The visit an action belongs to, which the tracking code uses to pick the customer's
  /// device.
  public enum Session: Sendable, Equatable {
    /// The journey that the first touch started: the trailer, the class page, browsing,
    /// and the cart and checkout that follow from them.
    case firstTouch
    /// A later return to the site: a repeat visit, an organic return, or an email click
    /// that brings the customer back to buy.
    case returning
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
  /// referral, organic or direct visitor landed on. It is also set on the class page of a
  /// repeat visit that came through a channel (`Channel.visitShare`). Other actions have
  /// nil.
  public let campaignChannel: Int?
  /// The visit the action belongs to: the first touch's journey, or a later return.
  public let session: Session
  /// Whether the customer uses the mobile app rather than the website, drawn at arrival.
  public let usesApp: Bool

  public init(
    customer: UInt64, time: SimTime, kind: Kind, signedIn: Bool, timeZone: String? = nil,
    campaignChannel: Int? = nil, session: Session = .firstTouch, usesApp: Bool = false
  ) {
    self.customer = customer
    self.time = time
    self.kind = kind
    self.signedIn = signedIn
    self.timeZone = timeZone
    self.campaignChannel = campaignChannel
    self.session = session
    self.usesApp = usesApp
  }
}

import Simulation

/// What the simulator knows about one customer: ground truth, not what marketing sees.
public struct CustomerState: Sendable {
  public var segment: Int = 0
  /// The time zone the customer lives in, indexing `TimeZoneMix.zones`.
  public var timeZone: Int = 0
  /// The channel of the first touch, indexing the scenario's channels.
  public var channel: Int = 0
  /// The class the first touch was about.
  public var promotedClass: Int = 0
  /// Whether the customer uses the mobile app rather than the website, drawn at arrival
  /// with the segment's `appShare`.
  public var usesApp = false
  /// Whether the customer watched the promoted class's trailer. Visitors who landed
  /// straight on the class page did not.
  public var watchedTrailer = false
  /// The customer's engagement level, drawn at arrival: a multiplier on the probabilities
  /// of the later steps and on the visit rate. It is 1 when `behaviour.engagement.sigma`
  /// is 0.
  public var engagement: Double = 1
  /// Repeat visits started so far.
  public var visits: UInt32 = 0
  /// The class in the cart, from the add until it is bought, or nil. An abandoned class
  /// stays in the cart.
  public var cartClass: Int?
  /// Whether the customer has decided to add a class to the cart, and the add has not yet
  /// happened.
  public var addToCartPending = false
  /// Whether the class in the cart waits for its checkout decision, which makes it bought
  /// or abandoned.
  public var checkoutPending = false
  /// The relevance of the latest opened email about the class in the cart, or nil when
  /// the customer opened none since adding it.
  public var cartEmailOpenRelevance: Double?
  /// Classes bought, in order, with when.
  public var purchases: [(classIndex: Int, time: SimTime)] = []
  public var hasSignedUp = false
  /// Carts abandoned so far.
  public var abandonments: UInt32 = 0
  /// When the first abandonment happened.
  public var firstAbandonment: SimTime?

  public init() {}

  /// Whether the customer bought anything at or after `time`.
  public func hasPurchased(since time: SimTime) -> Bool {
    purchases.contains { $0.time >= time }
  }

  public func hasPurchased(_ classIndex: Int) -> Bool {
    purchases.contains { $0.classIndex == classIndex }
  }

  /// Whether a class page may lead the customer to add `classIndex` to the cart: the cart
  /// is empty, no add is pending, and the customer has not bought that class.
  ///
  /// A customer therefore has at most one cart at a time, and a new cart only after buying
  /// the class in the last one. An abandoned cart stays open until its class is bought.
  public func canAddToCart(_ classIndex: Int) -> Bool {
    cartClass == nil && !addToCartPending && !hasPurchased(classIndex)
  }

  /// Whether the cart contains a class that the customer abandoned at checkout and has not
  /// bought since.
  public var hasAbandonedCart: Bool {
    cartClass != nil && !checkoutPending
  }
}

/// A scheduled step of one customer's journey.
public struct JourneyEvent: Sendable {
  public enum Step: UInt8, Sendable {
    /// An ad click plays the trailer.
    case trailer
    /// The class page, reached from the trailer.
    case classPage
    /// The class page, landed on straight from a search, referral, organic or direct
    /// first touch.
    case landing
    case browse, addToCart, checkout, organicReturn, emailReturn
    /// A repeat visit starts. The event's class is unused, because the visit draws its class.
    case visit
    /// The class page of a repeat visit.
    case visitClassPage
    /// The add-to-cart and checkout steps of a cart started on a repeat visit.
    case visitAddToCart, visitCheckout
    /// The purchase of an abandoned cart's class during a repeat visit.
    case visitReturn
    /// The refund of the purchase of the event's class.
    case refund
    /// A password reset requested after the sign-up.
    case passwordReset
  }

  public let customer: UInt64
  public let step: Step
  /// The repeat visit, counted from 0, that the step belongs to; 0 for the steps of the
  /// first journey. It is a `UInt16` because `VisitModel.maximumVisits` fits, and so the
  /// event stays 16 bytes.
  public let visit: UInt16
  public let classIndex: Int32

  public init(customer: UInt64, step: Step, classIndex: Int, visit: UInt16 = 0) {
    self.customer = customer
    self.step = step
    self.visit = visit
    self.classIndex = Int32(classIndex)
  }
}

/// What the journey needs from the run: the clock, the calendar and a place for actions.
public protocol JourneyContext {
  var now: SimTime { get }
  mutating func schedule(_ event: JourneyEvent, after delay: SimDuration)
  /// Records an action that happens now; the run turns it into messages.
  mutating func record(_ action: CustomerAction)
}

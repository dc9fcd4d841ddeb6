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
  /// Whether the customer watched the promoted class's trailer. Visitors who landed
  /// straight on the class page did not.
  public var watchedTrailer = false
  /// The class in the cart, or nil.
  public var cartClass: Int?
  /// The relevance of the latest opened email about the class in the cart, or nil when
  /// the customer opened none since adding it.
  public var cartEmailOpenRelevance: Double?
  /// Classes bought, in order, with when.
  public var purchases: [(classIndex: Int, time: SimTime)] = []
  public var hasSignedUp = false
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
  }

  public let customer: UInt64
  public let step: Step
  public let classIndex: Int32

  public init(customer: UInt64, step: Step, classIndex: Int) {
    self.customer = customer
    self.step = step
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

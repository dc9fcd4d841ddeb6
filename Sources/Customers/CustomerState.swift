import Simulation

/// What the simulator knows about one customer: ground truth, not what marketing sees.
public struct CustomerState: Sendable {
  public var segment: Int = 0
  /// The ad channel of the first touch, indexing `BehaviourModel.channels`.
  public var channel: Int = 0
  /// The class the ad promoted.
  public var promotedClass: Int = 0
  /// The class in the cart, or nil.
  public var cartClass: Int?
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
    case trailer, classPage, browse, addToCart, checkout, organicReturn, emailReturn
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

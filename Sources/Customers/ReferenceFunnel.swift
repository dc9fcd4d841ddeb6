import Simulation

/// The reference funnel: a small, fixed customer journey with an abandoned-cart email and
/// a holdout, used to compare LoopSim's kernel with other simulators on the same work.
///
/// Every step is one event. A customer arrives (an event) through one of `channels`,
/// chosen with equal chance. Each step's Bernoulli draw is taken when the previous step
/// happens, and the step is scheduled, after its delay, only when the draw succeeds:
/// arrival → trailer → class page → add to cart → checkout. The checkout follows every
/// add to cart, and there the customer buys with `checkout.probability` or abandons the
/// cart. An abandoner is in the holdout with probability `holdout`, otherwise in the
/// treatment, which gets an email `emailDelay` after abandoning. The email is opened,
/// clicked and followed by a purchase with the probabilities and delays of `emailOpen`,
/// `emailClick` and `emailReturn`. Every abandoner, in either arm, also returns to buy on
/// their own with `organicReturn`. A customer converts at most once: a return that finds
/// the customer converted is still an event but buys nothing.
public struct ReferenceFunnelModel: Sendable, Hashable {
  /// The first-touch channels, each with an equal chance.
  public let channels: [String]
  /// Arrival → trailer watched.
  public let trailer: StepModel
  /// Trailer → class page viewed.
  public let classPage: StepModel
  /// Class page → class added to the cart.
  public let addToCart: StepModel
  /// Cart → checkout after `delay`, where the customer buys with `probability` and
  /// otherwise abandons.
  public let checkout: StepModel
  /// The share of abandoners in the holdout, who get no email.
  public let holdout: Double
  /// Abandonment → email sent, for the treatment arm.
  public let emailDelay: Distribution
  /// Email sent → opened.
  public let emailOpen: StepModel
  /// Email opened → clicked.
  public let emailClick: StepModel
  /// Email clicked → return and purchase.
  public let emailReturn: StepModel
  /// Abandonment → return and purchase on one's own, in either arm.
  public let organicReturn: StepModel

  public init(
    channels: [String], trailer: StepModel, classPage: StepModel, addToCart: StepModel,
    checkout: StepModel, holdout: Double, emailDelay: Distribution, emailOpen: StepModel,
    emailClick: StepModel, emailReturn: StepModel, organicReturn: StepModel
  ) {
    self.channels = channels
    self.trailer = trailer
    self.classPage = classPage
    self.addToCart = addToCart
    self.checkout = checkout
    self.holdout = holdout
    self.emailDelay = emailDelay
    self.emailOpen = emailOpen
    self.emailClick = emailClick
    self.emailReturn = emailReturn
    self.organicReturn = organicReturn
  }
}

/// A scheduled step of the reference funnel.
public struct FunnelEvent: Sendable {
  /// The steps, in funnel order. Each one counts as one model event.
  public enum Step: UInt8, Sendable, CaseIterable {
    case arrival, trailer, classPage, addToCart, checkout, email, emailOpen, emailClick,
      emailReturn, organicReturn

    /// The step's name in results.
    public var name: String {
      switch self {
      case .arrival: "arrival"
      case .trailer: "trailer"
      case .classPage: "classPage"
      case .addToCart: "addToCart"
      case .checkout: "checkout"
      case .email: "email"
      case .emailOpen: "emailOpen"
      case .emailClick: "emailClick"
      case .emailReturn: "emailReturn"
      case .organicReturn: "organicReturn"
      }
    }
  }

  /// The customer id; the model keeps at most `UInt32.max` customers.
  public let customer: UInt32
  public let step: Step

  public init(customer: UInt32, step: Step) {
    self.customer = customer
    self.step = step
  }
}

/// The counts of one run of the reference funnel.
public struct FunnelCounts: Sendable, Equatable {
  /// Events handled, by `FunnelEvent.Step` raw value.
  public var events: [Int] = Array(repeating: 0, count: FunnelEvent.Step.allCases.count)
  /// Arrivals by channel index.
  public var arrivalsByChannel: [Int]
  /// Purchases at the first checkout.
  public var checkoutPurchases = 0
  /// Abandoners in the treatment arm and in the holdout.
  public var treatmentAbandoners = 0
  public var holdoutAbandoners = 0
  /// Abandoners who later bought, by arm.
  public var treatmentConversions = 0
  public var holdoutConversions = 0
  /// Events still pending at the end of the run, which were not handled.
  public var cutOff = 0

  public init(channels: Int) {
    arrivalsByChannel = Array(repeating: 0, count: channels)
  }

  /// All events handled.
  public var totalEvents: Int { events.reduce(0, +) }

  /// Adds the counts of `other`, a run of other customers with the same channels.
  public mutating func add(_ other: FunnelCounts) {
    precondition(
      other.events.count == events.count
        && other.arrivalsByChannel.count == arrivalsByChannel.count,
      "adding counts of a different model")
    for index in events.indices { events[index] += other.events[index] }
    for index in arrivalsByChannel.indices {
      arrivalsByChannel[index] += other.arrivalsByChannel[index]
    }
    checkoutPurchases += other.checkoutPurchases
    treatmentAbandoners += other.treatmentAbandoners
    holdoutAbandoners += other.holdoutAbandoners
    treatmentConversions += other.treatmentConversions
    holdoutConversions += other.holdoutConversions
    cutOff += other.cutOff
  }
}

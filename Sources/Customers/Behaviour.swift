import Simulation

/// A step of the journey: whether it happens, and how long after the previous one.
public struct StepModel: Sendable, Hashable {
  public let probability: Double
  public let delay: Distribution

  public init(probability: Double, delay: Distribution) {
    self.probability = probability
    self.delay = delay
  }
}

/// An ad channel that brings customers to a trailer (paid display, paid social, …).
public struct AdChannel: Sendable, Hashable {
  public let name: String
  /// Share of arriving customers whose first touch is this channel.
  public let share: Double
  /// The `utm_source` and `utm_medium` its landing pages carry.
  public let source: String
  public let medium: String

  public init(name: String, share: Double, source: String, medium: String) {
    self.name = name
    self.share = share
    self.source = source
    self.medium = medium
  }
}

/// How a click in an email brings the customer back to buy the class in the cart. The
/// probability moves linearly from `irrelevantProbability` (relevance 0) to
/// `relevantProbability` (relevance 1).
public struct EmailReturnModel: Sendable, Hashable {
  public let irrelevantProbability: Double
  public let relevantProbability: Double
  public let delay: Distribution

  public init(irrelevantProbability: Double, relevantProbability: Double, delay: Distribution) {
    self.irrelevantProbability = irrelevantProbability
    self.relevantProbability = relevantProbability
    self.delay = delay
  }

  public func probability(relevance: Double) -> Double {
    let clamped = Swift.min(1, Swift.max(0, relevance))
    return irrelevantProbability + (relevantProbability - irrelevantProbability) * clamped
  }
}

/// Browsing after a class page: the customer views a Poisson number of other classes,
/// chosen by the segment's interests, each after its own delay from the class page.
public struct BrowseModel: Sendable, Hashable {
  public let meanClasses: Double
  public let delay: Distribution

  public init(meanClasses: Double, delay: Distribution) {
    self.meanClasses = meanClasses
    self.delay = delay
  }
}

/// The behaviour section of a scenario: the journey from an ad to a purchase.
public struct BehaviourModel: Sendable {
  public let channels: [AdChannel]
  /// Ad impression → trailer watched.
  public let trailer: StepModel
  /// Trailer → class page viewed.
  public let classPage: StepModel
  /// Class page → other classes viewed.
  public let browse: BrowseModel
  /// Class page → class added to the cart (the customer signs up or logs in first).
  public let addToCart: StepModel
  /// Cart → checkout: purchase with `probability` after `delay`, otherwise abandonment.
  public let checkout: StepModel
  /// Abandonment → coming back on one's own to buy.
  public let organicReturn: StepModel
  /// Email click → coming back to buy.
  public let emailReturn: EmailReturnModel

  public init(
    channels: [AdChannel], trailer: StepModel, classPage: StepModel, browse: BrowseModel,
    addToCart: StepModel,
    checkout: StepModel, organicReturn: StepModel, emailReturn: EmailReturnModel
  ) {
    self.channels = channels
    self.trailer = trailer
    self.classPage = classPage
    self.browse = browse
    self.addToCart = addToCart
    self.checkout = checkout
    self.organicReturn = organicReturn
    self.emailReturn = emailReturn
  }
}

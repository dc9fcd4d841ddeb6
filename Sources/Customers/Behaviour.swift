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

/// The trailer step: how long after an ad impression the customer who clicks starts the
/// trailer. Whether they click is the channel's `clickThrough`.
public struct TrailerModel: Sendable, Hashable {
  public let delay: Distribution

  public init(delay: Distribution) {
    self.delay = delay
  }
}

/// How a click in an email brings the customer back to buy the class in the cart. The
/// probability moves linearly from `irrelevantProbability` (relevance 0) to
/// `relevantProbability` (relevance 1).
public struct EmailReturnModel: Sendable, Hashable {
  public let irrelevantProbability: Double
  public let relevantProbability: Double
  public let delay: Distribution
  /// The chance that one listed class of the customer's favourite category appeals to
  /// them; a class of another category appeals in proportion to the interest in it.
  public let classAppeal: Double

  public init(
    irrelevantProbability: Double, relevantProbability: Double, delay: Distribution,
    classAppeal: Double = 0.5
  ) {
    self.irrelevantProbability = irrelevantProbability
    self.relevantProbability = relevantProbability
    self.delay = delay
    self.classAppeal = classAppeal
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

  /// No browsing, the default when a scenario leaves `browse` out.
  public static let none = BrowseModel(meanClasses: 0, delay: .fixed(.zero))
}

/// Multipliers that earlier touches apply to the probabilities of later steps.
///
/// The ad's own effect is not here, because it is the channel's `clickThrough`.
public struct TouchEffects: Sendable, Hashable {
  /// Multiplier (0 to 100) on the add-to-cart probability of a customer who watched the
  /// class's trailer. Visitors who landed straight on the class page did not.
  public let trailer: Double
  /// Multiplier (0 to 100) on the organic-return probability of an abandoner who opened an
  /// email about the class in the cart before the return, at relevance 1 or with
  /// `relevanceWeight` 0.
  public let emailOpen: Double
  /// How much the email's relevance (0 to 1) scales the `emailOpen` effect, from 0 (not
  /// at all) to 1 (fully).
  public let relevanceWeight: Double

  public init(trailer: Double = 1, emailOpen: Double = 1, relevanceWeight: Double = 0) {
    self.trailer = trailer
    self.emailOpen = emailOpen
    self.relevanceWeight = relevanceWeight
  }

  /// No effects: every multiplier is 1.
  public static let none = TouchEffects()

  /// Returns the multiplier on the organic-return probability after opening an email of
  /// the given relevance: 1 + (emailOpen − 1) × (1 − relevanceWeight + relevanceWeight ×
  /// relevance), with relevance clamped to 0...1.
  public func emailOpenMultiplier(relevance: Double) -> Double {
    let clamped = Swift.min(1, Swift.max(0, relevance))
    return 1 + (emailOpen - 1) * (1 - relevanceWeight + relevanceWeight * clamped)
  }
}

/// The behaviour section of a scenario: the journey from the first touch to a purchase,
/// with per-segment overrides of its steps.
public struct BehaviourModel: Sendable, Hashable {
  /// Ad click → trailer watched.
  public let trailer: TrailerModel
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
  /// Overrides of step fields by segment name.
  public let segments: [String: BehaviourOverride]
  public let touchEffects: TouchEffects

  public init(
    trailer: TrailerModel, classPage: StepModel, browse: BrowseModel = .none,
    addToCart: StepModel, checkout: StepModel, organicReturn: StepModel,
    emailReturn: EmailReturnModel, segments: [String: BehaviourOverride] = [:],
    touchEffects: TouchEffects = .none
  ) {
    self.trailer = trailer
    self.classPage = classPage
    self.browse = browse
    self.addToCart = addToCart
    self.checkout = checkout
    self.organicReturn = organicReturn
    self.emailReturn = emailReturn
    self.segments = segments
    self.touchEffects = touchEffects
  }

  /// Returns the steps of the segment `name`: these steps with the segment's overrides
  /// applied, or unchanged when it has none.
  public func resolved(forSegment name: String) -> SegmentBehaviour {
    let base = SegmentBehaviour(
      trailer: trailer, classPage: classPage, browse: browse, addToCart: addToCart,
      checkout: checkout, organicReturn: organicReturn, emailReturn: emailReturn)
    guard let override = segments[name] else { return base }
    return base.applying(override)
  }
}

/// The steps of the journey for one segment, after its overrides.
public struct SegmentBehaviour: Sendable, Hashable {
  public let trailer: TrailerModel
  public let classPage: StepModel
  public let browse: BrowseModel
  public let addToCart: StepModel
  public let checkout: StepModel
  public let organicReturn: StepModel
  public let emailReturn: EmailReturnModel

  public init(
    trailer: TrailerModel, classPage: StepModel, browse: BrowseModel, addToCart: StepModel,
    checkout: StepModel, organicReturn: StepModel, emailReturn: EmailReturnModel
  ) {
    self.trailer = trailer
    self.classPage = classPage
    self.browse = browse
    self.addToCart = addToCart
    self.checkout = checkout
    self.organicReturn = organicReturn
    self.emailReturn = emailReturn
  }
}

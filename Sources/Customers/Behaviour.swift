import Simulation

/// A step of the journey: whether it happens, and how long after the previous one.
public struct StepModel: Sendable, Hashable {
  public let probability: Double
  public let delay: Distribution

  public init(probability: Double, delay: Distribution) {
    self.probability = probability
    self.delay = delay
  }

  /// A step that never happens, the default of the optional `refund` and `passwordReset`.
  public static let never = StepModel(probability: 0, delay: .fixed(.zero))
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

/// The spread of customers' engagement with the site. Each customer draws an engagement
/// level e at arrival, lognormal with median 1: e = exp(sigma × Z) with Z standard normal,
/// so its mean is exp(sigma² / 2).
///
/// Engagement multiplies the probabilities of the class-page, add-to-cart and checkout
/// steps and of organic and email returns (each product clamped to 0...1), and the rate of
/// repeat visits. Click-through, browsing and email opens and clicks do not depend on it.
public struct EngagementModel: Sendable, Hashable {
  /// The standard deviation of ln(e), from 0 to 3. At 0 every customer has e = 1.
  public let sigma: Double

  public init(sigma: Double) {
    self.sigma = sigma
  }

  /// Everyone equally engaged (e = 1), the default when a scenario leaves `engagement` out.
  public static let none = EngagementModel(sigma: 0)
}

/// Repeat visits: after a first touch that leads on, the customer comes back to the site
/// at the times of a Poisson process with rate `ratePerWeek` × engagement, until the end
/// of the run or `maximumVisits` visits.
///
/// With `classPage.probability` × engagement (clamped to 1), a visit views the page of a
/// class drawn by the segment's interests, `classPage.delay` after the visit starts.
/// Otherwise the visit leaves no events. From that page the customer may add the class to
/// the cart and check out with the journey's `addToCart` and `checkout` steps. A customer
/// with an abandoned cart starts no second cart but may buy the abandoned class with the
/// organic-return probability, as `Journey` describes.
public struct VisitModel: Sendable, Hashable {
  /// Mean visits per week at engagement 1, from 0 to 50.
  public let ratePerWeek: Double
  /// Visit start → class page viewed.
  public let classPage: StepModel

  public init(ratePerWeek: Double, classPage: StepModel = VisitModel.defaultClassPage) {
    self.ratePerWeek = ratePerWeek
    self.classPage = classPage
  }

  /// The class page of a visit when the scenario gives none: every visit views a class page
  /// at once.
  public static let defaultClassPage = StepModel(probability: 1, delay: .fixed(.zero))

  /// No repeat visits, the default when a scenario leaves `visits` out.
  public static let none = VisitModel(ratePerWeek: 0)

  /// The maximum number of repeat visits of one customer in a run. It bounds the events of
  /// a customer with a high rate and engagement over a long run: 1,000 visits are about 20
  /// visits a week for a year.
  public static let maximumVisits: UInt32 = 1_000
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
  /// The spread of engagement across customers.
  public let engagement: EngagementModel
  /// Repeat visits to the site after the first touch.
  public let visits: VisitModel
  /// Purchase → the backend refunds it. The same for every segment.
  public let refund: StepModel
  /// First sign-up → the customer requests a password reset. The same for every segment.
  public let passwordReset: StepModel

  public init(
    trailer: TrailerModel, classPage: StepModel, browse: BrowseModel = .none,
    addToCart: StepModel, checkout: StepModel, organicReturn: StepModel,
    emailReturn: EmailReturnModel, segments: [String: BehaviourOverride] = [:],
    touchEffects: TouchEffects = .none, engagement: EngagementModel = .none,
    visits: VisitModel = .none, refund: StepModel = .never, passwordReset: StepModel = .never
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
    self.engagement = engagement
    self.visits = visits
    self.refund = refund
    self.passwordReset = passwordReset
  }

  /// Returns the steps of the segment `name`: these steps with the segment's overrides
  /// applied, or unchanged when it has none.
  public func resolved(forSegment name: String) -> SegmentBehaviour {
    let base = SegmentBehaviour(
      trailer: trailer, classPage: classPage, browse: browse, addToCart: addToCart,
      checkout: checkout, organicReturn: organicReturn, emailReturn: emailReturn,
      visits: visits)
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
  public let visits: VisitModel

  public init(
    trailer: TrailerModel, classPage: StepModel, browse: BrowseModel, addToCart: StepModel,
    checkout: StepModel, organicReturn: StepModel, emailReturn: EmailReturnModel,
    visits: VisitModel = .none
  ) {
    self.trailer = trailer
    self.classPage = classPage
    self.browse = browse
    self.addToCart = addToCart
    self.checkout = checkout
    self.organicReturn = organicReturn
    self.emailReturn = emailReturn
    self.visits = visits
  }
}

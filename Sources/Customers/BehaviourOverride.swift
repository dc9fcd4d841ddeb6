import Simulation

/// One segment's changes to the behaviour steps. A nil field keeps the scenario's value.
public struct BehaviourOverride: Sendable, Hashable {
  /// A new trailer delay. The trailer's probability is the channel's `clickThrough`, which
  /// has its own per-segment values.
  public var trailerDelay: Distribution?
  public var classPage: StepOverride?
  public var browse: BrowseOverride?
  public var addToCart: StepOverride?
  public var checkout: StepOverride?
  public var organicReturn: StepOverride?
  public var emailReturn: EmailReturnOverride?
  public var visits: VisitOverride?

  public init(
    trailerDelay: Distribution? = nil, classPage: StepOverride? = nil,
    browse: BrowseOverride? = nil, addToCart: StepOverride? = nil,
    checkout: StepOverride? = nil, organicReturn: StepOverride? = nil,
    emailReturn: EmailReturnOverride? = nil, visits: VisitOverride? = nil
  ) {
    self.trailerDelay = trailerDelay
    self.classPage = classPage
    self.browse = browse
    self.addToCart = addToCart
    self.checkout = checkout
    self.organicReturn = organicReturn
    self.emailReturn = emailReturn
    self.visits = visits
  }
}

/// New values for a step's probability and delay; nil keeps the step's own.
public struct StepOverride: Sendable, Hashable {
  public var probability: Double?
  public var delay: Distribution?

  public init(probability: Double? = nil, delay: Distribution? = nil) {
    self.probability = probability
    self.delay = delay
  }
}

/// New values for the browse model's fields; nil keeps the model's own.
public struct BrowseOverride: Sendable, Hashable {
  public var meanClasses: Double?
  public var delay: Distribution?

  public init(meanClasses: Double? = nil, delay: Distribution? = nil) {
    self.meanClasses = meanClasses
    self.delay = delay
  }
}

/// New values for the email return model's fields; nil keeps the model's own.
public struct EmailReturnOverride: Sendable, Hashable {
  public var irrelevantProbability: Double?
  public var relevantProbability: Double?
  public var delay: Distribution?

  public init(
    irrelevantProbability: Double? = nil, relevantProbability: Double? = nil,
    delay: Distribution? = nil
  ) {
    self.irrelevantProbability = irrelevantProbability
    self.relevantProbability = relevantProbability
    self.delay = delay
  }
}

/// New values for the visit model's fields; nil keeps the model's own.
public struct VisitOverride: Sendable, Hashable {
  public var ratePerWeek: Double?
  public var classPage: StepOverride?

  public init(ratePerWeek: Double? = nil, classPage: StepOverride? = nil) {
    self.ratePerWeek = ratePerWeek
    self.classPage = classPage
  }
}

extension StepModel {
  /// Returns this step with the fields that `override` gives replaced.
  public func applying(_ override: StepOverride?) -> StepModel {
    guard let override else { return self }
    return StepModel(
      probability: override.probability ?? probability, delay: override.delay ?? delay)
  }
}

extension BrowseModel {
  /// Returns this model with the fields that `override` gives replaced.
  public func applying(_ override: BrowseOverride?) -> BrowseModel {
    guard let override else { return self }
    return BrowseModel(
      meanClasses: override.meanClasses ?? meanClasses, delay: override.delay ?? delay)
  }
}

extension EmailReturnModel {
  /// Returns this model with the fields that `override` gives replaced.
  public func applying(_ override: EmailReturnOverride?) -> EmailReturnModel {
    guard let override else { return self }
    return EmailReturnModel(
      irrelevantProbability: override.irrelevantProbability ?? irrelevantProbability,
      relevantProbability: override.relevantProbability ?? relevantProbability,
      delay: override.delay ?? delay, classAppeal: classAppeal)
  }
}

extension VisitModel {
  /// Returns this model with the fields that `override` gives replaced.
  public func applying(_ override: VisitOverride?) -> VisitModel {
    guard let override else { return self }
    return VisitModel(
      ratePerWeek: override.ratePerWeek ?? ratePerWeek,
      classPage: classPage.applying(override.classPage))
  }
}

extension SegmentBehaviour {
  /// Returns these steps with a segment's overrides applied.
  public func applying(_ override: BehaviourOverride) -> SegmentBehaviour {
    SegmentBehaviour(
      trailer: TrailerModel(delay: override.trailerDelay ?? trailer.delay),
      classPage: classPage.applying(override.classPage),
      browse: browse.applying(override.browse),
      addToCart: addToCart.applying(override.addToCart),
      checkout: checkout.applying(override.checkout),
      organicReturn: organicReturn.applying(override.organicReturn),
      emailReturn: emailReturn.applying(override.emailReturn),
      visits: visits.applying(override.visits))
  }
}

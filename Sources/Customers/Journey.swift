import Simulation

/// The behaviour model at work: it decides each customer's next step and its timing.
///
/// Every decision draws from its own keyed stream, (seed, customer, purpose, occurrence),
/// so a customer's choices depend neither on other customers nor on the order in which
/// events fire. A counterfactual run that changes only what happens after an email
/// therefore makes the same choices up to that point.
///
/// Engagement and repeat visits, with e the customer's engagement and clamp(x) = min(1, x):
///
/// - e = exp(sigma × Z), with Z standard normal from the `customer.engagement` stream, is
///   drawn for every arriving customer. With sigma 0 nothing is drawn and e = 1.
/// - These probabilities become clamp(e × p), where p is the probability without
///   engagement, already clamped to 0...1:
///   - the class page after the trailer, and a visit's class page;
///   - add-to-cart, with the trailer effect in p;
///   - checkout, with the price factor in p;
///   - organic return, with the price factor and any email-open effect in p;
///   - email return, with the relevance and the price factor in p.
/// - A customer whose first touch leads on starts repeat visits at arrival. Visit k, counted
///   from 0, starts an exponential gap after visit k − 1 (after arrival for k = 0). The gap
///   has mean 1 week ÷ (ratePerWeek × e) and comes from `visit.gap` at occurrence k. No
///   visit starts after `runEnd`, and a customer makes at most `VisitModel.maximumVisits`.
/// - Visit k comes through a channel with the channel's `visitShare`, or is direct
///   (`visit.channel`, occurrence k, drawn only when some channel has a visit share).
/// - With probability clamp(e × clamp(v × classPage.probability)) (`visit.class-page`,
///   occurrence k), where v is the visit channel's `visitEffect` (1 for a direct visit),
///   visit k views the page of a class drawn by the segment's interests (`visit.class`)
///   after `classPage.delay`. The page is a `classViewed` action with the visit channel's
///   campaign, or without a campaign for a direct visit.
/// - A class page, of the first journey or of a visit, can start a cart only when
///   `CustomerState.canAddToCart(_:)` holds: no class in the cart, no add pending, and the
///   class not yet bought. A visit's add-to-cart and checkout use the segment's steps, with
///   draws from `visit.add-to-cart`, `visit.checkout-delay` and `visit.checkout` at
///   occurrence k. The trailer effect applies on a visit only to the promoted class of a
///   customer who watched its trailer. Visits do not browse.
/// - A visit by a customer with an abandoned cart never starts a second cart, because the
///   workflow enrolls a profile once. Its page may lead to buying the abandoned class
///   instead, a `visit-return` order, with the probability of an organic return at that
///   time: clamp(e × p), with the price factor and any email-open effect in p. The draws
///   come from `visit.return` at occurrence k, and the purchase follows after the checkout
///   delay. Declining is not a new abandonment. After a purchase, a visit may start a new
///   cart.
public struct Journey: Sendable {
  public let catalog: Catalog
  public let population: Population
  public let channels: [Channel]
  public let behaviour: BehaviourModel
  public let timeZones: TimeZoneMix
  /// The end of the run: no repeat visit starts after it. Nil means no end, so visits stop
  /// only at `VisitModel.maximumVisits`.
  public let runEnd: SimTime?
  /// Per segment: the steps after the segment's overrides.
  let segmentBehaviours: [SegmentBehaviour]
  /// Per segment: the first-touch channel, weighted by each channel's reach.
  let channelTables: [DiscreteDistribution]
  /// Per segment, then per channel: the click-through probability.
  let clickThrough: [[Double]]
  /// Per channel: the class indices it promotes, or nil when it promotes by interests.
  let promotedClasses: [[Int]?]
  let timeZoneTable: DiscreteDistribution
  /// Per segment, then per channel: the probability of coming anyway when the channel is
  /// switched off.
  let arrivesAnyway: [[Double]]
  /// Per channel: whether it is on. A counterfactual pass switches channels off.
  let channelIsOn: [Bool]
  /// The channel of a repeat visit: index i < channels.count for channel i, and
  /// channels.count for a direct visit. Nil when no channel has a visit share.
  let visitChannelTable: DiscreteDistribution?
  let purposes: Purposes

  struct Purposes: Sendable {
    let segment, timeZone, channel, promotedClass: RandomPurpose
    let clickThrough, classPage, browse, addToCart, checkout, organicReturn,
      emailReturn: RandomPurpose
    let engagement: RandomPurpose
    let visitGap, visitClass, visitClassPage, visitAddToCart, visitCheckoutDelay,
      visitCheckout, visitReturn: RandomPurpose
    let app, refund, passwordReset: RandomPurpose
    let visitChannel: RandomPurpose

    init(_ streams: RandomStreams) throws {
      segment = try streams.purpose("customer.segment")
      timeZone = try streams.purpose("customer.time-zone")
      channel = try streams.purpose("customer.channel")
      promotedClass = try streams.purpose("customer.promoted-class")
      clickThrough = try streams.purpose("journey.click-through")
      classPage = try streams.purpose("journey.class-page")
      browse = try streams.purpose("journey.browse")
      addToCart = try streams.purpose("journey.add-to-cart")
      checkout = try streams.purpose("journey.checkout")
      organicReturn = try streams.purpose("journey.organic-return")
      emailReturn = try streams.purpose("journey.email-return")
      engagement = try streams.purpose("customer.engagement")
      visitGap = try streams.purpose("visit.gap")
      visitClass = try streams.purpose("visit.class")
      visitClassPage = try streams.purpose("visit.class-page")
      visitAddToCart = try streams.purpose("visit.add-to-cart")
      visitCheckoutDelay = try streams.purpose("visit.checkout-delay")
      visitCheckout = try streams.purpose("visit.checkout")
      visitReturn = try streams.purpose("visit.return")
      app = try streams.purpose("customer.app")
      refund = try streams.purpose("journey.refund")
      passwordReset = try streams.purpose("journey.password-reset")
      visitChannel = try streams.purpose("visit.channel")
    }
  }

  /// Builds the per-segment tables from validated configuration.
  ///
  /// - Parameters:
  ///   - runEnd: When the run ends, so that repeat visits stop there; nil for no end.
  ///   - switchedOff: Indices of channels switched off, for a counterfactual pass. A
  ///     switched-off channel's first touch leads on only with its `arrivesAnyway`
  ///     probability, as a direct landing, and its repeat visits become direct visits
  ///     without its `visitEffect`. Every draw stays the same, so no other customer changes.
  ///
  /// - Throws: `JourneyConfigurationError` when the parts disagree, such as a channel
  ///   without a reach for some segment or a promoted class missing from the catalog. The
  ///   scenario readers reject both. `DiscreteDistributionError` when a segment's reaches
  ///   or the time zone shares are all 0. `SHA256Error` when deriving a stream fails.
  public init(
    catalog: Catalog, population: Population, channels: [Channel], behaviour: BehaviourModel,
    timeZones: TimeZoneMix = .utc, runEnd: SimTime? = nil, switchedOff: Set<Int> = [],
    streams: RandomStreams
  ) throws {
    self.catalog = catalog
    self.population = population
    self.channels = channels
    self.behaviour = behaviour
    self.timeZones = timeZones
    self.runEnd = runEnd

    let names = population.segments.map(\.name)
    for name in behaviour.segments.keys.sorted() where !names.contains(name) {
      throw JourneyConfigurationError.unknownSegment(name)
    }
    segmentBehaviours = names.map { behaviour.resolved(forSegment: $0) }
    var tables: [DiscreteDistribution] = []
    var clickThrough: [[Double]] = []
    var arrivesAnyway: [[Double]] = []
    for name in names {
      tables.append(
        try DiscreteDistribution(
          weights: try channels.map { try $0.resolvedReach(forSegment: name) }))
      clickThrough.append(try channels.map { try $0.resolvedClickThrough(forSegment: name) })
      arrivesAnyway.append(channels.map { $0.arrivesAnyway.value(forSegment: name) ?? 0 })
    }
    channelTables = tables
    self.clickThrough = clickThrough
    self.arrivesAnyway = arrivesAnyway
    channelIsOn = channels.indices.map { !switchedOff.contains($0) }
    let visitShares = channels.map(\.visitShare)
    if visitShares.contains(where: { $0 > 0 }) {
      let direct = Swift.max(0, 1 - visitShares.reduce(0, +))
      visitChannelTable = try DiscreteDistribution(weights: visitShares + [direct])
    } else {
      visitChannelTable = nil
    }
    promotedClasses = try channels.map { channel in
      guard case .classes(let ids) = channel.promotes else { return nil }
      return try ids.map { id in
        guard let index = catalog.index(ofClassID: id) else {
          throw JourneyConfigurationError.unknownClass(id, channel: channel.name)
        }
        return index
      }
    }
    timeZoneTable = try DiscreteDistribution(weights: timeZones.zones.map(\.share))
    purposes = try Purposes(streams)
  }

  /// Starts a customer's journey: draws the segment, the time zone, the engagement, the
  /// first-touch channel and the class it promotes, then whether and when the touch leads
  /// on. An ad leads to the trailer after the trailer delay. The other kinds land on the
  /// class page at once. A touch that leads on also starts the repeat visits.
  ///
  /// When the channel is switched off, the same uniform draw u decides: the customer comes
  /// anyway when u < min(arrivesAnyway, clickThrough), and lands on the class page without
  /// a campaign and without the trailer.
  public func arrive<Context: JourneyContext>(
    _ customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    var segmentStream = purposes.segment.stream(customer: customer)
    state.segment = segmentStream.discrete(population.segmentTable)
    var zoneStream = purposes.timeZone.stream(customer: customer)
    state.timeZone = zoneStream.discrete(timeZoneTable)
    var channelStream = purposes.channel.stream(customer: customer)
    state.channel = channelStream.discrete(channelTables[state.segment])
    state.promotedClass = drawPromotedClass(customer: customer, state: state)
    state.engagement = drawEngagement(customer: customer)
    state.usesApp = drawsApp(customer: customer, segment: state.segment)

    var stream = purposes.clickThrough.stream(customer: customer)
    let isOn = channelIsOn[state.channel]
    let through = clickThrough[state.segment][state.channel]
    let probability =
      isOn ? through : Swift.min(through, arrivesAnyway[state.segment][state.channel])
    guard stream.bernoulli(scaled(probability, by: 1)) else {
      return
    }
    if isOn && channels[state.channel].kind.isAd {
      let delay = segmentBehaviours[state.segment].trailer.delay.sample(&stream)
      context.schedule(
        JourneyEvent(customer: customer, step: .trailer, classIndex: state.promotedClass),
        after: delay)
    } else {
      context.schedule(
        JourneyEvent(customer: customer, step: .landing, classIndex: state.promotedClass),
        after: .zero)
    }
    scheduleVisit(0, customer: customer, state: state, context: &context)
  }

  /// Handles a scheduled step: records what the customer does and decides the next step.
  public func handle<Context: JourneyContext>(
    _ event: JourneyEvent, state: inout CustomerState, context: inout Context
  ) {
    let customer = event.customer
    let classIndex = Int(event.classIndex)
    let steps = segmentBehaviours[state.segment]

    switch event.step {
    case .trailer:
      state.watchedTrailer = true
      record(
        .trailerWatched(channel: state.channel, classIndex: classIndex), customer: customer,
        state: state, campaignChannel: state.channel, context: &context)
      decide(
        scaled(steps.classPage.probability, by: state.engagement), delay: steps.classPage.delay,
        purpose: purposes.classPage, customer: customer, then: .classPage,
        classIndex: classIndex, context: &context)

    case .classPage:
      record(
        .classViewed(classIndex: classIndex), customer: customer, state: state, context: &context)
      continueFromClassPage(classIndex, customer: customer, state: &state, context: &context)

    case .landing:
      record(
        .classViewed(classIndex: classIndex), customer: customer, state: state,
        campaignChannel: channelIsOn[state.channel] ? state.channel : nil, context: &context)
      continueFromClassPage(classIndex, customer: customer, state: &state, context: &context)

    case .browse:
      record(
        .classViewed(classIndex: classIndex), customer: customer, state: state, context: &context)

    case .addToCart:
      var stream = purposes.checkout.stream(customer: customer)
      addToCart(
        classIndex, customer: customer, checkoutStream: &stream,
        checkout: JourneyEvent(customer: customer, step: .checkout, classIndex: classIndex),
        state: &state, context: &context)

    case .checkout:
      var stream = purposes.checkout.stream(customer: customer, occurrence: 1)
      checkOut(classIndex, customer: customer, stream: &stream, state: &state, context: &context)

    case .organicReturn:
      returnOrganically(classIndex, customer: customer, state: &state, context: &context)

    case .emailReturn:
      if !state.hasPurchased(classIndex) {
        record(
          .checkoutStarted(classIndex: classIndex), customer: customer, state: state,
          session: .returning, context: &context)
        purchase(
          classIndex, cause: .emailReturn, customer: customer, session: .returning,
          state: &state, context: &context)
      }

    case .visit:
      startVisit(event.visit, customer: customer, state: &state, context: &context)

    case .visitClassPage:
      viewVisitClassPage(
        classIndex, visit: event.visit, customer: customer, state: &state, context: &context)

    case .visitAddToCart:
      var stream = purposes.visitCheckoutDelay.stream(
        customer: customer, occurrence: UInt32(event.visit))
      let checkout = JourneyEvent(
        customer: customer, step: .visitCheckout, classIndex: classIndex, visit: event.visit)
      addToCart(
        classIndex, customer: customer, checkoutStream: &stream, checkout: checkout,
        session: .returning, state: &state, context: &context)

    case .visitCheckout:
      var stream = purposes.visitCheckout.stream(
        customer: customer, occurrence: UInt32(event.visit))
      checkOut(
        classIndex, customer: customer, stream: &stream, session: .returning, state: &state,
        context: &context)

    case .visitReturn:
      returnOnVisit(classIndex, customer: customer, state: &state, context: &context)

    case .refund:
      refund(classIndex, customer: customer, state: state, context: &context)

    case .passwordReset:
      record(.passwordResetRequested, customer: customer, state: state, context: &context)
    }
  }

  /// Notes that the customer opened an email about `classIndex`. When that is the class in
  /// the cart and not yet bought, a later organic-return decision uses the
  /// `touchEffects.emailOpen` multiplier at this email's relevance. The latest open counts.
  ///
  /// It draws nothing and schedules nothing.
  public func emailOpened(
    aboutClass classIndex: Int, relevance: Double, state: inout CustomerState
  ) {
    guard let cartClass = state.cartClass, cartClass == classIndex, !state.hasPurchased(cartClass)
    else { return }
    state.cartEmailOpenRelevance = relevance
  }

  /// Reacts to a click in an email about `classIndex`, when that is the class in the cart
  /// and not yet bought. The customer then comes back to buy it with a probability that
  /// grows with the email's relevance, times the price factor of the class and the
  /// engagement. A click on an email about another class, such as an earlier cart's, does
  /// nothing.
  ///
  /// - Parameter emailNumber: counts the customer's email clicks from 0, so each click
  ///   draws from its own stream.
  public func emailClicked<Context: JourneyContext>(
    customer: UInt64, aboutClass classIndex: Int, relevance: Double, emailNumber: UInt32,
    state: inout CustomerState, context: inout Context
  ) {
    guard let cartClass = state.cartClass, cartClass == classIndex,
      !state.hasPurchased(cartClass)
    else { return }
    let model = segmentBehaviours[state.segment].emailReturn
    var stream = purposes.emailReturn.stream(customer: customer, occurrence: emailNumber)
    let probability = scaled(
      scaled(model.probability(relevance: relevance), by: priceFactor(of: cartClass, for: state)),
      by: state.engagement)
    if stream.bernoulli(probability) {
      context.schedule(
        JourneyEvent(customer: customer, step: .emailReturn, classIndex: cartClass),
        after: model.delay.sample(&stream))
    }
  }

  /// Computes how relevant a list of classes is to a customer: the chance that at least
  /// one listed class appeals, 1 − Π(1 − a·iᵢ), where iᵢ is the segment's interest in the
  /// class's category scaled so the favourite is 1, and a is `emailReturn.classAppeal`.
  /// Each relevant class adds to the chance and an irrelevant one adds little, so a list
  /// chosen from the customer's interests beats a fixed list. An empty list has relevance 0.
  public func relevance(of classes: [Int], for state: CustomerState) -> Double {
    let appeal = behaviour.emailReturn.classAppeal
    var missed = 1.0
    for classIndex in classes {
      let category = catalog.categoryIndex[classIndex]
      let interest = population.relativeInterest(ofSegment: state.segment, inCategory: category)
      missed *= 1 - appeal * interest
    }
    return 1 - missed
  }

  /// Returns the multiplier on email open and click probabilities for the customer's segment.
  public func emailResponsiveness(of state: CustomerState) -> Double {
    population.segments[state.segment].emailResponsiveness
  }

  /// Returns the time zone the customer lives in.
  public func timeZone(of state: CustomerState) -> TimeZoneMix.Zone {
    timeZones.zones[state.timeZone]
  }
}

/// Configuration parts that disagree with each other, found when a `Journey` is built.
/// Scenarios read by the scenario readers never cause it.
public enum JourneyConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `behaviour.segments` overrides a segment that the population does not have.
  case unknownSegment(String)
  /// A channel's reach or click-through gives no value for a segment.
  case missingSegmentValue(channel: String, field: String, segment: String)
  case unknownClass(String, channel: String)

  public var description: String {
    switch self {
    case .unknownSegment(let name):
      "behaviour.segments names \"\(name)\", which is not a segment of the population"
    case .missingSegmentValue(let channel, let field, let segment):
      "channel \"\(channel)\" has no \(field) for segment \"\(segment)\""
    case .unknownClass(let id, let channel):
      "channel \"\(channel)\" promotes class \"\(id)\", which is not in the catalog"
    }
  }
}

extension Channel {
  func resolvedReach(forSegment name: String) throws(JourneyConfigurationError) -> Double {
    guard let value = reach.value(forSegment: name) else {
      throw .missingSegmentValue(channel: self.name, field: "reach", segment: name)
    }
    return value
  }

  func resolvedClickThrough(forSegment name: String) throws(JourneyConfigurationError) -> Double {
    guard let value = clickThrough.value(forSegment: name) else {
      throw .missingSegmentValue(channel: self.name, field: "clickThrough", segment: name)
    }
    return value
  }
}

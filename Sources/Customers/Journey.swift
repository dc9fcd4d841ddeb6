import Simulation

/// The behaviour model at work: it decides each customer's next step and its timing.
///
/// Every decision draws from its own keyed stream, (seed, customer, purpose, occurrence),
/// so a customer's choices depend neither on other customers nor on the order in which
/// events fire. A counterfactual run that changes only what happens after an email
/// therefore makes the same choices up to that point.
public struct Journey: Sendable {
  public let catalog: Catalog
  public let population: Population
  public let behaviour: BehaviourModel
  let channelTable: DiscreteDistribution
  let purposes: Purposes

  struct Purposes: Sendable {
    let segment, channel, promotedClass: RandomPurpose
    let trailer, classPage, browse, addToCart, checkout, organicReturn, emailReturn: RandomPurpose

    init(_ streams: RandomStreams) throws {
      segment = try streams.purpose("customer.segment")
      channel = try streams.purpose("customer.channel")
      promotedClass = try streams.purpose("customer.promoted-class")
      trailer = try streams.purpose("journey.trailer")
      classPage = try streams.purpose("journey.class-page")
      browse = try streams.purpose("journey.browse")
      addToCart = try streams.purpose("journey.add-to-cart")
      checkout = try streams.purpose("journey.checkout")
      organicReturn = try streams.purpose("journey.organic-return")
      emailReturn = try streams.purpose("journey.email-return")
    }
  }

  public init(
    catalog: Catalog, population: Population, behaviour: BehaviourModel,
    streams: RandomStreams
  ) throws {
    self.catalog = catalog
    self.population = population
    self.behaviour = behaviour
    self.channelTable = try DiscreteDistribution(weights: behaviour.channels.map(\.share))
    self.purposes = try Purposes(streams)
  }

  /// Starts a customer's journey: draws the segment, the ad channel and the promoted
  /// class, then whether and when the customer watches the trailer.
  public func arrive<Context: JourneyContext>(
    _ customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    var segmentStream = purposes.segment.stream(customer: customer)
    state.segment = segmentStream.discrete(population.segmentTable)
    var channelStream = purposes.channel.stream(customer: customer)
    state.channel = channelStream.discrete(channelTable)
    var classStream = purposes.promotedClass.stream(customer: customer)
    state.promotedClass = classStream.discrete(population.classTables[state.segment])

    decide(
      behaviour.trailer, purpose: purposes.trailer, customer: customer,
      then: .trailer, classIndex: state.promotedClass, context: &context)
  }

  /// Handles a scheduled step: records what the customer does and decides the next step.
  public func handle<Context: JourneyContext>(
    _ event: JourneyEvent, state: inout CustomerState, context: inout Context
  ) {
    let customer = event.customer
    let classIndex = Int(event.classIndex)

    switch event.step {
    case .trailer:
      record(
        .trailerWatched(channel: state.channel, classIndex: classIndex), customer: customer,
        signedIn: state.hasSignedUp, context: &context)
      decide(
        behaviour.classPage, purpose: purposes.classPage, customer: customer,
        then: .classPage, classIndex: classIndex, context: &context)

    case .classPage:
      record(
        .classViewed(classIndex: classIndex), customer: customer, signedIn: state.hasSignedUp,
        context: &context)
      scheduleBrowsing(around: classIndex, customer: customer, state: state, context: &context)
      decide(
        behaviour.addToCart, purpose: purposes.addToCart, customer: customer,
        then: .addToCart, classIndex: classIndex, context: &context)

    case .browse:
      record(
        .classViewed(classIndex: classIndex), customer: customer, signedIn: state.hasSignedUp,
        context: &context)

    case .addToCart:
      record(
        .identified(firstTime: !state.hasSignedUp), customer: customer, signedIn: true,
        context: &context)
      state.hasSignedUp = true
      state.cartClass = classIndex
      record(
        .productAdded(classIndex: classIndex), customer: customer, signedIn: true, context: &context
      )
      var stream = purposes.checkout.stream(customer: customer)
      context.schedule(
        JourneyEvent(customer: customer, step: .checkout, classIndex: classIndex),
        after: behaviour.checkout.delay.sample(&stream))

    case .checkout:
      var stream = purposes.checkout.stream(customer: customer, occurrence: 1)
      if stream.bernoulli(behaviour.checkout.probability) {
        record(
          .checkoutStarted(classIndex: classIndex), customer: customer, signedIn: state.hasSignedUp,
          context: &context)
        purchase(classIndex, cause: .checkout, customer: customer, state: &state, context: &context)
      } else {
        abandon(classIndex, customer: customer, state: &state, context: &context)
      }

    case .organicReturn:
      if !state.hasPurchased(classIndex) {
        record(
          .checkoutStarted(classIndex: classIndex), customer: customer, signedIn: state.hasSignedUp,
          context: &context)
        purchase(
          classIndex, cause: .organicReturn, customer: customer, state: &state,
          context: &context)
      }

    case .emailReturn:
      if !state.hasPurchased(classIndex) {
        record(
          .checkoutStarted(classIndex: classIndex), customer: customer, signedIn: state.hasSignedUp,
          context: &context)
        purchase(
          classIndex, cause: .emailReturn, customer: customer, state: &state, context: &context)
      }
    }
  }

  /// Reacts to a click in an email about the class in the cart: the customer comes back
  /// to buy it with a probability that grows with the email's relevance.
  ///
  /// - Parameter emailNumber: counts the customer's email clicks from 0, so each click
  ///   draws from its own stream.
  public func emailClicked<Context: JourneyContext>(
    customer: UInt64, relevance: Double, emailNumber: UInt32, state: inout CustomerState,
    context: inout Context
  ) {
    guard let cartClass = state.cartClass, !state.hasPurchased(cartClass) else { return }
    var stream = purposes.emailReturn.stream(customer: customer, occurrence: emailNumber)
    let probability = behaviour.emailReturn.probability(relevance: relevance)
    if stream.bernoulli(probability) {
      context.schedule(
        JourneyEvent(customer: customer, step: .emailReturn, classIndex: cartClass),
        after: behaviour.emailReturn.delay.sample(&stream))
    }
  }

  /// Computes how relevant a list of classes is to a customer: the mean of the segment's
  /// interest in each class's category, scaled so the favourite category is 1. An empty
  /// list has relevance 0.
  public func relevance(of classes: [Int], for state: CustomerState) -> Double {
    guard !classes.isEmpty else { return 0 }
    let segment = population.segments[state.segment]
    let total = classes.reduce(0.0) {
      $0 + segment.relativeInterest(inCategory: catalog.categoryIndex[$1])
    }
    return total / Double(classes.count)
  }

  /// Returns the multiplier on email open and click probabilities for the customer's segment.
  public func emailResponsiveness(of state: CustomerState) -> Double {
    population.segments[state.segment].emailResponsiveness
  }

  // MARK: Steps

  private func decide<Context: JourneyContext>(
    _ model: StepModel, purpose: RandomPurpose, customer: UInt64,
    then step: JourneyEvent.Step, classIndex: Int, context: inout Context
  ) {
    var stream = purpose.stream(customer: customer)
    guard stream.bernoulli(model.probability) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: step, classIndex: classIndex),
      after: model.delay.sample(&stream))
  }

  private func record<Context: JourneyContext>(
    _ kind: CustomerAction.Kind, customer: UInt64, signedIn: Bool, context: inout Context
  ) {
    context.record(
      CustomerAction(customer: customer, time: context.now, kind: kind, signedIn: signedIn))
  }

  private func scheduleBrowsing<Context: JourneyContext>(
    around classIndex: Int, customer: UInt64, state: CustomerState, context: inout Context
  ) {
    guard behaviour.browse.meanClasses > 0 else { return }
    var stream = purposes.browse.stream(customer: customer)
    let count = stream.poisson(mean: behaviour.browse.meanClasses)
    for _ in 0..<count {
      let other = stream.discrete(population.classTables[state.segment])
      guard other != classIndex else { continue }
      context.schedule(
        JourneyEvent(customer: customer, step: .browse, classIndex: other),
        after: behaviour.browse.delay.sample(&stream))
    }
  }

  private func purchase<Context: JourneyContext>(
    _ classIndex: Int, cause: CustomerAction.Cause, customer: UInt64,
    state: inout CustomerState, context: inout Context
  ) {
    state.purchases.append((classIndex, context.now))
    if state.cartClass == classIndex {
      state.cartClass = nil
    }
    let order = CustomerAction.Kind.orderCompleted(
      classIndex: classIndex, orderNumber: state.purchases.count,
      revenueCents: catalog.classes[classIndex].priceCents, cause: cause)
    record(order, customer: customer, signedIn: state.hasSignedUp, context: &context)
  }

  private func abandon<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    let occurrence = state.abandonments
    state.abandonments += 1
    if state.firstAbandonment == nil {
      state.firstAbandonment = context.now
    }
    var stream = purposes.organicReturn.stream(customer: customer, occurrence: occurrence)
    guard stream.bernoulli(behaviour.organicReturn.probability) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: .organicReturn, classIndex: classIndex),
      after: behaviour.organicReturn.delay.sample(&stream))
  }
}

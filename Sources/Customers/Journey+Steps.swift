import Simulation

// The steps shared by several journey events, and the probability adjustments.

extension Journey {
  /// Draws the class of the first touch: by the segment's interests, or uniformly from the
  /// channel's listed classes.
  func drawPromotedClass(customer: UInt64, state: CustomerState) -> Int {
    var stream = purposes.promotedClass.stream(customer: customer)
    guard let listed = promotedClasses[state.channel], !listed.isEmpty else {
      return stream.discrete(population.classTables[state.segment])
    }
    return listed[stream.uniformInteger(below: listed.count)]
  }

  /// Decides with `probability`, clamped to 0...1, whether `step` happens, and if so
  /// schedules it after a delay drawn from the same stream.
  func decide<Context: JourneyContext>(
    _ probability: Double, delay: Distribution, purpose: RandomPurpose, customer: UInt64,
    then step: JourneyEvent.Step, classIndex: Int, context: inout Context
  ) {
    var stream = purpose.stream(customer: customer)
    guard stream.bernoulli(scaled(probability, by: 1)) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: step, classIndex: classIndex),
      after: delay.sample(&stream))
  }

  /// Records `kind` now, with the customer's time zone and whether they use the app.
  ///
  /// - Parameter signedIn: Whether the customer is signed in; nil takes it from `state`.
  func record<Context: JourneyContext>(
    _ kind: CustomerAction.Kind, customer: UInt64, state: CustomerState, signedIn: Bool? = nil,
    campaignChannel: Int? = nil, session: CustomerAction.Session = .firstTouch,
    context: inout Context
  ) {
    context.record(
      CustomerAction(
        customer: customer, time: context.now, kind: kind,
        signedIn: signedIn ?? state.hasSignedUp, timeZone: timeZone(of: state).name,
        campaignChannel: campaignChannel, session: session, usesApp: state.usesApp))
  }

  /// Continues from the first journey's class page, reached from the trailer or landed
  /// on: schedules the browsing and decides whether the class goes into the cart. The
  /// add-to-cart probability is multiplied by `touchEffects.trailer` when the customer
  /// watched the trailer, and then by the engagement. A customer who cannot add the class
  /// (see `CustomerState.canAddToCart(_:)`) only browses.
  func continueFromClassPage<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    let steps = segmentBehaviours[state.segment]
    scheduleBrowsing(
      around: classIndex, model: steps.browse, customer: customer, state: state,
      context: &context)
    guard state.canAddToCart(classIndex) else { return }
    let effect = state.watchedTrailer ? behaviour.touchEffects.trailer : 1
    let probability = scaled(
      scaled(steps.addToCart.probability, by: effect), by: state.engagement)
    var stream = purposes.addToCart.stream(customer: customer)
    guard stream.bernoulli(probability) else { return }
    state.addToCartPending = true
    context.schedule(
      JourneyEvent(customer: customer, step: .addToCart, classIndex: classIndex),
      after: steps.addToCart.delay.sample(&stream))
  }

  /// Adds `classIndex` to the cart: the customer signs up or logs in first, and the
  /// checkout decision comes after the checkout delay, drawn from `checkoutStream`.
  ///
  /// At the first sign-up, the customer requests a password reset with
  /// `passwordReset.probability`, after `passwordReset.delay`, both drawn from the
  /// `journey.password-reset` stream.
  func addToCart<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, checkoutStream: inout RandomStream,
    checkout: JourneyEvent, session: CustomerAction.Session = .firstTouch,
    state: inout CustomerState, context: inout Context
  ) {
    let firstTime = !state.hasSignedUp
    record(
      .identified(firstTime: firstTime, classesOwned: state.purchases.map(\.classIndex)),
      customer: customer, state: state, signedIn: true, session: session, context: &context)
    state.hasSignedUp = true
    if firstTime {
      schedulePasswordReset(customer: customer, context: &context)
    }
    state.cartClass = classIndex
    state.addToCartPending = false
    state.checkoutPending = true
    state.cartEmailOpenRelevance = nil
    record(
      .productAdded(classIndex: classIndex), customer: customer, state: state, signedIn: true,
      session: session, context: &context)
    let delay = segmentBehaviours[state.segment].checkout.delay.sample(&checkoutStream)
    context.schedule(checkout, after: delay)
  }

  /// Decides with one draw from `stream`, at `checkoutProbability(_:state:)`, whether the
  /// customer buys the class in the cart or abandons it.
  func checkOut<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, stream: inout RandomStream,
    session: CustomerAction.Session = .firstTouch, state: inout CustomerState,
    context: inout Context
  ) {
    state.checkoutPending = false
    if stream.bernoulli(checkoutProbability(classIndex, state: state)) {
      record(
        .checkoutStarted(classIndex: classIndex), customer: customer, state: state,
        session: session, context: &context)
      purchase(
        classIndex, cause: .checkout, customer: customer, session: session, state: &state,
        context: &context)
    } else {
      abandon(classIndex, customer: customer, state: &state, context: &context)
    }
  }

  func scheduleBrowsing<Context: JourneyContext>(
    around classIndex: Int, model: BrowseModel, customer: UInt64, state: CustomerState,
    context: inout Context
  ) {
    guard model.meanClasses > 0 else { return }
    var stream = purposes.browse.stream(customer: customer)
    let count = stream.poisson(mean: model.meanClasses)
    for _ in 0..<count {
      let other = stream.discrete(population.classTables[state.segment])
      guard other != classIndex else { continue }
      context.schedule(
        JourneyEvent(customer: customer, step: .browse, classIndex: other),
        after: model.delay.sample(&stream))
    }
  }

  /// Records the purchase of `classIndex` and decides whether the backend refunds it: with
  /// `refund.probability`, after `refund.delay`, both drawn from the `journey.refund` stream
  /// at the order number.
  func purchase<Context: JourneyContext>(
    _ classIndex: Int, cause: CustomerAction.Cause, customer: UInt64,
    session: CustomerAction.Session = .firstTouch, state: inout CustomerState,
    context: inout Context
  ) {
    state.purchases.append((classIndex, context.now))
    if state.cartClass == classIndex {
      state.cartClass = nil
      state.cartEmailOpenRelevance = nil
    }
    let orderNumber = state.purchases.count
    let order = CustomerAction.Kind.orderCompleted(
      classIndex: classIndex, orderNumber: orderNumber,
      revenueCents: catalog.classes[classIndex].priceCents, cause: cause)
    record(order, customer: customer, state: state, session: session, context: &context)

    let refund = behaviour.refund
    guard refund.probability > 0 else { return }
    var stream = purposes.refund.stream(customer: customer, occurrence: UInt32(orderNumber))
    guard stream.bernoulli(refund.probability) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: .refund, classIndex: classIndex),
      after: refund.delay.sample(&stream))
  }

  /// Records the refund of the order that bought `classIndex`. A class is bought at most
  /// once (see `CustomerState.canAddToCart(_:)`), so its place in `purchases` gives the
  /// order number.
  func refund<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: CustomerState, context: inout Context
  ) {
    guard let index = state.purchases.firstIndex(where: { $0.classIndex == classIndex }) else {
      return
    }
    record(
      .orderRefunded(
        classIndex: classIndex, orderNumber: index + 1,
        revenueCents: catalog.classes[classIndex].priceCents),
      customer: customer, state: state, context: &context)
  }

  /// Decides at the first sign-up whether the customer will request a password reset.
  func schedulePasswordReset<Context: JourneyContext>(
    customer: UInt64, context: inout Context
  ) {
    let reset = behaviour.passwordReset
    guard reset.probability > 0 else { return }
    var stream = purposes.passwordReset.stream(customer: customer)
    guard stream.bernoulli(reset.probability) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: .passwordReset, classIndex: 0),
      after: reset.delay.sample(&stream))
  }

  /// Draws whether the customer uses the app, with the segment's `appShare`, from the
  /// `customer.app` stream. Returns false without a draw when the share is 0.
  func drawsApp(customer: UInt64, segment: Int) -> Bool {
    let share = population.segments[segment].appShare
    guard share > 0 else { return false }
    var stream = purposes.app.stream(customer: customer)
    return stream.bernoulli(share)
  }

  // MARK: Organic return

  /// Abandons the cart and schedules a possible organic return.
  ///
  /// Whether the customer returns is decided at the return time, because an email opened
  /// before then raises (or lowers) the probability. The stream of this abandonment
  /// supplies a uniform draw u first and the delay after it. The return is scheduled only
  /// when u is below the highest probability any email could give, and at the return time
  /// `returnOrganically` draws u again from the same stream and compares it with the
  /// probability then. This gives the same decisions as scheduling every abandoner, with
  /// fewer events.
  func abandon<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    let occurrence = state.abandonments
    state.abandonments += 1
    if state.firstAbandonment == nil {
      state.firstAbandonment = context.now
    }
    let model = segmentBehaviours[state.segment].organicReturn
    let ceiling = scaled(
      scaled(
        organicReturnProbability(classIndex, state: state),
        by: Swift.max(1, behaviour.touchEffects.emailOpen)),
      by: state.engagement)
    var stream = purposes.organicReturn.stream(customer: customer, occurrence: occurrence)
    guard stream.uniform() < ceiling else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: .organicReturn, classIndex: classIndex),
      after: model.delay.sample(&stream))
  }

  /// Decides at the return time whether an abandoner comes back to buy, and records the
  /// purchase if so.
  func returnOrganically<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    guard !state.hasPurchased(classIndex), state.abandonments > 0 else { return }
    // A customer starts a new cart only after buying the class in the last one (see
    // `CustomerState.canAddToCart(_:)`), so the return of an earlier cart stops at the
    // guard above, and this return belongs to the latest abandonment.
    var stream = purposes.organicReturn.stream(
      customer: customer, occurrence: state.abandonments - 1)
    guard stream.uniform() < returnProbability(classIndex, state: state) else { return }
    record(
      .checkoutStarted(classIndex: classIndex), customer: customer, state: state,
      session: .returning, context: &context)
    purchase(
      classIndex, cause: .organicReturn, customer: customer, session: .returning,
      state: &state, context: &context)
  }

  /// Returns the probability that an abandoner returns on their own to buy `classIndex`,
  /// now. It is the organic-return probability, times the `touchEffects.emailOpen`
  /// multiplier when the customer opened an email about the class in the cart, then times
  /// the engagement, each product clamped to 0...1.
  func returnProbability(_ classIndex: Int, state: CustomerState) -> Double {
    var probability = organicReturnProbability(classIndex, state: state)
    if let relevance = state.cartEmailOpenRelevance, state.cartClass == classIndex {
      probability = scaled(
        probability, by: behaviour.touchEffects.emailOpenMultiplier(relevance: relevance))
    }
    return scaled(probability, by: state.engagement)
  }

  /// Returns the checkout probability of `classIndex`: the segment's step probability times
  /// the price factor, then times the engagement, each product clamped to 0...1.
  func checkoutProbability(_ classIndex: Int, state: CustomerState) -> Double {
    scaled(
      scaled(
        segmentBehaviours[state.segment].checkout.probability,
        by: priceFactor(of: classIndex, for: state)),
      by: state.engagement)
  }

  /// Returns the organic-return probability before any email effect: the segment's step
  /// probability times the price factor of the class, clamped to 0...1.
  func organicReturnProbability(_ classIndex: Int, state: CustomerState) -> Double {
    scaled(
      segmentBehaviours[state.segment].organicReturn.probability,
      by: priceFactor(of: classIndex, for: state))
  }

  // MARK: Adjustments

  /// Returns the factor on purchase probabilities for `classIndex` in the customer's
  /// segment; see `Segment.priceFactor(priceCents:meanPriceCents:)`.
  func priceFactor(of classIndex: Int, for state: CustomerState) -> Double {
    population.segments[state.segment].priceFactor(
      priceCents: catalog.classes[classIndex].priceCents,
      meanPriceCents: catalog.meanPriceCents)
  }

  /// Returns `probability × factor` clamped to 0...1. A probability or factor of 0 gives 0,
  /// even when the other is infinite, and the result is never NaN.
  func scaled(_ probability: Double, by factor: Double) -> Double {
    guard probability > 0, factor > 0 else { return 0 }
    return Swift.min(1, probability * factor)
  }
}

import Simulation

// Engagement and repeat visits. The `Journey` documentation states the model.

extension Journey {
  /// Simulated milliseconds in a week, the unit of `VisitModel.ratePerWeek`.
  static let millisecondsPerWeek = 604_800_000.0

  /// Draws the customer's engagement, exp(sigma × Z), from the `customer.engagement`
  /// stream. Returns 1 without a draw when sigma is 0.
  func drawEngagement(customer: UInt64) -> Double {
    let sigma = behaviour.engagement.sigma
    guard sigma > 0 else { return 1 }
    var stream = purposes.engagement.stream(customer: customer)
    return stream.lognormal(median: 1, sigma: sigma)
  }

  /// Schedules repeat visit `number` (counted from 0) after an exponential gap from now,
  /// drawn from the `visit.gap` stream at occurrence `number`. Schedules nothing when the
  /// rate is 0, when the customer has made `VisitModel.maximumVisits` visits, or when the
  /// visit would start after `runEnd`.
  func scheduleVisit<Context: JourneyContext>(
    _ number: UInt32, customer: UInt64, state: CustomerState, context: inout Context
  ) {
    guard number < VisitModel.maximumVisits else { return }
    let rate = segmentBehaviours[state.segment].visits.ratePerWeek * state.engagement
    guard rate > 0, rate.isFinite else { return }
    // A rate so low that the mean gap overflows means no visit in any run.
    let meanGap = Journey.millisecondsPerWeek / rate
    guard meanGap.isFinite, meanGap > 0 else { return }

    var stream = purposes.visitGap.stream(customer: customer, occurrence: number)
    let gap = SimDuration(roundingMilliseconds: stream.exponential(mean: meanGap))
    if let runEnd, context.now + gap > runEnd {
      return
    }
    context.schedule(
      JourneyEvent(customer: customer, step: .visit, classIndex: 0, visit: UInt16(number)),
      after: gap)
  }

  /// Returns the channel that repeat visit `visit` comes through, drawn from the
  /// `visit.channel` stream at occurrence `visit` by the channels' visit shares, or nil for
  /// a direct visit. A switched-off channel's visit is direct, with the same draw. Nothing
  /// is drawn when no channel has a visit share.
  func visitChannel(customer: UInt64, visit: UInt16) -> Int? {
    guard let visitChannelTable else { return nil }
    var stream = purposes.visitChannel.stream(customer: customer, occurrence: UInt32(visit))
    let index = stream.discrete(visitChannelTable)
    guard index < channels.count, channelIsOn[index] else { return nil }
    return index
  }

  /// Starts repeat visit `number`: draws its class by the segment's interests and whether
  /// and when its page is viewed, then schedules the next visit.
  func startVisit<Context: JourneyContext>(
    _ number: UInt16, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    state.visits += 1
    let classPage = segmentBehaviours[state.segment].visits.classPage
    let occurrence = UInt32(number)

    let effect = visitChannel(customer: customer, visit: number).map {
      channels[$0].visitEffect
    }
    let probability = scaled(scaled(classPage.probability, by: effect ?? 1), by: state.engagement)
    var pageStream = purposes.visitClassPage.stream(customer: customer, occurrence: occurrence)
    if pageStream.bernoulli(probability) {
      var classStream = purposes.visitClass.stream(customer: customer, occurrence: occurrence)
      let classIndex = classStream.discrete(population.classTables[state.segment])
      context.schedule(
        JourneyEvent(
          customer: customer, step: .visitClassPage, classIndex: classIndex, visit: number),
        after: classPage.delay.sample(&pageStream))
    }
    scheduleVisit(occurrence + 1, customer: customer, state: state, context: &context)
  }

  /// Records the class page of repeat visit `visit`, a view without a campaign, and
  /// decides what follows it.
  ///
  /// A customer with an abandoned cart may buy its class, as `decideVisitReturn` describes.
  /// Declining leaves the cart as it is and counts as no new abandonment.
  ///
  /// Another customer who can add the viewed class (see `CustomerState.canAddToCart(_:)`)
  /// adds it with the segment's add-to-cart probability, times `touchEffects.trailer` when
  /// this is the promoted class and the customer watched its trailer, then times the
  /// engagement. Anyone else only views the page, such as a customer whose cart waits for
  /// its checkout decision.
  func viewVisitClassPage<Context: JourneyContext>(
    _ classIndex: Int, visit: UInt16, customer: UInt64, state: inout CustomerState,
    context: inout Context
  ) {
    record(
      .classViewed(classIndex: classIndex), customer: customer, state: state,
      campaignChannel: visitChannel(customer: customer, visit: visit), session: .returning,
      context: &context)
    if let cartClass = state.cartClass, state.hasAbandonedCart {
      decideVisitReturn(
        cartClass, visit: visit, customer: customer, state: state, context: &context)
      return
    }
    guard state.canAddToCart(classIndex) else { return }

    let addToCart = segmentBehaviours[state.segment].addToCart
    let watchedThisTrailer = state.watchedTrailer && classIndex == state.promotedClass
    let effect = watchedThisTrailer ? behaviour.touchEffects.trailer : 1
    let probability = scaled(scaled(addToCart.probability, by: effect), by: state.engagement)
    var stream = purposes.visitAddToCart.stream(customer: customer, occurrence: UInt32(visit))
    guard stream.bernoulli(probability) else { return }
    state.addToCartPending = true
    context.schedule(
      JourneyEvent(
        customer: customer, step: .visitAddToCart, classIndex: classIndex, visit: visit),
      after: addToCart.delay.sample(&stream))
  }

  /// Decides on repeat visit `visit` whether the customer buys the abandoned class in the
  /// cart, and schedules the purchase if so.
  ///
  /// A visit is a return on the customer's own, so the probability is `returnProbability`,
  /// which an opened email raises as it raises the organic return. The purchase follows
  /// after the checkout delay. Both draws come from `visit.return` at occurrence `visit`.
  func decideVisitReturn<Context: JourneyContext>(
    _ cartClass: Int, visit: UInt16, customer: UInt64, state: CustomerState,
    context: inout Context
  ) {
    var stream = purposes.visitReturn.stream(customer: customer, occurrence: UInt32(visit))
    guard stream.bernoulli(returnProbability(cartClass, state: state)) else { return }
    context.schedule(
      JourneyEvent(customer: customer, step: .visitReturn, classIndex: cartClass, visit: visit),
      after: segmentBehaviours[state.segment].checkout.delay.sample(&stream))
  }

  /// Buys the abandoned class in the cart during a repeat visit, unless the customer bought
  /// it since the decision, through another return.
  func returnOnVisit<Context: JourneyContext>(
    _ classIndex: Int, customer: UInt64, state: inout CustomerState, context: inout Context
  ) {
    guard state.cartClass == classIndex, !state.hasPurchased(classIndex) else { return }
    record(
      .checkoutStarted(classIndex: classIndex), customer: customer, state: state,
      session: .returning, context: &context)
    purchase(
      classIndex, cause: .visitReturn, customer: customer, session: .returning, state: &state,
      context: &context)
  }
}

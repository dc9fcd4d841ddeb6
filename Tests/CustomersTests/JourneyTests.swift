import Config
import Foundation
import Simulation
import Testing

@testable import Customers

// Overrides that make every customer of the fragment take one path: all arrive through the
// channel at `channel` with a click-through of 1, the class page follows the trailer, and
// no customer browses. Tests add the overrides they study.
private func singlePath(channel: Int, promoting classID: String? = nil) -> [String] {
  var overrides = (0..<3).map { "channels[\($0)].reach=\($0 == channel ? 1 : 0)" }
  overrides.append("channels[\(channel)].clickThrough=1")
  if let classID {
    overrides.append("channels[\(channel)].promotes=[\"\(classID)\"]")
  }
  overrides += [
    "behaviour.classPage.probability=1", "behaviour.browse=null", "behaviour.segments=null",
    "behaviour.touchEffects=null",
  ]
  return overrides
}

/// Checks that an observed share of `count` trials is within four standard errors of
/// `expected`, the binomial standard error sqrt(p(1 − p) / n). A false failure has
/// probability about 6e-5.
private func expectShare(
  _ observed: Int, of count: Int, near expected: Double,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let share = Double(observed) / Double(count)
  let standardError = (expected * (1 - expected) / Double(count)).squareRoot()
  #expect(
    abs(share - expected) <= 4 * standardError,
    "share \(share) of \(count), expected \(expected) ± \(4 * standardError)",
    sourceLocation: sourceLocation)
}

// MARK: First touch

@Test func organicVisitorLandsWithoutTrailer() throws {
  let journey = try Fragment.valid(singlePath(channel: 2)).journey()
  let result = run(journey, customers: 0..<50)
  for customer in UInt64(0)..<50 {
    let actions = result.actions(of: customer)
    let first = try #require(actions.first)
    #expect(first.kind == .classViewed(classIndex: result.states[customer]?.promotedClass ?? -1))
    #expect(first.campaignChannel == 2)
    #expect(result.states[customer]?.watchedTrailer == false)
    for action in actions {
      if case .trailerWatched = action.kind {
        Issue.record("customer \(customer) watched a trailer after an organic visit")
      }
    }
    #expect(actions.dropFirst().allSatisfy { $0.campaignChannel == nil })
  }
}

@Test func landingHappensAtArrival() throws {
  let journey = try Fragment.valid(singlePath(channel: 1)).journey()
  let result = run(journey, customers: [3])
  let first = try #require(result.actions(of: 3).first)
  #expect(first.time == .zero)
  #expect(result.context.scheduled.first?.step == .landing)
}

@Test func adVisitorWatchesTrailerFirst() throws {
  let journey = try Fragment.valid(singlePath(channel: 0)).journey()
  let result = run(journey, customers: 0..<50)
  for customer in UInt64(0)..<50 {
    let actions = result.actions(of: customer)
    let state = try #require(result.states[customer])
    #expect(actions.first?.kind == .trailerWatched(channel: 0, classIndex: state.promotedClass))
    #expect(actions.first?.campaignChannel == 0)
    #expect(actions.dropFirst().first?.kind == .classViewed(classIndex: state.promotedClass))
    #expect(actions.dropFirst().first?.campaignChannel == nil)
    #expect(state.watchedTrailer)
  }
}

@Test func clickThroughGatesTheFirstTouch() throws {
  var overrides = singlePath(channel: 2)
  overrides.append("channels[2].clickThrough={ default: 0, \"free-trial\": 1 }")
  let journey = try Fragment.valid(overrides).journey()
  let result = runEach(journey, customers: 0..<400)
  for (customer, state) in result.states {
    let visited = !result.actions(of: customer).isEmpty
    #expect(visited == (state.segment == 1), "customer \(customer)")
  }
}

@Test func listedPromotionDrawsOnlyListedClasses() throws {
  var overrides = singlePath(channel: 1)
  overrides.append("channels[1].promotes=[\"bread-baking\", \"short-stories\"]")
  let journey = try Fragment.valid(overrides).journey()
  let result = runEach(journey, customers: 0..<2_000)
  let promoted = result.states.values.map(\.promotedClass)
  #expect(Set(promoted) == [1, 2])
  expectShare(promoted.filter { $0 == 1 }.count, of: promoted.count, near: 0.5)
}

@Test func channelReachFollowsSegment() throws {
  let journey = try Fragment.valid().journey()
  let result = runEach(journey, customers: 0..<4_000)
  let trial = result.states.values.filter { $0.segment == 1 }
  let visitors = result.states.values.filter { $0.segment == 0 }
  expectShare(trial.count, of: result.states.count, near: 0.3)
  expectShare(trial.filter { $0.channel == 2 }.count, of: trial.count, near: 0.3)
  expectShare(visitors.filter { $0.channel == 2 }.count, of: visitors.count, near: 0.2)
}

// MARK: Price sensitivity

// Every customer lands on bread-baking (300, against a mean price of 200), adds it to the
// cart, and checks out with probability 0.6 times the price factor (200 / 300)^sensitivity.
private func checkoutOverrides(classID: String, sensitivity: Double) -> [String] {
  singlePath(channel: 1, promoting: classID) + [
    "population.segments[0].share=1", "population.segments[1].share=0",
    "population.segments[0].priceSensitivity=\(sensitivity)",
    "behaviour.addToCart.probability=1", "behaviour.checkout.probability=0.6",
    "behaviour.organicReturn.probability=0",
  ]
}

@Test func priceSensitivityLowersExpensivePurchases() throws {
  let count = 3_000
  let customers = UInt64(0)..<UInt64(count)
  let neutral = try Fragment.valid(checkoutOverrides(classID: "bread-baking", sensitivity: 0))
  let sensitive = try Fragment.valid(checkoutOverrides(classID: "bread-baking", sensitivity: 1))
  let neutralBuyers = runEach(try neutral.journey(), customers: customers)
    .buyers(cause: .checkout)
  let sensitiveBuyers = runEach(try sensitive.journey(), customers: customers)
    .buyers(cause: .checkout)

  expectShare(neutralBuyers.count, of: count, near: 0.6)
  expectShare(sensitiveBuyers.count, of: count, near: 0.6 * 200 / 300)
  // The same draws decide both runs, so a lower probability only removes buyers.
  #expect(sensitiveBuyers.isSubset(of: neutralBuyers))
}

@Test func priceSensitivityRaisesCheapPurchases() throws {
  let fragment = try Fragment.valid(checkoutOverrides(classID: "knife-skills", sensitivity: 1))
  let buyers = runEach(try fragment.journey(), customers: 0..<500).buyers(cause: .checkout)
  // (200 / 100)^1 × 0.6 = 1.2, clamped to 1.
  #expect(buyers.count == 500)
}

@Test(arguments: [
  (Int64(30_000), 20_000.0, 1.0, 2.0 / 3.0), (10_000, 20_000, 2, 4), (20_000, 20_000, 3, 1),
  (30_000, 20_000, 0, 1), (0, 20_000, 1, .infinity), (0, 0, 1, 1),
])
func priceFactorFollowsFormula(
  priceCents: Int64, meanPriceCents: Double, sensitivity: Double, expected: Double
) {
  let segment = Segment(
    name: "s", share: 1, interests: ["cooking": 1], priceSensitivity: sensitivity)
  let factor = segment.priceFactor(priceCents: priceCents, meanPriceCents: meanPriceCents)
  #expect(abs(factor - expected) <= 1e-12 || factor == expected)
}

// MARK: Touch effects

// Every customer is a new visitor who abandons bread-baking and returns on their own with
// probability 0.2, times the email-open multiplier 1 + (2 − 1) × (1 − 0.5 + 0.5 × relevance).
private let abandonOverrides =
  singlePath(channel: 1, promoting: "bread-baking") + [
    "population.segments[0].share=1", "population.segments[1].share=0",
    "behaviour.addToCart.probability=1", "behaviour.checkout.probability=0",
    "behaviour.organicReturn={ probability: 0.2, delay: \"2d\" }",
    "behaviour.touchEffects={ emailOpen: 2, relevanceWeight: 0.5 }",
  ]

@Test func emailOpenRaisesOrganicReturns() throws {
  let count = 3_000
  let journey = try Fragment.valid(abandonOverrides).journey()
  let customers = UInt64(0)..<UInt64(count)
  let unopened = runEach(journey, customers: customers).buyers(cause: .organicReturn)
  let irrelevant = runEach(
    journey, customers: customers, emailOpen: EmailOpenPlan(relevance: 0, delay: .hours(1))
  ).buyers(cause: .organicReturn)
  let relevant = runEach(
    journey, customers: customers, emailOpen: EmailOpenPlan(relevance: 1, delay: .hours(1))
  ).buyers(cause: .organicReturn)

  expectShare(unopened.count, of: count, near: 0.2)
  expectShare(irrelevant.count, of: count, near: 0.3)
  expectShare(relevant.count, of: count, near: 0.4)
  #expect(unopened.isSubset(of: irrelevant))
  #expect(irrelevant.isSubset(of: relevant))
}

@Test func emailOpenedAfterReturnHasNoEffect() throws {
  let journey = try Fragment.valid(abandonOverrides).journey()
  let customers = UInt64(0)..<1_000
  let unopened = runEach(journey, customers: customers).buyers(cause: .organicReturn)
  let late = runEach(
    journey, customers: customers, emailOpen: EmailOpenPlan(relevance: 1, delay: .days(3))
  ).buyers(cause: .organicReturn)
  #expect(late == unopened)
}

@Test(arguments: [
  (1.0, 0.0, 0.3, 1.0), (2, 0, 0.3, 2), (2, 1, 0, 1), (2, 0.5, 1, 2), (0, 0.5, 0, 0.5),
])
func emailOpenMultiplierFollowsFormula(
  emailOpen: Double, relevanceWeight: Double, relevance: Double, expected: Double
) {
  let effects = TouchEffects(emailOpen: emailOpen, relevanceWeight: relevanceWeight)
  #expect(abs(effects.emailOpenMultiplier(relevance: relevance) - expected) <= 1e-12)
}

@Test func trailerEffectAppliesOnlyAfterTrailer() throws {
  let effect = ["behaviour.touchEffects={ trailer: 0 }", "behaviour.addToCart.probability=1"]
  let adJourney = try Fragment.valid(singlePath(channel: 0) + effect).journey()
  let landingJourney = try Fragment.valid(singlePath(channel: 2) + effect).journey()
  let adCarts = runEach(adJourney, customers: 0..<200).states.values.filter {
    $0.cartClass != nil || !$0.purchases.isEmpty
  }
  let landingCarts = runEach(landingJourney, customers: 0..<200).states.values.filter {
    $0.cartClass != nil || !$0.purchases.isEmpty
  }
  #expect(adCarts.isEmpty)
  #expect(landingCarts.count == 200)
}

// MARK: Segment overrides

@Test func segmentOverridesApply() throws {
  let fragment = try Fragment.valid(
    singlePath(channel: 2) + [
      "behaviour.addToCart={ probability: 0, delay: \"10m\" }",
      "behaviour.checkout={ probability: 0.5, delay: \"2h\" }",
      "behaviour.organicReturn.probability=0",
      """
      behaviour.segments={
        "free-trial": { addToCart: { probability: 1 }, checkout: { delay: "5m" } },
      }
      """,
    ])
  let result = runEach(try fragment.journey(), customers: 0..<400)
  var trialCount = 0
  for (customer, state) in result.states {
    let actions = result.actions(of: customer)
    let added = actions.first { if case .productAdded = $0.kind { true } else { false } }
    let decided = actions.first {
      switch $0.kind {
      case .checkoutStarted: true
      default: false
      }
    }
    if state.segment == 1 {
      trialCount += 1
      let addedAt = try #require(added?.time)
      // The checkout decision comes 5 minutes after the add: a purchase or an abandonment.
      let decisionAt = try #require(state.firstAbandonment ?? decided?.time)
      #expect(decisionAt - addedAt == .minutes(5))
    } else {
      #expect(added == nil, "customer \(customer) of new-visitor added to the cart")
    }
  }
  #expect(trialCount > 0)
}

// MARK: Time zones

@Test func everyActionCarriesTheCustomersZone() throws {
  let journey = try Fragment.valid().journey()
  let result = runEach(journey, customers: 0..<4_000)
  let names = journey.timeZones.zones.map(\.name)
  for action in result.context.actions {
    let state = try #require(result.states[action.customer])
    #expect(action.timeZone == names[state.timeZone])
  }
  let zones = result.states.values.map(\.timeZone)
  expectShare(zones.filter { $0 == 0 }.count, of: zones.count, near: 0.4)
  expectShare(zones.filter { $0 == 2 }.count, of: zones.count, near: 0.25)
}

// MARK: Keyed draws

/// What a test compares between runs: each action's customer, time and content.
private struct RecordedAction: Equatable {
  var customer: UInt64
  var time: SimTime
  var kind: CustomerAction.Kind
  var signedIn: Bool
  var timeZone: String?
  var campaignChannel: Int?

  init(_ action: CustomerAction) {
    customer = action.customer
    time = action.time
    kind = action.kind
    signedIn = action.signedIn
    timeZone = action.timeZone
    campaignChannel = action.campaignChannel
  }
}

private func actionsByCustomer(_ result: JourneyRun) -> [UInt64: [RecordedAction]] {
  Dictionary(grouping: result.context.actions.map(RecordedAction.init), by: \.customer)
}

@Test func drawsDoNotDependOnProcessingOrder() throws {
  let journey = try Fragment.valid().journey()
  let customers = Array(UInt64(0)..<300)
  let forward = run(
    journey, customers: customers, emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)))
  let backward = run(
    journey, customers: customers.reversed(),
    emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)))
  let alone = runEach(
    journey, customers: 0..<300, emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)))

  #expect(forward.context.actions.count > 300)
  #expect(actionsByCustomer(forward) == actionsByCustomer(backward))
  #expect(actionsByCustomer(forward) == actionsByCustomer(alone))
}

@Test func differentSeedsGiveDifferentJourneys() throws {
  let fragment = try Fragment.valid()
  let first = run(try fragment.journey(seed: 1), customers: 0..<300)
  let second = run(try fragment.journey(seed: 2), customers: 0..<300)
  #expect(actionsByCustomer(first) != actionsByCustomer(second))
}

@Test func journeyRejectsMissingSegmentValue() throws {
  let fragment = try Fragment.valid()
  var channels = fragment.channels
  channels[0] = Channel(
    name: "paid-display", kind: .paidDisplay,
    reach: PerSegment(default: nil, bySegment: ["new-visitor": 0.5]),
    clickThrough: PerSegment(0.35))
  #expect(
    throws: JourneyConfigurationError.missingSegmentValue(
      channel: "paid-display", field: "reach", segment: "free-trial")
  ) {
    try Journey(
      catalog: fragment.catalog,
      population: try Population(segments: fragment.segments, catalog: fragment.catalog),
      channels: channels, behaviour: fragment.behaviour, streams: RandomStreams(seed: 1))
  }
}

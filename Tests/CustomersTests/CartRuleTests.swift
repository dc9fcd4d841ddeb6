import Foundation
import Simulation
import Testing

@testable import Customers

// How repeat visits keep the cart consistent: one cart at a time, a new cart only after
// buying the last one, and abandoned carts bought on a visit without a second cart.

/// Walks each customer's actions and reports every break of the cart rules. The rules
/// forbid an add while a class is in the cart, an add or an order of a class already
/// bought, and an order of a class that is not in the cart.
private func checkCartRules(
  _ result: JourneyRun, sourceLocation: SourceLocation = #_sourceLocation
) {
  var openCart: [UInt64: Int] = [:]
  var bought: [UInt64: Set<Int>] = [:]
  for action in result.context.actions {
    let customer = action.customer
    switch action.kind {
    case .productAdded(let classIndex):
      #expect(
        openCart[customer] == nil, "customer \(customer) added a second class",
        sourceLocation: sourceLocation)
      #expect(
        bought[customer, default: []].contains(classIndex) == false,
        "customer \(customer) added class \(classIndex) again", sourceLocation: sourceLocation)
      openCart[customer] = classIndex
    case .orderCompleted(let classIndex, let orderNumber, _, _):
      #expect(
        openCart[customer] == classIndex,
        "customer \(customer) bought class \(classIndex), not the class in the cart",
        sourceLocation: sourceLocation)
      let (inserted, _) = bought[customer, default: []].insert(classIndex)
      #expect(
        inserted, "customer \(customer) bought \(classIndex) twice", sourceLocation: sourceLocation)
      #expect(orderNumber == bought[customer]?.count, sourceLocation: sourceLocation)
      openCart[customer] = nil
    default:
      break
    }
  }
}

private func causes(_ result: JourneyRun) -> [CustomerAction.Cause: Int] {
  var counts: [CustomerAction.Cause: Int] = [:]
  for action in result.context.actions {
    if case .orderCompleted(_, _, _, let cause) = action.kind {
      counts[cause, default: 0] += 1
    }
  }
  return counts
}

@Test func abandonedCartBlocksNewCart() throws {
  // Everyone adds the landing class and abandons it, and would add any class they view.
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      "behaviour.addToCart.probability=1", "behaviour.checkout.probability=0",
      "behaviour.organicReturn.probability=0", "behaviour.visits={ ratePerWeek: 5 }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<300)
  for (customer, state) in result.states {
    let actions = result.actions(of: customer)
    let adds = actions.filter { if case .productAdded = $0.kind { true } else { false } }
    #expect(adds.count == 1, "customer \(customer)")
    #expect(actions.filter(isView).count == 1 + Int(state.visits), "customer \(customer)")
    #expect(state.abandonments == 1)
    #expect(state.purchases.isEmpty)
  }
  #expect(result.states.values.reduce(0) { $0 + Int($1.visits) } > 3_000)
}

@Test func visitReturnFollowsOrganicProbability() throws {
  // New visitors add the landing class after a minute and abandon it a minute later. Each
  // visit in the next 2 weeks then buys it with the organic-return probability 0.1, so
  // with visits at 1 a week, 1 − exp(−0.2) of them buy on a visit. The organic return
  // itself comes after 60 days, when visits have stopped.
  let count = 3_000
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      "population.segments[0].share=1", "population.segments[1].share=0",
      "behaviour.addToCart={ probability: 1, delay: \"1m\" }",
      "behaviour.checkout={ probability: 0, delay: \"1m\" }",
      "behaviour.organicReturn={ probability: 0.1, delay: \"60d\" }",
      "behaviour.visits={ ratePerWeek: 1 }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(2)), customers: 0..<UInt64(count))
  checkCartRules(result)
  #expect(result.states.values.allSatisfy { $0.abandonments >= 1 })

  // A customer who bought on a visit may start and abandon a new cart on a later visit.
  var visitBuyers: Set<UInt64> = []
  for customer in UInt64(0)..<UInt64(count) {
    var abandonedClass: Int?
    for action in result.actions(of: customer) {
      switch action.kind {
      case .productAdded(let classIndex):
        abandonedClass = classIndex
      case .orderCompleted(let classIndex, _, _, .visitReturn):
        visitBuyers.insert(customer)
        #expect(classIndex == abandonedClass)
        #expect(action.time <= weeks(2) + .minutes(1))
      default:
        break
      }
    }
  }
  let expected = 1 - exp(-0.2)
  let error = (expected * (1 - expected) / Double(count)).squareRoot()
  let share = Double(visitBuyers.count) / Double(count)
  #expect(abs(share - expected) <= 4 * error, "share \(share), expected \(expected)")
}

@Test func visitAfterPurchaseStartsNewCart() throws {
  // New visitors, who are not price-sensitive, add every class they view and buy it.
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      largeCatalog(12), "population.segments[0].share=1", "population.segments[1].share=0",
      "behaviour.addToCart.probability=1", "behaviour.checkout.probability=1",
      "behaviour.visits={ ratePerWeek: 2 }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<300)
  checkCartRules(result)
  let visitCarts = result.context.scheduled.filter { $0.step == .visitCheckout }.count
  #expect(visitCarts > 300)
  #expect(causes(result)[.checkout] == result.context.actions.filter(isOrder).count)
  #expect(result.states.values.filter { $0.purchases.count > 2 }.count > 150)
}

@Test func cartRulesHoldUnderEveryPath() throws {
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      largeCatalog(12), "channels[1].promotes=\"interests\"", "behaviour.engagement={ sigma: 1 }",
      "behaviour.visits={ ratePerWeek: 3, classPage: { probability: 0.7, delay: \"20m\" } }",
      "behaviour.organicReturn.probability=0.3",
    ])
  let result = runEach(
    try fragment.journey(runEnd: weeks(6)), customers: 0..<2_000,
    emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)),
    emailClick: EmailClickPlan(relevance: 1, delay: .hours(4)))
  checkCartRules(result)
  let counts = causes(result)
  for cause in [CustomerAction.Cause.checkout, .organicReturn, .emailReturn, .visitReturn] {
    #expect((counts[cause] ?? 0) > 0, "no order with cause \(cause)")
  }
}

// MARK: Email clicks

@Test func clickOnOtherClassEmailDoesNothing() throws {
  let journey = try Fragment.valid([
    "behaviour.emailReturn={ irrelevantProbability: 1, relevantProbability: 1, delay: \"1h\" }"
  ]).journey()
  var state = CustomerState()
  state.cartClass = 1
  var context = RecordingContext()

  journey.emailClicked(
    customer: 7, aboutClass: 2, relevance: 1, emailNumber: 0, state: &state, context: &context)
  #expect(context.scheduled.isEmpty)

  journey.emailClicked(
    customer: 7, aboutClass: 1, relevance: 1, emailNumber: 0, state: &state, context: &context)
  #expect(context.scheduled.map(\.step) == [.emailReturn])
  #expect(context.scheduled.first?.classIndex == 1)
}

// MARK: Keyed draws

@Test func visitDrawsDoNotDependOnProcessingOrder() throws {
  let fragment = try Fragment.valid([
    "behaviour.engagement={ sigma: 0.8 }",
    "behaviour.visits={ ratePerWeek: 2, classPage: { probability: 0.8, delay: \"30m\" } }",
  ])
  let journey = try fragment.journey(runEnd: weeks(4))
  let customers = Array(UInt64(0)..<300)
  let open = EmailOpenPlan(relevance: 0.5, delay: .hours(3))
  let click = EmailClickPlan(relevance: 0.8, delay: .hours(4))
  let forward = run(journey, customers: customers, emailOpen: open, emailClick: click)
  let backward = run(journey, customers: customers.reversed(), emailOpen: open, emailClick: click)
  let alone = runEach(journey, customers: 0..<300, emailOpen: open, emailClick: click)

  #expect(forward.context.scheduled.contains { $0.step == .visitClassPage })
  #expect(actionLinesByCustomer(forward) == actionLinesByCustomer(backward))
  #expect(actionLinesByCustomer(forward) == actionLinesByCustomer(alone))
}

@Test func visitsDifferBySeed() throws {
  let fragment = try Fragment.valid(everyTouchLeadsOn + ["behaviour.visits={ ratePerWeek: 2 }"])
  let first = runEach(try fragment.journey(seed: 1, runEnd: weeks(2)), customers: 0..<100)
  let second = runEach(try fragment.journey(seed: 2, runEnd: weeks(2)), customers: 0..<100)
  #expect(actionLinesByCustomer(first) != actionLinesByCustomer(second))
}

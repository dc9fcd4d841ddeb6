import Simulation
import Testing

@testable import Customers

// Refunds, password resets, app users and the session of each action.

/// Overrides that make every customer land on a class page, add it and buy it at once.
private let everyoneBuys =
  everyoneLandsFromSearch + [
    "behaviour.addToCart.probability=1", "behaviour.checkout.probability=1",
  ]

private func refundOf(_ action: CustomerAction) -> (classIndex: Int, orderNumber: Int)? {
  if case .orderRefunded(let classIndex, let orderNumber, _) = action.kind {
    return (classIndex, orderNumber)
  }
  return nil
}

@Test func refundFollowsPurchaseAfterDelay() throws {
  let journey = try Fragment.valid(
    everyoneBuys + [#"behaviour.refund={ probability: 1, delay: "3d" }"#]
  ).journey()
  let result = runEach(journey, customers: 0..<50)
  for customer in UInt64(0)..<50 {
    let actions = result.actions(of: customer)
    let order = try #require(actions.first(where: isOrder), "customer \(customer)")
    let refund = try #require(actions.first { refundOf($0) != nil }, "customer \(customer)")
    #expect(refund.time == order.time + .days(3))
    guard case .orderCompleted(let classIndex, let orderNumber, let revenue, _) = order.kind,
      case .orderRefunded(let refundedClass, let refundedOrder, let refunded) = refund.kind
    else { continue }
    #expect(refundedClass == classIndex)
    #expect(refundedOrder == orderNumber)
    #expect(refunded == revenue)
    // The refund undoes nothing: the class stays bought.
    #expect(result.states[customer]?.hasPurchased(classIndex) == true)
  }
}

@Test func refundsFollowTheirProbability() throws {
  let journey = try Fragment.valid(
    everyoneBuys + [#"behaviour.refund={ probability: 0.3, delay: "1d" }"#]
  ).journey()
  let result = runEach(journey, customers: 0..<2_000)
  let refunds = result.context.actions.filter { refundOf($0) != nil }.count
  let orders = result.context.actions.filter(isOrder).count
  #expect(orders == 2_000)
  // Binomial(2000, 0.3): mean 600, standard deviation 20.5; 5 standard deviations either way.
  #expect((498...702).contains(refunds), "\(refunds) refunds")
}

@Test func passwordResetFollowsFirstSignUpOnly() throws {
  let journey = try Fragment.valid(
    everyoneBuys + [#"behaviour.passwordReset={ probability: 1, delay: "2h" }"#]
  ).journey()
  let result = runEach(journey, customers: 0..<30)
  for customer in UInt64(0)..<30 {
    let actions = result.actions(of: customer)
    let signUps = actions.filter {
      if case .identified(true, _) = $0.kind { true } else { false }
    }
    let resets = actions.filter { $0.kind == .passwordResetRequested }
    #expect(signUps.count == 1)
    #expect(resets.count == 1)
    #expect(resets.first?.time == signUps.first.map { $0.time + .hours(2) })
  }
}

@Test func defaultsAddNoBackEndActions() throws {
  let journey = try Fragment.valid(everyoneBuys).journey()
  let result = runEach(journey, customers: 0..<200)
  #expect(!result.context.actions.contains { refundOf($0) != nil })
  #expect(!result.context.actions.contains { $0.kind == .passwordResetRequested })
  #expect(!result.context.actions.contains { $0.usesApp })
}

@Test func appShareDrawsAppUsersPerCustomer() throws {
  let journey = try Fragment.valid(
    everyoneBuys + ["population.segments[0].appShare=0.5", "population.segments[1].appShare=1"]
  ).journey()
  let result = runEach(journey, customers: 0..<1_000)
  var appUsers = [0, 0]
  var totals = [0, 0]
  for (customer, state) in result.states {
    totals[state.segment] += 1
    if state.usesApp { appUsers[state.segment] += 1 }
    // Every action of a customer carries the same flag.
    #expect(result.actions(of: customer).allSatisfy { $0.usesApp == state.usesApp })
  }
  #expect(appUsers[1] == totals[1])
  let share = Double(appUsers[0]) / Double(totals[0])
  #expect(abs(share - 0.5) < 0.08, "share \(share) of \(totals[0])")
}

@Test func identifyListsClassesOwned() throws {
  let journey = try Fragment.valid(
    everyoneBuys + [largeCatalog(12), "behaviour.visits={ ratePerWeek: 3 }"]
  ).journey(runEnd: weeks(4))
  let result = runEach(journey, customers: 0..<40)
  var sawOwner = false
  for customer in UInt64(0)..<40 {
    var bought: [Int] = []
    for action in result.actions(of: customer) {
      switch action.kind {
      case .identified(_, let classesOwned):
        #expect(classesOwned == bought, "customer \(customer)")
        sawOwner = sawOwner || !classesOwned.isEmpty
      case .orderCompleted(let classIndex, _, _, _):
        bought.append(classIndex)
      default:
        break
      }
    }
  }
  #expect(sawOwner, "some customer should sign in again after a purchase")
}

@Test func returnsAreMarkedReturning() throws {
  let journey = try Fragment.valid(
    everyoneLandsFromSearch + [largeCatalog(12), "behaviour.visits={ ratePerWeek: 3 }"]
  ).journey(runEnd: weeks(2))
  let result = runEach(journey, customers: 0..<100)
  var returning = 0
  for action in result.context.actions {
    if action.campaignChannel != nil {
      #expect(action.session == .firstTouch)
    }
    if action.session == .returning { returning += 1 }
  }
  #expect(returning > 0)
}

@Test func newBehaviourFieldsRoundTrip() throws {
  let fragment = try Fragment.valid([
    #"behaviour.refund={ probability: 0.07, delay: { lognormal: { median: "4d", sigma: 0.5 } } }"#,
    #"behaviour.passwordReset={ probability: 0.01, delay: "90m" }"#,
    "population.segments[1].appShare=0.35",
  ])
  #expect(fragment.behaviour.refund.probability == 0.07)
  #expect(fragment.behaviour.passwordReset.delay == .fixed(.minutes(90)))
  #expect(fragment.segments.map(\.appShare) == [0, 0.35])

  let names = fragment.segments.map(\.name)
  let (behaviour, behaviourProblems) = try roundTrip(
    fragment.behaviour, reader: BehaviourModel.reader(segmentNames: names))
  #expect(behaviourProblems.isEmpty, "\(behaviourProblems)")
  #expect(behaviour == fragment.behaviour)
  let population = try Population(segments: fragment.segments, catalog: fragment.catalog)
  let (segments, segmentProblems) = try roundTrip(
    population, reader: Population.reader(catalog: fragment.catalog))
  #expect(segmentProblems.isEmpty, "\(segmentProblems)")
  #expect(segments == fragment.segments)
}

@Test func newBehaviourFieldsDefaultToNever() throws {
  let fragment = try Fragment.valid()
  #expect(fragment.behaviour.refund == .never)
  #expect(fragment.behaviour.passwordReset == .never)
  guard case .object(let members) = fragment.behaviour.configValue else {
    Issue.record("expected an object")
    return
  }
  #expect(members["refund"] == StepModel.never.configValue)
  #expect(members["passwordReset"] == StepModel.never.configValue)
}

/// Invalid values of the new fields, with the field path and the problem.
private let invalidFields: [(override: String, path: String, problem: String)] = [
  ("population.segments[0].appShare=2", "population.segments[0].appShare", "expected a probability"),
  (#"behaviour.refund={ probability: 0.1 }"#, "behaviour.refund", #"missing required field "delay""#),
  (#"behaviour.refnd={ probability: 0.1, delay: "1d" }"#, "behaviour.refnd", "unknown field"),
  (#"behaviour.passwordReset={ probability: -1, delay: "1d" }"#,
    "behaviour.passwordReset.probability", "expected a probability"),
]

@Test(arguments: invalidFields.map(\.override))
func newFieldsRejectInvalid(override: String) throws {
  let expected = try #require(invalidFields.first { $0.override == override })
  let (_, diagnostics) = try Fragment.read([override])
  let error = try #require(
    diagnostics.first { $0.path.description.hasPrefix(expected.path) }, "\(diagnostics)")
  #expect(error.problem.hasPrefix(expected.problem), "\(error.problem)")
  if expected.problem == "unknown field" {
    #expect(error.fix == #"did you mean "refund"?"#)
  }
}

import Foundation
import Simulation
import Testing

@testable import Customers

// How engagement changes the journey, run on the recording context.

@Test func engagementIsLognormalWithMedianOne() throws {
  let count = 4_000
  let sigma = 0.8
  let fragment = try Fragment.valid(["behaviour.engagement={ sigma: \(sigma) }"])
  let result = runEach(try fragment.journey(), customers: 0..<UInt64(count))
  let logs = result.states.values.map { log($0.engagement) }
  let (mean, variance) = meanAndVariance(logs)

  // ln e is normal with mean 0 and standard deviation σ. The sample standard deviation has
  // a standard error of about σ ÷ √(2n).
  #expect(abs(mean) <= 4 * sigma / Double(count).squareRoot(), "mean of ln e \(mean)")
  let deviationError = sigma / (2 * Double(count)).squareRoot()
  #expect(abs(variance.squareRoot() - sigma) <= 4 * deviationError, "variance \(variance)")
  let below = logs.filter { $0 < 0 }.count
  let shareError = (0.25 / Double(count)).squareRoot()
  #expect(abs(Double(below) / Double(count) - 0.5) <= 4 * shareError)
}

@Test func engagementIsDrawnWithoutClickThrough() throws {
  let fragment = try Fragment.valid([
    "channels[0].clickThrough=0", "channels[1].clickThrough=0", "channels[2].clickThrough=0",
    "behaviour.engagement={ sigma: 1 }",
  ])
  let result = runEach(try fragment.journey(), customers: 0..<100)
  #expect(Set(result.states.values.map(\.engagement)).count == 100)
}

@Test func addToCartFollowsEngagementFormula() throws {
  // Every customer lands on a class page, where the add-to-cart probability is
  // min(1, 0.45 e).
  let count = 4_000
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      "behaviour.engagement={ sigma: 1 }", "behaviour.addToCart.probability=0.45",
    ])
  let result = runEach(try fragment.journey(), customers: 0..<UInt64(count))
  var expected = 0.0
  var variance = 0.0
  var adders = 0
  for (customer, state) in result.states {
    let probability = min(1, 0.45 * state.engagement)
    expected += probability
    variance += probability * (1 - probability)
    let added = result.actions(of: customer).contains {
      if case .productAdded = $0.kind { true } else { false }
    }
    adders += added ? 1 : 0
  }
  #expect(abs(Double(adders) - expected) <= 4 * variance.squareRoot(), "\(adders) of \(expected)")
}

@Test func engagementShiftsBuyersWithSameDraws() throws {
  // The same keyed draws decide both runs, so a customer with e ≥ 1 who buys at engagement 1
  // also buys with engagement, and one with e ≤ 1 who buys with engagement also buys at 1.
  let overrides = everyTouchLeadsOn + ["behaviour.organicReturn.probability=0.3"]
  let flat = runEach(try Fragment.valid(overrides).journey(), customers: 0..<3_000)
  let spread = runEach(
    try Fragment.valid(overrides + ["behaviour.engagement={ sigma: 1 }"]).journey(),
    customers: 0..<3_000)
  let flatBuyers = Set(flat.states.filter { !$0.value.purchases.isEmpty }.keys)
  let spreadBuyers = Set(spread.states.filter { !$0.value.purchases.isEmpty }.keys)
  let engaged = Set(spread.states.filter { $0.value.engagement >= 1 }.keys)
  let unengaged = Set(spread.states.filter { $0.value.engagement <= 1 }.keys)

  #expect(flatBuyers.intersection(engaged).isSubset(of: spreadBuyers))
  #expect(spreadBuyers.intersection(unengaged).isSubset(of: flatBuyers))
  #expect(spreadBuyers.intersection(engaged).count > flatBuyers.intersection(engaged).count)
  #expect(
    spreadBuyers.intersection(unengaged).count < flatBuyers.intersection(unengaged).count)
}

/// Returns the z statistic of the difference between two proportions, with the pooled
/// standard error.
private func twoProportionZ(_ first: Int, of firstCount: Int, _ second: Int, of secondCount: Int)
  -> Double
{
  let pooled = Double(first + second) / Double(firstCount + secondCount)
  let error = (pooled * (1 - pooled) * (1 / Double(firstCount) + 1 / Double(secondCount)))
    .squareRoot()
  return (Double(first) / Double(firstCount) - Double(second) / Double(secondCount)) / error
}

@Test(arguments: [0.0, 1.0])
func engagedCustomersConvertMore(visitsPerWeek: Double) throws {
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      "behaviour.engagement={ sigma: 0.8 }", "behaviour.visits={ ratePerWeek: \(visitsPerWeek) }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<4_000)
  let engaged = result.states.values.filter { $0.engagement > 1 }
  let unengaged = result.states.values.filter { $0.engagement <= 1 }
  let engagedBuyers = engaged.filter { !$0.purchases.isEmpty }.count
  let unengagedBuyers = unengaged.filter { !$0.purchases.isEmpty }.count
  let z = twoProportionZ(engagedBuyers, of: engaged.count, unengagedBuyers, of: unengaged.count)
  #expect(
    z > 4, "\(engagedBuyers) of \(engaged.count) against \(unengagedBuyers) of \(unengaged.count)")
}

// MARK: Pre-period covariate

/// Returns Pearson's r between each customer's class views in the first 4 weeks and their
/// orders in weeks 4 to 8, over 3,000 customers who repeat-visit once a week.
private func preperiodCorrelation(sigma: Double) throws -> Double {
  let count = 3_000
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      largeCatalog(12), "channels[1].promotes=\"interests\"",
      "behaviour.visits={ ratePerWeek: 1 }", "behaviour.engagement={ sigma: \(sigma) }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(8)), customers: 0..<UInt64(count))
  var views = Array(repeating: 0.0, count: count)
  var orders = Array(repeating: 0.0, count: count)
  for action in result.context.actions {
    let index = Int(action.customer)
    if isView(action), action.time < weeks(4) {
      views[index] += 1
    }
    if isOrder(action), action.time >= weeks(4) {
      orders[index] += 1
    }
  }
  return pearson(views, orders)
}

@Test func preperiodViewsPredictLaterOrders() throws {
  // With 3,000 customers the standard error of r is about 1 ÷ √3000 ≈ 0.018. A run of this
  // test measured r ≈ 0.34 with sigma 0.8 and r ≈ −0.06 with sigma 0, where customers
  // who bought early have fewer classes left to buy.
  let engaged = try preperiodCorrelation(sigma: 0.8)
  let flat = try preperiodCorrelation(sigma: 0)
  #expect(engaged > 0.2, "r = \(engaged)")
  #expect(engaged - flat > 0.2, "r = \(engaged) with sigma 0.8, \(flat) with sigma 0")
}

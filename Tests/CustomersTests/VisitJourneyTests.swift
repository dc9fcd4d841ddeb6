import Config
import Foundation
import Simulation
import Testing

@testable import Customers

// Engagement and repeat visits in the journey, run on the recording context.

// MARK: Visit rate

@Test func visitCountMatchesPoissonRate() throws {
  let count = 2_000
  let fragment = try Fragment.valid(everyTouchLeadsOn + ["behaviour.visits={ ratePerWeek: 2 }"])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<UInt64(count))
  let visits = result.states.values.map { Double($0.visits) }
  let (mean, variance) = meanAndVariance(visits)

  // A Poisson count over 4 weeks at 2 a week has mean and variance 8. The sample variance
  // of n Poisson counts has variance about (μ + 2μ²) ÷ n.
  let expected = 8.0
  let meanError = (expected / Double(count)).squareRoot()
  let varianceError = ((expected + 2 * expected * expected) / Double(count)).squareRoot()
  #expect(abs(mean - expected) <= 4 * meanError, "mean \(mean)")
  #expect(abs(variance - expected) <= 4 * varianceError, "variance \(variance)")
}

@Test func visitRateScalesWithEngagement() throws {
  let count = 2_000
  let sigma = 0.5
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      "behaviour.visits={ ratePerWeek: 2 }", "behaviour.engagement={ sigma: \(sigma) }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<UInt64(count))
  let states = Array(result.states.values)

  // Given engagement e, the count is Poisson with mean 8e, so count ÷ e has mean 8 and
  // variance 8 × E[1/e] = 8 exp(σ²/2).
  let scaled = states.map { Double($0.visits) / $0.engagement }
  let scaledError = (8 * exp(sigma * sigma / 2) / Double(count)).squareRoot()
  #expect(abs(meanAndVariance(scaled).mean - 8) <= 4 * scaledError)

  // Over all customers the mean is 8 E[e] = 8 exp(σ²/2), and the variance of the mixture
  // is 8 E[e] + 64 Var(e), with Var(e) = (exp(σ²) − 1) exp(σ²).
  let meanEngagement = exp(sigma * sigma / 2)
  let varianceOfEngagement = (exp(sigma * sigma) - 1) * exp(sigma * sigma)
  let expected = 8 * meanEngagement
  let mixtureVariance = expected + 64 * varianceOfEngagement
  let mean = meanAndVariance(states.map { Double($0.visits) }).mean
  #expect(abs(mean - expected) <= 4 * (mixtureVariance / Double(count)).squareRoot())
}

@Test func visitsStopAtRunEnd() throws {
  let end = weeks(3)
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      "behaviour.visits={ ratePerWeek: 5, classPage: { probability: 1, delay: \"2h\" } }"
    ])
  let result = runEach(try fragment.journey(runEnd: end), customers: 0..<300)
  var visitStarts = 0
  for (event, time) in zip(result.context.scheduled, result.context.scheduledTimes)
  where event.step == .visit {
    visitStarts += 1
    #expect(time <= end, "visit \(event.visit) of customer \(event.customer) at \(time)")
  }
  #expect(visitStarts > 3_000)
  #expect(visitStarts == result.states.values.reduce(0) { $0 + Int($1.visits) })
}

@Test func visitsStopAtMaximum() throws {
  let fragment = try Fragment.valid(everyTouchLeadsOn + ["behaviour.visits={ ratePerWeek: 50 }"])
  // 50 a week for 40 weeks is 2,000 expected visits, beyond the cap of 1,000.
  let result = runEach(try fragment.journey(runEnd: weeks(40)), customers: 0..<10)
  for state in result.states.values {
    #expect(state.visits == VisitModel.maximumVisits)
  }
  let numbers = result.context.scheduled.filter { $0.step == .visit }.map(\.visit)
  #expect(numbers.max() == UInt16(VisitModel.maximumVisits - 1))
}

@Test func visitsWithoutRunEndStopAtMaximum() throws {
  let fragment = try Fragment.valid(everyTouchLeadsOn + ["behaviour.visits={ ratePerWeek: 1 }"])
  let result = runEach(try fragment.journey(runEnd: nil), customers: 0..<3)
  for state in result.states.values {
    #expect(state.visits == VisitModel.maximumVisits)
  }
}

@Test func extremeEngagementRunsWithinCap() throws {
  let fragment = try Fragment.valid(
    everyTouchLeadsOn + [
      "behaviour.visits={ ratePerWeek: 50 }", "behaviour.engagement={ sigma: 3 }",
      "behaviour.organicReturn.probability=1", "behaviour.checkout.probability=1",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(8)), customers: 0..<200)
  let engagements = result.states.values.map(\.engagement)
  #expect(engagements.allSatisfy { $0.isFinite })
  #expect(engagements.allSatisfy { $0 > 0 })
  #expect(engagements.contains { $0 > 100 })
  #expect(engagements.contains { $0 < 0.01 })
  #expect(result.states.values.allSatisfy { $0.visits <= VisitModel.maximumVisits })
  #expect(result.states.values.contains { $0.visits == VisitModel.maximumVisits })
}

@Test func touchThatLeadsNowhereMakesNoVisits() throws {
  let fragment = try Fragment.valid([
    "channels[0].clickThrough=0", "channels[1].clickThrough=0", "channels[2].clickThrough=0",
    "behaviour.visits={ ratePerWeek: 10 }",
  ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<200)
  #expect(result.context.actions.isEmpty)
  #expect(result.states.values.allSatisfy { $0.visits == 0 })
}

@Test func visitPageHasNoCampaign() throws {
  // Channel 1 is search, whose landing page carries the campaign. No customer adds to the
  // cart, so every other view is a visit's.
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      "behaviour.addToCart.probability=0", "behaviour.visits={ ratePerWeek: 3 }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(2)), customers: 0..<200)
  for customer in UInt64(0)..<200 {
    let views = result.actions(of: customer).filter(isView)
    let state = try #require(result.states[customer])
    #expect(views.count == 1 + Int(state.visits))
    #expect(views.first?.campaignChannel == 1)
    #expect(views.dropFirst().allSatisfy { $0.campaignChannel == nil })
  }
}

@Test func visitClassPageProbabilityThinsViews() throws {
  let count = 1_000
  // Everyone lands on a class page from search and never adds to the cart, so every view
  // after the landing is a visit's.
  let fragment = try Fragment.valid(
    everyoneLandsFromSearch + [
      "behaviour.addToCart.probability=0",
      "behaviour.visits={ ratePerWeek: 2, classPage: { probability: 0.3, delay: \"10m\" } }",
    ])
  let result = runEach(try fragment.journey(runEnd: weeks(4)), customers: 0..<UInt64(count))
  let visits = result.states.values.reduce(0) { $0 + Int($1.visits) }
  let visitViews = result.context.actions.filter(isView).count - count
  let share = Double(visitViews) / Double(visits)
  let error = (0.3 * 0.7 / Double(visits)).squareRoot()
  #expect(abs(share - 0.3) <= 4 * error, "share \(share) of \(visits) visits")
}

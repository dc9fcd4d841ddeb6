import Simulation
import Testing

@testable import Customers

/// The benchmark's reference funnel, with the probabilities and delays of
/// `Scenarios/reference-funnel.json5`.
private let referenceModel = ReferenceFunnelModel(
  channels: ["display", "social"],
  trailer: StepModel(probability: 0.30, delay: .exponential(mean: .hours(2))),
  classPage: StepModel(probability: 0.50, delay: .exponential(mean: .hours(1))),
  addToCart: StepModel(probability: 0.40, delay: .exponential(mean: .minutes(20))),
  checkout: StepModel(probability: 0.35, delay: .exponential(mean: .minutes(10))),
  holdout: 0.10, emailDelay: .fixed(.hours(1)),
  emailOpen: StepModel(probability: 0.25, delay: .exponential(mean: .hours(3))),
  emailClick: StepModel(probability: 0.30, delay: .exponential(mean: .minutes(10))),
  emailReturn: StepModel(probability: 0.20, delay: .exponential(mean: .minutes(30))),
  organicReturn: StepModel(probability: 0.05, delay: .exponential(mean: .days(2))))

private func runFunnel(
  customers: Int, seed: UInt64 = 7, end: SimTime = .zero + .days(120), jobs: Int = 1
) throws -> FunnelCounts {
  let simulation = try ReferenceFunnelSimulation(
    model: referenceModel, streams: RandomStreams(seed: seed))
  return try #require(
    simulation.run(customers: customers, arrivalWindow: .days(30), end: end, jobs: jobs))
}

/// Checks that `observed` of `count` trials is within four binomial standard errors of
/// `expected`. With the fixed seeds here the outcome is the same on every run.
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

@Test func funnelStepsFollowTheirProbabilities() throws {
  let counts = try runFunnel(customers: 200_000)
  func events(_ step: FunnelEvent.Step) -> Int { counts.events[Int(step.rawValue)] }

  #expect(events(.arrival) == 200_000)
  #expect(counts.arrivalsByChannel.reduce(0, +) == 200_000)
  expectShare(counts.arrivalsByChannel[0], of: 200_000, near: 0.5)
  expectShare(events(.trailer), of: events(.arrival), near: 0.30)
  expectShare(events(.classPage), of: events(.trailer), near: 0.50)
  expectShare(events(.addToCart), of: events(.classPage), near: 0.40)
  #expect(events(.checkout) == events(.addToCart), "every cart reaches the checkout")
  expectShare(counts.checkoutPurchases, of: events(.checkout), near: 0.35)

  let abandoners = counts.treatmentAbandoners + counts.holdoutAbandoners
  #expect(abandoners + counts.checkoutPurchases == events(.checkout))
  expectShare(counts.holdoutAbandoners, of: abandoners, near: 0.10)
  #expect(events(.email) == counts.treatmentAbandoners, "every treatment abandoner is emailed")
  expectShare(events(.emailOpen), of: events(.email), near: 0.25)
  expectShare(events(.emailClick), of: events(.emailOpen), near: 0.30)
  expectShare(events(.emailReturn), of: events(.emailClick), near: 0.20)
  expectShare(events(.organicReturn), of: abandoners, near: 0.05)
  #expect(counts.cutOff == 0)
}

/// A treatment abandoner converts unless both the email path (0.25 × 0.30 × 0.20 = 0.015)
/// and the organic return (0.05) fail: 1 − 0.985 × 0.95 = 0.06425. The holdout has only
/// the organic return, 0.05.
@Test func funnelArmsConvertAsExpected() throws {
  let counts = try runFunnel(customers: 300_000, seed: 11)
  expectShare(counts.treatmentConversions, of: counts.treatmentAbandoners, near: 0.06425)
  expectShare(counts.holdoutConversions, of: counts.holdoutAbandoners, near: 0.05)
  let perCustomer = Double(counts.totalEvents) / 300_000
  #expect(abs(perCustomer - 1.619) < 0.01, "events per customer \(perCustomer)")
}

@Test func funnelIsDeterministic() throws {
  let first = try runFunnel(customers: 20_000, seed: 3)
  let second = try runFunnel(customers: 20_000, seed: 3)
  let otherSeed = try runFunnel(customers: 20_000, seed: 4)
  #expect(first == second)
  #expect(first != otherSeed)
}

@Test func funnelCountsEventsCutOffAtTheEnd() throws {
  let counts = try runFunnel(customers: 20_000, end: .zero + .days(15))
  let whole = try runFunnel(customers: 20_000)
  #expect(counts.cutOff > 0)
  #expect(counts.totalEvents < whole.totalEvents)
}

/// One case of the split into threads: customers, jobs and the end of the run.
struct FunnelJobsCase: Sendable, CustomTestStringConvertible {
  let customers: Int
  let jobs: Int
  let endDays: Int64

  var testDescription: String { "\(customers) customers, \(jobs) jobs, end day \(endDays)" }
}

/// Splitting the customers over threads gives the counts of one thread, also when the end
/// cuts events off (day 15 falls inside the 30-day arrival window, day 30 just after it)
/// and when there are more jobs than customers.
@Test(arguments: [
  FunnelJobsCase(customers: 20_000, jobs: 2, endDays: 120),
  FunnelJobsCase(customers: 20_000, jobs: 3, endDays: 120),
  FunnelJobsCase(customers: 20_000, jobs: 2, endDays: 15),
  FunnelJobsCase(customers: 20_000, jobs: 7, endDays: 15),
  FunnelJobsCase(customers: 20_000, jobs: 2, endDays: 30),
  FunnelJobsCase(customers: 5, jobs: 8, endDays: 120),
  FunnelJobsCase(customers: 1, jobs: 2, endDays: 120),
  FunnelJobsCase(customers: 0, jobs: 2, endDays: 120),
])
func funnelJobsGiveTheSameCounts(_ split: FunnelJobsCase) throws {
  let end = SimTime.zero + .days(split.endDays)
  let oneThread = try runFunnel(customers: split.customers, end: end)
  let threads = try runFunnel(customers: split.customers, end: end, jobs: split.jobs)
  #expect(threads == oneThread)
}

/// The ranges cover every customer once, in order, and none is empty.
@Test(arguments: [(0, 1), (1, 2), (2, 2), (5, 8), (1_000, 2), (1_000, 3), (1_000_000, 2)])
func funnelRangesCoverTheCustomers(customers: Int, jobs: Int) {
  let bounds = ReferenceFunnelSimulation.rangeBounds(customers: customers, jobs: jobs)
  #expect(bounds.first == 0)
  #expect(bounds.last == customers)
  #expect(bounds.count - 1 == max(1, min(jobs, customers)))
  if customers > 0 {
    #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
  }
}

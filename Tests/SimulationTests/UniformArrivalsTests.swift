import CGSL
import Testing

@testable import Simulation

@Test func arrivalsAreSortedAndInsideWindow() throws {
  let purpose = try RandomStreams(seed: 11).purpose("arrival")
  let window = SimDuration.days(30)
  let arrivals = Array(UniformArrivals(count: 50_000, over: window, purpose: purpose))
  #expect(arrivals.count == 50_000)
  #expect(arrivals.map(\.customer) == Array(0..<50_000))
  #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $0.time <= $1.time })
  #expect(arrivals.allSatisfy { $0.time >= .zero })
  #expect(arrivals.allSatisfy { $0.time.milliseconds < window.milliseconds })
}

/// The arrival times, pooled, must be uniform over the window: a chi-square test on 20
/// equal bins with p from GSL. The seed is fixed, so the outcome is the same on every run.
@Test func arrivalsAreUniformOverWindow() throws {
  let purpose = try RandomStreams(seed: 2026).purpose("arrival")
  let window = SimDuration.days(30)
  let count = 100_000
  var bins = [Double](repeating: 0, count: 20)
  for arrival in UniformArrivals(count: UInt64(count), over: window, purpose: purpose) {
    let bin = Int(arrival.time.milliseconds * 20 / window.milliseconds)
    bins[bin] += 1
  }
  let expected = Double(count) / 20
  let statistic = bins.reduce(0) { $0 + ($1 - expected) * ($1 - expected) / expected }
  let pValue = gsl_cdf_chisq_Q(statistic, 19)
  #expect(pValue > 1e-4, "chi-square \(statistic), p = \(pValue)")
}

@Test func arrivalsDependOnlyOnSeedAndCount() throws {
  let first = Array(
    UniformArrivals(count: 1_000, over: .days(7), purpose: try RandomStreams(seed: 5).purpose("a")))
  let again = Array(
    UniformArrivals(count: 1_000, over: .days(7), purpose: try RandomStreams(seed: 5).purpose("a")))
  let otherSeed = Array(
    UniformArrivals(count: 1_000, over: .days(7), purpose: try RandomStreams(seed: 6).purpose("a")))
  #expect(first == again)
  #expect(first != otherSeed)
}

@Test func arrivalsWithStartOffset() throws {
  let purpose = try RandomStreams(seed: 1).purpose("arrival")
  let start = SimTime(milliseconds: 86_400_000)
  let arrivals = Array(UniformArrivals(count: 10, over: .hours(1), from: start, purpose: purpose))
  #expect(arrivals.allSatisfy { $0.time >= start })
  #expect(arrivals.allSatisfy { $0.time < start + .hours(1) })
  #expect(Array(UniformArrivals(count: 0, over: .hours(1), purpose: purpose)).isEmpty)
}

/// Skipping to a customer gives the arrivals that the whole sequence has from there.
@Test(arguments: [0, 1, 499, 999, 1_000])
func uniformArrivalsSkipKeepsTheSequence(to customer: Int) throws {
  let purpose = try RandomStreams(seed: 9).purpose("customer.arrival")
  let whole = Array(UniformArrivals(count: 1_000, over: .days(30), purpose: purpose))
  var skipped = UniformArrivals(count: 1_000, over: .days(30), purpose: purpose)
  skipped.skip(to: UInt64(customer))
  #expect(Array(skipped) == Array(whole[customer...]))
}

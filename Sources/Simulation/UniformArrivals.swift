import Foundation

/// One customer's first appearance in the simulation.
public struct Arrival: Hashable, Sendable {
  public let customer: UInt64
  public let time: SimTime
}

/// Arrivals of `count` customers at independent uniform times over a window, produced
/// lazily in time order, one at a time, so the calendar contains one pending arrival
/// instead of all of them.
///
/// Customer ids are the arrival ranks 0, 1, …, count − 1. The times are the order
/// statistics of `count` uniform draws, generated in increasing order by the sequential
/// method: with R₀ = 1 and Uₖ uniform on (0, 1], Rₖ = Rₖ₋₁ · Uₖ^(1/(count − k)) and the
/// k-th arrival falls at (1 − Rₖ) of the window (Bentley and Saxe, "Generating sorted lists
/// of random numbers", ACM TOMS 6(3), 1980). Uₖ comes from customer k's own stream of
/// `purpose`, so each customer's draw is keyed, and a shard that skips other customers'
/// arrivals still walks the same sequence. Each step costs O(1); the product is taken in
/// a fixed order, so the times are identical on every run.
public struct UniformArrivals: IteratorProtocol, Sequence, Sendable {
  public let count: UInt64
  public let window: SimDuration
  public let start: SimTime
  /// The streams of the arrival purpose, taken in customer order.
  private var streams: SequentialStreams
  private var nextCustomer: UInt64 = 0
  /// Rₖ: the share of the window still ahead of the last arrival.
  private var remaining = 1.0

  public init(count: UInt64, over window: SimDuration, from start: SimTime = .zero,
              purpose: RandomPurpose) {
    self.count = count
    self.window = window
    self.start = start
    self.streams = SequentialStreams(purpose)
  }

  public mutating func next() -> Arrival? {
    guard nextCustomer < count else { return nil }
    let customer = nextCustomer
    advance()
    let offset = SimDuration(
      roundingMilliseconds: (1 - remaining) * Double(window.milliseconds))
    // Rounding can put the last arrival at the very end of the window; keep it inside.
    let clamped = Swift.min(offset.milliseconds, Swift.max(0, window.milliseconds - 1))
    return Arrival(customer: customer, time: start + SimDuration(milliseconds: clamped))
  }

  /// Skips the arrivals of the customers before `customer`, so that `next()` returns the
  /// arrival of `customer` with the time it has in the whole sequence. The skipped
  /// customers' draws are still taken, because each step of the product depends on the
  /// ones before. O(customer − skipped so far).
  ///
  /// - Precondition: `customer` is neither before the next arrival nor after `count`.
  public mutating func skip(to customer: UInt64) {
    precondition(
      customer >= nextCustomer && customer <= count,
      "skip(to:) requires \(nextCustomer)...\(count), got \(customer)")
    while nextCustomer < customer {
      advance()
    }
  }

  /// Takes the next customer's draw into the product Rₖ.
  private mutating func advance() {
    // `uniformPositive()` on the customer's stream: its first uniform unless that is 0,
    // which happens with probability 2^-53 and then takes the stream's later words.
    var uniform = streams.firstUniform(customer: nextCustomer)
    if uniform == 0 {
      var stream = streams.stream(customer: nextCustomer)
      uniform = stream.uniformPositive()
    }
    let left = Double(count - nextCustomer)
    remaining *= Foundation.exp(Foundation.log(uniform) / left)
    nextCustomer += 1
  }
}

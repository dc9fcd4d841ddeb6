import Foundation
import Measure
import Simulation

/// The true contribution of each channel, from counterfactual passes with the same keyed
/// draws: the channels are the scenario's channels, in order, then each workflow's email.
///
/// A pass switches a set of channels off (see `Journey.init` and `LoopContext`) and counts
/// every customer's purchases during the run. Because every draw is keyed by customer and
/// purpose, switching a channel off changes only the customers it reached.
///
/// - Removal truth: channel c's loss is v(N) − v(N \ {c}), the conversions lost when c
///   alone is off; its share is its loss over the sum of all losses.
/// - Shapley truth: φ_c = Σ over S ⊆ N \ {c} of |S|! (k − |S| − 1)! / k! × (v(S ∪ {c}) −
///   v(S)), where v(S) counts the conversions with only the channels in S on. The values
///   sum to v(N) − v(∅), and a channel's share is φ_c over that sum.
/// - Per-customer truth: a converting customer's conversion is incremental to c when the
///   customer converts fewer times with c off. Conversions that no single removal takes
///   away would have happened anyway.
struct AttributionTruth: Sendable {
  /// The channels that one converting customer's conversions depend on.
  struct CustomerTruth: Sendable, Equatable {
    let customer: UInt64
    /// Purchases in the factual pass.
    let conversions: Int
    /// Channels (indices into `channels`) whose removal alone costs this customer a
    /// conversion, in order.
    let incrementalChannels: [Int]
    /// Conversions that every single removal leaves in place.
    let neverIncremental: Int
  }

  let channels: [String]
  /// v(S) for every set S of channels switched on, indexed by the bit mask of S (bit i
  /// for channel i).
  let values: [Int]
  /// Conversions lost when each channel alone is switched off.
  let removalLosses: [Int]
  /// The true Shapley value of each channel, in conversions.
  let shapleyValues: [Double]
  /// The converting customers of the factual pass, in customer order.
  let customers: [CustomerTruth]

  /// Computes the truth from the counts of every pass.
  ///
  /// - Parameters:
  ///   - values: v(S) for every mask S from 0 to 2^k − 1.
  ///   - factual: each customer's conversions with every channel on.
  ///   - removals: per channel, each customer's conversions with that channel alone off.
  init(channels: [String], values: [Int], factual: [Int], removals: [[Int]]) {
    let count = channels.count
    precondition(values.count == 1 << count && removals.count == count)
    var customers: [CustomerTruth] = []
    for (index, conversions) in factual.enumerated() where conversions > 0 {
      var incremental: [Int] = []
      var largestLoss = 0
      for channel in 0..<count {
        let loss = max(0, conversions - removals[channel][index])
        if loss > 0 { incremental.append(channel) }
        largestLoss = max(largestLoss, loss)
      }
      customers.append(
        CustomerTruth(
          customer: UInt64(index), conversions: conversions, incrementalChannels: incremental,
          neverIncremental: conversions - largestLoss))
    }
    self.init(channels: channels, values: values, customers: customers)
  }

  /// Makes the truth from v(S) of every mask and the converting customers, in customer
  /// order: how shards' truths merge. `values` has 2^k entries for k channels.
  init(channels: [String], values: [Int], customers: [CustomerTruth]) {
    let count = channels.count
    precondition(values.count == 1 << count)
    self.channels = channels
    self.values = values
    self.customers = customers
    let full = (1 << count) - 1
    removalLosses = (0..<count).map { values[full] - values[full ^ (1 << $0)] }

    var factorials = [1.0]
    for n in 1...max(1, count) {
      factorials.append(factorials[n - 1] * Double(n))
    }
    shapleyValues = (0..<count).map { channel in
      let bit = 1 << channel
      var total = 0.0
      for mask in 0...full where mask & bit == 0 {
        let size = mask.nonzeroBitCount
        let weight = factorials[size] * factorials[count - size - 1] / factorials[count]
        total += weight * Double(values[mask | bit] - values[mask])
      }
      return total
    }
  }

  /// Conversions with every channel on.
  var conversions: Int { values[values.count - 1] }
  /// Conversions with every channel off.
  var baseline: Int { values[0] }
  /// The number of passes behind the truth, the factual one included.
  var passes: Int { values.count }

  /// Each channel's loss over the sum of losses; nil when the losses sum to 0.
  var removalShares: [Double]? {
    let total = removalLosses.reduce(0, +)
    guard total != 0 else { return nil }
    return removalLosses.map { Double($0) / Double(total) }
  }

  /// Each channel's Shapley value over v(N) − v(∅); nil when that is 0.
  var shapleyShares: [Double]? {
    let total = conversions - baseline
    guard total != 0 else { return nil }
    return shapleyValues.map { $0 / Double(total) }
  }

  /// Conversions that no single removal takes away.
  var neverIncrementalConversions: Int {
    customers.reduce(0) { $0 + $1.neverIncremental }
  }

  /// The share of the factual conversions that were never incremental; nil without
  /// conversions.
  var neverIncrementalShare: Double? {
    let total = customers.reduce(0) { $0 + $1.conversions }
    guard total > 0 else { return nil }
    return Double(neverIncrementalConversions) / Double(total)
  }

  /// Runs a pass for every set of channels except the full set, whose counts come from
  /// `factual`, on every processor core.
  static func compute(
    _ scenario: Scenario, factual: PassResult, shard: Shard? = nil,
    cancellation: CancellationFlag?
  ) throws -> AttributionTruth {
    let channels = scenario.channels.map(\.name) + scenario.workflows.map(\.name)
    let count = channels.count
    let full = (1 << count) - 1
    let removalMasks = Set((0..<count).map { full ^ (1 << $0) })

    let counts = try ParallelMap.map(Array(0..<full)) { mask in
      let off = Set((0..<count).filter { mask & (1 << $0) == 0 })
      var pass = LoopPass(
        scenario: scenario, armPolicy: .assigned, warehouse: nil, cancellation: cancellation,
        progress: nil)
      pass.switchedOff = off
      pass.shard = shard
      let result = try pass.run()
      let perCustomer = result.customers.map(\.purchases.count)
      return (
        total: perCustomer.reduce(0, +),
        perCustomer: removalMasks.contains(mask) ? perCustomer : nil
      )
    }

    let factualCounts = factual.customers.map(\.purchases.count)
    let values = counts.map(\.total) + [factualCounts.reduce(0, +)]
    let removals = (0..<count).map { counts[full ^ (1 << $0)].perCustomer ?? [] }
    return AttributionTruth(
      channels: channels, values: values, factual: factualCounts, removals: removals)
  }
}

/// The transient states of an absorbing Markov chain of order k built from conversion paths,
/// with the weights of their transitions. The absorbing states (conversion) and (null) are
/// kept as per-state weights rather than as states.
///
/// Construction, for each path with touches and with weight w = conversions + nulls > 0:
///
/// 1. Unless repeats are kept, consecutive touches on the same channel merge into one
///    (`a > a > b` becomes `a > b`).
/// 2. The states are the windows of k consecutive channels, in order (`a b`, `b c`, `c d` for
///    `a > b > c > d` at order 2). A path shorter than k has one state, all its channels.
/// 3. The transitions (start) → first state → … → last state each get weight w. The last
///    state gets `conversions` towards (conversion) and `nulls` towards (null), and the
///    path's value is added to the last state's value weight.
///
/// Only observed states exist. The probability of a transition is its weight over the total
/// weight out of its source. State 0 is (start).
struct MarkovChain {
  /// Each state's channels, as indices into `ConversionPaths.channels`; empty for (start).
  let states: [[Int]]
  /// Each state's transitions to other transient states, as (target, weight), sorted by target.
  let transitions: [[(target: Int, weight: Double)]]
  /// Each state's total outgoing weight, to transient and absorbing states.
  let totalWeight: [Double]
  /// Each state's weight towards (conversion).
  let conversionWeight: [Double]
  /// The value of the conversions that leave each state towards (conversion).
  let valueWeight: [Double]
  /// The states that contain each channel, parallel to `ConversionPaths.channels`.
  let statesByChannel: [[Int]]
  /// The number of distinct transitions with positive weight, absorbing ones included.
  let transitionCount: Int

  /// The number of states, (start) included.
  var count: Int { states.count }

  /// Builds the chain of order `order` from the paths.
  ///
  /// - Complexity: O(T k) hash operations for T touches.
  init(paths: ConversionPaths, order: Int, keepsRepeats: Bool) {
    var index: [[Int]: Int] = [[]: 0]
    var states: [[Int]] = [[]]
    var edges: [[Int: Double]] = [[:]]
    var totalWeight = [0.0]
    var conversionWeight = [0.0]
    var valueWeight = [0.0]
    var nullWeight = [0.0]

    func state(_ tuple: [Int]) -> Int {
      if let existing = index[tuple] { return existing }
      let new = states.count
      index[tuple] = new
      states.append(tuple)
      edges.append([:])
      totalWeight.append(0)
      conversionWeight.append(0)
      valueWeight.append(0)
      nullWeight.append(0)
      return new
    }

    for (pathIndex, path) in paths.paths.enumerated() {
      let weight = path.conversions + path.nulls
      var channels = paths.channelIndices[pathIndex]
      guard !channels.isEmpty, weight > 0 else { continue }
      if !keepsRepeats {
        channels = Self.mergingRepeats(channels)
      }

      var previous = 0
      for tuple in Self.windows(of: channels, order: order) {
        let current = state(tuple)
        edges[previous][current, default: 0] += weight
        totalWeight[previous] += weight
        previous = current
      }
      totalWeight[previous] += weight
      conversionWeight[previous] += path.conversions
      valueWeight[previous] += path.value
      nullWeight[previous] += path.nulls
    }

    var statesByChannel = [[Int]](repeating: [], count: paths.channels.count)
    for (stateIndex, tuple) in states.enumerated() {
      for channel in Set(tuple).sorted() {
        statesByChannel[channel].append(stateIndex)
      }
    }
    var transitionCount = 0
    var sortedEdges: [[(target: Int, weight: Double)]] = []
    sortedEdges.reserveCapacity(edges.count)
    for (stateIndex, targets) in edges.enumerated() {
      let sorted = targets.sorted { $0.key < $1.key }
      sortedEdges.append(sorted.map { (target: $0.key, weight: $0.value) })
      transitionCount += targets.count
      if conversionWeight[stateIndex] > 0 { transitionCount += 1 }
      if nullWeight[stateIndex] > 0 { transitionCount += 1 }
    }

    self.states = states
    self.transitions = sortedEdges
    self.totalWeight = totalWeight
    self.conversionWeight = conversionWeight
    self.valueWeight = valueWeight
    self.statesByChannel = statesByChannel
    self.transitionCount = transitionCount
  }

  /// Returns the channels with each run of a repeated channel merged into one touch.
  static func mergingRepeats(_ channels: [Int]) -> [Int] {
    var merged: [Int] = []
    merged.reserveCapacity(channels.count)
    for channel in channels where merged.last != channel {
      merged.append(channel)
    }
    return merged
  }

  /// Returns the windows of `order` consecutive channels, or the whole sequence when it is
  /// shorter than `order`.
  static func windows(of channels: [Int], order: Int) -> [[Int]] {
    guard channels.count > order else { return [channels] }
    return (0...(channels.count - order)).map { Array(channels[$0..<($0 + order)]) }
  }
}

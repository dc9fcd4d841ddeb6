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
    var builder = MarkovChainBuilder(channelCount: paths.channels.count, order: order)
    var channels: [Int] = []
    paths.touchChannels.withUnsafeBufferPointer { touches in
      for path in 0..<paths.pathCount {
        let start = paths.touchStarts[path]
        let end = paths.touchStarts[path + 1]
        let conversions = paths.pathConversions[path]
        let nulls = paths.pathNulls[path]
        let weight = conversions + nulls
        guard end > start, weight > 0 else { continue }
        channels.removeAll(keepingCapacity: true)
        for touch in start..<end {
          let channel = Int(touches[touch])
          if keepsRepeats || channels.last != channel { channels.append(channel) }
        }
        channels.withUnsafeBufferPointer { channels in
          builder.add(
            channels, weight: weight, conversions: conversions, value: paths.pathValues[path],
            nulls: nulls)
        }
      }
    }

    let states = builder.states
    var statesByChannel = [[Int]](repeating: [], count: paths.channels.count)
    for (stateIndex, tuple) in states.enumerated() {
      for channel in Set(tuple).sorted() {
        statesByChannel[channel].append(stateIndex)
      }
    }
    var sortedEdges = [[(target: Int, weight: Double)]](repeating: [], count: states.count)
    for edge in builder.edgeWeights.indices {
      sortedEdges[builder.edgeSources[edge]].append(
        (target: builder.edgeTargets[edge], weight: builder.edgeWeights[edge]))
    }
    var transitionCount = builder.edgeWeights.count
    for stateIndex in states.indices {
      sortedEdges[stateIndex].sort { $0.target < $1.target }
      if builder.conversionWeight[stateIndex] > 0 { transitionCount += 1 }
      if builder.nullWeight[stateIndex] > 0 { transitionCount += 1 }
    }

    self.states = states
    self.transitions = sortedEdges
    self.totalWeight = builder.totalWeight
    self.conversionWeight = builder.conversionWeight
    self.valueWeight = builder.valueWeight
    self.statesByChannel = statesByChannel
    self.transitionCount = transitionCount
  }
}

/// The states, transitions and weights of a chain while its paths are added.
private struct MarkovChainBuilder {
  let order: Int
  var keys: StateKeys
  var states: [[Int]] = [[]]
  /// Transitions between transient states, numbered in the order they first occur, found
  /// by the key source × 2³² + target.
  var edgeNumbers = IntegerTable()
  var edgeSources: [Int] = []
  var edgeTargets: [Int] = []
  var edgeWeights: [Double] = []
  var totalWeight = [0.0]
  var conversionWeight = [0.0]
  var valueWeight = [0.0]
  var nullWeight = [0.0]

  init(channelCount: Int, order: Int) {
    self.order = order
    keys = StateKeys(channelCount: channelCount, order: order)
  }

  /// Adds the transitions of a path with at least one channel, repeats already merged or
  /// kept, and its weight w = conversions + nulls > 0.
  mutating func add(
    _ channels: UnsafeBufferPointer<Int>, weight: Double, conversions: Double, value: Double,
    nulls: Double
  ) {
    var previous = 0
    let windowLength = min(order, channels.count)
    for start in 0...(channels.count - windowLength) {
      let current = state(UnsafeBufferPointer(rebasing: channels[start..<(start + windowLength)]))
      let edgeKey = previous << 32 | current
      if let edge = edgeNumbers[edgeKey] {
        edgeWeights[edge] += weight
      } else {
        edgeNumbers[edgeKey] = edgeWeights.count
        edgeSources.append(previous)
        edgeTargets.append(current)
        edgeWeights.append(weight)
      }
      totalWeight[previous] += weight
      previous = current
    }
    totalWeight[previous] += weight
    conversionWeight[previous] += conversions
    valueWeight[previous] += value
    nullWeight[previous] += nulls
  }

  /// Returns the state of a tuple of channels, adding it when it is new.
  @inline(__always)
  private mutating func state(_ channels: UnsafeBufferPointer<Int>) -> Int {
    if let key = keys.integerKey(of: channels) {
      if let existing = keys.state(ofKey: key) { return existing }
      return addState(channels, key: .integer(key))
    }
    let (existing, key) = keys.state(of: channels)
    if let existing { return existing }
    return addState(channels, key: key)
  }

  /// Adds the state of a tuple of channels that has none yet.
  private mutating func addState(_ channels: UnsafeBufferPointer<Int>, key: StateKeys.Key) -> Int
  {
    let new = states.count
    keys.insert(key, state: new)
    states.append(Array(channels))
    totalWeight.append(0)
    conversionWeight.append(0)
    valueWeight.append(0)
    nullWeight.append(0)
    return new
  }
}

/// The states of a chain by their channels: a tuple of at most k channel indices, found by
/// an integer key when the tuples fit in 64 bits and by the tuple itself otherwise.
struct StateKeys {
  /// The key of a tuple (c₁, …, cⱼ) is Σ (cᵢ + 1) × baseⁱ⁻¹ with base = channels + 1, so
  /// distinct tuples of up to `order` channels have distinct keys; nil when base^order
  /// overflows an Int.
  private let base: Int?
  private var byKey = IntegerTable()
  private var byTuple: [[Int]: Int] = [[]: 0]

  init(channelCount: Int, order: Int) {
    var power = 1
    var fits = true
    for _ in 0..<order {
      let (product, overflow) = power.multipliedReportingOverflow(by: channelCount + 1)
      fits = fits && !overflow
      power = product
    }
    base = fits ? channelCount + 1 : nil
    byKey[0] = 0
  }

  /// A tuple's key, for `insert` when it has no state yet.
  enum Key {
    case integer(Int)
    case tuple([Int])
  }

  /// Returns the integer key of a tuple, or nil when the tuples are too long for one.
  @inline(__always)
  func integerKey(of channels: UnsafeBufferPointer<Int>) -> Int? {
    guard let base else { return nil }
    var key = 0
    var power = 1
    for channel in channels {
      key += (channel + 1) * power
      power &*= base
    }
    return key
  }

  /// Returns the state of the tuple whose integer key is `key`, if any.
  @inline(__always)
  func state(ofKey key: Int) -> Int? {
    byKey[key]
  }

  /// Returns the state of the tuple, if any, and its key.
  func state(of channels: some Collection<Int>) -> (Int?, Key) {
    guard let base else {
      let tuple = Array(channels)
      return (byTuple[tuple], .tuple(tuple))
    }
    var key = 0
    var power = 1
    for channel in channels {
      key += (channel + 1) * power
      power &*= base
    }
    return (byKey[key], .integer(key))
  }

  mutating func insert(_ key: Key, state: Int) {
    switch key {
    case .integer(let key): byKey[key] = state
    case .tuple(let tuple): byTuple[tuple] = state
    }
  }
}

/// A map from integers of at least 0 to integers, with open addressing and linear probing,
/// which hashes an Int with one multiplication where `Dictionary` runs SipHash.
struct IntegerTable {
  private var keys = [Int](repeating: -1, count: 64)
  private var values = [Int](repeating: 0, count: 64)
  private var count = 0

  /// The value of a key, or nil. Setting nil is not supported.
  subscript(key: Int) -> Int? {
    get {
      let slot = self.slot(of: key)
      return keys[slot] == key ? values[slot] : nil
    }
    set {
      precondition(key >= 0 && newValue != nil, "IntegerTable takes keys of at least 0")
      let slot = self.slot(of: key)
      if keys[slot] != key {
        keys[slot] = key
        count += 1
      }
      values[slot] = newValue ?? 0
      if count * 2 > keys.count { grow() }
    }
  }

  /// Returns the slot that contains `key`, or the empty slot where it would go.
  private func slot(of key: Int) -> Int {
    let mask = keys.count - 1
    // The high bits of the product, which every bit of the key reaches (Fibonacci hashing).
    // Low bits would ignore the high half of an edge's key, its source state.
    let hash = (UInt64(UInt(bitPattern: key)) &* 0x9e37_79b9_7f4a_7c15)
      >> UInt64(64 - keys.count.trailingZeroBitCount)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while keys[slot] != key && keys[slot] >= 0 {
      slot = (slot + 1) & mask
    }
    return slot
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldValues = values
    keys = [Int](repeating: -1, count: oldKeys.count * 2)
    values = [Int](repeating: 0, count: oldKeys.count * 2)
    for (key, value) in zip(oldKeys, oldValues) where key >= 0 {
      let slot = self.slot(of: key)
      keys[slot] = key
      values[slot] = value
    }
  }
}

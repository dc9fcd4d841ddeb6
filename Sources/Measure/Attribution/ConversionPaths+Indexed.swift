/// A path whose touches are given as indices into a list of channel names, with the path's
/// conversions, value and nulls as in `ConversionPath`. Touches have no timestamps.
public struct IndexedPath: Hashable, Sendable {
  /// The channel of each touch, in order, as an index into the names.
  public var channels: [Int]
  public var conversions: Double
  public var value: Double
  public var nulls: Double

  public init(channels: [Int], conversions: Double, value: Double = 0, nulls: Double = 0) {
    self.channels = channels
    self.conversions = conversions
    self.value = value
    self.nulls = nulls
  }
}

extension ConversionPaths {
  /// Checks paths whose touches index into `names`, and numbers their channels in sorted
  /// order. A reader of a large file can then make one string per channel rather than one
  /// per touch.
  ///
  /// The result equals that of `init(_:)` on the same paths with each touch spelled out as
  /// `Touch(channel: names[index])`, except that every name in `names` must be distinct.
  /// A name that no path touches is not a channel of the result.
  ///
  /// - Complexity: O(T + C log C) for T touches over C names.
  /// - Throws: `AttributionError.invalidPath` as `init(_:)` does, and also for an index
  ///   outside `names`. `.invalidParameter` when two names are equal. `.numberOverflow`
  ///   when a total exceeds the largest finite double.
  public init(names: [String], indexedPaths: [IndexedPath]) throws(AttributionError) {
    var touchChannels: [Int32] = []
    var touchStarts = [0]
    touchStarts.reserveCapacity(indexedPaths.count + 1)
    for (index, path) in indexedPaths.enumerated() {
      for channel in path.channels {
        guard names.indices.contains(channel) else {
          throw .invalidPath(
            index: index,
            problem: "touch channel index \(channel) is outside the \(names.count) names")
        }
        touchChannels.append(Int32(channel))
      }
      touchStarts.append(touchChannels.count)
    }
    try self.init(
      names: names,
      flatPaths: FlatPaths(
        touchChannels: touchChannels, touchStarts: touchStarts,
        conversions: indexedPaths.map(\.conversions), values: indexedPaths.map(\.value),
        nulls: indexedPaths.map(\.nulls)))
  }

  /// Checks paths given as flat arrays, whose touches index into `names`, and numbers their
  /// channels in sorted order, as `init(names:indexedPaths:)` does.
  ///
  /// - Complexity: O(T + C log C) for T touches over C names.
  /// - Throws: as `init(names:indexedPaths:)`.
  package init(names: [String], flatPaths: consuming FlatPaths) throws(AttributionError) {
    var flat = consume flatPaths
    let pathCount = flat.count
    precondition(
      flat.touchStarts.count == pathCount + 1 && flat.values.count == pathCount
        && flat.nulls.count == pathCount && flat.touchStarts.first == 0
        && flat.touchStarts.last == flat.touchChannels.count,
      "FlatPaths takes one start per path, then the end, and one count of each per path")
    var used = [Bool](repeating: false, count: names.count)
    var path = 0
    for (touch, channel) in flat.touchChannels.enumerated() {
      guard names.indices.contains(Int(channel)) else {
        while flat.touchStarts[path + 1] <= touch { path += 1 }
        throw .invalidPath(
          index: path,
          problem: "touch channel index \(channel) is outside the \(names.count) names")
      }
      used[Int(channel)] = true
    }
    for (index, name) in names.enumerated() where used[index] && name.isEmpty {
      guard let touch = flat.touchChannels.firstIndex(of: Int32(index)) else { continue }
      var path = 0
      while flat.touchStarts[path + 1] <= touch { path += 1 }
      let position = touch - flat.touchStarts[path]
      throw .invalidPath(index: path, problem: "touch \(position + 1) has an empty channel name")
    }

    // The sorted position of each name that a path touches.
    let order = names.indices.filter { used[$0] }.sorted { names[$0] < names[$1] }
    var position = [Int32](repeating: 0, count: names.count)
    for (sorted, index) in order.enumerated() {
      if sorted > 0 && names[order[sorted - 1]] == names[index] {
        throw .invalidParameter(
          name: "channel names", value: "\"\(names[index])\" given twice",
          expected: "distinct names")
      }
      position[index] = Int32(sorted)
    }
    let channels = order.map { names[$0] }

    for path in 0..<pathCount {
      let conversions = flat.conversions[path]
      let value = flat.values[path]
      let nulls = flat.nulls[path]
      // `problem()` names the fault; the plain checks first spare most paths its cost.
      let valid =
        isCount(conversions) && isCount(value) && isCount(nulls)
        && !(value > 0 && conversions == 0)
      if !valid {
        let touches = flat.touchChannels[flat.touchStarts[path]..<flat.touchStarts[path + 1]]
        let spelledOut = ConversionPath(
          touches: touches.map { Touch(channel: names[Int($0)]) }, conversions: conversions,
          value: value, nulls: nulls)
        if let problem = spelledOut.problem() {
          throw .invalidPath(index: path, problem: problem)
        }
      }
    }
    flat.touchChannels.withUnsafeMutableBufferPointer { touches in
      position.withUnsafeBufferPointer { position in
        for touch in touches.indices { touches[touch] = position[Int(touches[touch])] }
      }
    }
    try self.init(givenPaths: nil, channels: channels, touches: flat)
  }
}

/// Returns whether a number is a valid count or value: finite and at least 0.
private func isCount(_ number: Double) -> Bool {
  number.isFinite && number >= 0
}

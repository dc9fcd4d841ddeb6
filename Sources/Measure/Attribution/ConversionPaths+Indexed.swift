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
    var used = [Bool](repeating: false, count: names.count)
    for (index, path) in indexedPaths.enumerated() {
      for channel in path.channels {
        guard names.indices.contains(channel) else {
          throw .invalidPath(
            index: index,
            problem: "touch channel index \(channel) is outside the \(names.count) names")
        }
        used[channel] = true
      }
    }
    for (index, name) in names.enumerated() where used[index] && name.isEmpty {
      guard let path = indexedPaths.firstIndex(where: { $0.channels.contains(index) }) else {
        continue
      }
      let touch = indexedPaths[path].channels.firstIndex(of: index) ?? 0
      throw .invalidPath(index: path, problem: "touch \(touch + 1) has an empty channel name")
    }

    // The sorted position of each name that a path touches.
    let order = names.indices.filter { used[$0] }.sorted { names[$0] < names[$1] }
    var position = [Int](repeating: 0, count: names.count)
    for (sorted, index) in order.enumerated() {
      if sorted > 0 && names[order[sorted - 1]] == names[index] {
        throw .invalidParameter(
          name: "channel names", value: "\"\(names[index])\" given twice",
          expected: "distinct names")
      }
      position[index] = sorted
    }
    let channels = order.map { names[$0] }

    var paths: [ConversionPath] = []
    var indices: [[Int]] = []
    paths.reserveCapacity(indexedPaths.count)
    indices.reserveCapacity(indexedPaths.count)
    for (index, indexed) in indexedPaths.enumerated() {
      let path = ConversionPath(
        touches: indexed.channels.map { Touch(channel: names[$0]) },
        conversions: indexed.conversions, value: indexed.value, nulls: indexed.nulls)
      // `problem()` names the fault; the plain checks first spare most paths its cost.
      let valid =
        isCount(path.conversions) && isCount(path.value) && isCount(path.nulls)
        && !(path.value > 0 && path.conversions == 0)
      if !valid, let problem = path.problem() {
        throw .invalidPath(index: index, problem: problem)
      }
      paths.append(path)
      indices.append(indexed.channels.map { position[$0] })
    }
    try self.init(checkedPaths: paths, channels: channels, channelIndices: indices)
  }
}

/// Returns whether a number is a valid count or value: finite and at least 0.
private func isCount(_ number: Double) -> Bool {
  number.isFinite && number >= 0
}

/// A checked set of conversion paths, the input of every attribution model.
///
/// Channels are numbered in sorted order (Swift's `String` order), so every model lists them
/// the same way whatever the order of the paths. Paths without touches cannot credit any
/// channel: their conversions and value are kept apart as unattributed, and the models
/// leave those paths out (the Markov chain and the Shapley rates too).
///
/// The models read the paths from flat arrays: every path's touches one after another as
/// channel numbers, and one array per count. A million paths then take a few arrays rather
/// than two small arrays each.
public struct ConversionPaths: Sendable {
  /// The paths as given to `init(_:)`, or nil when they were given by channel numbers.
  let givenPaths: [ConversionPath]?
  /// Every channel that occurs in a touch, sorted.
  public let channels: [String]
  /// The touches of every path, one path after another, as indices into `channels`.
  let touchChannels: [Int32]
  /// The start of each path's touches in `touchChannels`, then the end of the last path's:
  /// path i has the touches `touchStarts[i]..<touchStarts[i + 1]`.
  let touchStarts: [Int]
  /// Each path's conversions, value and nulls.
  let pathConversions: [Double]
  let pathValues: [Double]
  let pathNulls: [Double]

  /// The conversions of the paths with at least one touch, which the models distribute.
  public let attributableConversions: Double
  /// The value of the paths with at least one touch.
  public let attributableValue: Double
  /// The nulls of the paths with at least one touch.
  public let attributableNulls: Double
  /// The conversions of paths without touches, which no model credits.
  public let unattributedConversions: Double
  /// The value of paths without touches.
  public let unattributedValue: Double
  /// The number of paths without touches.
  public let emptyPathCount: Int

  /// Checks the paths and numbers their channels.
  ///
  /// - Complexity: O(T log C) for T touches over C channels.
  /// - Throws: `AttributionError.invalidPath` for a count or value that is negative or not
  ///   finite, a value without conversions, or an empty channel name, and
  ///   `.numberOverflow` when a total exceeds the largest finite double.
  public init(_ paths: [ConversionPath]) throws(AttributionError) {
    for (index, path) in paths.enumerated() {
      if let problem = path.problem() {
        throw .invalidPath(index: index, problem: problem)
      }
    }

    var names = Set<String>()
    for path in paths {
      for touch in path.touches { names.insert(touch.channel) }
    }
    let channels = names.sorted()
    let indexOf = Dictionary(uniqueKeysWithValues: channels.enumerated().map { ($1, $0) })
    var touchChannels: [Int32] = []
    var touchStarts = [0]
    touchStarts.reserveCapacity(paths.count + 1)
    for path in paths {
      for touch in path.touches { touchChannels.append(Int32(indexOf[touch.channel] ?? 0)) }
      touchStarts.append(touchChannels.count)
    }
    try self.init(
      givenPaths: paths, channels: channels,
      touches: FlatPaths(
        touchChannels: touchChannels, touchStarts: touchStarts,
        conversions: paths.map(\.conversions), values: paths.map(\.value),
        nulls: paths.map(\.nulls)))
  }

  /// Sums the totals of paths already checked, whose touches are numbered into the sorted
  /// `channels`.
  init(
    givenPaths: [ConversionPath]?, channels: [String], touches flat: FlatPaths
  ) throws(AttributionError) {
    var conversions = CompensatedSum()
    var value = CompensatedSum()
    var nulls = CompensatedSum()
    var emptyConversions = CompensatedSum()
    var emptyValue = CompensatedSum()
    var emptyCount = 0
    for path in flat.conversions.indices {
      if flat.touchStarts[path] == flat.touchStarts[path + 1] {
        emptyConversions.add(flat.conversions[path])
        emptyValue.add(flat.values[path])
        emptyCount += 1
      } else {
        conversions.add(flat.conversions[path])
        value.add(flat.values[path])
        nulls.add(flat.nulls[path])
      }
    }

    let totals = [
      ("total conversions", conversions.value), ("total value", value.value),
      ("total nulls", nulls.value), ("total conversions of paths without touches",
        emptyConversions.value), ("total value of paths without touches", emptyValue.value),
    ]
    for (name, total) in totals where !total.isFinite {
      throw .numberOverflow("the \(name)")
    }

    self.givenPaths = givenPaths
    self.channels = channels
    self.touchChannels = flat.touchChannels
    self.touchStarts = flat.touchStarts
    self.pathConversions = flat.conversions
    self.pathValues = flat.values
    self.pathNulls = flat.nulls
    self.attributableConversions = conversions.value
    self.attributableValue = value.value
    self.attributableNulls = nulls.value
    self.unattributedConversions = emptyConversions.value
    self.unattributedValue = emptyValue.value
    self.emptyPathCount = emptyCount
  }

  /// The number of paths.
  public var pathCount: Int { pathConversions.count }

  /// The paths, as given or spelled out from the channel numbers.
  ///
  /// - Complexity: O(1) for paths given to `init(_:)`, and O(T) for T touches otherwise,
  ///   so keep the result rather than reading it path by path.
  public var paths: [ConversionPath] {
    if let givenPaths { return givenPaths }
    return pathConversions.indices.map { path in
      ConversionPath(
        touches: (touchStarts[path]..<touchStarts[path + 1]).map {
          Touch(channel: channels[Int(touchChannels[$0])])
        },
        conversions: pathConversions[path], value: pathValues[path], nulls: pathNulls[path])
    }
  }

  /// Each path's touches as indices into `channels`.
  ///
  /// - Complexity: O(T) for T touches.
  var channelIndices: [[Int]] {
    pathConversions.indices.map { path in
      touchChannels[touchStarts[path]..<touchStarts[path + 1]].map(Int.init)
    }
  }
}

/// Paths as flat arrays: their touches one after another as channel numbers, where each
/// path's touches start, and one array per count.
package struct FlatPaths: Sendable {
  package var touchChannels: [Int32]
  /// The start of each path's touches in `touchChannels`, then the end of the last path's:
  /// path i has the touches `touchStarts[i]..<touchStarts[i + 1]`.
  package var touchStarts: [Int]
  package var conversions: [Double]
  package var values: [Double]
  package var nulls: [Double]

  package init(
    touchChannels: [Int32], touchStarts: [Int], conversions: [Double], values: [Double],
    nulls: [Double]
  ) {
    self.touchChannels = touchChannels
    self.touchStarts = touchStarts
    self.conversions = conversions
    self.values = values
    self.nulls = nulls
  }

  /// The number of paths.
  package var count: Int { conversions.count }
}

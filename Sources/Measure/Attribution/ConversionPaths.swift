/// A checked set of conversion paths, the input of every attribution model.
///
/// Channels are numbered in sorted order (Swift's `String` order), so every model lists them
/// the same way whatever the order of the paths. Paths without touches cannot credit any
/// channel: their conversions and value are kept apart as unattributed, and the models
/// leave those paths out (the Markov chain and the Shapley rates too).
public struct ConversionPaths: Sendable {
  /// The paths as given.
  public let paths: [ConversionPath]
  /// Every channel that occurs in a touch, sorted.
  public let channels: [String]
  /// Each path's touches as indices into `channels`, parallel to `paths`.
  let channelIndices: [[Int]]

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
    let indices = paths.map { path in path.touches.map { indexOf[$0.channel] ?? 0 } }
    try self.init(checkedPaths: paths, channels: channels, channelIndices: indices)
  }

  /// Sums the totals of paths already checked, whose touches are numbered by
  /// `channelIndices` into the sorted `channels`.
  init(
    checkedPaths paths: [ConversionPath], channels: [String], channelIndices indices: [[Int]]
  ) throws(AttributionError) {
    var conversions = CompensatedSum()
    var value = CompensatedSum()
    var nulls = CompensatedSum()
    var emptyConversions = CompensatedSum()
    var emptyValue = CompensatedSum()
    var emptyCount = 0
    for path in paths {
      if path.touches.isEmpty {
        emptyConversions.add(path.conversions)
        emptyValue.add(path.value)
        emptyCount += 1
      } else {
        conversions.add(path.conversions)
        value.add(path.value)
        nulls.add(path.nulls)
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

    self.paths = paths
    self.channels = channels
    self.channelIndices = indices
    self.attributableConversions = conversions.value
    self.attributableValue = value.value
    self.attributableNulls = nulls.value
    self.unattributedConversions = emptyConversions.value
    self.unattributedValue = emptyValue.value
    self.emptyPathCount = emptyCount
  }
}

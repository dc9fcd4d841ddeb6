/// Credits every path's conversions and value to its touches by weights that sum to 1, then
/// adds the touches' credits up per channel.
///
/// A channel touched several times in a path gets the sum of its touches' weights, so a
/// repeated channel counts once per touch (as ChannelAttribution 2.2.5's linear model does).
///
/// - Parameter touchWeights: the weights of one path's touches, given its index in the
///   paths and its touches as indices into `paths.channels`. It is called only for paths
///   with touches and with conversions or value.
func ruleBasedAttribution(
  model: String, paths: ConversionPaths,
  touchWeights: (Int, UnsafeBufferPointer<Int32>) -> [Double]
) throws(AttributionError) -> Attribution {
  let channelCount = paths.channels.count
  var conversions = [CompensatedSum](repeating: CompensatedSum(), count: channelCount)
  var value = [CompensatedSum](repeating: CompensatedSum(), count: channelCount)
  paths.touchChannels.withUnsafeBufferPointer { allTouches in
    for path in 0..<paths.pathCount {
      let start = paths.touchStarts[path]
      let end = paths.touchStarts[path + 1]
      let pathConversions = paths.pathConversions[path]
      let pathValue = paths.pathValues[path]
      guard end > start, pathConversions > 0 || pathValue > 0 else { continue }
      let touches = UnsafeBufferPointer(rebasing: allTouches[start..<end])
      let weights = touchWeights(path, touches)
      for (channel, weight) in zip(touches, weights) where weight > 0 {
        conversions[Int(channel)].add(pathConversions * weight)
        value[Int(channel)].add(pathValue * weight)
      }
    }
  }
  return try Attribution(
    model: model, paths: paths, conversionCredits: conversions.map(\.value),
    valueCredits: value.map(\.value))
}

/// Returns weights that put 1 on `index` among `count` touches.
private func unitWeights(count: Int, at index: Int) -> [Double] {
  var weights = [Double](repeating: 0, count: count)
  weights[index] = 1
  return weights
}

/// First touch: each path's conversions and value go to the channel of its first touch.
public struct FirstTouchModel: AttributionModel {
  public init() {}

  public var name: String { "first" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    try ruleBasedAttribution(model: name, paths: paths) { _, touches in
      unitWeights(count: touches.count, at: 0)
    }
  }
}

/// Last touch: each path's conversions and value go to the channel of its last touch.
public struct LastTouchModel: AttributionModel {
  public init() {}

  public var name: String { "last" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    try ruleBasedAttribution(model: name, paths: paths) { _, touches in
      unitWeights(count: touches.count, at: touches.count - 1)
    }
  }
}

/// Last non-direct touch: each path's conversions and value go to its last touch on a
/// channel other than the direct one (customers who typed the address or used a bookmark).
/// A path whose touches are all direct credits direct.
public struct LastNonDirectTouchModel: AttributionModel {
  /// The name of the direct channel, compared exactly.
  public let directChannel: String

  /// - Throws: `AttributionError.invalidParameter` for an empty channel name.
  public init(directChannel: String = "direct") throws(AttributionError) {
    guard !directChannel.isEmpty else {
      throw .invalidParameter(
        name: "direct channel", value: "\"\"", expected: "a channel name, such as direct")
    }
    self.directChannel = directChannel
  }

  public var name: String { "last-non-direct" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    let direct = paths.channels.firstIndex(of: directChannel).map(Int32.init)
    return try ruleBasedAttribution(model: name, paths: paths) { _, touches in
      let chosen = touches.lastIndex { $0 != direct } ?? touches.count - 1
      return unitWeights(count: touches.count, at: chosen)
    }
  }
}

/// Linear: each of a path's n touches gets 1/n of its conversions and value.
public struct LinearModel: AttributionModel {
  public init() {}

  public var name: String { "linear" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    try ruleBasedAttribution(model: name, paths: paths) { _, touches in
      [Double](repeating: 1 / Double(touches.count), count: touches.count)
    }
  }
}

/// Position-based (U-shaped): the first touch gets `firstShare`, the last touch `lastShare`,
/// and the touches between them split the rest evenly (40 %, 40 % and 20 % by default).
///
/// A path with one touch gives it everything. A path with two touches has no middle, so its
/// two touches split the middle share evenly: the first gets firstShare + middle / 2 and the
/// last lastShare + middle / 2 (50 % each by default).
public struct PositionBasedModel: AttributionModel {
  public let firstShare: Double
  public let lastShare: Double

  /// - Throws: `AttributionError.invalidParameter` unless both shares are finite, at least 0,
  ///   and sum to at most 1.
  public init(firstShare: Double = 0.4, lastShare: Double = 0.4) throws(AttributionError) {
    for (name, share) in [("first-touch share", firstShare), ("last-touch share", lastShare)]
    where !(share.isFinite && share >= 0 && share <= 1) {
      throw .invalidParameter(name: name, value: "\(share)", expected: "a number from 0 to 1")
    }
    guard firstShare + lastShare <= 1 else {
      throw .invalidParameter(
        name: "position shares", value: "\(firstShare) + \(lastShare)",
        expected: "a first and a last share that sum to at most 1, such as 0.4 and 0.4")
    }
    self.firstShare = firstShare
    self.lastShare = lastShare
  }

  /// The share of the touches between the first and the last.
  public var middleShare: Double { max(0, 1 - firstShare - lastShare) }

  public var name: String { "position" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    try ruleBasedAttribution(model: name, paths: paths) { _, touches in
      weights(count: touches.count)
    }
  }

  /// Returns the weights of a path's `count` touches.
  func weights(count: Int) -> [Double] {
    switch count {
    case 1:
      return [1]
    case 2:
      return [firstShare + middleShare / 2, lastShare + middleShare / 2]
    default:
      var weights = [Double](repeating: middleShare / Double(count - 2), count: count)
      weights[0] = firstShare
      weights[count - 1] = lastShare
      return weights
    }
  }
}

/// The characteristic function v(S) of the Shapley model's game, for a coalition S of
/// channels. Both are computed over P(S), the paths whose channel set is a subset of S.
public enum ShapleyCharacteristic: String, Hashable, Sendable, CaseIterable {
  /// v(S) = Σ conversions over P(S): the conversions of the customers whom only channels of
  /// S reached. Its Shapley values equal each path's conversions split evenly between its
  /// distinct channels, so credit follows reach. Nulls do not enter.
  case conversions
  /// v(S) = Σ conversions / Σ (conversions + nulls) over P(S), the conversion rate of those
  /// customers, or 0 when P(S) has no conversions or nulls. Credits are the Shapley values
  /// times the conversions plus nulls of all paths. A rate ignores how many customers a
  /// channel reached, so a channel on a handful of paths can get as much credit as one on
  /// thousands, and credits can be negative.
  case conversionRate
}

/// The Shapley values of the channels and the game they come from.
public struct ShapleyDetail: Hashable, Sendable {
  public let characteristic: ShapleyCharacteristic
  /// Each channel's Shapley value in the conversion game, parallel to
  /// `Attribution.channels`. They sum to `grandCoalitionValue`.
  public let shapleyValues: [Double]
  /// Each channel's Shapley value in the same game with value in place of conversions.
  public let valueShapleyValues: [Double]
  /// v(N), the game's value for the coalition of all channels.
  public let grandCoalitionValue: AttributionQuantity
  /// v(N) of the value game.
  public let valueGrandCoalitionValue: AttributionQuantity
  /// The number of distinct channel sets on paths with conversions, nulls or value.
  public let observedChannelSets: Int
}

/// Shapley value attribution over channels (Shapley 1953), with the characteristic function
/// over subsets of Zhao, Mahboobi and Bagheri (2018), "Shapley value methods for attribution
/// modeling in online advertising" (arXiv:1804.05327).
///
/// The channel set of a path is the set of its distinct channels; order and repeats do not
/// matter. For a coalition S, P(S) is the set of paths whose channel set is a subset of S,
/// and v(S) is computed over P(S) as `characteristic` states. A coalition that no path fits
/// has v(S) = 0, and so does the empty coalition, because paths without touches are left out.
/// Channel i gets
///
///     φᵢ = Σ over S ⊆ N∖{i} of |S|! (n − |S| − 1)! / n! × (v(S ∪ {i}) − v(S))
///
/// and the φᵢ sum to v(N). With `.conversions` the credit is φᵢ, and v(N) is the attributable
/// conversions. With `.conversionRate` the credit is φᵢ × W, where W is the conversions plus
/// nulls of all paths with touches, so the credits sum to the attributable conversions too.
/// Value is credited by the same formulas with value in place of conversions in v.
///
/// The computation is exact: it evaluates v on all 2ⁿ coalitions with a subset-sum
/// transform, in O(n 2ⁿ) time and O(2ⁿ) memory, so it is limited to `maximumChannels`.
public struct ShapleyModel: AttributionModel {
  /// The maximum number of channels: 2¹² = 4,096 coalitions.
  public static let maximumChannels = 12

  public let characteristic: ShapleyCharacteristic

  public init(characteristic: ShapleyCharacteristic = .conversions) {
    self.characteristic = characteristic
  }

  public var name: String { "shapley" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    let n = paths.channels.count
    guard n <= Self.maximumChannels else {
      throw .tooManyChannelsForShapley(channels: n, limit: Self.maximumChannels)
    }
    let coalitions = 1 << n

    // Totals per exact channel set, then per coalition over its subsets.
    var conversions = [Double](repeating: 0, count: coalitions)
    var value = [Double](repeating: 0, count: coalitions)
    var weight = [Double](repeating: 0, count: coalitions)
    for path in 0..<paths.pathCount {
      let channels = paths.touchChannels[paths.touchStarts[path]..<paths.touchStarts[path + 1]]
      guard !channels.isEmpty else { continue }
      let set = channels.reduce(0) { $0 | (1 << $1) }
      conversions[set] += paths.pathConversions[path]
      value[set] += paths.pathValues[path]
      weight[set] += paths.pathConversions[path] + paths.pathNulls[path]
    }
    let observed = (1..<coalitions).filter { weight[$0] > 0 || value[$0] > 0 }.count
    Self.sumOverSubsets(&conversions, channelCount: n)
    Self.sumOverSubsets(&value, channelCount: n)
    Self.sumOverSubsets(&weight, channelCount: n)

    let full = coalitions - 1
    let scale: Double
    let conversionGame: [Double]
    let valueGame: [Double]
    switch characteristic {
    case .conversions:
      scale = 1
      conversionGame = conversions
      valueGame = value
    case .conversionRate:
      scale = weight[full]
      conversionGame = (0..<coalitions).map {
        weight[$0] > 0 ? conversions[$0] / weight[$0] : 0
      }
      valueGame = (0..<coalitions).map { weight[$0] > 0 ? value[$0] / weight[$0] : 0 }
    }
    let conversionValues = Self.shapleyValues(conversionGame, channelCount: n)
    let valueValues = Self.shapleyValues(valueGame, channelCount: n)

    let grandIsDefined = characteristic == .conversions || weight[full] > 0
    let detail = ShapleyDetail(
      characteristic: characteristic, shapleyValues: conversionValues,
      valueShapleyValues: valueValues,
      grandCoalitionValue: grandIsDefined ? .defined(conversionGame[full]) : .undefined(.noPaths),
      valueGrandCoalitionValue: grandIsDefined ? .defined(valueGame[full]) : .undefined(.noPaths),
      observedChannelSets: observed)
    return try Attribution(
      model: name, paths: paths, conversionCredits: conversionValues.map { $0 * scale },
      valueCredits: valueValues.map { $0 * scale }, shapley: detail)
  }

  /// Replaces each f(S) by Σ f(T) over the subsets T of S (the zeta transform of the subset
  /// lattice), in O(n 2ⁿ).
  static func sumOverSubsets(_ values: inout [Double], channelCount n: Int) {
    for channel in 0..<n {
      let bit = 1 << channel
      for set in values.indices where set & bit != 0 {
        values[set] += values[set ^ bit]
      }
    }
  }

  /// Returns the Shapley value of each player of the game v, given on all 2ⁿ coalitions.
  static func shapleyValues(_ game: [Double], channelCount n: Int) -> [Double] {
    guard n > 0 else { return [] }
    // weights[s] = s! (n − s − 1)! / n! = 1 / (n × C(n − 1, s)).
    var binomial = 1.0
    var weights: [Double] = []
    for size in 0..<n {
      weights.append(1 / (Double(n) * binomial))
      binomial = binomial * Double(n - 1 - size) / Double(size + 1)
    }
    var values = [Double](repeating: 0, count: n)
    for channel in 0..<n {
      let bit = 1 << channel
      var sum = CompensatedSum()
      for set in game.indices where set & bit == 0 {
        sum.add(weights[set.nonzeroBitCount] * (game[set | bit] - game[set]))
      }
      values[channel] = sum.value
    }
    return values
  }
}

import Foundation
import Simulation

/// Time decay: each touch is weighted by 2^(−Δt / half-life), where Δt is its age at the
/// conversion, and a path's conversions and value are split in proportion to the weights.
///
/// Δt is the path's `conversionTime` minus the touch's timestamp, or the latest touch's
/// timestamp minus it when the path has no conversion time. A touch stamped after the
/// conversion has Δt = 0. Touches with equal timestamps get equal weights.
///
/// A path in which any touch has no timestamp decays by position instead: the touch j
/// places before the last has Δ = j touches and weight 2^(−j / `halfLifeInTouches`), so with
/// the default of one touch each earlier touch counts half as much as the next.
///
/// The weights are computed relative to the youngest touch, whose weight is 1, so a path of
/// any length or age has a positive weight sum. Touches older than about 1,075 half-lives
/// get weight 0 (the double underflows), and no touch gets NaN.
public struct TimeDecayModel: AttributionModel {
  /// The default half-life of 7 days, the default that guides to Google Analytics' time
  /// decay model give.
  public static let defaultHalfLife = SimDuration.days(7)

  /// The age at which a touch counts half as much as one at the conversion.
  public let halfLife: SimDuration
  /// The half-life, in touches, of paths without timestamps.
  public let halfLifeInTouches: Double

  /// - Throws: `AttributionError.invalidParameter` for a half-life of 0 or below, or a
  ///   half-life in touches that is not a finite number above 0.
  public init(halfLife: SimDuration = defaultHalfLife, halfLifeInTouches: Double = 1)
    throws(AttributionError)
  {
    guard halfLife.milliseconds > 0 else {
      throw .invalidParameter(
        name: "half-life", value: "\(halfLife)", expected: "a duration above 0, such as 7d")
    }
    guard halfLifeInTouches.isFinite, halfLifeInTouches > 0 else {
      throw .invalidParameter(
        name: "half-life in touches", value: "\(halfLifeInTouches)",
        expected: "a number of touches above 0, such as 1")
    }
    self.halfLife = halfLife
    self.halfLifeInTouches = halfLifeInTouches
  }

  public var name: String { "time-decay" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    try ruleBasedAttribution(model: name, paths: paths) { index, touches in
      // Paths given by channel numbers have no timestamps.
      if let given = paths.givenPaths { weights(of: given[index]) } else {
        weights(untimedCount: touches.count)
      }
    }
  }

  /// Returns the normalized weights of a path's touches.
  func weights(of path: ConversionPath) -> [Double] {
    let timestamps = path.touches.compactMap(\.timestamp)
    guard timestamps.count == path.touches.count, let latest = timestamps.max() else {
      return weights(untimedCount: path.touches.count)
    }
    // Doubles, because an Int64 difference of extreme timestamps can overflow.
    let reference = Double(path.conversionTime ?? latest)
    return normalizedWeights(
      ages: timestamps.map { max(0, reference - Double($0)) },
      scale: Double(halfLife.milliseconds))
  }

  /// Returns the normalized weights of `count` touches without timestamps, which decay by
  /// position.
  func weights(untimedCount count: Int) -> [Double] {
    normalizedWeights(
      ages: (0..<count).map { Double(count - 1 - $0) }, scale: halfLifeInTouches)
  }

  /// Returns 2^(−(age − youngest age) / scale) for each age, divided by their sum.
  private func normalizedWeights(ages: [Double], scale: Double) -> [Double] {
    let youngest = ages.min() ?? 0
    let raw = ages.map { exp2(-(($0 - youngest) / scale)) }
    var sum = CompensatedSum()
    for weight in raw { sum.add(weight) }
    let total = sum.value
    return raw.map { $0 / total }
  }
}

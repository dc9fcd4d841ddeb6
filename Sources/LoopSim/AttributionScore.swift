import Config
import Foundation
import Measure

/// The configured attribution models, run on the warehouse's paths and scored against the
/// counterfactual truth. Per model it stores each channel's credited share of the
/// attributable conversions, and the mean absolute error and Spearman's rank correlation
/// of those shares against the true removal and Shapley shares.
public struct AttributionScore: Sendable {
  /// The fit of one model's shares to one kind of truth.
  public struct Fit: Sendable, Equatable {
    /// Mean over the channels of |credited share − true share|; nil when either side is
    /// undefined.
    public let meanAbsoluteError: Double?
    /// Spearman's rank correlation of the credited and the true shares, with tied values
    /// given their mean rank. It is nil when either side is undefined, has fewer than two
    /// channels, or has all shares equal.
    public let spearman: Double?

    init(credited: [Double]?, truth: [Double]?) {
      guard let credited, let truth, credited.count == truth.count, !truth.isEmpty else {
        meanAbsoluteError = nil
        spearman = nil
        return
      }
      meanAbsoluteError = AttributionScore.meanAbsoluteError(credited, truth)
      spearman = AttributionScore.spearman(credited, truth)
    }
  }

  /// One model's credit and its fit to the truth.
  public struct ModelScore: Sendable {
    public let model: String
    /// Conversions credited to each truth channel, in the truth's channel order.
    public let conversions: [Double]
    /// Conversion value credited to each truth channel.
    public let value: [Double]
    /// Each channel's credited share of the attributable conversions; nil when no
    /// conversion is attributable.
    public let shares: [Double]?
    public let removal: Fit
    public let shapley: Fit
  }

  let truth: AttributionTruth
  let paths: TouchpointPaths
  /// The checked paths the models ran on.
  let checkedPaths: ConversionPaths
  public let models: [ModelScore]

  /// Runs the models of `config` on `paths` and scores them against `truth`.
  ///
  /// - Throws: `RuntimeFailure` when a model fails, such as a Markov solver that does not
  ///   converge.
  init(
    truth: AttributionTruth, paths: TouchpointPaths, config: AttributionConfig,
    directChannel: String
  ) throws {
    let checked: ConversionPaths
    do {
      checked = try ConversionPaths(paths.paths)
    } catch {
      throw RuntimeFailure("internal error: the warehouse's paths are invalid: \(error)")
    }
    let request = config.request(directChannel: directChannel)
    let removalShares = truth.removalShares
    let shapleyShares = truth.shapleyShares
    var models: [ModelScore] = []
    for name in config.models {
      let attribution: Attribution
      do {
        attribution = try Self.model(name, request: request).attribute(checked)
      } catch {
        throw RuntimeFailure("attribution model \(name.rawValue) failed: \(error)")
      }
      let conversions = truth.channels.map { attribution.credit(for: $0)?.conversions ?? 0 }
      let value = truth.channels.map { attribution.credit(for: $0)?.value ?? 0 }
      let total = checked.attributableConversions
      let shares = total > 0 ? conversions.map { $0 / total } : nil
      models.append(
        ModelScore(
          model: name.rawValue, conversions: conversions, value: value, shares: shares,
          removal: Fit(credited: shares, truth: removalShares),
          shapley: Fit(credited: shares, truth: shapleyShares)))
    }
    self.truth = truth
    self.paths = paths
    self.checkedPaths = checked
    self.models = models
  }

  /// Returns the model `name` with the parameters of `request`.
  static func model(
    _ name: AttributionModelName, request: AttributionRequest
  ) throws(AttributionError) -> any AttributionModel {
    switch name {
    case .first: FirstTouchModel()
    case .last: LastTouchModel()
    case .lastNonDirect: try LastNonDirectTouchModel(directChannel: request.directChannel)
    case .linear: LinearModel()
    case .timeDecay: try TimeDecayModel(halfLife: request.halfLife)
    case .position:
      try PositionBasedModel(firstShare: request.firstShare, lastShare: request.lastShare)
    case .markov: try MarkovModel(order: request.order, keepsRepeats: request.keepsRepeats)
    case .shapley: ShapleyModel(characteristic: request.shapleyGame.characteristic)
    }
  }

  /// Mean of |x − y| over paired values. Both arrays must have the same, nonzero count.
  static func meanAbsoluteError(_ x: [Double], _ y: [Double]) -> Double {
    zip(x, y).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(x.count)
  }

  /// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their
  /// mean rank. Nil with fewer than two pairs or when either side's values are all equal.
  static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count >= 2 else { return nil }
    let rx = ranks(x)
    let ry = ranks(y)
    let mean = Double(x.count + 1) / 2
    var covariance = 0.0
    var varianceX = 0.0
    var varianceY = 0.0
    for (a, b) in zip(rx, ry) {
      covariance += (a - mean) * (b - mean)
      varianceX += (a - mean) * (a - mean)
      varianceY += (b - mean) * (b - mean)
    }
    guard varianceX > 0, varianceY > 0 else { return nil }
    return covariance / (varianceX * varianceY).squareRoot()
  }

  /// Ranks from 1, with tied values given the mean of the ranks they span.
  static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] {
        end += 1
      }
      let rank = Double(start + end) / 2 + 1
      for position in start...end {
        ranks[order[position]] = rank
      }
      start = end + 1
    }
    return ranks
  }
}

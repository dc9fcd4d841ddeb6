import Config
import Customers
import Measure
import Simulation

/// The `attribution` section: which models a run scores against the counterfactual truth,
/// and how touchpoint paths are cut from the warehouse.
public struct AttributionConfig: Sendable, Equatable {
  /// The highest `shapleyLimit` a scenario may set: 2^16 passes are already far more than
  /// a run can afford at any useful size.
  public static let maximumShapleyLimit = 16
  /// The default `shapleyLimit`: 2^8 = 256 counterfactual passes.
  public static let defaultShapleyLimit = 8

  /// Whether `loopsim run` builds paths, runs the counterfactual passes and scores models.
  public var enabled: Bool
  /// The models to score, in the order of the report.
  public var models: [AttributionModelName]
  /// How far back before a conversion (or before the end of the run, for a path that did
  /// not convert) touches belong to the path.
  public var lookback: SimDuration
  /// The maximum time from a path's last touch to its conversion that still credits the
  /// path. A later conversion is unattributed, and its touches form a path without one.
  public var conversionWindow: SimDuration
  /// The half-life of the time decay model.
  public var halfLife: SimDuration
  /// The position-based model's shares of the first and the last touch.
  public var firstShare: Double
  public var lastShare: Double
  /// The order of the Markov chain, 1 to `MarkovModel.maximumOrder`.
  public var markovOrder: Int
  /// The maximum number of channels (scenario channels plus the workflow's email) for which
  /// the run computes the Shapley truth, which takes 2^k passes.
  public var shapleyLimit: Int

  public init(
    enabled: Bool = true, models: [AttributionModelName] = AttributionModelName.allCases,
    lookback: SimDuration = .days(30), conversionWindow: SimDuration = .days(30),
    halfLife: SimDuration = TimeDecayModel.defaultHalfLife, firstShare: Double = 0.4,
    lastShare: Double = 0.4, markovOrder: Int = 1, shapleyLimit: Int = defaultShapleyLimit
  ) {
    self.enabled = enabled
    self.models = models
    self.lookback = lookback
    self.conversionWindow = conversionWindow
    self.halfLife = halfLife
    self.firstShare = firstShare
    self.lastShare = lastShare
    self.markovOrder = markovOrder
    self.shapleyLimit = shapleyLimit
  }

  /// Returns the request that runs the configured models on the run's paths, with
  /// `directChannel` as the channel that last-non-direct skips.
  func request(directChannel: String) -> AttributionRequest {
    AttributionRequest(
      models: models, modelsWereRequested: true, order: markovOrder, keepsRepeats: false,
      halfLife: halfLife, directChannel: directChannel, firstShare: firstShare,
      lastShare: lastShare)
  }

  /// Reads the `attribution` section; every field has a default.
  public static var reader: ConfigReader<AttributionConfig> {
    .object("an attribution section such as { models: [\"first\", \"markov\"] }") { section in
      let defaults = AttributionConfig()
      let enabled = section.optional("enabled", .bool, default: true)
      let models = section.optional(
        "models",
        .array(
          of: .oneOf(AttributionModelName.self), count: 1...AttributionModelName.allCases.count),
        default: defaults.models)
      let lookback = section.optional("lookback", .positiveDuration, default: defaults.lookback)
      let window = section.optional(
        "conversionWindow", .positiveDuration, default: defaults.conversionWindow)
      let halfLife = section.optional("halfLife", .positiveDuration, default: defaults.halfLife)
      let weights = section.optional(
        "positionWeights", positionWeightsReader, default: (first: 0.4, last: 0.4))
      let order = section.optional(
        "markovOrder", .int(in: 1...MarkovModel.maximumOrder), default: 1)
      let limit = section.optional(
        "shapleyLimit", .int(in: 1...maximumShapleyLimit), default: defaultShapleyLimit)
      if let repeated = models.indices.first(where: { models[..<$0].contains(models[$0]) }) {
        section.error(
          "a model is listed twice", key: "models", found: "\"\(models[repeated].rawValue)\"",
          fix: "list each model once")
        return nil
      }
      if weights.first + weights.last > 1 {
        section.error(
          "the first and last shares sum to more than 1", key: "positionWeights",
          found: "\(weights.first) + \(weights.last)",
          fix: "give shares that sum to at most 1, such as { first: 0.4, last: 0.4 }")
        return nil
      }
      return AttributionConfig(
        enabled: enabled, models: models, lookback: lookback, conversionWindow: window,
        halfLife: halfLife, firstShare: weights.first, lastShare: weights.last,
        markovOrder: order, shapleyLimit: limit)
    }
  }

  static var positionWeightsReader: ConfigReader<(first: Double, last: Double)> {
    .object("position weights such as { first: 0.4, last: 0.4 }") { weights in
      let first = weights.optional("first", .probability, default: 0.4)
      let last = weights.optional("last", .probability, default: 0.4)
      return (first, last)
    }
  }

  /// Reports an error on `root` for every way the section and the rest of the scenario
  /// disagree: too many channels for the Shapley truth or model, or a channel name that the
  /// path format cannot carry.
  static func check(
    _ attribution: AttributionConfig, channels: [Channel], workflows: [String],
    root: ObjectReader
  ) {
    guard attribution.enabled else { return }
    let count = channels.count + workflows.count
    if count > attribution.shapleyLimit {
      root.error(
        "the Shapley truth needs 2^\(count) counterfactual passes for \(channels.count) "
          + "channels and the email of \(workflows.count) "
          + (workflows.count == 1 ? "workflow" : "workflows") + ", more than "
          + "attribution.shapleyLimit allows "
          + "(\(attribution.shapleyLimit))",
        key: "attribution", found: "\(count) channels",
        fix: "raise attribution.shapleyLimit to \(count) (at most \(maximumShapleyLimit)), "
          + "or use fewer channels")
    }
    if attribution.models.contains(.shapley), count > ShapleyModel.maximumChannels {
      root.error(
        "the Shapley model is exact only for at most \(ShapleyModel.maximumChannels) channels",
        key: "attribution", found: "\(count) channels",
        fix: "leave \"shapley\" out of attribution.models")
    }
    for channel in channels {
      if channel.name.contains(">") || channel.name.contains("\"") {
        root.error(
          "channel \"\(channel.name)\" contains '>' or '\"', which the path format cannot "
            + "carry", key: "channels", fix: "rename the channel without '>' and '\"'")
      }
      if workflows.contains(channel.name) {
        root.error(
          "channel \"\(channel.name)\" has the workflow's name, so paths could not tell its "
            + "touches from email clicks", key: "channels",
          fix: "rename the channel or the workflow")
      }
    }
  }
}

extension AttributionConfig: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "enabled": .bool(enabled),
      "models": .array(models.map { .string($0.rawValue) }),
      "lookback": lookback.configValue,
      "conversionWindow": conversionWindow.configValue,
      "halfLife": halfLife.configValue,
      "positionWeights": ["first": .number(firstShare), "last": .number(lastShare)],
      "markovOrder": markovOrder.configValue,
      "shapleyLimit": shapleyLimit.configValue,
    ]
  }
}

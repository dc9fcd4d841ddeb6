import Measure
import Simulation

/// An attribution model that `loopsim attribute` can run, by its command-line name.
public enum AttributionModelName: String, Sendable, CaseIterable {
  case first
  case last
  case lastNonDirect = "last-non-direct"
  case linear
  case timeDecay = "time-decay"
  case position
  case markov
  case shapley
}

/// The characteristic function of the Shapley model, by its command-line name.
public enum ShapleyGame: String, Sendable, CaseIterable {
  /// v(S) = conversions of the paths whose channels are all in S.
  case conversions
  /// v(S) = conversion rate of those paths.
  case rate

  var characteristic: ShapleyCharacteristic {
    switch self {
    case .conversions: .conversions
    case .rate: .conversionRate
    }
  }
}

/// The models and parameters that `AttributionReport` runs.
public struct AttributionRequest: Sendable {
  /// The highest order of the Markov chain.
  public static let maximumOrder = MarkovModel.maximumOrder

  /// The models, in the order of the report.
  public var models: [AttributionModelName]
  /// Whether `models` was chosen by the user rather than left at its default of every model.
  /// A default Shapley model is skipped with a note when there are too many channels, and a
  /// requested one is an error.
  public var modelsWereRequested: Bool
  /// The order of the Markov chain, 1 to `MarkovModel.maximumOrder`.
  public var order: Int
  /// Whether the Markov chain keeps consecutive touches on the same channel.
  public var keepsRepeats: Bool
  /// The half-life of time decay.
  public var halfLife: SimDuration
  /// The channel that the last non-direct touch model skips.
  public var directChannel: String
  /// The position-based model's shares of the first and the last touch.
  public var firstShare: Double
  public var lastShare: Double
  /// The Shapley model's characteristic function.
  public var shapleyGame: ShapleyGame

  public init(
    models: [AttributionModelName] = AttributionModelName.allCases,
    modelsWereRequested: Bool = false, order: Int = 1, keepsRepeats: Bool = false,
    halfLife: SimDuration = TimeDecayModel.defaultHalfLife, directChannel: String = "direct",
    firstShare: Double = 0.4, lastShare: Double = 0.4, shapleyGame: ShapleyGame = .conversions
  ) {
    self.models = models
    self.modelsWereRequested = modelsWereRequested
    self.order = order
    self.keepsRepeats = keepsRepeats
    self.halfLife = halfLife
    self.directChannel = directChannel
    self.firstShare = firstShare
    self.lastShare = lastShare
    self.shapleyGame = shapleyGame
  }
}

/// The attribution of a path file by every requested model.
public struct AttributionReport: Sendable {
  /// The version of the JSON document's layout.
  public static let schemaVersion = 1

  public let input: AttributionInput
  public let request: AttributionRequest
  /// One attribution per model that ran, in the requested order.
  public let attributions: [Attribution]
  /// Models that were skipped, with the reason.
  public let skipped: [(model: AttributionModelName, reason: String)]
  /// The time decay model, for its parameters.
  let timeDecay: TimeDecayModel
  /// The position-based model, for its shares.
  let position: PositionBasedModel

  /// Runs the requested models on the input's paths.
  ///
  /// - Throws: `AttributionInputError` for an invalid parameter or a requested Shapley model
  ///   over too many channels; `RuntimeFailure` when the Markov solver fails.
  public init(input: AttributionInput, request: AttributionRequest) throws {
    let timeDecay = try Self.model(input) { () throws(AttributionError) in
      try TimeDecayModel(halfLife: request.halfLife)
    }
    let position = try Self.model(input) { () throws(AttributionError) in
      try PositionBasedModel(firstShare: request.firstShare, lastShare: request.lastShare)
    }
    var attributions: [Attribution] = []
    var skipped: [(model: AttributionModelName, reason: String)] = []
    for name in request.models {
      let model: any AttributionModel
      switch name {
      case .first: model = FirstTouchModel()
      case .last: model = LastTouchModel()
      case .lastNonDirect:
        model = try Self.model(input) { () throws(AttributionError) in
          try LastNonDirectTouchModel(directChannel: request.directChannel)
        }
      case .linear: model = LinearModel()
      case .timeDecay: model = timeDecay
      case .position: model = position
      case .markov:
        model = try Self.model(input) { () throws(AttributionError) in
          try MarkovModel(order: request.order, keepsRepeats: request.keepsRepeats)
        }
      case .shapley:
        let channels = input.paths.channels.count
        if channels > ShapleyModel.maximumChannels && !request.modelsWereRequested {
          skipped.append(
            (
              name,
              "the Shapley model is exact only for at most \(ShapleyModel.maximumChannels) "
                + "channels, and the paths have \(channels)"
            ))
          continue
        }
        model = ShapleyModel(characteristic: request.shapleyGame.characteristic)
      }
      attributions.append(try Self.model(input) { () throws(AttributionError) in
        try model.attribute(input.paths)
      })
    }
    self.input = input
    self.request = request
    self.attributions = attributions
    self.skipped = skipped
    self.timeDecay = timeDecay
    self.position = position
  }

  /// Runs `body`, turning an `AttributionError` into the command line's error for it.
  private static func model<Result>(
    _ input: AttributionInput, _ body: () throws(AttributionError) -> Result
  ) throws -> Result {
    do {
      return try body()
    } catch {
      guard error.isInvalidInput else {
        throw RuntimeFailure("attribution failed on \(input.file): \(error)")
      }
      let fix: String
      if case .tooManyChannelsForShapley(_, let limit) = error {
        fix = "leave shapley out of --models, or merge the channels into at most \(limit) groups"
      } else {
        fix = "see 'loopsim attribute --help' for the models and their options"
      }
      throw AttributionInputError(file: input.file, line: nil, problem: error.description, fix: fix)
    }
  }
}

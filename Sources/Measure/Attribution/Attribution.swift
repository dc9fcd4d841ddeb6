/// The reason an attribution quantity has no value.
public enum AttributionUndefinedReason: String, Hashable, Sendable, Codable, CaseIterable,
  CustomStringConvertible
{
  /// The attributable paths have no conversions, so shares and removal effects are 0/0.
  case noConversions
  /// The attributable paths have no conversion value, so value shares are 0/0.
  case noValue
  /// No path with touches has conversions or nulls, so the Markov chain has no transitions.
  case noPaths

  public var description: String {
    switch self {
    case .noConversions: "the paths have no conversions"
    case .noValue: "the paths have no conversion value"
    case .noPaths: "no path with touches has conversions or nulls"
    }
  }
}

/// A number of an attribution, or the reason it is undefined. Never NaN or infinity.
public enum AttributionQuantity: Hashable, Sendable {
  case defined(Double)
  case undefined(AttributionUndefinedReason)

  /// The value, or nil when undefined.
  public var value: Double? {
    if case .defined(let value) = self { value } else { nil }
  }

  /// The reason, or nil when defined.
  public var undefinedReason: AttributionUndefinedReason? {
    if case .undefined(let reason) = self { reason } else { nil }
  }

  /// Returns `part / whole`, or undefined with `reason` when `whole` is 0.
  static func share(_ part: Double, of whole: Double, reason: AttributionUndefinedReason)
    -> AttributionQuantity
  {
    guard whole != 0 else { return .undefined(reason) }
    let ratio = part / whole
    return ratio.isFinite ? .defined(ratio) : .undefined(reason)
  }
}

/// One channel's credit under one model.
public struct ChannelCredit: Hashable, Sendable {
  public let channel: String
  /// The conversions credited to the channel.
  public let conversions: Double
  /// The conversion value credited to the channel.
  public let value: Double
  /// `conversions` over the attributable conversions.
  public let conversionShare: AttributionQuantity
  /// `value` over the attributable value.
  public let valueShare: AttributionQuantity
}

/// The credit that one attribution model gives each channel, for conversions and for value.
///
/// The credits of every model except Shapley are at least 0, and every model's credits sum
/// to the attributable totals of `ConversionPaths`, up to rounding. Shapley credits can be
/// negative: a channel whose presence lowers the conversion rate gets a negative value.
public struct Attribution: Sendable {
  /// The model's name, such as `first` or `markov`.
  public let model: String
  /// Every channel, sorted, including those a model credits with 0.
  public let channels: [String]
  /// The conversions credited to each channel, parallel to `channels`.
  public let conversionCredits: [Double]
  /// The value credited to each channel, parallel to `channels`.
  public let valueCredits: [Double]
  /// The conversions the model distributes: those of the paths with touches.
  public let attributableConversions: Double
  /// The value the model distributes.
  public let attributableValue: Double
  /// The conversions of paths without touches, credited to no channel.
  public let unattributedConversions: Double
  /// The value of paths without touches.
  public let unattributedValue: Double
  /// The Markov chain's removal effects and solver, for the Markov model.
  public let markov: MarkovDetail?
  /// The Shapley values, for the Shapley model.
  public let shapley: ShapleyDetail?

  /// Collects a model's credits.
  ///
  /// - Throws: `AttributionError.numberOverflow` when a credit is not finite.
  init(
    model: String, paths: ConversionPaths, conversionCredits: [Double], valueCredits: [Double],
    markov: MarkovDetail? = nil, shapley: ShapleyDetail? = nil
  ) throws(AttributionError) {
    for (channel, credit) in zip(paths.channels, conversionCredits) where !credit.isFinite {
      throw .numberOverflow("the \(model) model's conversion credit of \(channel)")
    }
    for (channel, credit) in zip(paths.channels, valueCredits) where !credit.isFinite {
      throw .numberOverflow("the \(model) model's value credit of \(channel)")
    }
    self.model = model
    self.channels = paths.channels
    self.conversionCredits = conversionCredits
    self.valueCredits = valueCredits
    self.attributableConversions = paths.attributableConversions
    self.attributableValue = paths.attributableValue
    self.unattributedConversions = paths.unattributedConversions
    self.unattributedValue = paths.unattributedValue
    self.markov = markov
    self.shapley = shapley
  }

  /// Each channel's share of the attributable conversions, undefined when there are none.
  public var conversionShares: [AttributionQuantity] {
    conversionCredits.map {
      .share($0, of: attributableConversions, reason: .noConversions)
    }
  }

  /// Each channel's share of the attributable value, undefined when it is 0.
  public var valueShares: [AttributionQuantity] {
    valueCredits.map { .share($0, of: attributableValue, reason: .noValue) }
  }

  /// Every channel's credit and shares, in the order of `channels`.
  public var credits: [ChannelCredit] {
    let conversionShares = self.conversionShares
    let valueShares = self.valueShares
    return channels.indices.map { index in
      ChannelCredit(
        channel: channels[index], conversions: conversionCredits[index],
        value: valueCredits[index], conversionShare: conversionShares[index],
        valueShare: valueShares[index])
    }
  }

  /// Returns the credit of one channel, or nil when no path touches it.
  public func credit(for channel: String) -> ChannelCredit? {
    guard let index = channels.firstIndex(of: channel) else { return nil }
    return credits[index]
  }
}

/// A model that distributes the conversions and value of paths over their channels.
///
/// Every model is a value with its parameters checked at initialization, so `attribute` can
/// be called on many path sets, such as the paths of each replicate run.
public protocol AttributionModel: Sendable {
  /// The model's name in reports: `first`, `last`, `last-non-direct`, `linear`,
  /// `time-decay`, `position`, `markov` or `shapley`.
  var name: String { get }

  /// Credits the conversions and value of `paths` to their channels.
  func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution
}

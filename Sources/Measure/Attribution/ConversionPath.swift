/// One touch of a conversion path: the channel that reached the customer, and when.
public struct Touch: Hashable, Sendable {
  /// The channel's name, such as `email` or `paid-search`. Names are compared exactly.
  public var channel: String
  /// When the touch happened, in milliseconds on a clock shared by the path (such as the
  /// warehouse's `timestamp_ms`), or nil when unknown. Only time decay reads it.
  public var timestamp: Int64?

  public init(channel: String, timestamp: Int64? = nil) {
    self.channel = channel
    self.timestamp = timestamp
  }
}

/// A sequence of touches, in the order the customers met them, and what came of the customers
/// who followed it: conversions, their value, and nulls (customers who did not convert).
///
/// One value can stand for many customers with the same sequence, as a row of the
/// ChannelAttribution path format does, or for one customer's journey. Counts may be
/// fractional, such as conversions already split between journeys.
public struct ConversionPath: Hashable, Sendable {
  public var touches: [Touch]
  /// The number of conversions at the end of the path, at least 0.
  public var conversions: Double
  /// The total value of those conversions, such as revenue in dollars, at least 0.
  public var value: Double
  /// The number of customers who followed the path and did not convert, at least 0.
  public var nulls: Double
  /// When the conversion happened, in the same milliseconds as the touches, or nil. Time
  /// decay measures each touch's age from it, or from the latest touch when it is nil.
  public var conversionTime: Int64?

  public init(
    touches: [Touch], conversions: Double, value: Double = 0, nulls: Double = 0,
    conversionTime: Int64? = nil
  ) {
    self.touches = touches
    self.conversions = conversions
    self.value = value
    self.nulls = nulls
    self.conversionTime = conversionTime
  }

  /// Creates a path of untimed touches on the channels, in order.
  public init(channels: [String], conversions: Double, value: Double = 0, nulls: Double = 0) {
    self.init(
      touches: channels.map { Touch(channel: $0) }, conversions: conversions, value: value,
      nulls: nulls)
  }

  /// The channels of the touches, in order.
  public var channels: [String] { touches.map(\.channel) }

  /// Returns the problem that makes the path unusable, or nil when it is valid.
  func problem() -> String? {
    for (name, number) in [("conversions", conversions), ("value", value), ("nulls", nulls)]
    where !(number.isFinite && number >= 0) {
      return "\(name) is \(number), but must be a finite number of at least 0"
    }
    if value > 0 && conversions == 0 {
      return "the value is \(value) but there are no conversions to carry it"
    }
    if let index = touches.firstIndex(where: { $0.channel.isEmpty }) {
      return "touch \(index + 1) has an empty channel name"
    }
    return nil
  }
}

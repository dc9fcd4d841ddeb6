/// A marketing channel through which customers arrive: an ad network, a search engine, a
/// referring site, or a visit with no campaign.
///
/// Each arriving customer gets one channel for their first touch, drawn by the channel's
/// reach in the customer's segment. With the channel's click-through probability the touch
/// leads on: an ad plays the class trailer, and the other kinds land on the class page.
public struct Channel: Sendable, Hashable {
  /// The kind of touch a channel makes. It sets the first page a customer visits and the
  /// default campaign source and medium.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case paidDisplay = "paid-display"
    case paidSocial = "paid-social"
    /// A paid search result.
    case search
    /// A link on another site.
    case referral
    /// An unpaid search result.
    case organic
    /// A visit without a referrer, such as a typed address or a bookmark.
    case direct

    /// Whether the first touch is an ad impression, whose click plays the class trailer.
    /// Visitors from the other kinds land on the class page without a trailer.
    public var isAd: Bool {
      self == .paidDisplay || self == .paidSocial
    }

    /// The `utm_source` used when the scenario gives none.
    public var defaultSource: String {
      switch self {
      case .paidDisplay, .search, .organic: "google"
      case .paidSocial: "facebook"
      case .referral: "(referral)"
      case .direct: "(direct)"
      }
    }

    /// The `utm_medium` used when the scenario gives none.
    public var defaultMedium: String {
      switch self {
      case .paidDisplay: "display"
      case .paidSocial: "paid-social"
      case .search: "cpc"
      case .referral: "referral"
      case .organic: "organic"
      case .direct: "(none)"
      }
    }
  }

  /// The rule that picks the class a channel's first touch is about.
  public enum Promotion: Sendable, Hashable {
    /// A class drawn with each class weighted by the segment's interest in its category.
    case interests
    /// One of these class ids, each equally likely whatever the segment.
    case classes([String])
  }

  /// The channel's name, unique among the scenario's channels.
  public let name: String
  public let kind: Kind
  /// The `utm_source` of the first page: `context.campaign.source` of its messages.
  public let source: String
  /// The `utm_medium` of the first page: `context.campaign.medium`.
  public let medium: String
  /// Probability that an arriving customer of a segment has this channel as first touch.
  /// For each segment, the reaches of all channels sum to 1.
  public let reach: PerSegment<Double>
  /// Probability that the first touch leads on, to the trailer for an ad or to the class
  /// page for the other kinds. This is the whole effect of the ad itself.
  public let clickThrough: PerSegment<Double>
  public let promotes: Promotion
  /// Probability that a customer whose first touch is this channel would have come to the
  /// site anyway, as a direct visitor, had the channel been switched off. At most the
  /// click-through; 0 makes every visit the channel brings incremental.
  public let arrivesAnyway: PerSegment<Double>
  /// Share of repeat visits that come through this channel (a retargeting ad, a brand
  /// search), from 0 to 1. Over all channels the shares sum to at most 1, and the rest of
  /// the visits are direct.
  public let visitShare: Double
  /// Multiplier (0 to 100) on the class-page probability of a repeat visit that comes
  /// through this channel. At 1 the channel only labels visits that happen anyway.
  public let visitEffect: Double

  /// Creates a channel; `source` and `medium` default to those of `kind`.
  public init(
    name: String, kind: Kind, source: String? = nil, medium: String? = nil,
    reach: PerSegment<Double>, clickThrough: PerSegment<Double>, promotes: Promotion = .interests,
    arrivesAnyway: PerSegment<Double> = PerSegment(0), visitShare: Double = 0,
    visitEffect: Double = 1
  ) {
    self.name = name
    self.kind = kind
    self.source = source ?? kind.defaultSource
    self.medium = medium ?? kind.defaultMedium
    self.reach = reach
    self.clickThrough = clickThrough
    self.promotes = promotes
    self.arrivesAnyway = arrivesAnyway
    self.visitShare = visitShare
    self.visitEffect = visitEffect
  }
}

/// A value that may differ by segment: one value for every segment, or a default with
/// values for named segments.
public struct PerSegment<Value: Sendable & Hashable>: Sendable, Hashable {
  /// The value of every segment that `bySegment` does not name, or nil when it names all.
  public let defaultValue: Value?
  /// Values by segment name.
  public let bySegment: [String: Value]

  /// Creates the same value for every segment.
  public init(_ value: Value) {
    self.defaultValue = value
    self.bySegment = [:]
  }

  public init(default defaultValue: Value?, bySegment: [String: Value]) {
    self.defaultValue = defaultValue
    self.bySegment = bySegment
  }

  /// Returns the value for the segment `name`, or nil when neither `bySegment` nor a default
  /// gives one.
  public func value(forSegment name: String) -> Value? {
    bySegment[name] ?? defaultValue
  }
}

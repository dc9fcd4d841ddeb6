import Foundation
import Simulation

/// A group of customers who share interests, responsiveness and price sensitivity.
public struct Segment: Sendable, Hashable {
  public let name: String
  /// Probability that an arriving customer belongs to this segment. The shares of a
  /// population sum to 1.
  public let share: Double
  /// Interest in catalog categories by category name (0 or more). A category not named
  /// has interest 0. It weights which class an ad shows and how relevant an email feels.
  public let interests: [String: Double]
  /// Multiplier on the email open and click probabilities (1 = the scenario's rates).
  public let emailResponsiveness: Double
  /// Exponent of the price effect on purchase probabilities; 0 means price has no effect.
  /// See `priceFactor(priceCents:meanPriceCents:)`.
  public let priceSensitivity: Double
  /// Probability (0 to 1) that a customer of the segment uses the mobile app rather than the
  /// website. The app sends `screen` calls instead of `page` calls, and the app's context.
  public let appShare: Double

  public init(
    name: String, share: Double, interests: [String: Double], emailResponsiveness: Double = 1,
    priceSensitivity: Double = 0, appShare: Double = 0
  ) {
    self.name = name
    self.share = share
    self.interests = interests
    self.emailResponsiveness = emailResponsiveness
    self.priceSensitivity = priceSensitivity
    self.appShare = appShare
  }

  /// Returns the factor on the checkout, organic-return and email-return purchase
  /// probabilities for a class priced `priceCents`: (meanPriceCents ÷ priceCents) raised to
  /// `priceSensitivity`.
  ///
  /// The factor is 1 when `priceSensitivity` is 0 or both prices are 0. A free class in a
  /// catalog that is not free gets +∞, so any positive probability becomes 1 once clamped.
  /// The result is never NaN.
  public func priceFactor(priceCents: Int64, meanPriceCents: Double) -> Double {
    guard priceSensitivity > 0 else { return 1 }
    let price = Double(priceCents)
    guard price > 0 else { return meanPriceCents > 0 ? .infinity : 1 }
    return pow(Swift.max(0, meanPriceCents / price), priceSensitivity)
  }
}

/// The segments of a population, with the lookup tables used to draw from them.
public struct Population: Sendable {
  public let segments: [Segment]
  /// Per segment, the interest in each catalog category, parallel to `Catalog.categories`.
  public let categoryInterest: [[Double]]
  let segmentTable: DiscreteDistribution
  /// Per segment: which class an ad shows, weighted by interest in its category.
  let classTables: [DiscreteDistribution]

  /// Builds the lookup tables.
  ///
  /// - Throws: `DiscreteDistributionError` when every share is 0, or when a segment has no
  ///   positive interest in a category of the catalog. `Population.reader(catalog:)` rejects
  ///   both.
  public init(segments: [Segment], catalog: Catalog) throws {
    self.segments = segments
    self.categoryInterest = segments.map { segment in
      catalog.categories.map { segment.interests[$0] ?? 0 }
    }
    self.segmentTable = try DiscreteDistribution(weights: segments.map(\.share))
    self.classTables = try categoryInterest.map { interest in
      try DiscreteDistribution(weights: catalog.categoryIndex.map { interest[$0] })
    }
  }

  /// Returns a segment's interest in a category scaled so that its favourite category is 1,
  /// or 0 when the segment has no interest in any category or either index is out of range.
  public func relativeInterest(ofSegment segment: Int, inCategory category: Int) -> Double {
    guard categoryInterest.indices.contains(segment) else { return 0 }
    let interest = categoryInterest[segment]
    let top = interest.max() ?? 0
    guard top > 0, interest.indices.contains(category) else { return 0 }
    return interest[category] / top
  }
}

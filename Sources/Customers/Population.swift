import Simulation

/// A group of customers who share interests and responsiveness.
public struct Segment: Sendable {
  public let name: String
  /// Share of arriving customers in this segment; shares are normalised over segments.
  public let share: Double
  /// Interest in each catalog category (0 or more), parallel to `Catalog.categories`.
  /// It weights which class an ad shows and how relevant an email feels.
  public let categoryInterest: [Double]
  /// Multiplier on the email open and click probabilities (1 = the scenario's rates).
  public let emailResponsiveness: Double

  public init(
    name: String, share: Double, categoryInterest: [Double], emailResponsiveness: Double
  ) {
    self.name = name
    self.share = share
    self.categoryInterest = categoryInterest
    self.emailResponsiveness = emailResponsiveness
  }

  /// Interest in a category scaled so the segment's favourite is 1; 0 when it has none.
  public func relativeInterest(inCategory category: Int) -> Double {
    let top = categoryInterest.max() ?? 0
    guard top > 0, category < categoryInterest.count else { return 0 }
    return categoryInterest[category] / top
  }
}

/// The segments of a population, with the lookup tables used to draw from them.
public struct Population: Sendable {
  public let segments: [Segment]
  let segmentTable: DiscreteDistribution
  /// Per segment: which class an ad shows, weighted by interest in its category.
  let classTables: [DiscreteDistribution]

  public init(segments: [Segment], catalog: Catalog) throws {
    self.segments = segments
    self.segmentTable = try DiscreteDistribution(weights: segments.map(\.share))
    self.classTables = try segments.map { segment in
      try DiscreteDistribution(
        weights: catalog.categoryIndex.map { segment.categoryInterest[$0] })
    }
  }
}

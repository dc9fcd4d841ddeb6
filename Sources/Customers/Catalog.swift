/// A class the business sells.
public struct CatalogClass: Sendable, Hashable {
  /// Stable id used in messages (`product_id`), such as `gordon-ramsay-cooking`.
  public let id: String
  public let title: String
  public let instructor: String
  public let category: String
  /// Price in cents, so revenue sums are exact.
  public let priceCents: Int64

  public init(id: String, title: String, instructor: String, category: String, priceCents: Int64) {
    self.id = id
    self.title = title
    self.instructor = instructor
    self.category = category
    self.priceCents = priceCents
  }
}

/// The class catalog, with categories numbered in order of first appearance.
public struct Catalog: Sendable, Hashable {
  public let classes: [CatalogClass]
  public let categories: [String]
  /// The category number of each class, parallel to `classes`.
  public let categoryIndex: [Int]
  /// The unweighted mean of the class prices in cents, or 0 for an empty catalog.
  public let meanPriceCents: Double
  private let indexByID: [String: Int]

  public init(classes: [CatalogClass]) {
    var categories: [String] = []
    var indices: [Int] = []
    for item in classes {
      if let index = categories.firstIndex(of: item.category) {
        indices.append(index)
      } else {
        categories.append(item.category)
        indices.append(categories.count - 1)
      }
    }
    self.classes = classes
    self.categories = categories
    self.categoryIndex = indices
    let total = classes.reduce(0.0) { $0 + Double($1.priceCents) }
    self.meanPriceCents = classes.isEmpty ? 0 : total / Double(classes.count)
    // The first class with an id wins, as `firstIndex` would; the reader rejects repeats.
    self.indexByID = Dictionary(
      classes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public var count: Int { classes.count }

  /// Returns the index of the class with `id`, or nil when the catalog has none. O(1).
  public func index(ofClassID id: String) -> Int? {
    indexByID[id]
  }

  // The lookup table and the mean are derived from `classes`.
  public static func == (lhs: Catalog, rhs: Catalog) -> Bool {
    lhs.classes == rhs.classes
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(classes)
  }
}

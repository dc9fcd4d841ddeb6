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
public struct Catalog: Sendable {
  public let classes: [CatalogClass]
  public let categories: [String]
  /// The category number of each class, parallel to `classes`.
  public let categoryIndex: [Int]

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
  }

  public var count: Int { classes.count }
}

import Testing

@testable import Customers

@Test func catalogNumbersCategoriesInOrder() {
  let catalog = Catalog(classes: [
    CatalogClass(id: "a", title: "A", instructor: "X", category: "music", priceCents: 100),
    CatalogClass(id: "b", title: "B", instructor: "Y", category: "film", priceCents: 200),
    CatalogClass(id: "c", title: "C", instructor: "Z", category: "music", priceCents: 300),
  ])
  #expect(catalog.categories == ["music", "film"])
  #expect(catalog.categoryIndex == [0, 1, 0])
}

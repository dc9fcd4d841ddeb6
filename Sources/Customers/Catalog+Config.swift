import Config

extension Catalog {
  /// Reads the `catalog` section: a list of classes with unique ids.
  public static var reader: ConfigReader<Catalog> {
    let classReader = ConfigReader<CatalogClass>.object("a class") { item in
      let id = item.required("id", identifier)
      let title = item.required("title", text(maximumLength: 200))
      let instructor = item.required("instructor", text(maximumLength: 200))
      let category = item.required("category", text(maximumLength: 100))
      let price = item.required("price", .double(in: 0...1_000_000))
      guard let id, let title, let instructor, let category, let price else { return nil }
      return CatalogClass(
        id: id, title: title, instructor: instructor, category: category,
        priceCents: Int64((price * 100).rounded()))
    }
    return ConfigReader<[CatalogClass]>.array(
      of: classReader, count: 1...10_000, unique: "id", by: \.id
    ).converted(expecting: "a list of classes") { Catalog(classes: $0) }
  }
}

import Customers

extension MessagingEngine {
  /// Builds the values a template renders for one email from the catalog and the profile,
  /// never from the customer's true interests, which marketing cannot see.
  ///
  /// The strategy decides which fields have values (`PersonalizationStrategy`). A list
  /// contains at most `content.listedClasses` classes, leaves out the abandoned class and the
  /// classes the profile bought, and may be empty. `recommendedClasses` also leaves out
  /// the classes in `watchedClasses`, so no class is listed twice.
  ///
  /// Complexity: O(catalog classes + classes the profile watched or bought).
  func templateData(
    for enrollment: Enrollment, profile: Profile, content: EmailContent
  ) -> TemplateObject {
    let strategy = content.strategy
    let abandoned = classIndexById[content.classId]
    var data = TemplateObject()
    if strategy.includesAbandonedClass, let abandoned {
      data["abandoned"] = .object(classObject(abandoned))
    }

    let excluded = Set(profile.purchasedClasses.compactMap { classIndexById[$0] })
      .union(abandoned.map { [$0] } ?? [])
    func listed(_ candidates: [Int]) -> [TemplateObject] {
      candidates.lazy.filter { !excluded.contains($0) }.prefix(content.listedClasses).map(
        classObject)
    }

    var watched: [TemplateObject] = []
    var recommended: [TemplateObject] = []
    var category: Int?
    switch strategy {
    case .watchedClasses:
      watched = listed(profile.watchedClasses.compactMap { classIndexById[$0.classId] })
    case .sameCategory:
      category = abandoned.map { catalog.categoryIndex[$0] }
      recommended = listed(category.map { classesByCategory[$0] } ?? [])
    case .catalogPicks:
      recommended = listed(Array(catalog.classes.indices))
    case .categoryRecommendations:
      watched = listed(profile.watchedClasses.compactMap { classIndexById[$0.classId] })
      let watchedIds = Set(watched.compactMap(\.classId))
      category = favouriteCategory(of: profile)
      recommended = listed(
        (category.map { classesByCategory[$0] } ?? []).filter {
          !watchedIds.contains(catalog.classes[$0].id)
        })
    case .abandonedOnly, .genericReminder, .noEmail:
      break
    }
    data["watchedClasses"] = .list(watched)
    data["recommendedClasses"] = .list(recommended)
    if let category {
      data["recommendedCategory"] = .text(catalog.categories[category])
    }
    data["profile"] = .object(profileObject(profile))
    return data
  }

  /// The profile's favourite category: the category of the most class views (trailers
  /// and class pages) it received, ties going to the category watched first. Nil when it
  /// watched no class of the catalog.
  func favouriteCategory(of profile: Profile) -> Int? {
    var views = Array(repeating: 0, count: catalog.categories.count)
    var order: [Int] = []
    for (classId, count) in profile.watchedClasses {
      guard let index = classIndexById[classId] else { continue }
      let category = catalog.categoryIndex[index]
      if !order.contains(category) { order.append(category) }
      views[category] += count
    }
    var best: Int?
    for category in order where best.map({ views[category] > views[$0] }) ?? true {
      best = category
    }
    return best
  }

  private func profileObject(_ profile: Profile) -> TemplateObject {
    var object = TemplateObject([
      "classesWatched": .number(profile.watchedClasses.count),
      "classesPurchased": .number(Set(profile.purchasedClasses).count),
    ])
    if let favourite = favouriteCategory(of: profile) {
      object["favouriteCategory"] = .text(catalog.categories[favourite])
    }
    if let first = profile.firstClassEnrolled.flatMap({ classIndexById[$0] }) {
      object["firstClassEnrolled"] = .object(classObject(first))
    }
    if let last = profile.lastClassEnrolled.flatMap({ classIndexById[$0] }) {
      object["lastClassEnrolled"] = .object(classObject(last))
    }
    return object
  }

  private func classObject(_ index: Int) -> TemplateObject {
    let item = catalog.classes[index]
    return TemplateObject(
      [
        "id": .text(item.id),
        "title": .text(item.title),
        "instructor": .text(item.instructor),
        "category": .text(item.category),
        "price": .text(formatPrice(item.priceCents)),
        "url": .text(emailConfig.siteURL + "/classes/" + item.id),
      ], classId: item.id)
  }
}

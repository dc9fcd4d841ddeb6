/// A rule for what an arm's email contains: which of the template's fields have values.
///
/// The strategy fills `abandoned`, `watchedClasses`, `recommendedClasses` and
/// `recommendedCategory` (see `MessagingEngine.templateData`); the template decides how
/// they are shown. Lists hold at most the arm's `listedClasses` classes, never the
/// abandoned class, and never a class the profile bought.
public enum PersonalizationStrategy: String, Sendable, Hashable, CaseIterable {
  /// The abandoned class, and in `watchedClasses` the classes the profile watched
  /// (trailer played or class page viewed), in the order first watched.
  case watchedClasses = "watched-classes"
  /// The abandoned class alone.
  case abandonedOnly = "abandoned-only"
  /// The abandoned class, and in `recommendedClasses` the other classes of its category,
  /// in catalog order.
  case sameCategory = "same-category"
  /// The abandoned class, and in `recommendedClasses` the first classes of the catalog:
  /// the same generic list for everyone.
  case catalogPicks = "catalog-picks"
  /// Nothing is sent: the arm exists, and its customers are treated as the holdout's.
  case noEmail = "no-email"
  /// A reminder that names no class: `abandoned` has no value and the lists are empty.
  case genericReminder = "generic-reminder"
  /// The abandoned class, the watched classes as `watched-classes` lists them, and in
  /// `recommendedClasses` the other classes of the profile's favourite category (the
  /// category it watched most) in catalog order.
  case categoryRecommendations = "category-recommendations"

  /// Whether an arm with this strategy is sent email at all.
  public var sendsEmail: Bool { self != .noEmail }

  /// Whether the email's data includes the abandoned class.
  var includesAbandonedClass: Bool { self != .genericReminder && self != .noEmail }
}

import Pipeline
import Simulation

/// A person as the messaging engine knows them: built only from the messages Route
/// delivered to it, so it lags behind what the customer actually did.
public struct Profile: Sendable {
  public var userId: String?
  public var anonymousIds: [String] = []
  /// Classes watched (trailers played, class pages viewed), in order of first view, with
  /// how many times each was watched.
  public var watchedClasses: [(classId: String, count: Int)] = []
  /// The class added to the cart and not bought since: the course abandoned in the cart.
  public var cartClass: String?
  /// The first class ever bought, and the most recent.
  public var firstClassEnrolled: String?
  public var lastClassEnrolled: String?
  public var purchasedClasses: [String] = []
  /// The timestamp of the latest `Order Completed`, for exits on any purchase.
  public var lastPurchasedAt: SimTime?
  public var emailOptIn = false
  public var lastEmailOpened: SimTime?
  public var lastEmailClicked: SimTime?
  public var lastSeen: SimTime?
  /// The customer the messages came from; used only to deliver email to the right person.
  public var customer: UInt64
  /// Set when this anonymous profile was folded into a user's profile.
  public var mergedInto: Int?

  public init(customer: UInt64) {
    self.customer = customer
  }

  /// Applies a delivered message to the calculated attributes.
  public mutating func apply(_ message: Message) {
    if let userId = message.userId { self.userId = userId }
    if let anonymousId = message.anonymousId, !anonymousIds.contains(anonymousId) {
      anonymousIds.append(anonymousId)
    }
    if message.source != .messaging {
      lastSeen = max(lastSeen ?? message.timestamp, message.timestamp)
    }
    if case .bool(let optIn)? = message.traits["email_opt_in"] {
      emailOptIn = optIn
    }
    guard message.type == .track, let event = message.event else { return }

    switch event {
    case "Video Playback Started":
      if case .string(let id)? = message.properties["content_asset_id"] { watch(id) }
    case "Product Viewed":
      if case .string(let id)? = message.properties["product_id"] { watch(id) }
    case "Product Added":
      if case .string(let id)? = message.properties["product_id"] { cartClass = id }
    case "Order Completed":
      if case .string(let id)? = message.properties["product_id"] {
        purchasedClasses.append(id)
        lastPurchasedAt = max(lastPurchasedAt ?? message.timestamp, message.timestamp)
        if firstClassEnrolled == nil { firstClassEnrolled = id }
        lastClassEnrolled = id
        if cartClass == id { cartClass = nil }
      }
    case "Email Opened":
      lastEmailOpened = message.timestamp
    case "Email Link Clicked":
      lastEmailClicked = message.timestamp
    case "Unsubscribed", "Email Marked as Spam":
      emailOptIn = false
    default:
      break
    }
  }

  /// Folds another profile of the same person into this one (an identify call linked
  /// an anonymous history to a user).
  public mutating func merge(_ other: Profile) {
    for id in other.anonymousIds where !anonymousIds.contains(id) {
      anonymousIds.append(id)
    }
    for (classId, count) in other.watchedClasses {
      if let index = watchedClasses.firstIndex(where: { $0.classId == classId }) {
        watchedClasses[index].count += count
      } else {
        watchedClasses.append((classId, count))
      }
    }
    if cartClass == nil { cartClass = other.cartClass }
    for id in other.purchasedClasses where !purchasedClasses.contains(id) {
      purchasedClasses.append(id)
    }
    if firstClassEnrolled == nil { firstClassEnrolled = other.firstClassEnrolled }
    if lastClassEnrolled == nil { lastClassEnrolled = other.lastClassEnrolled }
    if let seen = other.lastSeen { lastSeen = max(lastSeen ?? seen, seen) }
    if let purchased = other.lastPurchasedAt {
      lastPurchasedAt = max(lastPurchasedAt ?? purchased, purchased)
    }
  }

  public func hasPurchased(_ classId: String) -> Bool {
    purchasedClasses.contains(classId)
  }

  private mutating func watch(_ classId: String) {
    if let index = watchedClasses.firstIndex(where: { $0.classId == classId }) {
      watchedClasses[index].count += 1
    } else {
      watchedClasses.append((classId, 1))
    }
  }
}

/// The messaging engine's profiles, found by user id or anonymous id.
public struct ProfileStore: Sendable {
  public private(set) var profiles: [Profile] = []
  private var indexByKey: [String: Int] = [:]

  public init() {}

  /// Applies a delivered message and returns the index of the profile it landed on.
  /// An identify call that names both ids merges the anonymous profile into the user's.
  public mutating func receive(_ message: Message) -> Int? {
    let userIndex = message.userId.flatMap { indexByKey[$0] }
    let anonymousIndex = message.anonymousId.flatMap { indexByKey[$0] }

    let index: Int
    switch (userIndex, anonymousIndex) {
    case (let user?, let anonymous?) where user != anonymous:
      profiles[user].merge(profiles[anonymous])
      profiles[anonymous].mergedInto = user
      for key in profiles[anonymous].anonymousIds { indexByKey[key] = user }
      index = user
    case (let user?, _):
      index = user
    case (nil, let anonymous?):
      index = anonymous
    case (nil, nil):
      guard message.userId != nil || message.anonymousId != nil else { return nil }
      profiles.append(Profile(customer: message.customer))
      index = profiles.count - 1
    }
    if let userId = message.userId { indexByKey[userId] = index }
    if let anonymousId = message.anonymousId { indexByKey[anonymousId] = index }
    profiles[index].apply(message)
    return index
  }

  public subscript(index: Int) -> Profile { profiles[index] }

  public func index(forKey key: String) -> Int? { indexByKey[key] }
}

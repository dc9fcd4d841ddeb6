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
  /// The `campaign_id` (the workflow's name) of the latest email opened and clicked.
  public var lastEmailOpenedCampaign: String?
  public var lastEmailClickedCampaign: String?
  /// The latest timestamp of a message from the website, app or backend.
  public var lastSeen: SimTime?
  /// The latest timestamp of a front-end message: the customer's last visit.
  public var lastVisit: SimTime?
  /// The timestamp of the first `Signed Up` event.
  public var signedUpAt: SimTime?
  /// The latest `context.timezone` of a front-end message, such as `America/New_York`.
  public var timeZone: String?
  /// Suppressions, which stop every email to the profile; see `Suppression`.
  public var unsubscribed = false
  public var hardBounced = false
  public var complained = false
  /// The experiment arm the customer was assigned at their first split, in any workflow.
  public var experimentArm: String?
  /// Attributes set by `updateProfile` steps, by name.
  public var customAttributes: [String: AttributeValue] = [:]
  /// The scenario's declared calculated attributes, by name. The messaging engine updates
  /// and merges them, because only it knows their declarations.
  public var declaredAttributes: [String: AttributeValue] = [:]
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
    if message.source == .frontEnd {
      lastVisit = max(lastVisit ?? message.timestamp, message.timestamp)
      if let zone = message.context.timezone { timeZone = zone }
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
    case "Signed Up":
      signedUpAt = min(signedUpAt ?? message.timestamp, message.timestamp)
    case "Email Opened":
      lastEmailOpened = message.timestamp
      if case .string(let campaign)? = message.properties["campaign_id"] {
        lastEmailOpenedCampaign = campaign
      }
    case "Email Link Clicked":
      lastEmailClicked = message.timestamp
      if case .string(let campaign)? = message.properties["campaign_id"] {
        lastEmailClickedCampaign = campaign
      }
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
    if let visit = other.lastVisit { lastVisit = max(lastVisit ?? visit, visit) }
    if let signedUp = other.signedUpAt { signedUpAt = min(signedUpAt ?? signedUp, signedUp) }
    if timeZone == nil { timeZone = other.timeZone }
    if experimentArm == nil { experimentArm = other.experimentArm }
    unsubscribed = unsubscribed || other.unsubscribed
    hardBounced = hardBounced || other.hardBounced
    complained = complained || other.complained
    customAttributes.merge(other.customAttributes) { own, _ in own }
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
  /// The profile that the last `receive` folded into another, if it folded one.
  public private(set) var lastMerged: Int?

  public init() {}

  /// Applies a delivered message and returns the index of the profile it landed on.
  /// An identify call that names both ids merges the anonymous profile into the user's.
  public mutating func receive(_ message: Message) -> Int? {
    let userIndex = message.userId.flatMap { indexByKey[$0] }
    let anonymousIndex = message.anonymousId.flatMap { indexByKey[$0] }

    let index: Int
    lastMerged = nil
    switch (userIndex, anonymousIndex) {
    case (let user?, let anonymous?) where user != anonymous:
      profiles[user].merge(profiles[anonymous])
      profiles[anonymous].mergedInto = user
      lastMerged = anonymous
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

  public subscript(index: Int) -> Profile {
    get { profiles[index] }
    set { profiles[index] = newValue }
  }

  /// Returns the index of the profile that `index` was merged into, following the chain,
  /// or `index` itself when it was not merged.
  public func current(_ index: Int) -> Int {
    var current = index
    // A merge chain is at most as long as the store; the bound only guards the loop.
    for _ in 0..<profiles.count {
      guard let next = profiles[current].mergedInto else { break }
      current = next
    }
    return current
  }

  public func index(forKey key: String) -> Int? { indexByKey[key] }
}

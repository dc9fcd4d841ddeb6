import Config
import Simulation

/// The value of a profile attribute or an event property, as conditions compare it and
/// templates render it.
public enum AttributeValue: Sendable, Hashable {
  case string(String)
  case number(Double)
  case bool(Bool)
  /// A point in simulated time.
  case time(SimTime)
  /// A list of strings, such as class ids.
  case list([String])

  /// Returns the value as text for an email: a time in ISO 8601 UTC with milliseconds, a number in
  /// its shortest form (`3`, `0.5`), a list joined with `", "`.
  public func text(clock: ScenarioClock) -> String {
    switch self {
    case .string(let text): return text
    case .number(let number): return JSONWriter.render(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .time(let time): return clock.iso8601(time)
    case .list(let items): return items.joined(separator: ", ")
    }
  }

  /// The kind of the value.
  public var kind: AttributeKind {
    switch self {
    case .string: .string
    case .number: .number
    case .bool: .bool
    case .time: .time
    case .list: .list
    }
  }
}

/// The kind of a profile attribute's value, which decides the operators a condition may
/// apply to it.
public enum AttributeKind: String, Sendable, Hashable {
  case string, number, bool, time, list
}

/// The calculated attributes of a profile: always computed from the messages Route
/// delivered to the messaging engine, and readable by name in workflow conditions
/// (`profile.NAME`) and in templates (`Profile.value(named:at:)`).
///
/// Class attributes hold class ids. Times are simulated times. An attribute that the
/// messages have not set yet has no value (`nil`), except the counts, which start at 0, and
/// the flags, which start false.
public enum ProfileAttribute: String, Sendable, Hashable, CaseIterable {
  /// The user id (`user-145`); nil for an anonymous profile.
  case userId
  /// The timestamp of the first `Signed Up` event.
  case signedUpAt
  /// Whole days since `signedUpAt`, rounded down.
  case daysSinceSignUp
  /// The class of the first `Order Completed`.
  case firstClassEnrolled
  /// The class of the most recent `Order Completed`.
  case lastClassEnrolled
  /// Every class bought, in order of purchase.
  case classesEnrolled
  case classesEnrolledCount
  /// The timestamp of the latest `Order Completed`.
  case lastPurchasedAt
  /// Classes watched (trailer played or class page viewed), in order of first view.
  case classesWatched
  /// The number of different classes watched.
  case classesWatchedCount
  /// The number of watch events over all classes: trailers played plus class pages viewed.
  case classViews
  /// The class added to the cart and not bought since: the course abandoned in the cart.
  case abandonedCartClass
  /// The timestamp of the latest `Email Opened`, and its `campaign_id` (a workflow name).
  case lastEmailOpenedAt
  case lastEmailOpenedCampaign
  /// The timestamp of the latest `Email Link Clicked`, and its `campaign_id`.
  case lastEmailClickedAt
  case lastEmailClickedCampaign
  /// The timestamp of the latest front-end message: the customer's last visit.
  case lastVisitAt
  /// Whole days since `lastVisitAt`, rounded down.
  case daysSinceLastVisit
  /// The `email_opt_in` trait of the latest identify call that carried it; false before.
  case emailOptIn
  /// Suppressions, set through `MessagingEngine.suppress(userId:_:)`.
  case unsubscribed, hardBounced, complained
  /// The latest `context.timezone` of a front-end message.
  case timeZone
  /// The experiment arm of the customer's first split, in any workflow.
  case experimentArm

  /// The kind of the attribute's value.
  public var kind: AttributeKind {
    switch self {
    case .userId, .firstClassEnrolled, .lastClassEnrolled, .abandonedCartClass,
      .lastEmailOpenedCampaign, .lastEmailClickedCampaign, .timeZone, .experimentArm:
      .string
    case .daysSinceSignUp, .classesEnrolledCount, .classesWatchedCount, .classViews,
      .daysSinceLastVisit:
      .number
    case .emailOptIn, .unsubscribed, .hardBounced, .complained:
      .bool
    case .signedUpAt, .lastPurchasedAt, .lastEmailOpenedAt, .lastEmailClickedAt, .lastVisitAt:
      .time
    case .classesEnrolled, .classesWatched:
      .list
    }
  }

  /// Every attribute name, in declaration order, for messages and suggestions.
  public static let names = allCases.map(\.rawValue)
}

extension Profile {
  /// Returns the value of a calculated attribute at simulated time `now`, which the
  /// `daysSince…` attributes count from; nil when the messages have not set it.
  public func value(of attribute: ProfileAttribute, at now: SimTime) -> AttributeValue? {
    switch attribute {
    case .userId: return userId.map(AttributeValue.string)
    case .signedUpAt: return signedUpAt.map(AttributeValue.time)
    case .daysSinceSignUp: return signedUpAt.map { Self.wholeDays(from: $0, to: now) }
    case .firstClassEnrolled: return firstClassEnrolled.map(AttributeValue.string)
    case .lastClassEnrolled: return lastClassEnrolled.map(AttributeValue.string)
    case .classesEnrolled: return .list(purchasedClasses)
    case .classesEnrolledCount: return .number(Double(purchasedClasses.count))
    case .lastPurchasedAt: return lastPurchasedAt.map(AttributeValue.time)
    case .classesWatched: return .list(watchedClasses.map(\.classId))
    case .classesWatchedCount: return .number(Double(watchedClasses.count))
    case .classViews: return .number(Double(watchedClasses.reduce(0) { $0 + $1.count }))
    case .abandonedCartClass: return cartClass.map(AttributeValue.string)
    case .lastEmailOpenedAt: return lastEmailOpened.map(AttributeValue.time)
    case .lastEmailOpenedCampaign: return lastEmailOpenedCampaign.map(AttributeValue.string)
    case .lastEmailClickedAt: return lastEmailClicked.map(AttributeValue.time)
    case .lastEmailClickedCampaign: return lastEmailClickedCampaign.map(AttributeValue.string)
    case .lastVisitAt: return lastVisit.map(AttributeValue.time)
    case .daysSinceLastVisit: return lastVisit.map { Self.wholeDays(from: $0, to: now) }
    case .emailOptIn: return .bool(emailOptIn)
    case .unsubscribed: return .bool(unsubscribed)
    case .hardBounced: return .bool(hardBounced)
    case .complained: return .bool(complained)
    case .timeZone: return timeZone.map(AttributeValue.string)
    case .experimentArm: return experimentArm.map(AttributeValue.string)
    }
  }

  /// Returns the value of the attribute `name` at simulated time `now`: a calculated
  /// attribute (`ProfileAttribute`), else an attribute an `updateProfile` step set or the
  /// scenario declared; nil when none has a value.
  ///
  /// This is the lookup that templates use, so that a template can name any attribute a
  /// workflow condition can.
  public func value(named name: String, at now: SimTime) -> AttributeValue? {
    if let attribute = ProfileAttribute(rawValue: name) {
      return value(of: attribute, at: now)
    }
    return customAttributes[name] ?? declaredAttributes[name]
  }

  /// Returns the time of `attribute` when it is a time attribute with a value.
  func time(of attribute: ProfileAttribute) -> SimTime? {
    guard case .time(let time)? = value(of: attribute, at: .zero) else { return nil }
    return time
  }

  private static func wholeDays(from start: SimTime, to now: SimTime) -> AttributeValue {
    let days = (now - start).milliseconds / 86_400_000
    return .number(Double(max(days, 0)))
  }
}

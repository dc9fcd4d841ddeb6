import Config

/// The `messaging` section: rules that apply to every send of every workflow.
///
/// Suppression is not configured: a profile that is unsubscribed, hard-bounced or
/// complained is never sent email.
public struct MessagingRules: Sendable, Hashable {
  public let frequencyCap: FrequencyCap?
  public let quietHours: QuietHours?

  public init(frequencyCap: FrequencyCap? = nil, quietHours: QuietHours? = nil) {
    self.frequencyCap = frequencyCap
    self.quietHours = quietHours
  }

  /// No frequency cap and no quiet hours.
  public static let none = MessagingRules()
}

/// The maximum number of emails one profile may be sent by all workflows together, over rolling
/// windows: any 24 hours and any 7 days. A send over the cap is skipped.
public struct FrequencyCap: Sendable, Hashable {
  /// The accepted values of each limit.
  public static let limitRange = 1...1_000

  /// Emails in any 24 hours; nil for no limit.
  public let perDay: Int?
  /// Emails in any 7 days; nil for no limit.
  public let perWeek: Int?

  public init(perDay: Int? = nil, perWeek: Int? = nil) {
    self.perDay = perDay
    self.perWeek = perWeek
  }
}

/// Local hours in the profile's time zone during which no email is sent.
public struct QuietHours: Sendable, Hashable {
  /// The action taken on a send during quiet hours.
  public enum Action: String, Sendable, Hashable, CaseIterable {
    /// The send waits at its step until the quiet hours end, then runs the step again.
    case delay
    /// The send is skipped with the reason `quietHours`, and the workflow goes on.
    case skip
  }

  /// The first quiet minute.
  public let start: TimeOfDay
  /// The first minute after the quiet hours; before `start` when they span midnight.
  public let end: TimeOfDay
  public let action: Action

  public init(start: TimeOfDay, end: TimeOfDay, action: Action) {
    self.start = start
    self.end = end
    self.action = action
  }

  /// Returns whether `localMilliseconds` after local midnight is within the quiet hours,
  /// from `start` up to but not including `end`.
  public func contains(localMilliseconds: Int64) -> Bool {
    let start = self.start.milliseconds
    let end = self.end.milliseconds
    return start < end
      ? localMilliseconds >= start && localMilliseconds < end
      : localMilliseconds >= start || localMilliseconds < end
  }
}

extension MessagingRules {
  /// Reads the `messaging` section.
  static var reader: ConfigReader<MessagingRules> {
    .object("a messaging section such as { frequencyCap: { perDay: 1 } }") { messaging in
      let cap = messaging.optional("frequencyCap", FrequencyCap.reader)
      let quiet = messaging.optional("quietHours", QuietHours.reader)
      return MessagingRules(frequencyCap: cap, quietHours: quiet)
    }
  }
}

extension FrequencyCap {
  static var reader: ConfigReader<FrequencyCap> {
    .object("a frequency cap such as { perDay: 1, perWeek: 3 }") { cap in
      let perDay = cap.optional("perDay", .int(in: limitRange))
      let perWeek = cap.optional("perWeek", .int(in: limitRange))
      guard perDay != nil || perWeek != nil else {
        if !cap.contains("perDay") && !cap.contains("perWeek") {
          cap.error(
            "a frequency cap needs perDay, perWeek or both", found: "{}",
            fix: "add perDay: 1, or remove frequencyCap")
        }
        return nil
      }
      if let perDay, let perWeek, perDay > perWeek {
        cap.error(
          "perDay is above perWeek, so perDay never applies", key: "perDay",
          found: "\(perDay) > \(perWeek)", fix: "lower perDay to at most perWeek")
        return nil
      }
      return FrequencyCap(perDay: perDay, perWeek: perWeek)
    }
  }
}

extension QuietHours {
  static var reader: ConfigReader<QuietHours> {
    .object("quiet hours such as { start: \"21:00\", end: \"08:00\", action: \"delay\" }") {
      quiet in
      let start = quiet.required("start", TimeOfDay.reader)
      let end = quiet.required("end", TimeOfDay.reader)
      let action = quiet.required("action", .oneOf(Action.self))
      guard let start, let end, let action else { return nil }
      guard start != end else {
        quiet.error(
          "the quiet hours start and end at the same time", key: "end",
          found: "\"\(end)\"", fix: "set end to another time, or remove quietHours")
        return nil
      }
      return QuietHours(start: start, end: end, action: action)
    }
  }
}

extension MessagingRules: ConfigEncodable {
  /// The section's members; a rule that is not set is left out.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    if let frequencyCap {
      var cap: [String: JSONValue] = [:]
      if let perDay = frequencyCap.perDay { cap["perDay"] = perDay.configValue }
      if let perWeek = frequencyCap.perWeek { cap["perWeek"] = perWeek.configValue }
      members["frequencyCap"] = .object(cap)
    }
    if let quietHours {
      members["quietHours"] = [
        "start": quietHours.start.configValue, "end": quietHours.end.configValue,
        "action": .string(quietHours.action.rawValue),
      ]
    }
    return .object(members)
  }
}

import Simulation

/// The time zones customers live in, with the share of customers in each.
///
/// Each customer draws one zone at arrival. Front-end messages name it in
/// `context.timezone`, and the local-time helpers let a later stage, such as quiet hours,
/// act on the customer's clock.
///
/// NOTE: a zone has one fixed UTC offset, so daylight saving time is not modelled. A run that
/// spans a change of offset is off by that change on one side of it.
public struct TimeZoneMix: Sendable, Hashable {
  /// One time zone and the share of customers who live in it.
  public struct Zone: Sendable, Hashable {
    /// The zone's name, such as `America/New_York`. It is only a label: the offset alone
    /// sets local time.
    public let name: String
    /// The offset from UTC in minutes, from −840 to +840 (−14:00 to +14:00).
    public let utcOffsetMinutes: Int
    /// Probability that a customer lives in this zone. The shares of a mix sum to 1.
    public let share: Double

    public init(name: String, utcOffsetMinutes: Int, share: Double) {
      self.name = name
      self.utcOffsetMinutes = utcOffsetMinutes
      self.share = share
    }

    /// The offset from UTC in milliseconds.
    public var utcOffsetMilliseconds: Int64 {
      Int64(utcOffsetMinutes) * 60_000
    }

    /// The offset as scenarios write it, with a sign and two-digit hours and minutes:
    /// `+05:30`, `-05:00`, `+00:00`.
    public var offsetText: String {
      let sign = utcOffsetMinutes < 0 ? "-" : "+"
      let magnitude = abs(utcOffsetMinutes)
      return sign + twoDigits(magnitude / 60) + ":" + twoDigits(magnitude % 60)
    }

    /// Returns the milliseconds since local midnight (0 to 86,399,999) at simulated time
    /// `time`, with `clock` placing simulated time 0 in UTC.
    public func localMillisecondsSinceMidnight(at time: SimTime, clock: ScenarioClock) -> Int64 {
      let local = clock.startUnixMilliseconds &+ time.milliseconds &+ utcOffsetMilliseconds
      let day: Int64 = 86_400_000
      return ((local % day) + day) % day
    }

    /// Returns the local hour of day (0 to 23) at simulated time `time`.
    public func localHour(at time: SimTime, clock: ScenarioClock) -> Int {
      Int(localMillisecondsSinceMidnight(at: time, clock: clock) / 3_600_000)
    }

    private func twoDigits(_ value: Int) -> String {
      value < 10 ? "0\(value)" : "\(value)"
    }
  }

  /// The zones in the order the scenario lists them. A customer's zone is an index into it.
  public let zones: [Zone]

  public init(zones: [Zone]) {
    self.zones = zones
  }

  /// The default mix: every customer in UTC.
  public static let utc = TimeZoneMix(zones: [Zone(name: "UTC", utcOffsetMinutes: 0, share: 1)])

  /// The largest offset from UTC in minutes, in either direction: 14 hours, the offset of
  /// Pacific/Kiritimati.
  public static let maximumOffsetMinutes = 14 * 60

  /// Parses an offset written `±HH:MM`, such as `-05:00` or `+05:30`, into minutes. Returns nil
  /// without a sign, with minutes above 59, or beyond ±14:00.
  public static func parseOffset(_ text: String) -> Int? {
    let characters = Array(text.utf8)
    guard characters.count == 6, characters[3] == UInt8(ascii: ":") else { return nil }
    let sign: Int
    switch characters[0] {
    case UInt8(ascii: "+"): sign = 1
    case UInt8(ascii: "-"): sign = -1
    default: return nil
    }
    let digits = [characters[1], characters[2], characters[4], characters[5]]
    guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
      return nil
    }
    let values = digits.map { Int($0 - UInt8(ascii: "0")) }
    let hours = values[0] * 10 + values[1]
    let minutes = values[2] * 10 + values[3]
    let total = hours * 60 + minutes
    guard minutes < 60, total <= maximumOffsetMinutes else { return nil }
    return sign * total
  }
}

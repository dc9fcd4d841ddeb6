import Foundation
import Simulation

/// The time zones customers live in, with the share of customers in each.
///
/// Each customer draws one zone at arrival. Front-end messages name it in
/// `context.timezone`, and the local-time helpers let a later stage, such as quiet hours,
/// act on the customer's clock.
///
/// A zone with an IANA name (`America/New_York`) follows that zone's rules, daylight saving
/// time included, as Foundation's `TimeZone` gives them. A zone without one keeps its fixed
/// offset all year.
public struct TimeZoneMix: Sendable, Hashable {
  /// One time zone and the share of customers who live in it.
  public struct Zone: Sendable, Hashable {
    /// The zone's name, such as `America/New_York`: the label written as
    /// `context.timezone`.
    public let name: String
    /// The fixed offset from UTC in minutes, from −840 to +840 (−14:00 to +14:00). Local
    /// times use it only when the zone has no IANA name.
    public let utcOffsetMinutes: Int
    /// Probability that a customer lives in this zone. The shares of a mix sum to 1.
    public let share: Double
    /// The IANA time zone identifier whose rules set local time, such as
    /// `America/New_York`; nil for a zone with a fixed offset.
    public let ianaName: String?
    /// The zone's rules; nil without an IANA name, or for a name Foundation does not know.
    private let rules: TimeZone?

    public init(name: String, utcOffsetMinutes: Int, share: Double, ianaName: String? = nil) {
      self.name = name
      self.utcOffsetMinutes = utcOffsetMinutes
      self.share = share
      self.ianaName = ianaName
      rules = ianaName.flatMap { TimeZone(identifier: $0) }
    }

    /// The fixed offset from UTC in milliseconds.
    public var utcOffsetMilliseconds: Int64 {
      Int64(utcOffsetMinutes) * 60_000
    }

    /// Returns the offset from UTC in milliseconds at Unix time `unixMilliseconds`: the
    /// IANA zone's offset then, or the fixed offset.
    public func utcOffsetMilliseconds(atUnixMilliseconds unixMilliseconds: Int64) -> Int64 {
      guard let rules else { return utcOffsetMilliseconds }
      let date = Date(timeIntervalSince1970: Double(unixMilliseconds) / 1_000)
      return Int64(rules.secondsFromGMT(for: date)) * 1_000
    }

    /// Returns the offset from UTC in milliseconds at simulated time `time`.
    public func utcOffsetMilliseconds(at time: SimTime, clock: ScenarioClock) -> Int64 {
      utcOffsetMilliseconds(atUnixMilliseconds: clock.startUnixMilliseconds &+ time.milliseconds)
    }

    /// Returns the first simulated time strictly after `time` at which the local clock
    /// shows `localTime` milliseconds after midnight (0 to 86,399,999).
    ///
    /// A local time that a change to daylight saving time skips (02:30 on the night the
    /// clocks go from 02:00 to 03:00) is taken at the same UTC instant as under the offset
    /// before the change, so it falls an hour later on the clock. A local time that occurs
    /// twice (when the clocks go back) is the first occurrence after `time`.
    public func nextTime(
      atLocalMilliseconds localTime: Int64, after time: SimTime, clock: ScenarioClock
    ) -> SimTime {
      let day: Int64 = 86_400_000
      let unix = clock.startUnixMilliseconds &+ time.milliseconds
      let local = unix &+ utcOffsetMilliseconds(atUnixMilliseconds: unix)
      var midnight = local - ((local % day) + day) % day
      // Each round tries one local day. Real zones change offset at most once within a day
      // of any instant, so the offsets a day before and a day after the target are the
      // only ones it can have. The bound of rounds only guards the loop.
      for _ in 0..<4 {
        let target = midnight + localTime
        let before = utcOffsetMilliseconds(atUnixMilliseconds: target - day)
        let later = utcOffsetMilliseconds(atUnixMilliseconds: target + day)
        var candidates = [before, later].map { target - $0 }.filter {
          utcOffsetMilliseconds(atUnixMilliseconds: $0) == target - $0
        }
        if candidates.isEmpty {
          candidates = [target - before]
        }
        if let next = candidates.sorted().first(where: { $0 > unix }) {
          return SimTime(milliseconds: next - clock.startUnixMilliseconds)
        }
        midnight += day
      }
      return time + .days(1)
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
      let unix = clock.startUnixMilliseconds &+ time.milliseconds
      let local = unix &+ utcOffsetMilliseconds(atUnixMilliseconds: unix)
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

import Config

/// A local time of day to the minute, written `HH:MM` on a 24-hour clock (`"09:00"`,
/// `"21:30"`).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Minutes after midnight, 0 to 1,439.
  public let minutes: Int

  /// Creates a time from hours (0–23) and minutes (0–59); nil out of range.
  public init?(hour: Int, minute: Int = 0) {
    guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
    minutes = hour * 60 + minute
  }

  /// Parses `HH:MM` with two digits each; nil for anything else.
  public init?(parsing text: String) {
    let bytes = Array(text.utf8)
    guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
    let digits = [bytes[0], bytes[1], bytes[3], bytes[4]]
    guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
      return nil
    }
    let values = digits.map { Int($0 - UInt8(ascii: "0")) }
    self.init(hour: values[0] * 10 + values[1], minute: values[2] * 10 + values[3])
  }

  /// Milliseconds after local midnight.
  public var milliseconds: Int64 { Int64(minutes) * 60_000 }

  /// The time as scenarios write it: `09:00`.
  public var description: String {
    let hour = minutes / 60
    let minute = minutes % 60
    return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
  }

  public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
    lhs.minutes < rhs.minutes
  }

  /// Reads a time of day `HH:MM`.
  static var reader: ConfigReader<TimeOfDay> {
    ConfigReader<String>.string.converted(
      expecting: "a local time of day \"HH:MM\" from \"00:00\" to \"23:59\", such as \"09:00\""
    ) { TimeOfDay(parsing: $0) }
  }
}

extension TimeOfDay: ConfigEncodable {
  public var configValue: JSONValue { .string(description) }
}

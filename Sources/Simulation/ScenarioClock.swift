/// Maps simulated time to calendar time: the scenario's start as Unix milliseconds (UTC).
///
/// Rendering uses integer civil-date arithmetic rather than `DateFormatter`, so timestamps
/// are the same on every machine and cost no allocation beyond the string.
public struct ScenarioClock: Sendable, Hashable {
  /// The scenario start in milliseconds since 1970-01-01T00:00:00Z.
  public let startUnixMilliseconds: Int64

  public init(startUnixMilliseconds: Int64) {
    self.startUnixMilliseconds = startUnixMilliseconds
  }

  /// Parses an ISO 8601 UTC date or date-time as scenarios write it: `2026-01-05`,
  /// `2026-01-05T09:30:00Z` or `2026-01-05T09:30:00.250Z`. Returns nil for anything else,
  /// including offsets other than `Z` and impossible dates.
  public init?(iso8601 text: String) {
    guard let milliseconds = ScenarioClock.parseUnixMilliseconds(text) else { return nil }
    self.startUnixMilliseconds = milliseconds
  }

  /// Renders the calendar time of `time` as ISO 8601 UTC with milliseconds:
  /// `2026-01-05T09:30:00.250Z`.
  public func iso8601(_ time: SimTime) -> String {
    ScenarioClock.format(unixMilliseconds: startUnixMilliseconds &+ time.milliseconds)
  }

  /// Returns the UTC hour of day (0–23) at `time`.
  public func hourOfDay(_ time: SimTime) -> Int {
    let milliseconds = startUnixMilliseconds &+ time.milliseconds
    let dayMilliseconds = ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
    return Int(dayMilliseconds / 3_600_000)
  }

  static func format(unixMilliseconds: Int64) -> String {
    let days = floorDivide(unixMilliseconds, 86_400_000)
    let dayMilliseconds = unixMilliseconds - days * 86_400_000
    let (year, month, day) = civilDate(daysSinceEpoch: days)
    let hour = dayMilliseconds / 3_600_000
    let minute = dayMilliseconds / 60_000 % 60
    let second = dayMilliseconds / 1_000 % 60
    let millisecond = dayMilliseconds % 1_000
    guard (0...9_999).contains(year) else {
      return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):"
        + "\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }
    // Four-digit years, the only ones scenarios can reach, have a fixed layout, written
    // byte by byte: a run formats one timestamp per message, and interpolation costs more.
    return String(unsafeUninitializedCapacity: 24) { buffer in
      func put(_ value: Int64, width: Int, at offset: Int) {
        var rest = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
          buffer[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
          rest /= 10
        }
      }
      put(year, width: 4, at: 0)
      buffer[4] = UInt8(ascii: "-")
      put(month, width: 2, at: 5)
      buffer[7] = UInt8(ascii: "-")
      put(day, width: 2, at: 8)
      buffer[10] = UInt8(ascii: "T")
      put(hour, width: 2, at: 11)
      buffer[13] = UInt8(ascii: ":")
      put(minute, width: 2, at: 14)
      buffer[16] = UInt8(ascii: ":")
      put(second, width: 2, at: 17)
      buffer[19] = UInt8(ascii: ".")
      put(millisecond, width: 3, at: 20)
      buffer[23] = UInt8(ascii: "Z")
      return 24
    }
  }

  static func parseUnixMilliseconds(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int64? {
      guard range.upperBound <= bytes.count else { return nil }
      var value: Int64 = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= 48 && byte <= 57 else { return nil }
        value = value * 10 + Int64(byte - 48)
      }
      return value
    }
    func byte(_ index: Int, is expected: Character) -> Bool {
      index < bytes.count && bytes[index] == expected.asciiValue
    }

    guard bytes.count >= 10, let year = number(0..<4), byte(4, is: "-"),
      let month = number(5..<7), byte(7, is: "-"), let day = number(8..<10),
      (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
    else { return nil }
    var milliseconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400_000
    if bytes.count == 10 { return milliseconds }

    guard byte(10, is: "T"), let hour = number(11..<13), byte(13, is: ":"),
      let minute = number(14..<16), byte(16, is: ":"), let second = number(17..<19),
      hour < 24, minute < 60, second < 60
    else { return nil }
    milliseconds += hour * 3_600_000 + minute * 60_000 + second * 1_000
    var index = 19
    if byte(index, is: ".") {
      let fractionStart = index + 1
      var fractionEnd = fractionStart
      while fractionEnd < bytes.count, bytes[fractionEnd] >= 48, bytes[fractionEnd] <= 57 {
        fractionEnd += 1
      }
      guard fractionEnd > fractionStart, fractionEnd - fractionStart <= 9,
        let fraction = number(fractionStart..<fractionEnd)
      else { return nil }
      var scaled = fraction
      var digits = fractionEnd - fractionStart
      while digits > 3 {
        scaled /= 10
        digits -= 1
      }
      while digits < 3 {
        scaled *= 10
        digits += 1
      }
      milliseconds += scaled
      index = fractionEnd
    }
    guard byte(index, is: "Z"), index + 1 == bytes.count else { return nil }
    return milliseconds
  }

  // Days from civil date and back: Howard Hinnant's public-domain algorithms
  // ("chrono-Compatible Low-Level Date Algorithms"), on the proleptic Gregorian calendar.
  static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
    let adjustedYear = month <= 2 ? year - 1 : year
    let era = floorDivide(adjustedYear, 400)
    let yearOfEra = adjustedYear - era * 400
    let monthIndex = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
    let shifted = days + 719_468
    let era = floorDivide(shifted, 146_097)
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  static func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

extension ScenarioClock {
  /// Parses a date-time with a UTC offset, as Segment messages and RFC 3339 write it, and
  /// returns the simulated time of that instant (negative before the scenario start).
  ///
  /// The form is `YYYY-MM-DDThh:mm:ss`, then an optional fraction of one or more digits
  /// after a `.` (truncated to milliseconds), then `Z` or an offset `±hh:mm`, `±hhmm` or
  /// `±hh` with hours up to 23. `T` and `Z` may be lowercase. Returns nil for anything
  /// else, including impossible dates such as `2026-02-30`, leap seconds (`:60`), and a
  /// missing offset, because a time without one names no instant.
  public func simulatedTime(parsingTimestamp text: String) -> SimTime? {
    guard let unix = ScenarioClock.unixMilliseconds(parsingTimestamp: text) else { return nil }
    return SimTime(milliseconds: unix - startUnixMilliseconds)
  }

  /// Parses a timestamp in the form `simulatedTime(parsingTimestamp:)` describes and
  /// returns its milliseconds since 1970-01-01T00:00:00Z.
  public static func unixMilliseconds(parsingTimestamp text: String) -> Int64? {
    var bytes = Array(text.utf8)[...]

    func digits(_ count: Int) -> Int64? {
      guard bytes.count >= count else { return nil }
      var value: Int64 = 0
      for byte in bytes.prefix(count) {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
      }
      bytes.removeFirst(count)
      return value
    }
    func skip(_ expected: UInt8...) -> Bool {
      guard let first = bytes.first, expected.contains(first) else { return false }
      bytes.removeFirst()
      return true
    }

    guard let year = digits(4), skip(UInt8(ascii: "-")), let month = digits(2),
      skip(UInt8(ascii: "-")), let day = digits(2), (1...12).contains(month), day >= 1,
      day <= daysInMonth(year: year, month: month),
      skip(UInt8(ascii: "T"), UInt8(ascii: "t")),
      let hour = digits(2), skip(UInt8(ascii: ":")), let minute = digits(2),
      skip(UInt8(ascii: ":")), let second = digits(2), hour < 24, minute < 60, second < 60
    else { return nil }
    var milliseconds =
      daysSinceEpoch(year: year, month: month, day: day) * 86_400_000
      + hour * 3_600_000 + minute * 60_000 + second * 1_000

    if skip(UInt8(ascii: ".")) {
      var fractionDigits = 0
      var fraction: Int64 = 0
      while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        if fractionDigits < 3 {
          fraction = fraction * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        fractionDigits += 1
        bytes.removeFirst()
      }
      guard fractionDigits > 0 else { return nil }
      for _ in min(fractionDigits, 3)..<3 {
        fraction *= 10
      }
      milliseconds += fraction
    }

    if skip(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
      return bytes.isEmpty ? milliseconds : nil
    }
    let sign: Int64
    if skip(UInt8(ascii: "+")) {
      sign = 1
    } else if skip(UInt8(ascii: "-")) {
      sign = -1
    } else {
      return nil
    }
    guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
    var offsetMinutes: Int64 = 0
    if !bytes.isEmpty {
      _ = skip(UInt8(ascii: ":"))
      guard let minutes = digits(2), minutes < 60 else { return nil }
      offsetMinutes = minutes
    }
    guard bytes.isEmpty else { return nil }
    // Local time is UTC plus the offset, so UTC is local time minus the offset.
    return milliseconds - sign * (offsetHours * 3_600_000 + offsetMinutes * 60_000)
  }
}

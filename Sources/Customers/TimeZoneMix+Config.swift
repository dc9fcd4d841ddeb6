import Config

extension TimeZoneMix {
  /// Reads an array of 1 to 1,000 zones with unique names, such as
  /// `[{ name: "America/New_York", offset: "-05:00", share: 0.4 }, …]`, whose shares sum to 1.
  public static var reader: ConfigReader<TimeZoneMix> {
    let list = ConfigReader<[Zone]>.array(
      of: zoneReader, count: 1...1_000, unique: "name", by: \.name)
    return ConfigReader<TimeZoneMix>(expecting: list.expectation) { node, path, diagnostics in
      guard let zones = list.read(node, at: path, into: diagnostics) else { return nil }
      let sum = zones.reduce(0.0) { $0 + $1.share }
      guard abs(sum - 1) <= shareSumTolerance else {
        diagnostics.error(
          "time zone shares sum to \(formatSum(sum)), not 1", at: node, path: path,
          fix: "change the shares so that they add up to 1, because each is the probability "
            + "that a customer lives in that zone")
        return nil
      }
      return TimeZoneMix(zones: zones)
    }
  }

  static var zoneReader: ConfigReader<Zone> {
    .object("a time zone such as { name: \"America/New_York\", offset: \"-05:00\", share: 0.4 }") {
      zone in
      let name = zone.required("name", text(maximumLength: 100))
      let offset = zone.required("offset", offsetReader)
      let share = zone.required("share", .probability)
      guard let name, let offset, let share else { return nil }
      return Zone(name: name, utcOffsetMinutes: offset, share: share)
    }
  }

  /// Reads a UTC offset `±HH:MM` within ±14:00 into minutes.
  static var offsetReader: ConfigReader<Int> {
    ConfigReader<String>.string.converted(
      expecting: "a UTC offset written ±HH:MM from -14:00 to +14:00, such as \"-05:00\" or "
        + "\"+05:30\""
    ) { parseOffset($0) }
  }
}

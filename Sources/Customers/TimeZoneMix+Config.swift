import Config
import Foundation

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
      let ianaName = zone.optional("ianaName", ianaNameReader)
      guard let name, let offset, let share else { return nil }
      if let ianaName, !offsets(ofIANAZone: ianaName).contains(Int64(offset) * 60_000) {
        zone.warning(
          "the offset is neither the standard nor the daylight saving offset of \(ianaName) "
            + "in 2026", key: "offset", found: "\"\(offsetText(offset))\"",
          fix: "local times follow \(ianaName); set offset to its standard offset, or remove "
            + "ianaName to keep this fixed offset")
      }
      return Zone(name: name, utcOffsetMinutes: offset, share: share, ianaName: ianaName)
    }
  }

  /// Reads an IANA time zone identifier that Foundation's `TimeZone` knows, such as
  /// `America/New_York`, with a "did you mean" for a near miss.
  static var ianaNameReader: ConfigReader<String> {
    let expectation = "an IANA time zone identifier such as \"America/New_York\""
    return ConfigReader<String>(expecting: expectation) { node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: .nonEmptyString) else { return nil }
      guard TimeZone(identifier: name) == nil else { return name }
      let known = TimeZone.knownTimeZoneIdentifiers
      let fix =
        Suggestion.closest(to: name, among: known).map { "did you mean \"\($0)\"?" }
        ?? "use an identifier of the IANA time zone database, such as \"Europe/Berlin\""
      diagnostics.error(
        "unknown IANA time zone", at: node, path: path, found: node.shortDescription, fix: fix)
      return nil
    }
  }

  /// Returns the offsets in milliseconds of the IANA zone on 2026-01-15 and 2026-07-15,
  /// which are its standard and daylight saving offsets in either hemisphere.
  static func offsets(ofIANAZone name: String) -> Set<Int64> {
    let probe = Zone(name: name, utcOffsetMinutes: 0, share: 1, ianaName: name)
    return [1_768_435_200_000, 1_784_073_600_000].reduce(into: []) { offsets, unix in
      offsets.insert(probe.utcOffsetMilliseconds(atUnixMilliseconds: unix))
    }
  }

  private static func offsetText(_ minutes: Int) -> String {
    Zone(name: "", utcOffsetMinutes: minutes, share: 0).offsetText
  }

  /// Reads a UTC offset `±HH:MM` within ±14:00 into minutes.
  static var offsetReader: ConfigReader<Int> {
    ConfigReader<String>.string.converted(
      expecting: "a UTC offset written ±HH:MM from -14:00 to +14:00, such as \"-05:00\" or "
        + "\"+05:30\""
    ) { parseOffset($0) }
  }
}

import Foundation
import Testing

@testable import Simulation

@Test(arguments: [
  ("1970-01-01", Int64(0)),
  ("2026-01-05T09:30:00Z", Int64(1_767_605_400_000)),
  ("2024-02-29T23:59:59.999Z", Int64(1_709_251_199_999)),
  ("2000-03-01T00:00:00.5Z", Int64(951_868_800_500)),
  ("1969-12-31T23:59:59Z", Int64(-1_000)),
])
func clockParsesISO8601(text: String, unixMilliseconds: Int64) {
  #expect(ScenarioClock(iso8601: text)?.startUnixMilliseconds == unixMilliseconds)
}

@Test(arguments: [
  "", "2026-13-01", "2026-02-29", "2026-01-05T24:00:00Z", "2026-01-05T09:30:00",
  "2026-01-05T09:30:00+01:00", "2026/01/05", "2026-01-05T09:30:00.Z", "20260105",
])
func clockRejectsInvalidDates(text: String) {
  #expect(ScenarioClock(iso8601: text) == nil)
}

/// Rendering agrees with Foundation's ISO 8601 formatter over many instants, which is an
/// independent implementation of the same calendar.
@Test func clockFormatMatchesFoundation() {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
  formatter.timeZone = TimeZone(identifier: "UTC")
  var value: Int64 = -2_208_988_800_000  // 1900-01-01
  while value < 4_102_444_800_000 {  // 2100-01-01
    let expected = formatter.string(from: Date(timeIntervalSince1970: Double(value) / 1_000))
    #expect(ScenarioClock.format(unixMilliseconds: value) == expected)
    value += 86_399_123 * 37
  }
}

@Test func clockRendersSimulatedTime() throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05T00:00:00Z"))
  #expect(clock.iso8601(SimTime(milliseconds: 90_061_001)) == "2026-01-06T01:01:01.001Z")
  #expect(clock.hourOfDay(SimTime(milliseconds: 90_061_001)) == 1)
}

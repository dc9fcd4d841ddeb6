import Foundation
import Testing

@testable import Simulation

@Test(arguments: [
  ("2026-01-05T09:30:00Z", Int64(1_767_605_400_000)),
  ("2026-01-05T09:30:00.250Z", Int64(1_767_605_400_250)),
  ("2026-01-05T09:30:00.2Z", Int64(1_767_605_400_200)),
  ("2026-01-05T09:30:00.123456789Z", Int64(1_767_605_400_123)),
  ("2026-01-05T09:30:00.99999999999999999999Z", Int64(1_767_605_400_999)),
  ("2026-01-05t09:30:00z", Int64(1_767_605_400_000)),
  ("2026-01-05T10:30:00+01:00", Int64(1_767_605_400_000)),
  ("2026-01-05T10:30:00+0100", Int64(1_767_605_400_000)),
  ("2026-01-05T10:30:00+01", Int64(1_767_605_400_000)),
  ("2026-01-05T04:00:00-05:30", Int64(1_767_605_400_000)),
  ("2026-01-05T09:30:00-00:00", Int64(1_767_605_400_000)),
  ("2026-01-05T00:30:00.5+23:59", Int64(1_767_486_660_500)),
  ("2024-02-29T23:59:59.999Z", Int64(1_709_251_199_999)),
  ("1969-12-31T23:59:59Z", Int64(-1_000)),
])
func timestampParsesWithOffset(text: String, unixMilliseconds: Int64) {
  #expect(ScenarioClock.unixMilliseconds(parsingTimestamp: text) == unixMilliseconds)
}

@Test(arguments: [
  "", "2026-01-05", "2026-01-05T09:30:00", "2026-01-05T09:30Z", "2026-01-05 09:30:00Z",
  "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-05T24:00:00Z",
  "2026-01-05T23:59:60Z", "2026-01-05T09:30:00.Z", "2026-01-05T09:30:00+24:00",
  "2026-01-05T09:30:00+01:60", "2026-01-05T09:30:00+1", "2026-01-05T09:30:00+01:",
  "2026-01-05T09:30:00Z ", "2026-01-05T09:30:00ZZ", "+2026-01-05T09:30:00Z",
  "2026-01-05T09:30:00.25", "٢٠٢٦-01-05T09:30:00Z", "2026-01-05T09:30:00 +01:00",
])
func timestampRejectsInvalid(text: String) {
  #expect(ScenarioClock.unixMilliseconds(parsingTimestamp: text) == nil)
}

/// Parsing agrees with Foundation's ISO 8601 reader on instants with whole-hour offsets.
@Test func timestampMatchesFoundation() {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
  var value: Int64 = -2_208_988_800_000  // 1900-01-01
  var offsetHours = -12
  while value < 4_102_444_800_000 {  // 2100-01-01
    formatter.timeZone = TimeZone(secondsFromGMT: offsetHours * 3_600)
    let text = formatter.string(from: Date(timeIntervalSince1970: Double(value) / 1_000))
    #expect(ScenarioClock.unixMilliseconds(parsingTimestamp: text) == value, "\(text)")
    value += 86_399_123 * 41
    offsetHours = offsetHours == 14 ? -12 : offsetHours + 1
  }
}

@Test func timestampMapsToSimulatedTime() throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05T00:00:00Z"))
  let time = clock.simulatedTime(parsingTimestamp: "2026-01-05T02:00:00.001+01:00")
  #expect(time == SimTime(milliseconds: 3_600_001))
  let before = clock.simulatedTime(parsingTimestamp: "2026-01-04T23:59:59.999Z")
  #expect(before == SimTime(milliseconds: -1))
}

import Simulation
import Testing

@testable import Customers

@Test func localHourAppliesNegativeOffset() throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05T00:00:00Z"))
  let newYork = TimeZoneMix.Zone(name: "America/New_York", utcOffsetMinutes: -300, share: 1)
  #expect(newYork.localHour(at: .zero, clock: clock) == 19)
  #expect(newYork.localHour(at: SimTime.zero + .hours(5), clock: clock) == 0)
}

@Test func localTimeAppliesHalfHourOffset() throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05T00:00:00Z"))
  let kolkata = TimeZoneMix.Zone(name: "Asia/Kolkata", utcOffsetMinutes: 330, share: 1)
  #expect(kolkata.localMillisecondsSinceMidnight(at: .zero, clock: clock) == 19_800_000)
  #expect(kolkata.localHour(at: SimTime.zero + .hours(19), clock: clock) == 0)
  #expect(kolkata.utcOffsetMilliseconds == 19_800_000)
}

@Test func localTimeHandlesTimesBeforeTheEpoch() throws {
  let early = try #require(ScenarioClock(iso8601: "1900-01-01T00:00:00Z"))
  let zone = TimeZoneMix.Zone(name: "Atlantic/Azores", utcOffsetMinutes: -60, share: 1)
  #expect(zone.localHour(at: .zero, clock: early) == 23)
}

/// One `nextTime` query in New York around the 2026 changes of offset: clocks go from
/// 02:00 EST to 03:00 EDT on 8 March (07:00 UTC) and back from 02:00 EDT to 01:00 EST on
/// 1 November (06:00 UTC).
struct NextLocalTimeCase: CustomTestStringConvertible, Sendable {
  let name: String
  let after: String
  let local: String
  let expected: String
  var testDescription: String { name }
}

@Test(arguments: [
  NextLocalTimeCase(
    name: "evening before the spring change", after: "2026-03-07T12:00:00Z", local: "21:00",
    expected: "2026-03-08T02:00:00Z"),
  NextLocalTimeCase(
    name: "morning after the spring change", after: "2026-03-07T16:00:00Z", local: "09:00",
    expected: "2026-03-08T13:00:00Z"),
  NextLocalTimeCase(
    name: "skipped 02:30 falls an hour later", after: "2026-03-08T05:00:00Z", local: "02:30",
    expected: "2026-03-08T07:30:00Z"),
  NextLocalTimeCase(
    name: "repeated 01:30, first occurrence", after: "2026-11-01T04:00:00Z", local: "01:30",
    expected: "2026-11-01T05:30:00Z"),
  NextLocalTimeCase(
    name: "repeated 01:30, second occurrence", after: "2026-11-01T05:30:00Z", local: "01:30",
    expected: "2026-11-01T06:30:00Z"),
  NextLocalTimeCase(
    name: "morning after the autumn change", after: "2026-11-01T04:00:00Z", local: "09:00",
    expected: "2026-11-01T14:00:00Z"),
  NextLocalTimeCase(
    name: "same time is strictly later", after: "2026-07-15T13:00:00Z", local: "09:00",
    expected: "2026-07-16T13:00:00Z"),
])
func nextLocalTimeFollowsDaylightSaving(_ testCase: NextLocalTimeCase) throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-01-01T00:00:00Z"))
  let zone = TimeZoneMix.Zone(
    name: "America/New_York", utcOffsetMinutes: -300, share: 1, ianaName: "America/New_York")
  let after = try #require(ScenarioClock(iso8601: testCase.after)).startUnixMilliseconds
  let expected = try #require(ScenarioClock(iso8601: testCase.expected)).startUnixMilliseconds
  let local = try #require(testCase.local.split(separator: ":").map { Int64($0) })
  let localMilliseconds = try (#require(local[0]) * 60 + #require(local[1])) * 60_000

  let next = zone.nextTime(
    atLocalMilliseconds: localMilliseconds,
    after: SimTime(milliseconds: after - clock.startUnixMilliseconds), clock: clock)
  #expect(clock.iso8601(next) == clock.iso8601(
    SimTime(milliseconds: expected - clock.startUnixMilliseconds)))
}

@Test func ianaZoneOffsetChangesInSummer() throws {
  let clock = try #require(ScenarioClock(iso8601: "2026-07-15T12:00:00Z"))
  let iana = TimeZoneMix.Zone(
    name: "America/New_York", utcOffsetMinutes: -300, share: 1, ianaName: "America/New_York")
  let fixed = TimeZoneMix.Zone(name: "America/New_York", utcOffsetMinutes: -300, share: 1)
  #expect(iana.localHour(at: .zero, clock: clock) == 8)
  #expect(fixed.localHour(at: .zero, clock: clock) == 7)
  #expect(iana.utcOffsetMilliseconds(at: .zero, clock: clock) == -14_400_000)
}

@Test func ianaZoneInSouthernHemisphere() throws {
  // Sydney keeps daylight saving time (+11:00) in January and standard time (+10:00) in July.
  let offsets = TimeZoneMix.offsets(ofIANAZone: "Australia/Sydney")
  #expect(offsets == [36_000_000, 39_600_000])
}

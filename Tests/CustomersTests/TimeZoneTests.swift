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

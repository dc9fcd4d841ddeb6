import Customers
import Simulation
import Testing

@testable import Pipeline

@Test func trackerSetsTimezoneOnFrontEnd() {
  let messages = trackerMessages(for: everyActionKind(timeZone: "America/New_York"))
  let frontEnd = messages.filter { $0.source == .frontEnd }
  let backEnd = messages.filter { $0.source == .backEnd }
  #expect(!frontEnd.isEmpty)
  #expect(!backEnd.isEmpty)
  for message in frontEnd {
    #expect(message.context.timezone == "America/New_York", "\(message.type) \(message.event ?? "")")
  }
  for message in backEnd {
    #expect(message.context.timezone == nil, "\(message.event ?? "")")
  }
}

@Test func trackerLeavesTimezoneUnsetWhenUnknown() {
  let messages = trackerMessages(for: everyActionKind(timeZone: nil))
  #expect(messages.allSatisfy { $0.context.timezone == nil })
}

@Test func contextRendersTimezone() {
  let context = MessageContext(timezone: "Europe/Berlin")
  #expect(context.json == #"{"library":{"name":"loopsim"},"timezone":"Europe/Berlin"}"#)
}

@Test func contextOmitsUnknownTimezone() {
  #expect(MessageContext().json == #"{"library":{"name":"loopsim"}}"#)
}

@Test func segmentJSONRendersTimezoneAfterCampaign() throws {
  let action = CustomerAction(
    customer: 3, time: .zero, kind: .trailerWatched(channel: 0, classIndex: 1), signedIn: false,
    timeZone: "Asia/Tokyo")
  let messages = trackerMessages(for: [action])
  let track = try #require(messages.first { $0.type == .track })
  let clock = try #require(ScenarioClock(iso8601: "2026-01-05"))
  let json = track.segmentJSON(clock: clock)
  #expect(
    json.contains(
      #""context":{"library":{"name":"loopsim"},"campaign":{"name":"paid-display","source":"google","medium":"display","content":"sourdough"},"timezone":"Asia/Tokyo"}"#
    ))
}

import Foundation
import Simulation
import Testing

@testable import Pipeline

/// The scenario window of these tests: 2026-01-05T00:00:00Z for 35 days.
private let clock = ScenarioClock(startUnixMilliseconds: 1_767_571_200_000)
private let end = SimTime(milliseconds: 35 * 86_400_000)

private func read(_ line: [UInt8]) throws -> SegmentLine {
  var reader = SegmentMessageReader(clock: clock)
  return try reader.read(line)
}

private func read(_ line: String) throws -> SegmentLine {
  try read(Array(line.utf8))
}

private struct NotAMessage: Error {
  let line: SegmentLine
}

private func message(_ line: String) throws -> Message {
  guard case .message(let message) = try read(line) else { throw NotAMessage(line: try read(line)) }
  return message
}

/// Returns the customer number the reader derives from an id: SHA-256's first 8 bytes,
/// big-endian.
private func customer(_ identity: String) throws -> UInt64 {
  try SHA256.hash(identity).bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
}

private func time(_ text: String) -> SimTime? {
  clock.simulatedTime(parsingTimestamp: text)
}

// MARK: Valid messages of each type

@Test func readerReadsTrack() throws {
  let read = try message(
    #"""
    {"type":"track","messageId":"ajs-next-1","anonymousId":"a-17","userId":"u-42",
    "event":"Product Added","properties":{"product_id":"jazz-piano","price":150,
    "currency":"USD","quantity":1,"coupon":null,"variants":["blue","red"],
    "dimensions":{"w":2.5}},"context":{"library":{"name":"analytics.js","version":"5.2.0"},
    "ip":"203.0.113.9","timezone":"Europe/Berlin"},
    "timestamp":"2026-01-06T10:00:00.125+01:00","sentAt":"2026-01-06T09:00:01Z",
    "receivedAt":"2026-01-06T09:00:02.5Z","integrations":{"All":true}}
    """#.replacingOccurrences(of: "\n", with: ""))
  #expect(read.type == .track)
  #expect(read.messageId?.description == "ajs-next-1")
  #expect(read.messageId?.customer == (try customer("u-42")))
  #expect(read.anonymousId == "a-17")
  #expect(read.userId == "u-42")
  #expect(read.event == "Product Added")
  #expect(read.name == nil)
  #expect(read.timestamp == time("2026-01-06T09:00:00.125Z"))
  #expect(read.sentAt == time("2026-01-06T09:00:01Z"))
  #expect(read.receivedAt == time("2026-01-06T09:00:02.500Z"))
  #expect(read.source == .frontEnd)
  #expect(read.customer == (try customer("u-42")))
  #expect(read.properties["product_id"] == .string("jazz-piano"))
  #expect(read.properties["price"] == .integer(150))
  #expect(read.properties["quantity"] == .integer(1))
  #expect(read.properties["coupon"] == .json("null"))
  #expect(read.properties["variants"] == .strings(["blue", "red"]))
  #expect(read.properties["dimensions"] == .json(#"{"w":2.5}"#))
  #expect(
    read.properties.entries.map(\.key) == [
      "product_id", "price", "currency", "quantity", "coupon", "variants", "dimensions",
    ])
  #expect(read.context.timezone == "Europe/Berlin")
  #expect(read.context.campaign == nil)
  #expect(read.context.loopsimSource == nil)
  #expect(
    read.context.json
      == #"{"library":{"name":"analytics.js","version":"5.2.0"},"timezone":"Europe/Berlin","#
      + #""ip":"203.0.113.9"}"#
  )
}

@Test func readerReadsIdentify() throws {
  let read = try message(
    #"{"type":"identify","messageId":"m-2","userId":"u-42","traits":{"email":"ada@example.com","#
      + #""email_opt_in":true,"age":36,"score":0.5,"address":{"city":"Lyon"}},"#
      + #""timestamp":"2026-01-05T00:00:00Z"}"#)
  #expect(read.type == .identify)
  #expect(read.userId == "u-42")
  #expect(read.anonymousId == nil)
  #expect(read.source == .backEnd)
  #expect(read.traits["email"] == .string("ada@example.com"))
  #expect(read.traits["email_opt_in"] == .bool(true))
  #expect(read.traits["age"] == .integer(36))
  #expect(read.traits["score"] == .number(0.5))
  #expect(read.traits["address"] == .json(#"{"city":"Lyon"}"#))
  #expect(read.properties.isEmpty)
  #expect(read.timestamp == .zero)
  #expect(read.sentAt == .zero)
}

@Test func readerReadsPage() throws {
  let read = try message(
    #"{"type":"page","messageId":"m-3","anonymousId":"a-17","name":"Class","#
      + #""properties":{"path":"/classes/jazz-piano","#
      + #""url":"https://example.com/classes/jazz-piano"},"context":{"campaign":{"name":"spring","#
      + #""source":"google","medium":"cpc","content":"jazz"}},"#
      + #""sentAt":"2026-01-07T12:00:00Z"}"#)
  #expect(read.type == .page)
  #expect(read.name == "Class")
  #expect(read.customer == (try customer("a-17")))
  #expect(read.properties["path"] == .string("/classes/jazz-piano"))
  #expect(
    read.context.campaign
      == Campaign(name: "spring", source: "google", medium: "cpc", content: "jazz"))
  #expect(read.context.otherMembers.isEmpty)
  // Without a timestamp, the message happened when it was sent.
  #expect(read.timestamp == time("2026-01-07T12:00:00Z"))
  #expect(read.sentAt == read.timestamp)
}

@Test func readerReadsScreen() throws {
  let read = try message(
    #"{"type":"screen","messageId":"m-4","userId":"u-42","name":"Cart","#
      + #""properties":{"items":2},"timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(read.type == .screen)
  #expect(read.name == "Cart")
  #expect(read.properties["items"] == .integer(2))
}

@Test func readerReadsGroup() throws {
  let read = try message(
    #"{"type":"group","messageId":"m-5","userId":"u-42","groupId":"acme","#
      + #""traits":{"name":"Acme","employees":120},"timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(read.type == .group)
  #expect(read.groupId == "acme")
  #expect(read.traits["employees"] == .integer(120))
}

@Test func readerReadsAlias() throws {
  let read = try message(
    #"{"type":"alias","messageId":"m-6","userId":"u-42","previousId":"a-17","#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(read.type == .alias)
  #expect(read.previousId == "a-17")
  #expect(read.userId == "u-42")
  #expect(read.customer == (try customer("u-42")))
}

@Test func readerTakesSourceFromMarker() throws {
  let frontEnd = try message(
    #"{"type":"track","messageId":"m-7","userId":"u-1","event":"Order Completed","#
      + #""context":{"loopsimSource":"front-end"},"timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(frontEnd.source == .frontEnd)
  #expect(frontEnd.context.loopsimSource == nil)
  #expect(frontEnd.context.json == #"{"library":{"name":"loopsim"}}"#)
  let backEnd = try message(
    #"{"type":"page","messageId":"m-8","anonymousId":"a-1","#
      + #""context":{"loopsimSource":"back-end"},"timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(backEnd.source == .backEnd)
}

@Test func readerPassesUnmodelledCampaignThrough() throws {
  let read = try message(
    #"{"type":"page","messageId":"m-9","anonymousId":"a-1","context":{"campaign":"#
      + #"{"name":"spring","source":"google","medium":"cpc","term":"jazz piano"}},"#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(read.context.campaign == nil)
  #expect(
    read.context.otherMembers["campaign"]
      == .json(#"{"name":"spring","source":"google","medium":"cpc","term":"jazz piano"}"#))
}

@Test func readerLeavesCollectChecksToCollect() throws {
  let anonymous = try message(
    #"{"type":"track","messageId":"m-10","event":"Product Viewed","#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(anonymous.customer == 0)
  #expect(anonymous.userId == nil)
  #expect(anonymous.anonymousId == nil)
  let withoutId = try message(
    #"{"type":"track","userId":"u-1","event":"Product Viewed","timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(withoutId.messageId == nil)
  let emptyId = try message(
    #"{"type":"track","messageId":"","userId":"u-1","event":"Product Viewed","#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#)
  #expect(emptyId.messageId == nil)

  var collector = Collector()
  for (read, reason) in [
    (anonymous, "missing userId and anonymousId"), (withoutId, "missing messageId"),
    (emptyId, "missing messageId"),
  ] {
    var collected = read
    #expect(collector.collect(&collected, at: .zero) == .quarantined(reason: reason))
  }
}

@Test func readerAcceptsTimesAtWindowEdges() throws {
  let first = try message(
    #"{"type":"track","messageId":"m-11","userId":"u-1","event":"E","#
      + #""timestamp":"2026-01-05T01:00:00+01:00"}"#)
  #expect(first.timestamp == .zero)
  let last = try message(
    #"{"type":"track","messageId":"m-12","userId":"u-1","event":"E","#
      + #""timestamp":"2026-02-09T00:00:00Z"}"#)
  #expect(last.timestamp == end)
}

/// A device clock may stamp times outside the window, and an offline app may send after
/// the end: only the arrival at the collector must not precede the start.
@Test func readerAcceptsDeviceTimesOutsideWindow() throws {
  let skewed = try message(
    #"{"type":"track","messageId":"m-13","userId":"u-1","event":"E","#
      + #""timestamp":"2026-01-04T23:58:00Z","sentAt":"2026-01-04T23:58:01Z","#
      + #""receivedAt":"2026-01-05T00:00:01Z"}"#)
  #expect(skewed.timestamp == SimTime(milliseconds: -120_000))
  #expect(skewed.receivedAt == SimTime(milliseconds: 1_000))
  let late = try message(
    #"{"type":"track","messageId":"m-14","userId":"u-1","event":"E","#
      + #""timestamp":"2026-02-09T00:00:00.001Z"}"#)
  #expect(late.timestamp == SimTime(milliseconds: end.milliseconds + 1))
}

/// An empty id names no one, so the reader drops it.
@Test func readerTreatsEmptyIdsAsAbsent() throws {
  let read = try message(
    #"{"type":"track","messageId":"m-15","userId":"","anonymousId":"a-1","event":"E","#
      + #""timestamp":"2026-01-06T00:00:00Z"}"#)
  #expect(read.userId == nil)
  #expect(read.anonymousId == "a-1")
}

// MARK: Message ids

@Test func readerInternsMessageIdSpellings() throws {
  var reader = SegmentMessageReader(clock: clock)
  func id(_ messageId: String, user: String) throws -> MessageID? {
    let line =
      #"{"type":"track","messageId":"\#(messageId)","userId":"\#(user)","event":"E","#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#
    guard case .message(let message) = try reader.read(Array(line.utf8)) else { return nil }
    return message.messageId
  }
  let first = try id("dup", user: "u-1")
  let copy = try id("dup", user: "u-2")
  let other = try id("other", user: "u-1")
  #expect(first == copy)
  #expect(first != other)
  #expect(first?.customer == (try customer("u-1")))
  #expect(first?.counter == 0)
  #expect(other?.counter == 1)

  // The engine's ids skip a rendering that a spelling of the file already uses.
  var table = reader.messageIDs
  let user = try customer("u-1")
  _ = table.id(spelled: "\(user)-3", customer: 7)
  let engineIds = (0..<3).map { _ in table.newID(for: user).description }
  #expect(engineIds == ["\(user)-2", "\(user)-4", "\(user)-5"])
}

// MARK: Skipped, empty and rejected lines

@Test func readerSkipsEngineMessages() throws {
  let marked =
    #"{"type":"track","messageId":"m-13","userId":"u-1","event":"Email Opened","#
    + #""context":{"loopsimSource":"messaging"},"timestamp":"2026-01-08T08:00:00Z"}"#
  guard case .skipped(let reason) = try read(marked) else {
    Issue.record("not skipped")
    return
  }
  #expect(reason == SegmentMessageReader.messagingSkipReason)

  for event in SegmentMessageReader.engineEvents.sorted() {
    let unmarked =
      #"{"type":"track","messageId":"m-14","userId":"u-1","event":"\#(event)","#
      + #""timestamp":"2026-01-08T08:00:00Z"}"#
    guard case .skipped(let reason) = try read(unmarked) else {
      Issue.record("\(event) not skipped")
      continue
    }
    #expect(reason == SegmentMessageReader.unmarkedEngineEventSkipReason)
  }

  // A customer-side marker wins over the event name.
  let front =
    #"{"type":"track","messageId":"m-15","userId":"u-1","event":"Email Opened","#
    + #""context":{"loopsimSource":"front-end"},"timestamp":"2026-01-08T08:00:00Z"}"#
  #expect(try message(front).event == "Email Opened")
  // Other events whose names start with Email come from customers.
  let signup =
    #"{"type":"track","messageId":"m-16","userId":"u-1","event":"Email Signup Submitted","#
    + #""timestamp":"2026-01-08T08:00:00Z"}"#
  #expect(try message(signup).event == "Email Signup Submitted")
}

@Test(arguments: ["", " ", "\t \r", "\r"])
func readerSkipsBlankLine(line: String) throws {
  guard case .empty = try read(line) else {
    Issue.record("not empty")
    return
  }
}

private let valid = #""messageId":"m","userId":"u","timestamp":"2026-01-08T08:00:00Z""#

/// Returns a JSON string literal of exactly `count` bytes.
private func jsonString(bytes count: Int) -> String {
  "\"" + String(repeating: "x", count: count - 2) + "\""
}

private let overLimit = jsonString(bytes: SegmentMessageReader.maximumValueBytes + 1)

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// One line per reason of `SegmentMessageReader`, in its order of checks.
private let rejectedLines: [(name: String, line: [UInt8], reason: String)] = [
  ("truncated JSON", bytes(#"{"type":"track","#), "invalid JSON"),
  ("bare word", bytes("hello"), "invalid JSON"),
  ("trailing comma", bytes(#"{"type":"track",}"#), "invalid JSON"),
  ("repeated key", bytes(#"{"type":"track","type":"page"}"#), "invalid JSON"),
  (
    "invalid UTF-8", bytes(#"{"type":"track","event":""#) + [0xC3, 0x28] + bytes(#""}"#),
    "invalid UTF-8"
  ),
  ("lone continuation byte", [0x80], "invalid UTF-8"),
  ("array", bytes("[1,2]"), "not a JSON object"),
  ("string", bytes(#""track""#), "not a JSON object"),
  ("null", bytes("null"), "not a JSON object"),
  ("no type", bytes("{\(valid)}"), "missing type"),
  ("null type", bytes(#"{"type":null,\#(valid)}"#), "missing type"),
  ("capitalised type", bytes(#"{"type":"Track",\#(valid)}"#), "unknown type"),
  ("numeric type", bytes(#"{"type":1,\#(valid)}"#), "unknown type"),
  ("invented type", bytes(#"{"type":"purchase",\#(valid)}"#), "unknown type"),
  (
    "numeric messageId", bytes(#"{"type":"track","messageId":7,"userId":"u"}"#), "invalid messageId"
  ),
  (
    "object anonymousId", bytes(#"{"type":"track","anonymousId":{},"userId":"u"}"#),
    "invalid anonymousId"
  ),
  ("numeric userId", bytes(#"{"type":"track","userId":42}"#), "invalid userId"),
  ("array event", bytes(#"{"type":"track","event":["E"],\#(valid)}"#), "invalid event"),
  ("boolean name", bytes(#"{"type":"page","name":true,\#(valid)}"#), "invalid name"),
  (
    "numeric previousId", bytes(#"{"type":"alias","previousId":1,\#(valid)}"#), "invalid previousId"
  ),
  ("numeric groupId", bytes(#"{"type":"group","groupId":1,\#(valid)}"#), "invalid groupId"),
  (
    "string properties", bytes(#"{"type":"track","properties":"x",\#(valid)}"#),
    "invalid properties"
  ),
  ("array traits", bytes(#"{"type":"identify","traits":[],\#(valid)}"#), "invalid traits"),
  ("string context", bytes(#"{"type":"track","context":"x",\#(valid)}"#), "invalid context"),
  (
    "unknown source marker",
    bytes(#"{"type":"track","context":{"loopsimSource":"web"},\#(valid)}"#),
    "invalid context.loopsimSource"
  ),
  (
    "numeric source marker", bytes(#"{"type":"track","context":{"loopsimSource":1},\#(valid)}"#),
    "invalid context.loopsimSource"
  ),
  (
    "property over 1 MiB",
    bytes(#"{"type":"track","event":"E","properties":{"blob":\#(overLimit)},\#(valid)}"#),
    "property value over 1 MiB"
  ),
  (
    "trait over 1 MiB", bytes(#"{"type":"identify","traits":{"blob":[\#(overLimit)]},\#(valid)}"#),
    "property value over 1 MiB"
  ),
  (
    "context member over 1 MiB",
    bytes(#"{"type":"track","context":{"page":\#(overLimit)},\#(valid)}"#),
    "property value over 1 MiB"
  ),
  (
    "too many properties",
    bytes(
      #"{"type":"track","event":"E","properties":{"#
        + (0...SegmentMessageReader.maximumMembers).map { #""p\#($0)":1"# }.joined(separator: ",")
        + #"},\#(valid)}"#),
    "more than 10,000 properties"
  ),
  (
    "timestamp in words",
    bytes(#"{"type":"track","messageId":"m","userId":"u","timestamp":"yesterday"}"#),
    "invalid timestamp"
  ),
  (
    "timestamp without offset",
    bytes(#"{"type":"track","messageId":"m","userId":"u","timestamp":"2026-01-08T08:00:00"}"#),
    "invalid timestamp"
  ),
  (
    "numeric timestamp",
    bytes(#"{"type":"track","messageId":"m","userId":"u","timestamp":1767859200000}"#),
    "invalid timestamp"
  ),
  (
    "bad sentAt", bytes(#"{"type":"track","sentAt":"2026-02-30T00:00:00Z",\#(valid)}"#),
    "invalid timestamp"
  ),
  ("bad receivedAt", bytes(#"{"type":"track","receivedAt":"now",\#(valid)}"#), "invalid timestamp"),
  (
    "no timestamp", bytes(#"{"type":"track","messageId":"m","userId":"u","event":"E"}"#),
    "missing timestamp"
  ),
  (
    "only receivedAt",
    bytes(#"{"type":"track","messageId":"m","userId":"u","receivedAt":"2026-01-08T08:00:00Z"}"#),
    "missing timestamp"
  ),
  (
    "before the start",
    bytes(#"{"type":"track","messageId":"m","userId":"u","timestamp":"2026-01-04T23:59:59.999Z"}"#),
    "timestamp before the scenario start"
  ),
  (
    "sent before the start",
    bytes(#"{"type":"track","sentAt":"2026-01-05T00:30:00+01:00",\#(valid)}"#),
    "timestamp before the scenario start"
  ),
  (
    "received before the start",
    bytes(#"{"type":"track","receivedAt":"2026-01-04T12:00:00Z",\#(valid)}"#),
    "timestamp before the scenario start"
  ),
  ("alias without previousId", bytes(#"{"type":"alias",\#(valid)}"#), "alias without previousId"),
  (
    "alias with empty previousId", bytes(#"{"type":"alias","previousId":"",\#(valid)}"#),
    "alias without previousId"
  ),
  ("group without groupId", bytes(#"{"type":"group",\#(valid)}"#), "group without groupId"),
  (
    "line over 4 MiB",
    bytes(#"{"type":"track","event":""#)
      + Array(repeating: UInt8(ascii: "x"), count: SegmentMessageReader.maximumLineBytes)
      + bytes(#""}"#),
    "line over 4 MiB"
  ),
]

@Test(arguments: rejectedLines)
func readerRejectsLine(name: String, line: [UInt8], reason: String) throws {
  guard case .rejected(let rejection) = try read(line) else {
    Issue.record("\(name): not rejected")
    return
  }
  #expect(rejection.reason == reason, "\(name): \(rejection.detail)")
  #expect(!rejection.detail.isEmpty)
}

@Test func readerRejectionDetailsNameTheProblem() throws {
  let cases: [(line: String, detail: String)] = [
    (#"{"type":"track","#, "expected a quoted key at column 17"),
    (
      #"{"type":"Track"}"#,
      #"type is "Track"; expected track, identify, page, screen, group or alias"#
    ),
    (#"{"type":"track","userId":42}"#, "userId is a number; expected a string"),
    (
      #"{"type":"track","messageId":"m","userId":"u","timestamp":"2026-01-04T23:00:00Z"}"#,
      "timestamp is 2026-01-04T23:00:00.000Z, before run.start 2026-01-05T00:00:00.000Z"
    ),
  ]
  for (line, detail) in cases {
    guard case .rejected(let rejection) = try read(line) else {
      Issue.record("\(line): not rejected")
      continue
    }
    #expect(rejection.detail == detail)
  }
}

/// A value of exactly 1 MiB of JSON text is within the limit.
@Test func readerAcceptsValueAtLimit() throws {
  let limit = SegmentMessageReader.maximumValueBytes
  let line =
    #"{"type":"track","event":"E","properties":{"blob":\#(jsonString(bytes: limit))},"#
    + #"\#(valid)}"#
  let read = try message(line)
  #expect(read.properties["blob"] == .string(String(repeating: "x", count: limit - 2)))
}

// MARK: Round trip

/// Every message the Tracker builds, written as a run's export writes it, reads back into
/// the same message, so its Segment JSON comes out unchanged.
@Test func readerRoundTripsTrackerMessages() throws {
  var reader = SegmentMessageReader(clock: clock)
  let messages = trackerMessages(for: everyActionKind(timeZone: "Asia/Tokyo"))
  #expect(messages.count > 10)
  for original in messages {
    var marked = original
    marked.context.loopsimSource = original.source
    let line = marked.segmentJSON(clock: clock)
    guard case .message(var read) = try reader.read(Array(line.utf8)) else {
      Issue.record("not read: \(line)")
      continue
    }
    #expect(read.type == original.type)
    #expect(read.source == original.source)
    #expect(read.messageId?.description == original.messageId?.description)
    #expect(read.userId == original.userId)
    #expect(read.anonymousId == original.anonymousId)
    #expect(read.event == original.event)
    #expect(read.name == original.name)
    #expect(read.timestamp == original.timestamp)
    #expect(read.sentAt == original.sentAt)
    #expect(read.context.campaign == original.context.campaign)
    #expect(read.context.timezone == original.context.timezone)
    #expect(read.context.json == original.context.json)
    #expect(read.properties.json == original.properties.json)
    #expect(read.traits.json == original.traits.json)
    read.context.loopsimSource = read.source
    #expect(read.segmentJSON(clock: clock) == line)
  }
}

import Customers
import Foundation
import Simulation
import Testing

@testable import Pipeline

/// One way the tracking code can send a customer's actions, for the conformance table.
struct TrackingCase: Sendable, CustomTestStringConvertible {
  var name: String
  var usesApp: Bool
  /// Whether every action is a later return on a second device, so the client also sends
  /// the second device's sign-in.
  var onSecondDevice: Bool

  var testDescription: String { name }

  static let all = [
    TrackingCase(name: "website", usesApp: false, onSecondDevice: false),
    TrackingCase(name: "app", usesApp: true, onSecondDevice: false),
    TrackingCase(name: "second device", usesApp: true, onSecondDevice: true),
  ]

  /// Every action kind sent through a client with no faults but, for `onSecondDevice`, a
  /// second device for every customer.
  func messages() throws -> [Message] {
    let faults = ClientFaults(
      duplicateRate: 0, invalidRate: 0, secondDeviceRate: onSecondDevice ? 1 : 0)
    let client = TrackingClient(
      tracker: Tracker(catalog: testCatalog, channels: testChannels),
      faults: try ClientFaultModel(faults: faults, streams: RandomStreams(seed: 5)))
    var state = ClientState()
    var counter: UInt32 = 0
    return everyActionKind(timeZone: "Europe/Berlin", usesApp: usesApp).flatMap { action in
      let sent = CustomerAction(
        customer: action.customer, time: action.time, kind: action.kind,
        signedIn: action.signedIn, timeZone: action.timeZone,
        session: onSecondDevice ? .returning : .firstTouch, usesApp: action.usesApp)
      return client.send(sent, state: &state, counter: &counter).map(\.message)
    }
  }
}

private let clock = ScenarioClock(iso8601: "2026-01-05")!

/// Parses a message's Segment JSON into an object.
private func segmentObject(_ message: Message) throws -> [String: Any] {
  let data = Data(message.segmentJSON(clock: clock).utf8)
  return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func isTimestamp(_ value: Any?) -> Bool {
  guard let text = value as? String else { return false }
  return text.count == 24 && text.hasSuffix("Z") && text.dropFirst(10).first == "T"
}

private func isNonEmptyString(_ value: Any?) -> Bool {
  (value as? String).map { !$0.isEmpty } ?? false
}

@Test(arguments: TrackingCase.all)
func trackerMessagesCarryCommonFields(_ trackingCase: TrackingCase) throws {
  let messages = try trackingCase.messages()
  #expect(messages.count >= 15)
  for message in messages {
    let object = try segmentObject(message)
    let label = "\(message.type) \(message.event ?? message.name ?? "")"
    let type = try #require(object["type"] as? String, "\(label)")
    #expect(MessageType(rawValue: type) != nil, "\(label)")
    #expect(isNonEmptyString(object["messageId"]), "\(label): messageId")
    #expect(isTimestamp(object["timestamp"]), "\(label): timestamp")
    #expect(isTimestamp(object["sentAt"]), "\(label): sentAt")
    #expect(
      isNonEmptyString(object["userId"]) || isNonEmptyString(object["anonymousId"]),
      "\(label): userId or anonymousId")
    let context = try #require(object["context"] as? [String: Any], "\(label): context")
    let library = try #require(context["library"] as? [String: Any], "\(label): library")
    #expect(isNonEmptyString(library["name"]), "\(label): context.library.name")
  }
}

@Test(arguments: TrackingCase.all)
func trackerMessagesCarryTypeFields(_ trackingCase: TrackingCase) throws {
  for message in try trackingCase.messages() {
    let object = try segmentObject(message)
    let label = "\(message.type) \(message.event ?? message.name ?? "")"
    switch message.type {
    case .track:
      #expect(isNonEmptyString(object["event"]), "\(label): event")
      #expect(object["properties"] is [String: Any], "\(label): properties")
      #expect(object["traits"] == nil, "\(label): traits")
    case .identify:
      #expect(isNonEmptyString(object["userId"]), "\(label): userId")
      #expect(object["traits"] is [String: Any], "\(label): traits")
    case .page, .screen:
      #expect(isNonEmptyString(object["name"]), "\(label): name")
      #expect(object["properties"] is [String: Any], "\(label): properties")
    case .alias:
      #expect(isNonEmptyString(object["previousId"]), "\(label): previousId")
      #expect(isNonEmptyString(object["userId"]), "\(label): userId")
      #expect(object["properties"] == nil, "\(label): properties")
    case .group:
      Issue.record("the tracker sends no group calls")
    }
    #expect(Collector.validationFailure(of: message) == nil, "\(label)")
  }
}

@Test func appSendsScreensWithAppContext() throws {
  let app = try #require(TrackingCase.all.first { $0.name == "app" }).messages()
  let website = try #require(TrackingCase.all.first { $0.name == "website" }).messages()
  #expect(app.contains { $0.type == .screen })
  #expect(!app.contains { $0.type == .page })
  #expect(website.contains { $0.type == .page })
  #expect(!website.contains { $0.type == .screen })
  for message in app where message.source == .frontEnd {
    let context = try #require(try segmentObject(message)["context"] as? [String: Any])
    let appContext = try #require(context["app"] as? [String: Any], "\(message.type)")
    for key in ["name", "version", "build", "namespace"] {
      #expect(isNonEmptyString(appContext[key]), "context.app.\(key)")
    }
    let device = try #require(context["device"] as? [String: Any], "\(message.type)")
    #expect(device["id"] as? String == CustomerIdentity.deviceId(3))
    #expect(device["type"] as? String == "mobile")
  }
  for message in app + website where message.source == .backEnd {
    #expect(message.context.app == nil)
    #expect(message.context.device == nil)
  }
  for message in website {
    #expect(message.context.app == nil)
  }
}

@Test func identifyCarriesAccountTraits() throws {
  let messages = trackerMessages(for: everyActionKind())
  let identifies = messages.filter { $0.type == .identify }
  #expect(identifies.count == 2)
  #expect(identifies.map { $0.traits["access_level"] } == [.string("free"), .string("paid")])
  #expect(identifies.map { $0.traits["email_opt_in"] } == [.bool(true), .bool(true)])
  #expect(
    identifies.map { $0.traits["products_owned"] }
      == [.strings([]), .strings(["knife-skills"])])
}

@Test func backEndSendsRefundAndPasswordReset() throws {
  let messages = trackerMessages(for: everyActionKind())
  let refund = try #require(messages.first { $0.event == "Order Refunded" })
  #expect(refund.source == .backEnd)
  #expect(refund.userId == "user-3")
  #expect(refund.anonymousId == nil)
  #expect(refund.properties["order_id"] == .string("order-3-2"))
  #expect(refund.properties["total"] == .number(99.5))
  #expect(refund.properties["products"] == .strings(["sourdough"]))
  let reset = try #require(messages.first { $0.event == "Password Reset Requested" })
  #expect(reset.source == .backEnd)
  #expect(reset.userId == "user-3")
  #expect(reset.properties.isEmpty)
}

@Test(arguments: TrackingCase.all)
func propertyTableMatchesTracker(_ trackingCase: TrackingCase) throws {
  for message in try trackingCase.messages() where message.type != .identify {
    guard message.type != .alias else { continue }
    let kind = message.type == .track ? message.event ?? "" : message.type.rawValue
    let listed = try #require(SegmentEvents.properties[kind], "\(kind) is not in the table")
    #expect(message.properties.entries.map(\.key) == listed, "\(kind)")
  }
}

@Test(arguments: TrackingCase.all)
func masterclassPlanConformsEveryTrackerMessage(_ trackingCase: TrackingCase) throws {
  let plan = try TrackingPlan.load(contentsOfFile: masterclassPlanPath)
  for message in try trackingCase.messages() {
    #expect(plan.check(message) == .conforms, "\(message.type) \(message.event ?? "")")
  }
}

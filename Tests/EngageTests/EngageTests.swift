import Pipeline
import Simulation
import Testing

@testable import Engage

private func message(
  _ type: MessageType, event: String? = nil, userId: String? = nil, anonymousId: String? = nil,
  properties: [(String, PropertyValue)] = []
) -> Message {
  Message(
    type: type, messageId: nil, anonymousId: anonymousId, userId: userId, timestamp: .zero,
    event: event, properties: Properties(properties), source: .frontEnd, customer: 3)
}

@Test func profileMergesAnonymousHistory() throws {
  var store = ProfileStore()
  _ = store.receive(
    message(
      .track, event: "Video Playback Started", anonymousId: "anon-3",
      properties: [("content_asset_id", .string("jazz-piano"))]))
  _ = store.receive(
    message(
      .track, event: "Product Viewed", anonymousId: "anon-3",
      properties: [("product_id", .string("memoir"))]))
  let user = store.receive(message(.identify, userId: "user-3"))
  let merged = store.receive(message(.identify, userId: "user-3", anonymousId: "anon-3"))
  #expect(user != nil)
  #expect(merged == user)
  let index = try #require(user)
  #expect(store[index].watchedClasses.map(\.classId) == ["jazz-piano", "memoir"])
  #expect(store.index(forKey: "anon-3") == index)

  _ = store.receive(
    message(
      .track, event: "Product Added", userId: "user-3",
      properties: [("product_id", .string("memoir"))]))
  #expect(store[index].cartClass == "memoir")
  _ = store.receive(
    message(
      .track, event: "Order Completed", userId: "user-3",
      properties: [("product_id", .string("memoir"))]))
  #expect(store[index].cartClass == nil)
  #expect(store[index].hasPurchased("memoir"))
  #expect(store[index].firstClassEnrolled == "memoir")
}

@Test(arguments: ["Unsubscribed", "Email Marked as Spam"])
func optOutEventsWithdrawConsent(event: String) throws {
  var store = ProfileStore()
  let consent = Message(
    type: .identify, messageId: nil, userId: "user-3", timestamp: .zero,
    traits: Properties([("email_opt_in", .bool(true))]), source: .backEnd, customer: 3)
  let received = store.receive(consent)
  let index = try #require(received)
  #expect(store[index].emailOptIn)
  _ = store.receive(message(.track, event: event, userId: "user-3"))
  #expect(!store[index].emailOptIn)
}

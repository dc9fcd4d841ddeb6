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

@Test(arguments: [
  ("Hi {{ abandoned.title }}!", "Hi &lt;b&gt;Bread &amp; &quot;Butter&quot;&lt;/b&gt;!"),
  ("{{abandoned.title}}", "&lt;b&gt;Bread &amp; &quot;Butter&quot;&lt;/b&gt;"),
  ("No placeholders", "No placeholders"),
])
func templateEscapesValues(source: String, expected: String) throws {
  let template = try EmailTemplate(source, allowedNames: ["abandoned.title"])
  #expect(template.render(["abandoned.title": "<b>Bread & \"Butter\"</b>"]) == expected)
}

@Test(arguments: ["{{ nope }}", "{{ abandoned.title", "{{}}"])
func templateRejectsBadPlaceholders(source: String) {
  #expect(throws: TemplateError.self) {
    try EmailTemplate(source, allowedNames: ["abandoned.title"])
  }
}

@Test func templatePlainRenderingKeepsText() throws {
  let template = try EmailTemplate(
    "Still thinking about {{ abandoned.title }}?", allowedNames: ["abandoned.title"])
  #expect(template.renderPlain(["abandoned.title": "R&B"]) == "Still thinking about R&B?")
}

@Test(arguments: [(Int64(12_000), "$120.00"), (9_905, "$99.05"), (0, "$0.00")])
func priceFormatting(cents: Int64, expected: String) {
  #expect(formatPrice(cents) == expected)
}

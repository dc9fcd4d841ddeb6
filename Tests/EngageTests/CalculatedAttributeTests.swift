import Config
import Customers
import Pipeline
import Simulation
import Testing

@testable import Engage

private let views = CalculatedAttribute(
  name: "cookingViews", event: "Product Viewed",
  condition: .test(.property("product_id"), .isIn([.string("a"), .string("c")])),
  aggregate: .count)
private let declared = [
  views,
  CalculatedAttribute(
    name: "viewed", event: "Product Viewed", aggregate: .distinct, property: "product_id"),
  CalculatedAttribute(
    name: "firstAdded", event: "Product Added", aggregate: .first, property: "product_id"),
  CalculatedAttribute(
    name: "lastAdded", event: "Product Added", aggregate: .last, property: "product_id"),
  CalculatedAttribute(name: "lastAddedAt", event: "Product Added", aggregate: .lastAt),
]

private func engine(_ workflows: [WorkflowConfig]) throws -> MessagingEngine {
  let template = try EmailTemplate("Hello", allowedNames: WorkflowConfig.placeholderNames)
  let configuration = EngageConfig(
    templates: [TemplateConfig(name: "plain", subject: template, heading: template)],
    experiment: nil, workflows: workflows,
    email: EmailConfig(
      deliverability: 1, deliveryDelay: .fixed(.seconds(30)),
      open: StepModel(probability: 0, delay: .fixed(.hours(1))),
      click: StepModel(probability: 0, delay: .fixed(.minutes(1)))),
    calculatedAttributes: declared)
  return try MessagingEngine(
    configuration: configuration, catalog: testCatalog, armPolicy: .assigned,
    streams: RandomStreams(seed: 3))
}

private let cartWorkflow = WorkflowConfig(
  name: "cart", triggerEvent: "Product Added",
  steps: [.sendEmail(SendEmailStep(template: "plain"))])

private func track(
  _ event: String, _ classId: String, at time: SimTime, userId: String? = "user-1",
  anonymousId: String? = nil
) -> Message {
  Message(
    type: .track, messageId: nil, anonymousId: anonymousId, userId: userId, timestamp: time,
    event: event, properties: Properties([("product_id", .string(classId))]),
    source: .frontEnd, customer: 1)
}

@Suite("Declared calculated attributes")
struct CalculatedAttributeTests {
  @Test func aggregatesFollowMatchingEvents() throws {
    var engine = try engine([cartWorkflow])
    var context = FakeContext()
    for (offset, classId) in ["a", "b", "c", "a"].enumerated() {
      engine.receive(
        track("Product Viewed", classId, at: SimTime(milliseconds: Int64(offset))),
        context: &context)
    }
    engine.receive(track("Product Added", "a", at: SimTime(milliseconds: 10)), context: &context)
    engine.receive(track("Product Added", "b", at: SimTime(milliseconds: 20)), context: &context)

    let profile = try #require(engine.profile(userId: "user-1"))
    let now = SimTime(milliseconds: 30)
    #expect(profile.value(named: "cookingViews", at: now) == .number(3))
    #expect(profile.value(named: "viewed", at: now) == .list(["a", "b", "c"]))
    #expect(profile.value(named: "firstAdded", at: now) == .string("a"))
    #expect(profile.value(named: "lastAdded", at: now) == .string("b"))
    #expect(profile.value(named: "lastAddedAt", at: now) == .time(SimTime(milliseconds: 20)))
  }

  @Test func attributeWithoutEventsIsAbsent() throws {
    var engine = try engine([cartWorkflow])
    var context = FakeContext()
    engine.receive(track("Product Viewed", "b", at: .zero), context: &context)

    let profile = try #require(engine.profile(userId: "user-1"))
    #expect(profile.value(named: "cookingViews", at: .zero) == nil)
    #expect(profile.value(named: "lastAddedAt", at: .zero) == nil)
  }

  @Test func anonymousHistoryMergesIntoUser() throws {
    var engine = try engine([cartWorkflow])
    var context = FakeContext()
    engine.receive(track("Product Viewed", "a", at: .zero, userId: "user-1"), context: &context)
    for classId in ["a", "c", "b"] {
      engine.receive(
        track("Product Viewed", classId, at: .zero, userId: nil, anonymousId: "anon-1"),
        context: &context)
    }
    let identify = Message(
      type: .identify, messageId: nil, anonymousId: "anon-1", userId: "user-1",
      timestamp: .zero, source: .frontEnd, customer: 1)
    engine.receive(identify, context: &context)

    let profile = try #require(engine.profile(userId: "user-1"))
    #expect(profile.value(named: "cookingViews", at: .zero) == .number(3))
    #expect(profile.value(named: "viewed", at: .zero) == .list(["a", "c", "b"]))
  }

  @Test func segmentTriggerReadsDeclaredAttribute() throws {
    let segment = WorkflowConfig(
      name: "cooking-fans",
      trigger: .segment(.test(.profile("cookingViews"), .atLeast(2))),
      steps: [.sendEmail(SendEmailStep(template: "plain"))])
    var engine = try engine([segment])
    var context = FakeContext()
    let identify = Message(
      type: .identify, messageId: nil, userId: "user-1", timestamp: .zero,
      traits: Properties([("email_opt_in", .bool(true))]), source: .frontEnd, customer: 1)
    engine.receive(identify, context: &context)
    for (offset, classId) in ["a", "b", "c", "a"].enumerated() {
      let time = SimTime(milliseconds: Int64(offset))
      context.run(&engine, until: time)
      engine.receive(track("Product Viewed", classId, at: time), context: &context)
    }

    #expect(engine.enrollments.map(\.enteredAt) == [SimTime(milliseconds: 2)])
    #expect(engine.emails.count == 1)
  }
}

/// Reads the messaging sections of the default `Sections` with `calculatedAttributes` and
/// the steps given.
private func read(attributes: String, steps: String? = nil) throws
  -> (EngageConfig?, Diagnostics)
{
  var sections = Sections()
  if let steps { sections.steps = steps }
  let text = sections.text.replacingOccurrences(
    of: "email: {", with: "calculatedAttributes: \(attributes),\nemail: {")
  let root = try JSON5.parse(text, file: "engage.json5")
  let diagnostics = Diagnostics()
  return (diagnostics.read(root, as: EngageConfig.reader), diagnostics)
}

struct DeclaredAttributeCase: CustomTestStringConvertible, Sendable {
  let name: String
  let attributes: String
  let steps: String?
  let path: String
  let fix: String
  var testDescription: String { name }
}

@Suite("Declared calculated attribute readers")
struct CalculatedAttributeReaderTests {
  @Test func sectionReadsAndConditionsUseKinds() throws {
    let steps = """
      [{ wait: "1h" }, { filter: { all: [{ "profile.cartAddedAt": { lessThanAgo: "2h" } },
       { "profile.cookingViews": { atLeast: 2 } }] } },
       { split: "experiment" }, { sendEmail: { template: "plain" } }]
      """
    let (read, diagnostics) = try read(
      attributes: """
        [{ name: "cookingViews", event: "Product Viewed", aggregate: "count",
           where: { "properties.category": "cooking" } },
         { name: "cartAddedAt", event: "Product Added", aggregate: "lastAt" }]
        """, steps: steps)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    let config = try #require(read)
    #expect(config.calculatedAttributes.map(\.name) == ["cookingViews", "cartAddedAt"])
    #expect(config.calculatedAttributes.map(\.aggregate) == [.count, .lastAt])

    let text = config.configValue.canonicalText()
    let again = try Diagnostics().read(
      JSON5.parse(text, file: "again.json5"), as: EngageConfig.reader)
    #expect(again == config)
  }

  @Test(arguments: [
    DeclaredAttributeCase(
      name: "built-in name", attributes: #"[{ name: "classViews", event: "Product Viewed", aggregate: "count" }]"#,
      steps: nil, path: "calculatedAttributes[0].name", fix: "choose another name"),
    DeclaredAttributeCase(
      name: "last without property", attributes: #"[{ name: "x", event: "Product Added", aggregate: "last" }]"#,
      steps: nil, path: "calculatedAttributes[0].aggregate", fix: "add the event property"),
    DeclaredAttributeCase(
      name: "count with property",
      attributes: #"[{ name: "x", event: "Product Added", aggregate: "count", property: "price" }]"#,
      steps: nil, path: "calculatedAttributes[0].property", fix: "remove property"),
    DeclaredAttributeCase(
      name: "unknown aggregate", attributes: #"[{ name: "x", event: "Product Added", aggregate: "cont" }]"#,
      steps: nil, path: "calculatedAttributes[0].aggregate", fix: #"did you mean "count"?"#),
    DeclaredAttributeCase(
      name: "time test on a count",
      attributes: #"[{ name: "x", event: "Product Added", aggregate: "count" }]"#,
      steps: #"[{ filter: { "profile.x": { lessThanAgo: "1h" } } }, { split: "experiment" }, { sendEmail: { template: "plain" } }]"#,
      path: #"workflows[0].steps[0].filter["profile.x"].lessThanAgo"#, fix: "use one of the tests"),
    DeclaredAttributeCase(
      name: "updateProfile sets a declared attribute",
      attributes: #"[{ name: "x", event: "Product Added", aggregate: "count" }]"#,
      steps: #"[{ updateProfile: { attribute: "x", value: 1 } }, { split: "experiment" }, { sendEmail: { template: "plain" } }]"#,
      path: "calculatedAttributes[0]", fix: "rename the attribute"),
  ])
  func invalidDeclarationIsReported(_ invalid: DeclaredAttributeCase) throws {
    let (config, diagnostics) = try read(attributes: invalid.attributes, steps: invalid.steps)
    #expect(config == nil)
    let errors = diagnostics.errors
    #expect(errors.count == 1, "\(errors)")
    let error = try #require(errors.first)
    #expect("\(error.path)" == invalid.path, "\(error)")
    #expect(error.fix?.contains(invalid.fix) == true, "\(error)")
  }
}

import Foundation
import Config
import Testing

@testable import Pipeline

@Test func planReaderReadsValidPlan() throws {
  let (plan, diagnostics) = try readPlan(
    """
    {
      events: [
        { name: "Product Added", properties: {
            product_id: { type: "string", required: true },
            price: { type: "number", minimum: 0, maximum: 10000 },
            currency: { type: "string", enum: ["USD", "EUR"] },
            quantity: { type: "integer" } } },
        { name: "Signed Up", additionalProperties: false },
      ],
      violations: "drop-properties",
    }
    """)
  #expect(diagnostics.isEmpty)
  let read = try #require(plan)
  #expect(read.unplannedEvents == .flag)
  #expect(read.violations == .dropProperties)
  #expect(read.events.map(\.name) == ["Product Added", "Signed Up"])

  let added = try #require(read.event(named: "Product Added"))
  #expect(added.allowsAdditionalProperties)
  #expect(added.properties.map(\.name) == ["currency", "price", "product_id", "quantity"])
  #expect(
    added.properties[0]
      == PlannedProperty(name: "currency", type: .string, allowedValues: ["USD", "EUR"]))
  #expect(
    added.properties[1]
      == PlannedProperty(name: "price", type: .number, minimum: 0, maximum: 10_000))
  #expect(added.properties[2] == PlannedProperty(name: "product_id", type: .string, isRequired: true))
  #expect(added.properties[3] == PlannedProperty(name: "quantity", type: .integer))

  let signedUp = try #require(read.event(named: "Signed Up"))
  #expect(signedUp.properties.isEmpty)
  #expect(!signedUp.allowsAdditionalProperties)
}

@Test func planReaderFillsDefaults() throws {
  let (plan, diagnostics) = try readPlan("{ events: [] }")
  #expect(diagnostics.isEmpty)
  #expect(plan == TrackingPlan(events: [], unplannedEvents: .flag, violations: .flag))
}

@Test func loopSimPlanFixtureLoads() throws {
  let plan = try TrackingPlan.load(contentsOfFile: loopSimPlanPath)
  #expect(plan.events.map(\.name).sorted() == SegmentEvents.all.sorted())
  #expect(plan.events.allSatisfy { !$0.allowsAdditionalProperties })
}

/// An invalid plan and the one error it must produce: field path, line, problem and fix.
struct InvalidPlanCase: Sendable, CustomTestStringConvertible {
  let label: String
  let text: String
  let path: String
  let line: Int
  let problem: String
  let fix: String?

  var testDescription: String { label }
}

private let invalidPlanCases: [InvalidPlanCase] = [
  InvalidPlanCase(
    label: "unknown type",
    text: """
      { events: [
        { name: "Product Added", properties: {
            price: { type: "float" } } } ] }
      """,
    path: "events[0].properties.price.type", line: 3,
    problem: #"expected one of "string", "number", "integer", "boolean", "array""#,
    fix: #"set events[0].properties.price.type to one of "string", "number", "integer", "boolean", "array""#
  ),
  InvalidPlanCase(
    label: "misspelled type",
    text: #"{ events: [{ name: "A", properties: { p: { type: "strng" } } }] }"#,
    path: "events[0].properties.p.type", line: 1,
    problem: #"expected one of "string", "number", "integer", "boolean", "array""#,
    fix: #"did you mean "string"?"#),
  InvalidPlanCase(
    label: "enum not a list",
    text: """
      { events: [{ name: "A", properties: {
          currency: { type: "string", enum: "USD" } } }] }
      """,
    path: "events[0].properties.currency.enum", line: 2,
    problem: "expected an array of at least 1 element",
    fix: "set events[0].properties.currency.enum to an array of at least 1 element"),
  InvalidPlanCase(
    label: "enum element not a string",
    text: """
      { events: [{ name: "A", properties: {
          currency: { type: "string",
            enum: ["USD", 3] } } }] }
      """,
    path: "events[0].properties.currency.enum[1]", line: 3,
    problem: "expected a string", fix: "set events[0].properties.currency.enum[1] to a string"),
  InvalidPlanCase(
    label: "empty enum",
    text: #"{ events: [{ name: "A", properties: { c: { type: "string", enum: [] } } }] }"#,
    path: "events[0].properties.c.enum", line: 1,
    problem: "expected an array of at least 1 element",
    fix: "set events[0].properties.c.enum to an array of at least 1 element"),
  InvalidPlanCase(
    label: "enum on a number",
    text: #"{ events: [{ name: "A", properties: { n: { type: "number", enum: ["1"] } } }] }"#,
    path: "events[0].properties.n.enum", line: 1,
    problem: "enum applies only to string properties",
    fix: #"remove enum, or set type to "string""#),
  InvalidPlanCase(
    label: "minimum on a string",
    text: #"{ events: [{ name: "A", properties: { s: { type: "string", minimum: 0 } } }] }"#,
    path: "events[0].properties.s.minimum", line: 1,
    problem: "minimum applies only to number and integer properties",
    fix: #"remove minimum, or set type to "number""#),
  InvalidPlanCase(
    label: "minimum above maximum",
    text: """
      { events: [{ name: "A", properties: {
          n: { type: "integer", minimum: 5,
            maximum: 1 } } }] }
      """,
    path: "events[0].properties.n.maximum", line: 3,
    problem: "minimum is greater than maximum", fix: "make maximum at least minimum"),
  InvalidPlanCase(
    label: "duplicate event names",
    text: """
      { events: [
        { name: "Product Added" },
        { name: "Signed Up" },
        { name: "Product Added" },
      ] }
      """,
    path: "events[2].name", line: 4, problem: #"name "Product Added" repeats"#,
    fix: "give every element its own name"),
  InvalidPlanCase(
    label: "unknown property rule key",
    text: """
      { events: [{ name: "A", properties: {
          product_id: { type: "string", requird: true } } }] }
      """,
    path: "events[0].properties.product_id.requird", line: 2, problem: "unknown field",
    fix: #"did you mean "required"?"#),
  InvalidPlanCase(
    label: "unknown top-level key",
    text: """
      { events: [],
        unplanedEvents: "block" }
      """,
    path: "unplanedEvents", line: 2, problem: "unknown field",
    fix: #"did you mean "unplannedEvents"?"#),
  InvalidPlanCase(
    label: "unknown event key",
    text: #"{ events: [{ name: "A", additionalProperty: false }] }"#,
    path: "events[0].additionalProperty", line: 1, problem: "unknown field",
    fix: #"did you mean "additionalProperties"?"#),
  InvalidPlanCase(
    label: "misspelled violation action",
    text: #"{ events: [], violations: "blok" }"#,
    path: "violations", line: 1,
    problem: #"expected one of "allow", "flag", "drop-properties", "block""#,
    fix: #"did you mean "block"?"#),
  InvalidPlanCase(
    label: "unknown unplanned-event action",
    text: #"{ events: [], unplannedEvents: "drop-properties" }"#,
    path: "unplannedEvents", line: 1, problem: #"expected one of "allow", "flag", "block""#,
    fix: #"set unplannedEvents to one of "allow", "flag", "block""#),
  InvalidPlanCase(
    label: "missing event name",
    text: """
      { events: [
        { properties: {} } ] }
      """,
    path: "events[0].name", line: 2,
    problem: #"missing required field "name" in the object that starts here"#,
    fix: #"add "name" with a non-empty string"#),
  InvalidPlanCase(
    label: "missing events",
    text: #"{ violations: "flag" }"#, path: "events", line: 1,
    problem: #"missing required field "events" in the object that starts here"#,
    fix: #"add "events" with an array of 0 to 10000 elements"#),
]

@Test(arguments: invalidPlanCases)
func planReaderRejectsInvalidPlan(_ invalid: InvalidPlanCase) throws {
  let (plan, diagnostics) = try readPlan(invalid.text, file: "bad-plan.json5")
  #expect(plan == nil)
  #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
  let error = try #require(diagnostics.first)
  #expect(error.severity == .error)
  #expect(error.path.description == invalid.path)
  #expect(error.file == "bad-plan.json5")
  #expect(error.location?.line == invalid.line)
  #expect(error.problem == invalid.problem)
  #expect(error.fix == invalid.fix)
}

@Test func planReaderReportsEveryError() throws {
  let (plan, diagnostics) = try readPlan(
    """
    { events: [
        { name: "A", properties: { p: { type: "float" }, q: { type: "string", enum: [1] } } },
        { name: "A" },
      ],
      violation: "flag" }
    """)
  #expect(plan == nil)
  #expect(
    diagnostics.map(\.path.description).sorted() == [
      "events[0].properties.p.type", "events[0].properties.q.enum[0]", "events[1].name",
      "violation",
    ])
}

@Test func planLoadReportsInvalidFile() throws {
  let folder = try makeTemporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let path = folder.appendingPathComponent("plan.json5").path
  try #"{ events: [{ name: "A", properties: { p: { type: "float" } } }] }"#
    .write(toFile: path, atomically: true, encoding: .utf8)

  #expect(throws: ConfigValidationError.self) {
    try TrackingPlan.load(contentsOfFile: path)
  }
  #expect(throws: ConfigFileError.self) {
    try TrackingPlan.load(contentsOfFile: folder.appendingPathComponent("missing.json5").path)
  }
}

import Config
import Customers
import Simulation
import Testing

@testable import Engage

/// Reads the messaging sections of `sections`, with `messaging` as the `messaging`
/// section when given.
private func read(_ sections: Sections, messaging: String? = nil) throws
  -> (EngageConfig?, Diagnostics)
{
  var text = sections.text
  if let messaging {
    text = text.replacingOccurrences(of: "email: {", with: "messaging: \(messaging),\nemail: {")
  }
  let root = try JSON5.parse(text, file: "engage.json5")
  let diagnostics = Diagnostics()
  let config = diagnostics.read(root, as: EngageConfig.reader)
  return (config, diagnostics)
}

/// A workflow that uses every trigger option, entry rule and step kind of its kind.
private let browseWorkflow = """
  {
    name: "browse",
    trigger: { event: "Product Viewed", where: { "properties.price": { atLeast: 100 } } },
    entry: "once-per-period",
    entryPeriod: "7d",
    goal: { event: "Order Completed", where: { "properties.product_id": { equalsTrigger: "product_id" } } },
    steps: [
      { waitFor: { event: "Product Added", timeout: "4h", then: "exit" } },
      { waitUntil: "09:30" },
      { branch: [{ if: { "profile.classesWatchedCount": { atLeast: 2 } }, goTo: "send" }], else: "continue" },
      { randomSplit: [{ weight: 1, goTo: "continue" }, { weight: 1, goTo: "exit" }] },
      { filter: { any: [{ "profile.emailOptIn": true }, { not: { "profile.daysSinceLastVisit": { lessThan: 3 } } }] } },
      { name: "send", sendEmail: { template: "plain" } },
      { updateProfile: { attribute: "browseEmailed", value: true } },
    ],
  }
  """

private let segmentWorkflow = """
  {
    name: "emailed",
    trigger: { segment: { "profile.browseEmailed": true } },
    entry: "every-time",
    steps: [{ wait: "1d" }, { sendEmail: { template: "plain" } }],
  }
  """

private let welcomeWorkflow = """
  {
    name: "welcome",
    trigger: { profileDate: { attribute: "signedUpAt", after: "1d", at: "10:00" } },
    steps: [{ sendEmail: { template: "plain" } }],
  }
  """

/// One invalid variant of the new workflow syntax and the one error it must cause.
struct WorkflowInvalidCase: CustomTestStringConvertible, Sendable {
  let name: String
  let workflows: String?
  let messaging: String?
  let path: String
  let fix: String

  init(
    name: String, workflows: String? = nil, messaging: String? = nil, path: String,
    fix: String
  ) {
    self.name = name
    self.workflows = workflows
    self.messaging = messaging
    self.path = path
    self.fix = fix
  }

  var testDescription: String { name }
}

private func workflow(trigger: String = #"{ event: "Product Added" }"#, _ members: String)
  -> String
{
  "[{ name: \"w\", trigger: \(trigger), \(members) }]"
}

@Suite("Workflow readers")
struct WorkflowReaderTests {
  @Test func newSyntaxReadsAndRoundTrips() throws {
    var sections = Sections()
    sections.experiment = "null"
    sections.workflows = "[\(browseWorkflow), \(segmentWorkflow), \(welcomeWorkflow)]"
    let messaging = """
      { frequencyCap: { perDay: 1, perWeek: 3 },
        quietHours: { start: "21:00", end: "08:00", action: "delay" } }
      """
    let (read, diagnostics) = try read(sections, messaging: messaging)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    let config = try #require(read)

    #expect(config.workflows.map(\.name) == ["browse", "emailed", "welcome"])
    #expect(config.workflows[0].entry == .oncePerPeriod(.days(7)))
    #expect(config.workflows[1].entry == .everyTime)
    #expect(config.workflows[2].entry == .once)
    #expect(
      config.workflows[0].goal?.condition
        == .test(.property("product_id"), .equalsTrigger("product_id")))
    #expect(config.workflows[0].stepNames[5] == "send")
    #expect(
      config.workflows[2].trigger
        == .profileDate(.signedUpAt, after: .days(1), at: TimeOfDay(hour: 10)))
    #expect(config.messaging.frequencyCap == FrequencyCap(perDay: 1, perWeek: 3))
    #expect(config.messaging.quietHours?.action == .delay)

    let text = config.configValue.canonicalText()
    let again = try Diagnostics().read(
      JSON5.parse(text, file: "again.json5"), as: EngageConfig.reader)
    #expect(again == config)
  }

  static let invalidCases: [WorkflowInvalidCase] = [
    WorkflowInvalidCase(
      name: "unknown profile attribute",
      workflows: workflow(
        #"steps: [{ filter: { "profile.classesWachted": { exists: true } } }, { sendEmail: { template: "plain" } }]"#),
      path: #"workflows[0].steps[0].filter["profile.classesWachted"]"#,
      fix: #"did you mean "profile.classesWatched"?"#),
    WorkflowInvalidCase(
      name: "test that the kind does not take",
      workflows: workflow(
        #"steps: [{ filter: { "profile.emailOptIn": { greaterThan: 1 } } }, { sendEmail: { template: "plain" } }]"#),
      path: #"workflows[0].steps[0].filter["profile.emailOptIn"].greaterThan"#,
      fix: "use one of the tests: equals, notEquals, exists"),
    WorkflowInvalidCase(
      name: "equalsTrigger in the trigger",
      workflows: workflow(
        trigger:
          #"{ event: "Product Added", where: { "properties.product_id": { equalsTrigger: "product_id" } } }"#,
        #"steps: [{ sendEmail: { template: "plain" } }]"#),
      path: #"workflows[0].trigger.where["properties.product_id"].equalsTrigger"#,
      fix: "use equals with a literal"),
    WorkflowInvalidCase(
      name: "equalsTrigger under a segment trigger",
      workflows: workflow(
        trigger: #"{ segment: { "profile.emailOptIn": true } }"#,
        #"goal: { event: "Order Completed", where: { "properties.product_id": { equalsTrigger: "product_id" } } }, steps: [{ sendEmail: { template: "plain" } }]"#),
      path: #"workflows[0].goal.where["properties.product_id"].equalsTrigger"#,
      fix: "use equals with a literal"),
    WorkflowInvalidCase(
      name: "property under a schedule trigger",
      workflows: workflow(
        trigger: #"{ schedule: { dailyAt: "09:00" } }"#,
        #"steps: [{ filter: { "properties.price": { atLeast: 1 } } }, { sendEmail: { template: "plain" } }]"#),
      path: #"workflows[0].steps[0].filter["properties.price"]"#,
      fix: "test a profile attribute instead"),
    WorkflowInvalidCase(
      name: "once-per-period without a period",
      workflows: workflow(#"entry: "once-per-period", steps: [{ sendEmail: { template: "plain" } }]"#),
      path: "workflows[0].entry", fix: "add entryPeriod"),
    WorkflowInvalidCase(
      name: "entryPeriod with entry once",
      workflows: workflow(#"entryPeriod: "7d", steps: [{ sendEmail: { template: "plain" } }]"#),
      path: "workflows[0].entryPeriod", fix: #"set entry: "once-per-period""#),
    WorkflowInvalidCase(
      name: "unknown goTo target",
      workflows: workflow(
        #"steps: [{ randomSplit: [{ weight: 1, goTo: "sned" }, { weight: 1, goTo: "exit" }] }, { name: "send", sendEmail: { template: "plain" } }]"#),
      path: "workflows[0].steps[0].randomSplit[0].goTo", fix: #"did you mean "send"?"#),
    WorkflowInvalidCase(
      name: "loop without a wait",
      workflows: workflow(
        #"steps: [{ name: "top", branch: [{ if: { "profile.emailOptIn": false }, goTo: "top" }], else: "continue" }, { sendEmail: { template: "plain" } }]"#),
      path: "workflows[0].steps[0].branch[0].goTo", fix: "add a wait, waitUntil or waitFor"),
    WorkflowInvalidCase(
      name: "trigger with two kinds",
      workflows: workflow(
        trigger: #"{ event: "Product Added", segment: { "profile.emailOptIn": true } }"#,
        #"steps: [{ sendEmail: { template: "plain" } }]"#),
      path: "workflows[0].trigger", fix: "write one of event, segment, schedule or profileDate"),
    WorkflowInvalidCase(
      name: "frequency cap per day above per week",
      messaging: "{ frequencyCap: { perDay: 5, perWeek: 2 } }",
      path: "messaging.frequencyCap.perDay", fix: "lower perDay to at most perWeek"),
    WorkflowInvalidCase(
      name: "quiet hours of zero length",
      messaging: #"{ quietHours: { start: "21:00", end: "21:00", action: "skip" } }"#,
      path: "messaging.quietHours.end", fix: "set end to another time"),
    WorkflowInvalidCase(
      name: "quiet hours action misspelt",
      messaging: #"{ quietHours: { start: "21:00", end: "08:00", action: "dealy" } }"#,
      path: "messaging.quietHours.action", fix: #"did you mean "delay"?"#),
  ]

  @Test(arguments: invalidCases)
  func invalidWorkflowIsReported(_ invalid: WorkflowInvalidCase) throws {
    var sections = Sections()
    if let workflows = invalid.workflows {
      sections.experiment = "null"
      sections.workflows = workflows
    }
    let (config, diagnostics) = try read(sections, messaging: invalid.messaging)
    #expect(config == nil)
    let errors = diagnostics.errors
    #expect(errors.count == 1, "\(errors)")
    let error = try #require(errors.first)
    #expect("\(error.path)" == invalid.path, "\(error)")
    #expect(error.fix?.contains(invalid.fix) == true, "\(error)")
  }
}

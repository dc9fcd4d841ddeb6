import Customers
import Pipeline
import Simulation
import Testing

@testable import Engage

/// An email configuration whose every decision has probability 0 or 1, and the events the
/// engine must then send for one email, in order.
struct LifecycleCase: CustomTestStringConvertible, Sendable {
  let name: String
  let email: EmailConfig
  let events: [String]
  /// The `bounce_type` of each `Email Bounced` event, in order.
  let bounceTypes: [String]
  /// The `machine_open` of each `Email Opened` event, in order.
  let machineOpens: [Bool]

  init(
    _ name: String, deliverability: Double = 1, open: Double = 1, click: Double = 0,
    response: EmailResponseModel = .none, privacyProxyShare: Double = 0,
    bounce: BouncePolicy = .hardOnly, events: [String], bounceTypes: [String] = [],
    machineOpens: [Bool] = []
  ) {
    self.name = name
    email = EmailConfig(
      deliverability: deliverability, deliveryDelay: .fixed(.seconds(30)),
      open: StepModel(probability: open, delay: .fixed(.hours(1))),
      click: StepModel(probability: click, delay: .fixed(.minutes(1))),
      response: response, privacyProxyShare: privacyProxyShare, bounce: bounce)
    self.events = events
    self.bounceTypes = bounceTypes
    self.machineOpens = machineOpens
  }

  var testDescription: String { name }
}

@Suite("Email lifecycle")
struct EmailLifecycleTests {
  static let always = FrequencyRisk(base: 1, perRecentEmail: 0)

  static let cases: [LifecycleCase] = [
    LifecycleCase(
      "delivered, opened and clicked", click: 1,
      events: ["Email Sent", "Email Delivered", "Email Opened", "Email Link Clicked"],
      machineOpens: [false]),
    LifecycleCase("delivered and not opened", open: 0, events: ["Email Sent", "Email Delivered"]),
    LifecycleCase(
      "hard bounce", deliverability: 0, events: ["Email Sent", "Email Bounced"],
      bounceTypes: ["hard"]),
    LifecycleCase(
      "soft bounces retried, then hard", deliverability: 0,
      bounce: BouncePolicy(softShare: 1, maxRetries: 2, retryDelay: .fixed(.hours(1))),
      events: ["Email Sent", "Email Bounced", "Email Bounced", "Email Bounced"],
      bounceTypes: ["soft", "soft", "hard"]),
    LifecycleCase(
      "privacy proxy opens at delivery", click: 1, privacyProxyShare: 1,
      events: ["Email Sent", "Email Delivered", "Email Opened", "Email Link Clicked"],
      machineOpens: [true]),
    LifecycleCase(
      "privacy proxy opens an email nobody reads", open: 0, privacyProxyShare: 1,
      events: ["Email Sent", "Email Delivered", "Email Opened"], machineOpens: [true]),
    LifecycleCase(
      "unsubscribe instead of a click", click: 1,
      response: EmailResponseModel(unsubscribe: always),
      events: ["Email Sent", "Email Delivered", "Email Opened", "Unsubscribed"],
      machineOpens: [false]),
    LifecycleCase(
      "spam complaint instead of an open", click: 1,
      response: EmailResponseModel(spamComplaint: always),
      events: ["Email Sent", "Email Delivered", "Email Marked as Spam"]),
  ]

  private static func engine(email: EmailConfig, strategy: PersonalizationStrategy)
    throws -> MessagingEngine
  {
    let configuration = EngageConfig(
      templates: [
        TemplateConfig(
          name: "cart", subject: try EmailTemplate("About {{ abandoned.title }}"),
          html: try EmailTemplate(listingBody))
      ],
      experiment: ExperimentConfig(
        arms: [ArmConfig(name: "arm", strategy: strategy, share: 1)], holdout: 0),
      workflow: WorkflowConfig(
        name: "abandoned-cart", triggerEvent: "Product Added",
        steps: [.split, .sendEmail(SendEmailStep(template: "cart"))]),
      email: email)
    return try MessagingEngine(
      configuration: configuration, catalog: testCatalog, armPolicy: .assigned,
      streams: RandomStreams(seed: 11))
  }

  /// Enrolls customer 1, who abandoned class a, and runs every scheduled event.
  private static func sendOne(email: EmailConfig, strategy: PersonalizationStrategy = .abandonedOnly)
    throws -> (MessagingEngine, FakeContext)
  {
    var engine = try engine(email: email, strategy: strategy)
    var context = FakeContext()
    engine.receive(
      Message(
        type: .identify, messageId: nil, userId: "user-1", timestamp: .zero,
        traits: Properties([("email_opt_in", .bool(true))]), source: .backEnd, customer: 1),
      context: &context)
    engine.receive(
      Message(
        type: .track, messageId: nil, userId: "user-1", timestamp: .zero, event: "Product Added",
        properties: Properties([("product_id", .string("a"))]), source: .frontEnd, customer: 1),
      context: &context)
    context.run(&engine)
    return (engine, context)
  }

  @Test(arguments: cases)
  func eventsInOrder(_ testCase: LifecycleCase) throws {
    let (engine, context) = try Self.sendOne(email: testCase.email)
    let emailEvents = context.sent.filter { $0.event != "Experiment Viewed" }
    #expect(emailEvents.map { $0.event ?? "" } == testCase.events)
    #expect(
      context.events(named: "Email Bounced").map { $0.properties["bounce_type"] }
        == testCase.bounceTypes.map { .string($0) })
    #expect(
      context.events(named: "Email Opened").map { $0.properties["machine_open"] }
        == testCase.machineOpens.map { .bool($0) })
    let email = try #require(engine.emails.first)
    for event in emailEvents {
      #expect(event.properties["email_id"] == .string(email.id))
      #expect(event.source == .messaging)
    }
  }

  @Test func softBouncesAreCountedAndTimed() throws {
    let (engine, _) = try Self.sendOne(email: Self.cases[3].email)
    let email = try #require(engine.emails.first)
    #expect(email.softBounces == 2)
    #expect(email.deliveredAt == nil)
    // Sent at 0, first attempt at 30 s, two retries an hour apart.
    #expect(email.bouncedAt == SimTime(milliseconds: 30_000 + 2 * 3_600_000))
  }

  @Test func privacyProxyOpenIsNotTheCustomers() throws {
    let (engine, context) = try Self.sendOne(email: Self.cases[4].email)
    let email = try #require(engine.emails.first)
    #expect(email.usesPrivacyProxy)
    #expect(email.machineOpenedAt == email.deliveredAt)
    // The customer's own open, an hour later, sends no event but still leads to the click.
    #expect(email.openedAt == SimTime(milliseconds: 30_000 + 3_600_000))
    #expect(context.opened.count == 1)
    #expect(context.clicked.count == 1)
  }

  @Test func optOutsRecordTheirTime() throws {
    let (unsubscribed, _) = try Self.sendOne(email: Self.cases[6].email)
    let first = try #require(unsubscribed.emails.first)
    #expect(first.unsubscribedAt == SimTime(milliseconds: 30_000 + 3_600_000 + 60_000))
    #expect(first.clickedAt == nil)

    let (complained, context) = try Self.sendOne(email: Self.cases[7].email)
    let second = try #require(complained.emails.first)
    #expect(second.markedAsSpamAt == SimTime(milliseconds: 30_000 + 3_600_000))
    #expect(second.openedAt == nil)
    #expect(context.opened.isEmpty)
  }

  // MARK: Arms without email

  @Test func noEmailArmSendsNothing() throws {
    let (engine, context) = try Self.sendOne(email: Self.cases[0].email, strategy: .noEmail)
    let enrollment = try #require(engine.enrollments.first)
    #expect(enrollment.arm == "arm")
    #expect(enrollment.emails.isEmpty)
    #expect(engine.emails.isEmpty)
    #expect(engine.emailLog.skipped.isEmpty)
    #expect(context.sent.map { $0.event ?? "" } == ["Experiment Viewed"])
    // No email number is taken, so the customer's other emails keep their draws.
    #expect(engine.emailCount[1] == nil)
  }
}

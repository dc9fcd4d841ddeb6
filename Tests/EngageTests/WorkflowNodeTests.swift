import Customers
import Pipeline
import Simulation
import Testing

@testable import Engage

// MARK: Fixtures

/// Builds engines with several workflows, messaging rules and a scenario clock, and the
/// messages one customer's website and backend deliver to them.
private enum Harness {
  /// Simulated time 0: a Monday, 2026-03-02 00:00 UTC.
  static let clock = ScenarioClock(startUnixMilliseconds: 1_772_409_600_000)

  static func template(_ text: String) throws -> EmailTemplate {
    try EmailTemplate(text, allowedNames: WorkflowConfig.placeholderNames)
  }

  static func configuration(
    _ workflows: [WorkflowConfig], experiment: ExperimentConfig? = nil,
    messaging: MessagingRules = .none
  ) throws -> EngageConfig {
    EngageConfig(
      templates: [
        TemplateConfig(
          name: "cart", subject: try template("About {{ abandoned.title }}"),
          heading: try template("{{ abandoned.title }}"))
      ],
      experiment: experiment, workflows: workflows,
      email: EmailConfig(
        deliverability: 1, deliveryDelay: .fixed(.seconds(30)),
        open: StepModel(probability: 0, delay: .fixed(.hours(1))),
        click: StepModel(probability: 0, delay: .fixed(.minutes(1)))),
      messaging: messaging)
  }

  static func engine(_ configuration: EngageConfig, policy: ArmPolicy = .assigned) throws
    -> MessagingEngine
  {
    try MessagingEngine(
      configuration: configuration, catalog: testCatalog, armPolicy: policy,
      streams: RandomStreams(seed: 11), clock: clock)
  }

  static func workflow(
    _ name: String = "cart", trigger: String = "Product Added", entry: EntryRule = .once,
    goal: WorkflowGoal? = nil, steps: [WorkflowStep], stepNames: [String?]? = nil
  ) -> WorkflowConfig {
    WorkflowConfig(
      name: name, trigger: .event(trigger, where: nil), entry: entry, goal: goal,
      steps: steps, stepNames: stepNames)
  }

  static func identify(_ customer: UInt64, at time: SimTime, timeZone: String? = nil)
    -> Message
  {
    var message = Message(
      type: .identify, messageId: nil, userId: "user-\(customer)", timestamp: time,
      traits: Properties([("email_opt_in", .bool(true))]), source: .frontEnd,
      customer: customer)
    message.context.timezone = timeZone
    return message
  }

  static func track(
    _ event: String, _ customer: UInt64, classId: String = "a", at time: SimTime,
    messageId: MessageID? = nil
  ) -> Message {
    Message(
      type: .track, messageId: messageId, userId: "user-\(customer)", timestamp: time,
      event: event, properties: Properties([("product_id", .string(classId))]),
      source: .frontEnd, customer: customer)
  }
}

private let send = WorkflowStep.sendEmail(SendEmailStep(template: "cart"))
private let sameClass = Condition.test(.property("product_id"), .equalsTrigger("product_id"))

extension FakeContext {
  /// Runs the engine up to `time`, then delivers `message` at that time.
  fileprivate mutating func deliver(
    _ message: (SimTime) -> Message, at time: SimTime, to engine: inout MessagingEngine
  ) {
    run(&engine, until: time)
    engine.receive(message(time), context: &self)
  }
}

private func at(_ duration: SimDuration) -> SimTime { .zero + duration }

// MARK: Node semantics

/// A purchase (or none) during a workflow that waits, and what the workflow then does.
struct PurchaseCase: CustomTestStringConvertible, Sendable {
  let name: String
  /// When the customer buys, after the trigger at 0; nil for no purchase.
  let purchaseAfter: SimDuration?
  let purchasedClass: String
  let emails: Int
  let exitReason: String?
  let finishedAt: SimDuration
  var testDescription: String { name }
}

@Suite("Workflow nodes")
struct WorkflowNodeTests {
  /// `waitFor` an `Order Completed` of the trigger class for 1 h, then send: the
  /// abandoned-cart flow's wait.
  @Test(arguments: [
    PurchaseCase(
      name: "purchase of the class ends the wait", purchaseAfter: .minutes(30),
      purchasedClass: "a", emails: 0, exitReason: "waitFor: Order Completed",
      finishedAt: .minutes(30)),
    PurchaseCase(
      name: "purchase of another class is ignored", purchaseAfter: .minutes(30),
      purchasedClass: "b", emails: 1, exitReason: nil, finishedAt: .hours(1)),
    PurchaseCase(
      name: "no purchase times out and sends", purchaseAfter: nil, purchasedClass: "a",
      emails: 1, exitReason: nil, finishedAt: .hours(1)),
    PurchaseCase(
      name: "purchase after the timeout is too late", purchaseAfter: .hours(2),
      purchasedClass: "a", emails: 1, exitReason: nil, finishedAt: .hours(1)),
  ])
  func waitForEventOrTimeout(_ testCase: PurchaseCase) throws {
    let wait = WaitForStep(
      event: "Order Completed", condition: sameClass, timeout: .hours(1), then: .exit)
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(steps: [.waitFor(wait), send])]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero), context: &context)
    if let after = testCase.purchaseAfter {
      context.deliver(
        { Harness.track("Order Completed", 1, classId: testCase.purchasedClass, at: $0) },
        at: at(after), to: &engine)
    }
    context.run(&engine)

    let enrollment = try #require(engine.enrollments.first)
    #expect(engine.emails.count == testCase.emails)
    #expect(enrollment.exitReason == testCase.exitReason)
    #expect(enrollment.finishedAt == at(testCase.finishedAt))
  }

  @Test func waitForTimeoutCanExit() throws {
    let wait = WaitForStep(
      event: "Product Viewed", timeout: .hours(2), then: .next, onTimeout: .exit)
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(steps: [.waitFor(wait), send])]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero), context: &context)
    context.run(&engine)

    #expect(engine.emails.isEmpty)
    #expect(engine.enrollments.first?.exitReason == "waitFor timed out: Product Viewed")
    #expect(engine.enrollments.first?.finishedAt == at(.hours(2)))
  }

  /// A 2 h delay, then a send, with the goal "bought the trigger class": the goal ends the
  /// enrollment at whatever step it is.
  @Test(arguments: [
    PurchaseCase(
      name: "purchase of the class during the delay", purchaseAfter: .hours(1),
      purchasedClass: "a", emails: 0, exitReason: "goal: Order Completed",
      finishedAt: .hours(1)),
    PurchaseCase(
      name: "purchase of another class during the delay", purchaseAfter: .hours(1),
      purchasedClass: "c", emails: 1, exitReason: nil, finishedAt: .hours(2)),
    PurchaseCase(
      name: "purchase after the send", purchaseAfter: .hours(3), purchasedClass: "a",
      emails: 1, exitReason: nil, finishedAt: .hours(2)),
  ])
  func goalEndsEnrollmentDuringDelay(_ testCase: PurchaseCase) throws {
    let goal = WorkflowGoal(event: "Order Completed", condition: sameClass)
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(goal: goal, steps: [.wait(.hours(2)), send])]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero), context: &context)
    if let after = testCase.purchaseAfter {
      context.deliver(
        { Harness.track("Order Completed", 1, classId: testCase.purchasedClass, at: $0) },
        at: at(after), to: &engine)
    }
    context.run(&engine)

    let enrollment = try #require(engine.enrollments.first)
    #expect(engine.emails.count == testCase.emails)
    #expect(enrollment.exitReason == testCase.exitReason)
    #expect(enrollment.finishedAt == at(testCase.finishedAt))
  }

  @Test func branchAndFilterFollowConditions() throws {
    // A cart with class "a" goes straight to the send. Other carts wait a day, and the
    // filter lets through only customers who watched a class.
    let expensive = Condition.test(.property("product_id"), .equals(.string("a")))
    let watched = Condition.test(.profile("classesWatchedCount"), .atLeast(1))
    let steps: [WorkflowStep] = [
      .branch(BranchStep(cases: [BranchCase(condition: expensive, target: .step("send"))])),
      .wait(.days(1)), .filter(watched), send,
    ]
    var engine = try Harness.engine(
      Harness.configuration([
        Harness.workflow(steps: steps, stepNames: [nil, nil, nil, "send"])
      ]))
    var context = FakeContext()
    for customer: UInt64 in 1...3 {
      engine.receive(Harness.identify(customer, at: .zero), context: &context)
    }
    engine.receive(Harness.track("Product Viewed", 3, classId: "b", at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, classId: "a", at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 2, classId: "b", at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 3, classId: "b", at: .zero), context: &context)
    context.run(&engine)

    #expect(engine.emails.map(\.customer) == [1, 3])
    #expect(engine.emails.map(\.sentAt) == [.zero, at(.days(1))])
    #expect(engine.enrollments[1].exitReason == Enrollment.filterReason)
  }

  @Test func waitUntilLocalTimeOfDay() throws {
    // 2026-03-02T20:00Z is 15:00 in New York, so 09:00 local is the next morning, 14:00Z.
    var engine = try Harness.engine(
      Harness.configuration([
        Harness.workflow(steps: [.waitUntil(try #require(TimeOfDay(hour: 9))), send])
      ]))
    var context = FakeContext()
    context.deliver(
      { Harness.identify(1, at: $0, timeZone: "America/New_York") }, at: at(.hours(20)),
      to: &engine)
    engine.receive(Harness.track("Product Added", 1, at: context.now), context: &context)
    context.run(&engine)

    #expect(engine.emails.first?.sentAt == at(.hours(38)))
  }

  @Test func updateProfileEntersSegmentOfAnotherWorkflow() throws {
    let tag = WorkflowStep.updateProfile(
      ProfileUpdate(attribute: "cartReminded", value: .bool(true)))
    let segment = WorkflowConfig(
      name: "reminded", trigger: .segment(.test(.profile("cartReminded"), .equals(.bool(true)))),
      steps: [.wait(.hours(1)), send])
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(steps: [.wait(.hours(1)), tag]), segment]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero), context: &context)
    context.run(&engine)

    #expect(engine.enrollments.map(\.workflowName) == ["cart", "reminded"])
    #expect(engine.enrollments.map(\.enteredAt) == [.zero, at(.hours(1))])
    #expect(engine.emails.map(\.sentAt) == [at(.hours(2))])
    #expect(engine.profiles[0].customAttributes["cartReminded"] == .bool(true))
  }

  @Test func profileDateTriggerComesDueAtLocalTime() throws {
    // Signed up Monday 2026-03-02 at 06:00Z (15:00 in Tokyo, UTC+9). Three days later is
    // Thursday 15:00 in Tokyo, so the next 10:00 there is Friday, 01:00Z.
    let welcome = WorkflowConfig(
      name: "welcome",
      trigger: .profileDate(.signedUpAt, after: .days(3), at: TimeOfDay(hour: 10)),
      steps: [send])
    var engine = try Harness.engine(Harness.configuration([welcome]))
    var context = FakeContext()
    context.deliver(
      { Harness.identify(1, at: $0, timeZone: "Asia/Tokyo") }, at: at(.hours(6)), to: &engine)
    engine.receive(Harness.track("Product Viewed", 1, at: context.now), context: &context)
    engine.receive(Harness.track("Signed Up", 1, at: context.now), context: &context)
    context.run(&engine)

    #expect(engine.enrollments.map(\.enteredAt) == [at(.days(4) + .hours(1))])
    #expect(engine.emails.count == 1)
  }

  @Test func scheduleTriggerEnrollsMatchingProfilesDaily() throws {
    // Every day at 09:00 UTC, profiles who watched a class and bought nothing.
    let lapsed = Condition.test(.profile("classesEnrolledCount"), .equals(.number(0)))
    let daily = WorkflowConfig(
      name: "daily", trigger: .schedule(dailyAt: try #require(TimeOfDay(hour: 9)), where: lapsed),
      entry: .everyTime, steps: [send])
    var engine = try Harness.engine(Harness.configuration([daily]))
    var context = FakeContext()
    for customer: UInt64 in 1...2 {
      engine.receive(Harness.identify(customer, at: .zero), context: &context)
      engine.receive(Harness.track("Product Viewed", customer, at: .zero), context: &context)
    }
    context.deliver(
      { Harness.track("Order Completed", 2, classId: "a", at: $0) }, at: at(.hours(1)),
      to: &engine)
    context.run(&engine, until: at(.days(2) + .hours(12)))

    #expect(engine.emails.map(\.customer) == [1, 1, 1])
    #expect(engine.emails.map(\.sentAt) == [at(.hours(9)), at(.hours(33)), at(.hours(57))])
  }
}

// MARK: Entry rules

/// An entry rule and the triggers at 0, 30 min (while enrolled), 3 h and 2 days.
struct EntryCase: CustomTestStringConvertible, Sendable {
  let name: String
  let entry: EntryRule
  let enteredAt: [SimDuration]
  let rejections: [EntryRejection: Int]
  var testDescription: String { name }
}

@Suite("Workflow entry rules")
struct WorkflowEntryTests {
  @Test(arguments: [
    EntryCase(
      name: "once", entry: .once, enteredAt: [.zero],
      rejections: [.alreadyEnrolled: 1, .enteredBefore: 2]),
    EntryCase(
      name: "every time", entry: .everyTime, enteredAt: [.zero, .hours(3), .days(2)],
      rejections: [.alreadyEnrolled: 1]),
    EntryCase(
      name: "once per day", entry: .oncePerPeriod(.days(1)), enteredAt: [.zero, .days(2)],
      rejections: [.alreadyEnrolled: 1, .withinEntryPeriod: 1]),
  ])
  func entryRuleDecidesReentry(_ testCase: EntryCase) throws {
    var engine = try Harness.engine(
      Harness.configuration([
        Harness.workflow(entry: testCase.entry, steps: [.wait(.hours(1)), send])
      ]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    for time in [SimDuration.zero, .minutes(30), .hours(3), .days(2)] {
      context.deliver({ Harness.track("Product Added", 1, at: $0) }, at: at(time), to: &engine)
    }
    context.run(&engine)

    #expect(engine.enrollments.map(\.enteredAt) == testCase.enteredAt.map(at))
    #expect(engine.emails.count == testCase.enteredAt.count)
    #expect(engine.workflowCounts[0].entriesRejected == testCase.rejections)
  }

  @Test(arguments: [SimDuration.minutes(10), .days(3)])
  func triggerDeliveredTwiceSendsOnce(_ gap: SimDuration) throws {
    // The same message (one messageId) arrives again: a retried delivery, or a duplicate
    // that Collect accepted after its deduplication window. Entry every-time would allow
    // a second enrollment for a new message.
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(entry: .everyTime, steps: [send])]))
    var context = FakeContext()
    let id = MessageID(customer: 1, counter: 7)
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero, messageId: id), context: &context)
    context.deliver(
      { Harness.track("Product Added", 1, at: $0, messageId: id) }, at: at(gap), to: &engine)
    context.run(&engine)

    #expect(engine.enrollments.count == 1)
    #expect(engine.emails.count == 1)
    #expect(engine.workflowCounts[0].entriesRejected == [.duplicateTrigger: 1])
  }

  @Test func newTriggerMessageEntersAgain() throws {
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(entry: .everyTime, steps: [send])]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    for counter: UInt32 in 0..<2 {
      engine.receive(
        Harness.track(
          "Product Added", 1, at: .zero, messageId: MessageID(customer: 1, counter: counter)),
        context: &context)
    }
    #expect(engine.enrollments.count == 2)
    #expect(engine.emails.count == 2)
  }
}

// MARK: Splits

@Suite("Workflow splits")
struct WorkflowSplitTests {
  @Test func randomSplitIsStickyAcrossEntries() throws {
    // Path "send" with weight 1, exit with weight 3; every customer enters five times.
    let split = WorkflowStep.randomSplit([
      RandomPath(weight: 1, target: .step("send")), RandomPath(weight: 3, target: .exit),
    ])
    var engine = try Harness.engine(
      Harness.configuration([
        Harness.workflow(
          entry: .everyTime, steps: [split, send], stepNames: [nil, "send"])
      ]))
    var context = FakeContext()
    let customers: UInt64 = 2_000
    for customer in 1...customers {
      engine.receive(Harness.identify(customer, at: .zero), context: &context)
    }
    for round in 0..<5 {
      for customer in 1...customers {
        engine.receive(
          Harness.track(
            "Product Added", customer, at: context.now,
            messageId: MessageID(customer: customer, counter: UInt32(round))),
          context: &context)
      }
    }

    var emailsByCustomer: [UInt64: Int] = [:]
    for email in engine.emails { emailsByCustomer[email.customer, default: 0] += 1 }
    #expect(Set(emailsByCustomer.values) == [5])
    // 2,000 draws of a share of 1/4: the standard error is 0.0097, so 0.04 is over 4 of them.
    let share = Double(emailsByCustomer.count) / Double(customers)
    #expect(abs(share - 0.25) < 0.04, "share \(share)")
  }

  @Test func experimentArmIsSharedAcrossWorkflows() throws {
    let experiment = ExperimentConfig(
      arms: [ArmConfig(name: "email", strategy: .watchedClasses, share: 0.5)], holdout: 0.5)
    let first = Harness.workflow("cart", steps: [.split, send])
    let second = Harness.workflow("browse", trigger: "Product Viewed", steps: [.split, send])
    var engine = try Harness.engine(
      Harness.configuration([first, second], experiment: experiment))
    var context = FakeContext()
    for customer: UInt64 in 1...200 {
      engine.receive(Harness.identify(customer, at: .zero), context: &context)
      engine.receive(Harness.track("Product Added", customer, at: .zero), context: &context)
      engine.receive(Harness.track("Product Viewed", customer, at: .zero), context: &context)
    }

    #expect(engine.assignments.count == 200)
    #expect(context.events(named: "Experiment Viewed").count == 200)
    for customer: UInt64 in 1...200 {
      let arms = engine.enrollments.filter { $0.customer == customer }.map(\.arm)
      #expect(arms.count == 2)
      #expect(arms[0] == arms[1], "customer \(customer)")
    }
    let emailed = Set(engine.emails.map(\.customer))
    let inArm = Set(engine.assignments.filter { $0.arm == "email" }.map(\.customer))
    #expect(emailed == inArm)
    #expect(engine.emails.count == 2 * inArm.count)
  }

  @Test(arguments: [ExperimentConfig.holdoutArm, ExperimentConfig.globalControlArm])
  func armWithoutEmailSendsNothing(_ arm: String) throws {
    let experiment = ExperimentConfig(
      arms: [ArmConfig(name: "email", strategy: .watchedClasses, share: 0.9)], holdout: 0.1,
      globalControl: 0.05)
    var engine = try Harness.engine(
      Harness.configuration(
        [Harness.workflow(steps: [.split, send, .wait(.days(1)), send])],
        experiment: experiment),
      policy: .forced(arm))
    var context = FakeContext()
    for customer: UInt64 in 1...50 {
      engine.receive(Harness.identify(customer, at: .zero), context: &context)
      engine.receive(Harness.track("Product Added", customer, at: .zero), context: &context)
    }
    context.run(&engine)

    #expect(engine.emails.isEmpty)
    #expect(context.events(named: "Email Sent").isEmpty)
    #expect(engine.skippedSends.count == 100)
    let reason: SkipReason = arm == ExperimentConfig.holdoutArm ? .heldOut : .globalControl
    #expect(engine.skippedSends.allSatisfy { $0.reason == reason })
  }
}

// MARK: Messaging rules

/// Sends at given times to one customer under a frequency cap.
struct CapCase: CustomTestStringConvertible, Sendable {
  let name: String
  let cap: FrequencyCap
  let triggers: [SimDuration]
  let sent: [SimDuration]
  let capped: [String]
  var testDescription: String { name }
}

/// A send at a UTC time to a customer in a time zone, under quiet hours 21:00 to 08:00.
struct QuietCase: CustomTestStringConvertible, Sendable {
  let name: String
  let zone: String
  let action: QuietHours.Action
  /// The trigger's time after simulated time 0 (2026-03-02T00:00Z).
  let trigger: SimDuration
  /// When the email is sent; nil when quiet hours skip it.
  let sentAt: SimDuration?
  var testDescription: String { name }
}

@Suite("Messaging rules")
struct MessagingRuleTests {
  /// Two workflows on the same trigger, each sending at once, so every trigger requests
  /// two sends.
  @Test(arguments: [
    CapCase(
      name: "one a day", cap: FrequencyCap(perDay: 1), triggers: [.zero, .hours(23), .hours(25)],
      sent: [.zero, .hours(25)], capped: ["perDay", "perDay", "perDay", "perDay"]),
    CapCase(
      name: "two a week", cap: FrequencyCap(perWeek: 2),
      triggers: [.zero, .days(3), .days(7)], sent: [.zero, .zero, .days(7), .days(7)],
      capped: ["perWeek", "perWeek"]),
    CapCase(
      name: "day and week", cap: FrequencyCap(perDay: 1, perWeek: 2),
      triggers: [.zero, .days(2), .days(4), .days(7) + .hours(1)],
      sent: [.zero, .days(2), .days(7) + .hours(1)],
      capped: ["perDay", "perDay", "perWeek", "perWeek", "perDay"]),
  ])
  func frequencyCapAcrossWorkflows(_ testCase: CapCase) throws {
    let workflows = ["first", "second"].map {
      Harness.workflow($0, entry: .everyTime, steps: [send])
    }
    var engine = try Harness.engine(
      Harness.configuration(workflows, messaging: MessagingRules(frequencyCap: testCase.cap)))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    for time in testCase.triggers {
      context.deliver({ Harness.track("Product Added", 1, at: $0) }, at: at(time), to: &engine)
    }
    context.run(&engine)

    #expect(engine.emails.map(\.sentAt) == testCase.sent.map(at))
    #expect(engine.skippedSends.map(\.detail) == testCase.capped)
    #expect(engine.skippedSends.allSatisfy { $0.reason == .frequencyCap })
  }

  @Test(arguments: [
    QuietCase(
      name: "New York evening delays to 08:00 EST", zone: "America/New_York", action: .delay,
      trigger: .hours(3), sentAt: .hours(13)),
    QuietCase(
      name: "New York afternoon sends at once", zone: "America/New_York", action: .delay,
      trigger: .hours(18), sentAt: .hours(18)),
    QuietCase(
      name: "Tokyo morning sends at once", zone: "Asia/Tokyo", action: .delay,
      trigger: .hours(3), sentAt: .hours(3)),
    QuietCase(
      name: "Tokyo night delays to 08:00 JST", zone: "Asia/Tokyo", action: .delay,
      trigger: .hours(14), sentAt: .hours(23)),
    // 2026-03-08T03:00Z is 22:00 EST on 7 March; 08:00 on 8 March is already EDT, 12:00Z.
    QuietCase(
      name: "night before the change to EDT", zone: "America/New_York", action: .delay,
      trigger: .days(6) + .hours(3), sentAt: .days(6) + .hours(12)),
    // 2026-03-09T00:30Z is 20:30 EDT, before quiet hours; under EST it would be 19:30.
    QuietCase(
      name: "evening after the change to EDT", zone: "America/New_York", action: .delay,
      trigger: .days(7) + .minutes(30), sentAt: .days(7) + .minutes(30)),
    // 2026-03-09T01:30Z is 21:30 EDT, quiet; under EST it would still be 20:30.
    QuietCase(
      name: "quiet an hour earlier in UTC under EDT", zone: "America/New_York",
      action: .delay, trigger: .days(7) + .minutes(90), sentAt: .days(7) + .hours(12)),
    QuietCase(
      name: "Berlin night is skipped", zone: "Europe/Berlin", action: .skip,
      trigger: .hours(22), sentAt: nil),
  ])
  func quietHoursInCustomerTimeZone(_ testCase: QuietCase) throws {
    let quiet = QuietHours(
      start: try #require(TimeOfDay(hour: 21)), end: try #require(TimeOfDay(hour: 8)),
      action: testCase.action)
    var engine = try Harness.engine(
      Harness.configuration(
        [Harness.workflow(steps: [send])], messaging: MessagingRules(quietHours: quiet)))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero, timeZone: testCase.zone), context: &context)
    context.deliver(
      { Harness.track("Product Added", 1, at: $0) }, at: at(testCase.trigger), to: &engine)
    context.run(&engine)

    #expect(engine.emails.map(\.sentAt) == (testCase.sentAt.map { [at($0)] } ?? []))
    #expect(engine.skippedSends.map(\.reason) == (testCase.sentAt == nil ? [.quietHours] : []))
    let delayed = testCase.action == .delay && testCase.sentAt != testCase.trigger
    #expect(engine.workflowCounts[0].sendsDelayed == (delayed ? 1 : 0))
  }

  @Test(arguments: Suppression.allCases)
  func suppressedProfileIsSentNothing(_ suppression: Suppression) throws {
    var engine = try Harness.engine(
      Harness.configuration([Harness.workflow(entry: .everyTime, steps: [send])]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)
    engine.receive(Harness.track("Product Added", 1, at: .zero), context: &context)
    #expect(engine.suppress(userId: "user-1", suppression, context: &context))
    #expect(!engine.suppress(userId: "user-2", suppression, context: &context))
    context.deliver({ Harness.track("Product Added", 1, at: $0) }, at: at(.hours(1)), to: &engine)

    #expect(engine.emails.count == 1)
    #expect(engine.skippedSends.map(\.reason) == [.suppressed])
    #expect(engine.skippedSends.map(\.detail) == [suppression.rawValue])
  }

  @Test func sendWithoutClassIsMissingData() throws {
    let segment = WorkflowConfig(
      name: "opted-in", trigger: .segment(.test(.profile("emailOptIn"), .equals(.bool(true)))),
      steps: [send])
    var engine = try Harness.engine(Harness.configuration([segment]))
    var context = FakeContext()
    engine.receive(Harness.identify(1, at: .zero), context: &context)

    #expect(engine.enrollments.count == 1)
    #expect(engine.emails.isEmpty)
    #expect(engine.skippedSends.map(\.reason) == [.missingData])
  }
}

import Customers
import Pipeline
import Simulation

/// One profile's passage through the workflow.
public struct Enrollment: Sendable {
  public let profile: Int
  public let customer: UInt64
  public let userId: String
  public let classId: String
  public let enteredAt: SimTime
  public var arm: Arm?
  public var assignedAt: SimTime?
  /// Why the profile left before the split, if it did.
  public var exitReason: String?
  public var email: Int?
}

/// An email the engine sent, with its lifecycle.
public struct EmailRecord: Sendable {
  public let id: String
  public let customer: UInt64
  public let userId: String
  public let workflow: String
  public let subject: String
  public let html: String
  public let abandonedClassId: String
  public let listedClassIds: [String]
  /// How relevant the listed classes are to the customer (0–1); ground truth.
  public let relevance: Double
  public let sentAt: SimTime
  /// The customer's email number, from 0, used to key their reaction draws.
  public let number: UInt32
  public var deliveredAt: SimTime?
  public var bouncedAt: SimTime?
  public var openedAt: SimTime?
  public var clickedAt: SimTime?
}

/// A scheduled step of the messaging engine.
public enum EngageEvent: Sendable {
  case wake(enrollment: Int)
  case delivery(email: Int)
  case open(email: Int)
  case click(email: Int)
}

/// What the engine needs from the run.
public protocol EngageContext {
  var now: SimTime { get }
  mutating func schedule(_ event: EngageEvent, after delay: SimDuration)
  /// Sends one of the engine's own events (email engagement, experiment assignment)
  /// into Collect, closing the loop.
  mutating func send(_ message: Message)
  mutating func nextMessageID(for customer: UInt64) -> MessageID
  func relevance(of classIndices: [Int], customer: UInt64) -> Double
  func emailResponsiveness(customer: UInt64) -> Double
  /// The customer clicked an email; the behaviour model decides what they do next.
  mutating func customerClicked(email: EmailRecord)
}

/// The messaging engine: profiles fed by Route, one workflow, and email delivery.
public struct MessagingEngine: Sendable {
  public let workflow: WorkflowConfig
  public let emailConfig: EmailConfig
  public let catalog: Catalog
  public let armPolicy: ArmPolicy
  public private(set) var profiles = ProfileStore()
  public private(set) var enrollments: [Enrollment] = []
  public private(set) var emails: [EmailRecord] = []
  /// When false, delivered messages still update profiles but enter no workflow: the
  /// scenario has ended and only in-flight deliveries are landing.
  public var acceptsTriggers = true

  private var enrolledProfiles: Set<Int> = []
  private var emailCount: [UInt64: UInt32] = [:]
  private let classIndexById: [String: Int]
  private let splitPurpose, deliveryDelayPurpose, deliveryPurpose: RandomPurpose
  private let openPurpose, clickPurpose: RandomPurpose

  public init(
    workflow: WorkflowConfig, email: EmailConfig, catalog: Catalog, armPolicy: ArmPolicy,
    streams: RandomStreams
  ) throws {
    self.workflow = workflow
    self.emailConfig = email
    self.catalog = catalog
    self.armPolicy = armPolicy
    self.classIndexById = Dictionary(
      catalog.classes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    splitPurpose = try streams.purpose("workflow.\(workflow.name).split")
    deliveryDelayPurpose = try streams.purpose("email.delivery-delay")
    deliveryPurpose = try streams.purpose("email.delivery")
    openPurpose = try streams.purpose("email.open")
    clickPurpose = try streams.purpose("email.click")
  }

  /// Receives a message delivered by Route: updates the profile and enters the workflow
  /// on its trigger event.
  public mutating func receive<Context: EngageContext>(_ message: Message, context: inout Context) {
    guard let index = profiles.receive(message) else { return }
    guard acceptsTriggers, message.type == .track, message.event == workflow.triggerEvent,
      !enrolledProfiles.contains(index)
    else { return }
    let profile = profiles[index]
    guard let userId = profile.userId, case .string(let classId)? = message.properties["product_id"]
    else { return }

    enrolledProfiles.insert(index)
    enrollments.append(
      Enrollment(
        profile: index, customer: profile.customer, userId: userId, classId: classId,
        enteredAt: context.now))
    context.schedule(.wake(enrollment: enrollments.count - 1), after: workflow.delay)
  }

  public mutating func handle<Context: EngageContext>(_ event: EngageEvent, context: inout Context) {
    switch event {
    case .wake(let index):
      wake(index, context: &context)
    case .delivery(let index):
      deliver(index, context: &context)
    case .open(let index):
      open(index, context: &context)
    case .click(let index):
      emails[index].clickedAt = context.now
      context.send(emailEvent("Email Link Clicked", emails[index], context: &context))
      context.customerClicked(email: emails[index])
    }
  }

  // MARK: Workflow

  private mutating func wake<Context: EngageContext>(_ index: Int, context: inout Context) {
    let enrollment = enrollments[index]
    let profile = profiles[profiles[enrollment.profile].mergedInto ?? enrollment.profile]
    if profile.hasPurchased(enrollment.classId) {
      enrollments[index].exitReason = "goal: purchased"
      return
    }
    if !profile.emailOptIn {
      enrollments[index].exitReason = "no email consent"
      return
    }

    var stream = splitPurpose.stream(customer: enrollment.customer)
    var arm: Arm = stream.bernoulli(workflow.holdoutShare) ? .holdout : .treatment
    if armPolicy == .flipped {
      arm = arm == .holdout ? .treatment : .holdout
    }
    enrollments[index].arm = arm
    enrollments[index].assignedAt = context.now
    context.send(
      Message(
        type: .track, messageId: context.nextMessageID(for: enrollment.customer),
        userId: enrollment.userId, timestamp: context.now, event: "Experiment Viewed",
        properties: Properties([
          ("experiment_id", .string(workflow.name)),
          ("experiment_name", .string(workflow.name)),
          ("variation_name", .string(arm.rawValue)),
        ]), source: .messaging, customer: enrollment.customer))

    if arm == .treatment {
      let email = composeEmail(for: enrollment, profile: profile, context: &context)
      emails.append(email)
      enrollments[index].email = emails.count - 1
      context.send(emailEvent("Email Sent", email, context: &context))
      var delivery = deliveryDelayPurpose.stream(customer: email.customer, occurrence: email.number)
      context.schedule(
        .delivery(email: emails.count - 1), after: emailConfig.deliveryDelay.sample(&delivery))
    }
  }

  private mutating func composeEmail<Context: EngageContext>(
    for enrollment: Enrollment, profile: Profile, context: inout Context
  ) -> EmailRecord {
    let watched = profile.watchedClasses.map(\.classId).filter {
      $0 != enrollment.classId && !profile.hasPurchased($0) && classIndexById[$0] != nil
    }.prefix(workflow.maxWatchedClasses)
    let listed = [enrollment.classId] + watched
    let listedIndices = listed.compactMap { classIndexById[$0] }
    let abandoned = classIndexById[enrollment.classId].map { catalog.classes[$0] }

    var values: [String: String] = [:]
    if let abandoned {
      values["abandoned.title"] = abandoned.title
      values["abandoned.instructor"] = abandoned.instructor
      values["abandoned.category"] = abandoned.category
      values["abandoned.price"] = formatPrice(abandoned.priceCents)
    }
    let number = emailCount[enrollment.customer, default: 0]
    emailCount[enrollment.customer] = number + 1

    return EmailRecord(
      id: "email-\(enrollment.customer)-\(number)", customer: enrollment.customer,
      userId: enrollment.userId, workflow: workflow.name,
      subject: workflow.subject.renderPlain(values),
      html: renderHTML(values: values, watched: Array(watched)),
      abandonedClassId: enrollment.classId, listedClassIds: listed,
      relevance: context.relevance(of: listedIndices, customer: enrollment.customer),
      sentAt: context.now, number: number)
  }

  private func renderHTML(values: [String: String], watched: [String]) -> String {
    var html = "<h1>\(workflow.heading.render(values))</h1>\n"
    html += "<p>\(HTML.escape(values["abandoned.title"] ?? "")) with "
    html += "\(HTML.escape(values["abandoned.instructor"] ?? "")), "
    html += "\(HTML.escape(values["abandoned.price"] ?? ""))</p>\n"
    if !watched.isEmpty {
      html += "<h2>Because you watched</h2>\n<ul>\n"
      for classId in watched {
        guard let index = classIndexById[classId] else { continue }
        let item = catalog.classes[index]
        html += "<li>\(HTML.escape(item.title)) with \(HTML.escape(item.instructor))</li>\n"
      }
      html += "</ul>\n"
    }
    return html
  }

  // MARK: Email lifecycle

  private mutating func deliver<Context: EngageContext>(_ index: Int, context: inout Context) {
    let email = emails[index]
    var stream = deliveryPurpose.stream(customer: email.customer, occurrence: email.number)
    guard stream.bernoulli(emailConfig.deliverability) else {
      emails[index].bouncedAt = context.now
      context.send(emailEvent("Email Bounced", email, context: &context))
      return
    }
    emails[index].deliveredAt = context.now
    context.send(emailEvent("Email Delivered", email, context: &context))

    let responsiveness = context.emailResponsiveness(customer: email.customer)
    var openStream = openPurpose.stream(customer: email.customer, occurrence: email.number)
    if openStream.bernoulli(min(1, emailConfig.open.probability * responsiveness)) {
      context.schedule(.open(email: index), after: emailConfig.open.delay.sample(&openStream))
    }
  }

  private mutating func open<Context: EngageContext>(_ index: Int, context: inout Context) {
    emails[index].openedAt = context.now
    let email = emails[index]
    context.send(emailEvent("Email Opened", email, context: &context))
    let responsiveness = context.emailResponsiveness(customer: email.customer)
    var stream = clickPurpose.stream(customer: email.customer, occurrence: email.number)
    if stream.bernoulli(min(1, emailConfig.click.probability * responsiveness)) {
      context.schedule(.click(email: index), after: emailConfig.click.delay.sample(&stream))
    }
  }

  private func emailEvent<Context: EngageContext>(
    _ event: String, _ email: EmailRecord, context: inout Context
  ) -> Message {
    Message(
      type: .track, messageId: context.nextMessageID(for: email.customer),
      userId: email.userId, timestamp: context.now, event: event,
      properties: Properties([
        ("email_id", .string(email.id)),
        ("email_subject", .string(email.subject)),
        ("campaign_id", .string(email.workflow)),
        ("campaign_name", .string(email.workflow)),
        ("product_id", .string(email.abandonedClassId)),
      ]), source: .messaging, customer: email.customer)
  }
}

func formatPrice(_ cents: Int64) -> String {
  let fraction = cents % 100
  return "$\(cents / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
}

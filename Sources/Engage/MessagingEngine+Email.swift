import Customers
import Pipeline
import Simulation

extension MessagingEngine {
  // MARK: Composing

  /// Makes the email for `enrollment` and counts it as the customer's next email.
  mutating func composeEmail<Context: EngageContext>(
    for enrollment: Enrollment, profile: Profile, content: EmailContent,
    template: TemplateConfig, context: inout Context
  ) -> EmailRecord {
    let listed = listedClasses(
      content.strategy, abandoned: content.classId, profile: profile,
      limit: content.listedClasses)
    let listedIds = [content.classId] + listed
    let abandoned = classIndexById[content.classId].map { catalog.classes[$0] }

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
      userId: enrollment.userId, workflow: enrollment.workflowName, template: template.name,
      arm: enrollment.arm, strategy: content.strategy,
      subject: template.subject.renderPlain(values),
      html: renderHTML(
        heading: template.heading, values: values, strategy: content.strategy, listed: listed),
      abandonedClassId: content.classId, listedClassIds: listedIds,
      relevance: context.relevance(
        of: listedIds.compactMap { classIndexById[$0] }, customer: enrollment.customer),
      sentAt: context.now, number: number)
  }

  /// Returns the ids of the classes that `strategy` lists beside the abandoned class, at
  /// most `limit` of them. Classes not in the catalog are left out.
  ///
  /// Complexity: O(watched classes) for `watched-classes`, O(classes in the category) for
  /// `same-category`, and O(`limit`) for `catalog-picks`.
  func listedClasses(
    _ strategy: PersonalizationStrategy, abandoned: String, profile: Profile, limit: Int
  ) -> [String] {
    guard limit > 0 else { return [] }
    switch strategy {
    case .watchedClasses:
      return Array(
        profile.watchedClasses.lazy.map(\.classId).filter {
          $0 != abandoned && !profile.hasPurchased($0) && self.classIndexById[$0] != nil
        }.prefix(limit))
    case .abandonedOnly:
      return []
    case .sameCategory:
      guard let index = classIndexById[abandoned] else { return [] }
      let category = catalog.categoryIndex[index]
      return Array(
        classesByCategory[category].lazy.filter { $0 != index }.map {
          self.catalog.classes[$0].id
        }.prefix(limit))
    case .catalogPicks:
      return Array(catalog.classes.lazy.map(\.id).filter { $0 != abandoned }.prefix(limit))
    }
  }

  private func renderHTML(
    heading: EmailTemplate, values: [String: String], strategy: PersonalizationStrategy,
    listed: [String]
  ) -> String {
    var html = "<h1>\(heading.render(values))</h1>\n"
    html += "<p>\(HTML.escape(values["abandoned.title"] ?? "")) with "
    html += "\(HTML.escape(values["abandoned.instructor"] ?? "")), "
    html += "\(HTML.escape(values["abandoned.price"] ?? ""))</p>\n"
    guard !listed.isEmpty else { return html }

    let listHeading: String
    switch strategy {
    case .watchedClasses, .abandonedOnly:
      listHeading = "Because you watched"
    case .sameCategory:
      listHeading = "More \(HTML.escape(values["abandoned.category"] ?? "")) classes"
    case .catalogPicks:
      listHeading = "Popular classes"
    }
    html += "<h2>\(listHeading)</h2>\n<ul>\n"
    for classId in listed {
      guard let index = classIndexById[classId] else { continue }
      let item = catalog.classes[index]
      html += "<li>\(HTML.escape(item.title)) with \(HTML.escape(item.instructor))</li>\n"
    }
    html += "</ul>\n"
    return html
  }

  // MARK: Email lifecycle

  mutating func deliver<Context: EngageContext>(_ index: Int, context: inout Context) {
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

  mutating func open<Context: EngageContext>(_ index: Int, context: inout Context) {
    emails[index].openedAt = context.now
    let email = emails[index]
    context.send(emailEvent("Email Opened", email, context: &context))
    context.customerOpened(email: email)
    let responsiveness = context.emailResponsiveness(customer: email.customer)
    var stream = clickPurpose.stream(customer: email.customer, occurrence: email.number)
    if stream.bernoulli(min(1, emailConfig.click.probability * responsiveness)) {
      context.schedule(.click(email: index), after: emailConfig.click.delay.sample(&stream))
    }
  }

  mutating func click<Context: EngageContext>(_ index: Int, context: inout Context) {
    emails[index].clickedAt = context.now
    context.send(emailEvent("Email Link Clicked", emails[index], context: &context))
    context.customerClicked(email: emails[index])
  }

  func emailEvent<Context: EngageContext>(
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

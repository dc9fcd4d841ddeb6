import Customers
import Pipeline
import Simulation

extension MessagingEngine {
  // MARK: Composing

  /// Renders the email for `enrollment` from `template` and sends it: records it, sends
  /// `Email Sent` and schedules the first delivery attempt. A template whose `missing`
  /// policy skips the email records the skip in `emailLog` instead.
  ///
  /// Either way the send takes the customer's next email number, so that the emails after
  /// it keep their random draws whatever each arm sends.
  ///
  /// - Returns: The index of the email in `emails`, or nil when it was skipped.
  mutating func sendComposedEmail<Context: EngageContext>(
    for enrollment: Enrollment, profile: Profile, content: EmailContent,
    template: TemplateConfig, context: inout Context
  ) -> Int? {
    let customer = enrollment.customer
    let number = emailCount[customer, default: 0]
    emailCount[customer] = number + 1

    let data = templateData(for: enrollment, profile: profile, content: content)
    let rendered: RenderedEmail
    let fallbackField: String?
    switch template.render(data) {
    case .complete(let email):
      (rendered, fallbackField) = (email, nil)
    case .fallback(let email, let field):
      (rendered, fallbackField) = (email, field)
    case .skipped(let field):
      emailLog.skipped.append(
        SkippedEmail(
          customer: customer, userId: enrollment.userId, workflow: enrollment.workflowName,
          arm: enrollment.arm, template: template.name, strategy: content.strategy,
          missingField: field, skippedAt: context.now))
      return nil
    }

    let email = EmailRecord(
      id: "email-\(customer)-\(number)", customer: customer, userId: enrollment.userId,
      workflow: enrollment.workflowName, template: template.name, arm: enrollment.arm,
      strategy: content.strategy, subject: rendered.subject, html: rendered.html,
      abandonedClassId: content.classId, shownClassIds: rendered.shownClassIds,
      relevance: context.relevance(
        of: rendered.shownClassIds.compactMap { classIndexById[$0] }, customer: customer),
      fallbackField: fallbackField, sentAt: context.now, number: number)
    emails.append(email)
    let index = emails.count - 1
    emailLog.emailsByCustomer[customer, default: []].append(index)
    context.send(emailEvent("Email Sent", email, context: &context))
    var delivery = deliveryDelayPurpose.stream(customer: customer, occurrence: number)
    context.schedule(
      .email(index, .deliveryAttempt), after: emailConfig.deliveryDelay.sample(&delivery))
    return index
  }

  // MARK: Lifecycle

  mutating func handleEmail<Context: EngageContext>(
    _ index: Int, _ step: EmailStep, context: inout Context
  ) {
    switch step {
    case .deliveryAttempt:
      attemptDelivery(index, context: &context)
    case .open:
      open(index, context: &context)
    case .click:
      emails[index].clickedAt = context.now
      context.send(emailEvent("Email Link Clicked", emails[index], context: &context))
      context.customerClicked(email: emails[index])
    case .unsubscribe:
      emails[index].unsubscribedAt = context.now
      context.send(emailEvent("Unsubscribed", emails[index], context: &context))
    case .spamComplaint:
      emails[index].markedAsSpamAt = context.now
      context.send(emailEvent("Email Marked as Spam", emails[index], context: &context))
    }
  }

  /// Makes one delivery attempt. The first draws from `email.delivery` at the email's
  /// number, so a scenario without soft bounces keeps the draws it had before they
  /// existed; retry k draws from `email.delivery-retry` at occurrence 16 × number + k.
  /// Each stream gives, in order: delivered or not, then soft or hard, then the delay
  /// before the retry.
  private mutating func attemptDelivery<Context: EngageContext>(
    _ index: Int, context: inout Context
  ) {
    let email = emails[index]
    let attempt = email.softBounces
    var stream =
      attempt == 0
      ? deliveryPurpose.stream(customer: email.customer, occurrence: email.number)
      : emailLog.purposes.deliveryRetry.stream(
        customer: email.customer, occurrence: email.number &* 16 &+ UInt32(attempt))
    if stream.bernoulli(emailConfig.deliverability) {
      deliver(index, context: &context)
      return
    }

    let policy = emailConfig.bounce
    let isSoft = stream.bernoulli(policy.softShare)
    let retryDelay = policy.retryDelay.sample(&stream)
    if isSoft, attempt < policy.maxRetries {
      emails[index].softBounces += 1
      context.send(
        emailEvent(
          "Email Bounced", email, extra: [("bounce_type", .string("soft"))], context: &context))
      context.schedule(.email(index, .deliveryAttempt), after: retryDelay)
    } else {
      emails[index].bouncedAt = context.now
      context.send(
        emailEvent(
          "Email Bounced", email, extra: [("bounce_type", .string("hard"))], context: &context))
    }
  }

  /// Delivers the email. A privacy proxy opens it at once. Then the customer may mark it
  /// as spam (`email.spam-complaint`) and otherwise may open it (`email.open`), each
  /// after a delay drawn from `open.delay` on the stream that decided it.
  private mutating func deliver<Context: EngageContext>(_ index: Int, context: inout Context) {
    emails[index].deliveredAt = context.now
    let email = emails[index]
    context.send(emailEvent("Email Delivered", email, context: &context))

    var proxyStream = emailLog.purposes.privacyProxy.stream(customer: email.customer)
    if proxyStream.bernoulli(emailConfig.privacyProxyShare) {
      emails[index].usesPrivacyProxy = true
      emails[index].machineOpenedAt = context.now
      context.send(
        emailEvent(
          "Email Opened", email, extra: [("machine_open", .bool(true))], context: &context))
    }

    let response = emailConfig.response
    let load = response.fatigue.recentEmailLoad(
      ages: recentEmailAges(of: email.customer, besides: index, at: context.now))
    var complaint = emailLog.purposes.spamComplaint.stream(
      customer: email.customer, occurrence: email.number)
    if complaint.bernoulli(response.spamComplaint.probability(recentEmailLoad: load)) {
      context.schedule(
        .email(index, .spamComplaint), after: emailConfig.open.delay.sample(&complaint))
      return
    }

    let responsiveness = context.emailResponsiveness(customer: email.customer)
    var openStream = openPurpose.stream(customer: email.customer, occurrence: email.number)
    if openStream.bernoulli(min(1, emailConfig.open.probability * responsiveness)) {
      context.schedule(.email(index, .open), after: emailConfig.open.delay.sample(&openStream))
    }
  }

  /// The customer opens the email. Then they may unsubscribe (`email.unsubscribe`), and
  /// otherwise may click (`email.click`), each after a delay drawn from `click.delay`.
  private mutating func open<Context: EngageContext>(_ index: Int, context: inout Context) {
    emails[index].openedAt = context.now
    let email = emails[index]
    // A privacy proxy loaded the email at delivery, so this open reports nothing.
    if !email.usesPrivacyProxy {
      context.send(
        emailEvent(
          "Email Opened", email, extra: [("machine_open", .bool(false))], context: &context))
    }
    context.customerOpened(email: email)

    let response = emailConfig.response
    let ages = recentEmailAges(of: email.customer, besides: index, at: context.now)
    var unsubscribe = emailLog.purposes.unsubscribe.stream(
      customer: email.customer, occurrence: email.number)
    let unsubscribeRisk = response.unsubscribe.probability(
      recentEmailLoad: response.fatigue.recentEmailLoad(ages: ages))
    if unsubscribe.bernoulli(unsubscribeRisk) {
      context.schedule(
        .email(index, .unsubscribe), after: emailConfig.click.delay.sample(&unsubscribe))
      return
    }

    let probability = response.clickProbability(
      emailConfig.click.probability,
      responsiveness: context.emailResponsiveness(customer: email.customer),
      relevance: email.relevance, recentEmailAges: ages)
    var stream = clickPurpose.stream(customer: email.customer, occurrence: email.number)
    if stream.bernoulli(probability) {
      context.schedule(.email(index, .click), after: emailConfig.click.delay.sample(&stream))
    }
  }

  /// Returns how long ago each of the customer's other emails was delivered, for those
  /// delivered by `time`.
  ///
  /// Complexity: O(emails sent to the customer).
  func recentEmailAges(of customer: UInt64, besides index: Int, at time: SimTime)
    -> [SimDuration]
  {
    (emailLog.emailsByCustomer[customer] ?? []).compactMap { other in
      guard other != index, let delivered = emails[other].deliveredAt, delivered <= time
      else { return nil }
      return time - delivered
    }
  }

  /// Builds one of the email's track messages, with the properties every email event
  /// carries followed by `extra`.
  func emailEvent<Context: EngageContext>(
    _ event: String, _ email: EmailRecord, extra: [(String, PropertyValue)] = [],
    context: inout Context
  ) -> Message {
    Message(
      type: .track, messageId: context.nextMessageID(for: email.customer),
      userId: email.userId, timestamp: context.now, event: event,
      properties: Properties(
        [
          ("email_id", .string(email.id)),
          ("email_subject", .string(email.subject)),
          ("campaign_id", .string(email.workflow)),
          ("campaign_name", .string(email.workflow)),
          ("product_id", .string(email.abandonedClassId)),
        ] + extra), source: .messaging, customer: email.customer)
  }
}

func formatPrice(_ cents: Int64) -> String {
  let fraction = cents % 100
  return "$\(cents / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
}

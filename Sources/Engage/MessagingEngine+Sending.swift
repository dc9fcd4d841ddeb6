import Customers
import Foundation
import Pipeline
import Simulation

/// A suppression: a reason never to email a profile again.
public enum Suppression: String, Sendable, Hashable, CaseIterable {
  /// The person unsubscribed.
  case unsubscribed
  /// An email to the address bounced permanently.
  case hardBounced
  /// The person marked an email as spam.
  case complained
}

extension Profile {
  /// The profile's suppressions, in the order of `Suppression.allCases`.
  public var suppressions: [Suppression] {
    Suppression.allCases.filter(isSuppressed)
  }

  public func isSuppressed(_ suppression: Suppression) -> Bool {
    switch suppression {
    case .unsubscribed: unsubscribed
    case .hardBounced: hardBounced
    case .complained: complained
    }
  }

  mutating func suppress(_ suppression: Suppression) {
    switch suppression {
    case .unsubscribed: unsubscribed = true
    case .hardBounced: hardBounced = true
    case .complained: complained = true
    }
  }
}

/// The outcome of a send attempt.
enum SendOutcome {
  case sent
  case skipped
  /// Quiet hours hold the send this long; the step runs again then.
  case delayed(SimDuration)
}

extension MessagingEngine {
  // MARK: Suppression

  /// Sets a suppression on the profile of `userId` (the profile it was merged into, if
  /// any), so that no workflow emails it again, and checks the segment triggers that read
  /// it. The email lifecycle calls this when it learns of an unsubscribe, a hard bounce
  /// or a complaint.
  ///
  /// - Returns: Whether a profile with that user id exists.
  @discardableResult
  public mutating func suppress<Context: EngageContext>(
    userId: String, _ suppression: Suppression, context: inout Context
  ) -> Bool {
    guard let found = profiles.index(forKey: userId) else { return false }
    let index = profiles.current(found)
    profiles[index].suppress(suppression)
    profileChanged(index, context: &context)
    return true
  }

  /// Returns the profile of `userId` (the profile it was merged into, if any), for the
  /// attributes a template shows; nil when the engine has no such profile.
  public func profile(userId: String) -> Profile? {
    profiles.index(forKey: userId).map { profiles[profiles.current($0)] }
  }

  // MARK: Sending

  /// Sends the step's email unless a rule stops it, and logs a skipped send with its
  /// reason. The checks run in this order: the arm (holdout, global control), consent,
  /// suppression, missing data, quiet hours, then the frequency cap.
  ///
  /// After a split, the holdout and global control arms are sent nothing, and an arm
  /// gives its strategy, number of listed classes and, if it has one, its own template.
  /// Without a split, global control customers are sent nothing and everyone else gets
  /// the step's template with the `watched-classes` strategy and
  /// `ArmConfig.defaultListedClasses` classes. A profile without email consent leaves the
  /// workflow with the reason `no email consent`; after any other skip the workflow goes
  /// on.
  mutating func attemptSend<Context: EngageContext>(
    _ step: SendEmailStep, at position: Int, of index: Int, context: inout Context
  ) -> SendOutcome {
    let enrollment = enrollments[index]
    var content = EmailContent(
      template: step.template, strategy: .watchedClasses,
      listedClasses: ArmConfig.defaultListedClasses, classId: "")
    func skip(_ reason: SkipReason, _ detail: String? = nil) -> SendOutcome {
      skippedSends.append(
        SkippedSend(
          customer: enrollment.customer, userId: enrollment.userId,
          workflow: enrollment.workflowName, step: position, template: content.template,
          arm: enrollment.arm, reason: reason, detail: detail, time: context.now))
      return .skipped
    }

    if let armName = enrollment.arm {
      guard let arm = configuration.experiment?.arm(named: armName) else {
        return skip(armName == ExperimentConfig.globalControlArm ? .globalControl : .heldOut)
      }
      content.template = arm.template ?? step.template
      content.strategy = arm.strategy
      content.listedClasses = arm.listedClasses
    } else if enrollment.inGlobalControl {
      return skip(.globalControl)
    }
    // `EngageConfig.validate()` rejects a template name that is not defined.
    guard let template = templatesByName[content.template] else { return skip(.missingData) }

    let profileIndex = profiles.current(enrollment.profile)
    let profile = profiles[profileIndex]
    guard profile.emailOptIn else {
      leave(index, reason: Enrollment.noEmailConsentReason, at: context.now)
      return skip(.noConsent)
    }
    if let suppression = profile.suppressions.first {
      return skip(.suppressed, suppression.rawValue)
    }
    guard
      let classId = enrollment.classId ?? profile.cartClass
        ?? profile.watchedClasses.last?.classId
    else {
      return skip(.missingData, "no class from the trigger, the cart or the classes watched")
    }
    content.classId = classId

    if let quiet = configuration.messaging.quietHours {
      let zone = zone(of: profile)
      let local = zone.localMillisecondsSinceMidnight(at: context.now, clock: clock)
      if quiet.contains(localMilliseconds: local) {
        guard quiet.action == .delay else { return skip(.quietHours) }
        workflowCounts[enrollment.workflow].sendsDelayed += 1
        let end = zone.nextTime(
          atLocalMilliseconds: quiet.end.milliseconds, after: context.now, clock: clock)
        return .delayed(end - context.now)
      }
    }
    if let cap = configuration.messaging.frequencyCap,
      let limit = capReached(cap, profile: profileIndex, at: context.now)
    {
      return skip(.frequencyCap, limit)
    }

    let email = composeEmail(
      for: enrollment, profile: profile, content: content, template: template,
      context: &context)
    emails.append(email)
    enrollments[index].emails.append(emails.count - 1)
    profileStates[profileIndex].recentSends.append(context.now)
    context.send(emailEvent("Email Sent", email, context: &context))
    var delivery = deliveryDelayPurpose.stream(customer: email.customer, occurrence: email.number)
    context.schedule(
      .delivery(email: emails.count - 1), after: emailConfig.deliveryDelay.sample(&delivery))
    return .sent
  }

  /// Returns `perDay` or `perWeek` when the profile reached that cap over the rolling
  /// window ending now, and drops sends older than 7 days from its record.
  private mutating func capReached(_ cap: FrequencyCap, profile: Int, at now: SimTime)
    -> String?
  {
    let week = SimDuration.days(7)
    profileStates[profile].recentSends.removeAll { now - $0 >= week }
    let sends = profileStates[profile].recentSends
    if let perDay = cap.perDay, sends.lazy.filter({ now - $0 < .days(1) }).count >= perDay {
      return "perDay"
    }
    if let perWeek = cap.perWeek, sends.count >= perWeek {
      return "perWeek"
    }
    return nil
  }

  // MARK: Time zones

  /// Returns the profile's time zone: the zone of the scenario named by its `timeZone`
  /// attribute, else the IANA zone of that name, else UTC.
  ///
  /// NOTE: a name that is neither a scenario zone nor an IANA identifier (possible only in
  /// a replayed file) falls back to UTC without a warning.
  func zone(of profile: Profile) -> TimeZoneMix.Zone {
    guard let name = profile.timeZone else { return TimeZoneMix.utc.zones[0] }
    if let zone = zonesByName[name] {
      return zone
    }
    guard TimeZone(identifier: name) != nil else { return TimeZoneMix.utc.zones[0] }
    return TimeZoneMix.Zone(name: name, utcOffsetMinutes: 0, share: 0, ianaName: name)
  }
}

/// What one email contains, as the arm or the step decides.
struct EmailContent: Sendable, Hashable {
  var template: String
  var strategy: PersonalizationStrategy
  var listedClasses: Int
  /// The class the email is about: the enrollment's trigger class, else the class in the
  /// cart, else the class watched last.
  var classId: String
}

import Config
import Engage
import Simulation
import Warehouse

/// Writes the `emails` and `skipped_emails` tables, which runs and replays share.
enum EmailTables {
  /// Inserts every email and every skipped send, in the order the engine made them.
  ///
  /// - Parameter relevanceKnown: False for a replay, which has no customer's interests, so
  ///   the relevance column is null.
  static func write(
    _ emails: [EmailRecord], skipped: [SkippedEmail], relevanceKnown: Bool,
    clock: ScenarioClock, into database: Database
  ) throws {
    for email in emails {
      var shown = JSONWriter()
      shown.beginArray()
      for id in email.shownClassIds { shown.string(id) }
      shown.endArray()
      try database.run(
        """
        INSERT INTO emails (email_id, user_id, workflow, arm, strategy, template, subject, html,
                            fallback_field, abandoned_class_id, shown_class_ids, relevance,
                            sent_at, soft_bounces, delivered_at, bounced_at, privacy_proxy,
                            machine_opened_at, opened_at, clicked_at, unsubscribed_at,
                            marked_as_spam_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        binding: [
          email.id, email.userId, email.workflow, email.arm, email.strategy.rawValue,
          email.template, email.subject, email.html, email.fallbackField,
          email.abandonedClassId, shown.text, relevanceKnown ? email.relevance : nil,
          clock.iso8601(email.sentAt), email.softBounces, email.deliveredAt.map(clock.iso8601),
          email.bouncedAt.map(clock.iso8601), email.usesPrivacyProxy,
          email.machineOpenedAt.map(clock.iso8601), email.openedAt.map(clock.iso8601),
          email.clickedAt.map(clock.iso8601), email.unsubscribedAt.map(clock.iso8601),
          email.markedAsSpamAt.map(clock.iso8601),
        ])
    }
    for skip in skipped {
      try database.run(
        """
        INSERT INTO skipped_emails (user_id, workflow, arm, strategy, template, missing_field,
                                    skipped_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        binding: [
          skip.userId, skip.workflow, skip.arm, skip.strategy.rawValue, skip.template,
          skip.missingField, clock.iso8601(skip.skippedAt),
        ])
    }
  }
}

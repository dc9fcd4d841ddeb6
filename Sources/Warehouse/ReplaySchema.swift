/// The tables of a replay's `results.sqlite`. docs/results-schema.md describes each column.
///
/// `run_metadata`, `messages`, `assignments`, `skipped_emails`, `merges`, `dead_letters`,
/// `pipeline_counts` and `funnel` are the run's tables (`ResultsSchema`). The `quarantine`
/// table adds the file's line and the reader's detail, and allows a null type and
/// timestamp for a line that is not a message. The `emails` table allows a null
/// relevance, because a replay has no customer's interests.
public enum ReplaySchema {
  /// Version of this schema, stored in `run_metadata` as `schemaVersion`.
  public static let version = 4

  public static var sql: String {
    [
      ResultsSchema.runMetadata, ResultsSchema.messages, quarantine, ResultsSchema.assignments,
      emails, ResultsSchema.skippedSends, ResultsSchema.skippedEmails, ResultsSchema.merges,
      ResultsSchema.deadLetters, ResultsSchema.pipelineCounts, ResultsSchema.funnel,
    ].joined(separator: "\n")
  }

  public static let quarantine = """
    CREATE TABLE quarantine (
      line INTEGER,
      message_id TEXT,
      type TEXT,
      event TEXT,
      reason TEXT NOT NULL,
      detail TEXT,
      timestamp TEXT,
      message TEXT NOT NULL
    );
    """

  public static let emails = ResultsSchema.emailsTable(relevance: "relevance REAL")
}

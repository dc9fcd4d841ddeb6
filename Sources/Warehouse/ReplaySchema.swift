/// The tables of a replay's `results.sqlite`. docs/results-schema.md describes each column.
///
/// `run_metadata`, `messages`, `assignments`, `merges`, `dead_letters`, `pipeline_counts`
/// and `funnel` are the run's tables (`ResultsSchema`). The `quarantine` table adds the
/// file's line and the reader's detail, and allows a null type and timestamp for a line
/// that is not a message. The `emails` table allows a null relevance, because a replay has
/// no customer's interests.
public enum ReplaySchema {
  /// Version of this schema, stored in `run_metadata` as `schemaVersion`.
  public static let version = 3

  public static var sql: String {
    [
      ResultsSchema.runMetadata, ResultsSchema.messages, quarantine, ResultsSchema.assignments,
      emails, ResultsSchema.skippedSends, ResultsSchema.merges, ResultsSchema.deadLetters, ResultsSchema.pipelineCounts,
      ResultsSchema.funnel,
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

  public static let emails = """
    CREATE TABLE emails (
      email_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      workflow TEXT NOT NULL,
      arm TEXT,
      strategy TEXT NOT NULL,
      template TEXT NOT NULL,
      subject TEXT NOT NULL,
      html TEXT NOT NULL,
      abandoned_class_id TEXT NOT NULL,
      listed_class_ids TEXT NOT NULL,
      relevance REAL,
      sent_at TEXT NOT NULL,
      delivered_at TEXT,
      bounced_at TEXT,
      opened_at TEXT,
      clicked_at TEXT
    );
    """
}

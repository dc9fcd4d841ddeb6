/// The tables of a replay's `results.sqlite`. docs/results-schema.md describes each column.
///
/// `run_metadata`, `messages`, `assignments`, `pipeline_counts` and `funnel` have the
/// layout of a run's tables. The `quarantine` table adds the file's line and the reader's
/// detail, and allows a null type and timestamp for a line that is not a message. The
/// `emails` table allows a null relevance, because a replay has no customer's interests.
public enum ReplaySchema {
  /// Version of this schema, stored in `run_metadata` as `schemaVersion`.
  public static let version = 1

  public static let sql = """
    CREATE TABLE run_metadata (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    CREATE TABLE messages (
      message_id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      event TEXT,
      name TEXT,
      user_id TEXT,
      anonymous_id TEXT,
      timestamp TEXT NOT NULL,
      timestamp_ms INTEGER NOT NULL,
      received_at TEXT NOT NULL,
      loaded_at TEXT NOT NULL,
      source TEXT NOT NULL,
      properties TEXT NOT NULL,
      traits TEXT NOT NULL,
      context TEXT NOT NULL
    );
    CREATE INDEX messages_by_user_event ON messages (user_id, event, timestamp_ms);
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
    CREATE TABLE assignments (
      user_id TEXT NOT NULL,
      workflow TEXT NOT NULL,
      class_id TEXT NOT NULL,
      entered_at TEXT NOT NULL,
      arm TEXT,
      assigned_at TEXT,
      exit_reason TEXT,
      finished_at TEXT,
      email_id TEXT
    );
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
    CREATE TABLE pipeline_counts (
      stage TEXT NOT NULL,
      destination TEXT,
      counter TEXT NOT NULL,
      value INTEGER NOT NULL
    );
    CREATE TABLE funnel (
      step INTEGER PRIMARY KEY,
      event TEXT NOT NULL,
      people INTEGER NOT NULL
    );
    """
}

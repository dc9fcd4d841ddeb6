/// The tables of a run's `results.sqlite`. docs/results-schema.md describes each column.
///
/// Each table's statement is a constant of its own, so that other result files (a
/// replay's) reuse the same layout instead of repeating it.
public enum ResultsSchema {
  /// Version of this schema, stored in `run_metadata` as `schemaVersion`.
  public static let version = 5

  /// Every table of a run, in the order they are created.
  public static var sql: String {
    [
      runMetadata, messages, quarantine, assignments, emails, skippedSends, conversions,
      groundTruth, potentialOutcomes, merges, deadLetters, pipelineCounts, funnel, metrics,
      attributions, attributionScores, attributionTruth, attributionCustomers,
    ].joined(separator: "\n")
  }

  public static let runMetadata = """
    CREATE TABLE run_metadata (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    """

  public static let messages = """
    CREATE TABLE messages (
      message_id TEXT NOT NULL,
      type TEXT NOT NULL,
      event TEXT,
      name TEXT,
      user_id TEXT,
      anonymous_id TEXT,
      previous_id TEXT,
      resolved_user_id TEXT,
      timestamp TEXT NOT NULL,
      timestamp_ms INTEGER NOT NULL,
      sent_at TEXT NOT NULL,
      received_at TEXT NOT NULL,
      loaded_at TEXT NOT NULL,
      source TEXT NOT NULL,
      properties TEXT NOT NULL,
      traits TEXT NOT NULL,
      context TEXT NOT NULL
    );
    CREATE INDEX messages_by_user_event ON messages (user_id, event, timestamp_ms);
    CREATE INDEX messages_by_message_id ON messages (message_id);
    """

  public static let quarantine = """
    CREATE TABLE quarantine (
      message_id TEXT,
      type TEXT NOT NULL,
      event TEXT,
      reason TEXT NOT NULL,
      timestamp TEXT NOT NULL,
      message TEXT NOT NULL
    );
    """

  public static let assignments = """
    CREATE TABLE assignments (
      user_id TEXT NOT NULL,
      workflow TEXT NOT NULL,
      class_id TEXT,
      entered_at TEXT NOT NULL,
      arm TEXT,
      assigned_at TEXT,
      exit_reason TEXT,
      finished_at TEXT,
      email_id TEXT
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
      relevance REAL NOT NULL,
      sent_at TEXT NOT NULL,
      delivered_at TEXT,
      bounced_at TEXT,
      opened_at TEXT,
      clicked_at TEXT
    );
    """

  public static let skippedSends = """
    CREATE TABLE skipped_sends (
      user_id TEXT NOT NULL,
      workflow TEXT NOT NULL,
      step INTEGER NOT NULL,
      template TEXT NOT NULL,
      arm TEXT,
      reason TEXT NOT NULL,
      detail TEXT,
      skipped_at TEXT NOT NULL
    );
    """

  public static let conversions = """
    CREATE TABLE conversions (
      user_id TEXT NOT NULL,
      arm TEXT NOT NULL,
      assigned_at TEXT NOT NULL,
      order_id TEXT NOT NULL,
      product_id TEXT,
      revenue REAL,
      timestamp TEXT NOT NULL
    );
    """

  public static let groundTruth = """
    CREATE TABLE ground_truth (
      customer INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      arm TEXT NOT NULL,
      converted INTEGER NOT NULL
    );
    """

  public static let potentialOutcomes = """
    CREATE TABLE potential_outcomes (
      customer INTEGER NOT NULL,
      arm TEXT NOT NULL,
      converted INTEGER NOT NULL,
      PRIMARY KEY (customer, arm)
    );
    """

  public static let merges = """
    CREATE TABLE merges (
      merged_at TEXT NOT NULL,
      kind TEXT NOT NULL,
      merged_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      message_id TEXT,
      message_type TEXT NOT NULL
    );
    """

  public static let deadLetters = """
    CREATE TABLE dead_letters (
      message_id TEXT,
      destination TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      reason TEXT NOT NULL,
      last_attempt_at TEXT NOT NULL
    );
    """

  public static let pipelineCounts = """
    CREATE TABLE pipeline_counts (
      stage TEXT NOT NULL,
      destination TEXT,
      counter TEXT NOT NULL,
      value INTEGER NOT NULL
    );
    """

  public static let funnel = """
    CREATE TABLE funnel (
      step INTEGER PRIMARY KEY,
      event TEXT NOT NULL,
      people INTEGER NOT NULL
    );
    """

  public static let metrics = """
    CREATE TABLE metrics (
      name TEXT PRIMARY KEY,
      value REAL,
      lower REAL,
      upper REAL,
      note TEXT
    );
    """
}

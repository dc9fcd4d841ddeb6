import Config
import Simulation
import Warehouse

/// The warehouse destination: loads each delivered message as a row of the `messages`
/// table, with its properties, traits and context as JSON text.
///
/// Rows are encoded and inserted on a writer thread of their own, fed in batches, so the
/// simulation does not wait for SQLite. The database and its statements belong to that
/// thread from `init` until `stitch(_:)` returns, so the caller must not use the database
/// in between. The rows reach the table in the order the messages were loaded.
public final class WarehouseDestination {
  private let database: Database
  private let writer: BackgroundWriter<LoadedMessage>

  /// Prepares the insert and starts the writer thread.
  ///
  /// - Throws: `SQLiteError` when the `messages` table is missing.
  public init(database: Database, clock: ScenarioClock) throws {
    self.database = database
    let inserter = MessageInserter(
      statement: try database.prepare(MessageInserter.sql), clock: clock)
    writer = BackgroundWriter { batch in try inserter.insert(batch) }
  }

  /// Inserts `message`, loaded at `time`, with the `resolvedUserId` Collect gave it. A copy
  /// that Collect accepted again after the deduplication window becomes a second row with
  /// the same message id, as it would in a real warehouse.
  ///
  /// - Throws: The `SQLiteError` of an earlier row that failed to insert.
  public func load(_ message: Message, at time: SimTime) throws {
    try writer.append(LoadedMessage(message: message, loadedAt: time))
  }

  /// Finishes the load: waits for the rows still being written, then sets
  /// `resolved_user_id` on every row from the final identity graph, as a warehouse's
  /// identity-stitching job does after loading. So the rows of an anonymous id that was
  /// merged later, such as events before a login, get the user it turned out to be. A row
  /// whose anonymous id was never merged has no resolved user.
  ///
  /// - Throws: `SQLiteError` from inserting a row or from stitching.
  public func stitch(_ identities: IdentityGraph) throws {
    try writer.finish()
    try database.execute(
      """
      DROP TABLE IF EXISTS temp.identity_resolution;
      CREATE TEMP TABLE identity_resolution (id TEXT PRIMARY KEY, user_id TEXT NOT NULL);
      """)
    let insert = try database.prepare(
      "INSERT INTO identity_resolution (id, user_id) VALUES (?, ?)")
    for (id, userId) in identities.resolutions() {
      try insert.bindText(id, at: 1)
      try insert.bindText(userId, at: 2)
      try insert.runBound()
    }
    // Rewriting a row costs far more than computing its value, so only the rows whose
    // resolved user changes are updated.
    try database.execute(
      """
      UPDATE messages SET resolved_user_id = \(Self.stitchedUser)
      WHERE resolved_user_id IS NOT \(Self.stitchedUser);
      DROP TABLE identity_resolution;
      """)
  }

  /// The resolved user of a `messages` row by the final identity graph in
  /// `identity_resolution`: the root of its user id, else the root of its anonymous id.
  private static let stitchedUser = """
    (CASE
      WHEN user_id IS NOT NULL AND user_id <> '' THEN
        COALESCE((SELECT r.user_id FROM identity_resolution r WHERE r.id = messages.user_id),
                 user_id)
      ELSE (SELECT r.user_id FROM identity_resolution r WHERE r.id = messages.anonymous_id)
    END)
    """
}

/// A message on its way to the warehouse, with the time it was delivered.
struct LoadedMessage: Sendable {
  let message: Message
  let loadedAt: SimTime
}

/// Encodes messages as rows of the `messages` table and inserts them, on the writer
/// thread, with one prepared statement bound column by column.
private final class MessageInserter {
  static let sql = """
    INSERT INTO messages (message_id, type, event, name, user_id, anonymous_id, previous_id,
      resolved_user_id, timestamp, timestamp_ms, sent_at, received_at, loaded_at, source,
      properties, traits, context)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  private let statement: Statement
  private let clock: ScenarioClock
  private var json = JSONWriter()

  init(statement: Statement, clock: ScenarioClock) {
    self.statement = statement
    self.clock = clock
  }

  func insert(_ batch: [LoadedMessage]) throws {
    for row in batch {
      try insert(row.message, loadedAt: row.loadedAt)
    }
  }

  private func insert(_ message: Message, loadedAt time: SimTime) throws {
    try statement.bindText(message.messageId?.description, at: 1)
    try statement.bindText(message.type.rawValue, at: 2)
    try statement.bindText(message.event, at: 3)
    try statement.bindText(message.name, at: 4)
    try statement.bindText(message.userId, at: 5)
    try statement.bindText(message.anonymousId, at: 6)
    try statement.bindText(message.previousId, at: 7)
    try statement.bindText(message.resolvedUserId, at: 8)
    try statement.bindText(clock.iso8601(message.timestamp), at: 9)
    try statement.bindInteger(message.timestamp.milliseconds, at: 10)
    try statement.bindText(clock.iso8601(message.sentAt), at: 11)
    try statement.bindText(clock.iso8601(message.receivedAt ?? time), at: 12)
    try statement.bindText(clock.iso8601(time), at: 13)
    try statement.bindText(message.source.rawValue, at: 14)
    try bindJSON(at: 15) { message.properties.write(to: &$0) }
    try bindJSON(at: 16) { message.traits.write(to: &$0) }
    try bindJSON(at: 17) { message.context.write(to: &$0) }
    try statement.runBound()
  }

  /// Binds the JSON that `write` produces, straight from the writer's bytes; one writer
  /// serves every column, so its memory is reused.
  private func bindJSON(at index: Int32, _ write: (inout JSONWriter) -> Void) throws {
    json.reset()
    write(&json)
    try json.withUTF8 { try statement.bindText(utf8: $0, at: index) }
  }
}

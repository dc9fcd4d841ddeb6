import Simulation
import Warehouse

/// The warehouse destination: loads each delivered message as a row of the `messages`
/// table, with its properties, traits and context as JSON text.
public final class WarehouseDestination {
  private let database: Database
  private let clock: ScenarioClock
  private static let insert = """
    INSERT INTO messages (message_id, type, event, name, user_id, anonymous_id, previous_id,
      resolved_user_id, timestamp, timestamp_ms, sent_at, received_at, loaded_at, source,
      properties, traits, context)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  public init(database: Database, clock: ScenarioClock) {
    self.database = database
    self.clock = clock
  }

  /// Inserts `message`, loaded at `time`, with the `resolvedUserId` Collect gave it. A copy
  /// that Collect accepted again after the deduplication window becomes a second row with
  /// the same message id, as it would in a real warehouse.
  public func load(_ message: Message, at time: SimTime) throws {
    let statement = try database.cachedStatement(Self.insert)
    let values: [any SQLiteBindable] = [
      message.messageId?.description,
      message.type.rawValue,
      message.event,
      message.name,
      message.userId,
      message.anonymousId,
      message.previousId,
      message.resolvedUserId,
      clock.iso8601(message.timestamp),
      message.timestamp.milliseconds,
      clock.iso8601(message.sentAt),
      clock.iso8601(message.receivedAt ?? time),
      clock.iso8601(time),
      message.source.rawValue,
      message.properties.json,
      message.traits.json,
      message.context.json,
    ]
    try statement.run(binding: values)
  }

  /// Sets `resolved_user_id` on every loaded row from the final identity graph, as a
  /// warehouse's identity-stitching job does after loading. So the rows of an anonymous id
  /// that was merged later, such as events before a login, get the user it turned out to
  /// be. A row whose anonymous id was never merged has no resolved user.
  public func stitch(_ identities: IdentityGraph) throws {
    try database.execute(
      """
      DROP TABLE IF EXISTS temp.identity_resolution;
      CREATE TEMP TABLE identity_resolution (id TEXT PRIMARY KEY, user_id TEXT NOT NULL);
      """)
    let insert = try database.prepare(
      "INSERT INTO identity_resolution (id, user_id) VALUES (?, ?)")
    for (id, userId) in identities.resolutions() {
      try insert.run(binding: [id, userId])
    }
    try database.execute(
      """
      UPDATE messages SET resolved_user_id = CASE
        WHEN user_id IS NOT NULL AND user_id <> '' THEN
          COALESCE((SELECT r.user_id FROM identity_resolution r WHERE r.id = messages.user_id),
                   user_id)
        ELSE (SELECT r.user_id FROM identity_resolution r WHERE r.id = messages.anonymous_id)
      END;
      DROP TABLE identity_resolution;
      """)
  }
}

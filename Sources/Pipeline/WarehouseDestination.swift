import Simulation
import Warehouse

/// The warehouse destination: loads each delivered message as a row of the `messages`
/// table, with its properties, traits and context as JSON text.
public final class WarehouseDestination {
  private let database: Database
  private let clock: ScenarioClock
  private static let insert = """
    INSERT INTO messages (message_id, type, event, name, user_id, anonymous_id, timestamp,
      timestamp_ms, received_at, loaded_at, source, properties, traits, context)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  public init(database: Database, clock: ScenarioClock) {
    self.database = database
    self.clock = clock
  }

  /// Inserts `message`, loaded at `time`. The message id is the primary key, so loading
  /// the same message twice fails; Collect drops duplicates before they reach Route.
  public func load(_ message: Message, at time: SimTime) throws {
    let statement = try database.cachedStatement(Self.insert)
    let values: [any SQLiteBindable] = [
      message.messageId?.description,
      message.type.rawValue,
      message.event,
      message.name,
      message.userId,
      message.anonymousId,
      clock.iso8601(message.timestamp),
      message.timestamp.milliseconds,
      clock.iso8601(message.receivedAt ?? time),
      clock.iso8601(time),
      message.source.rawValue,
      message.properties.json,
      message.traits.json,
      message.context.json,
    ]
    try statement.run(binding: values)
  }
}

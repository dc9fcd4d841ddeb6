/// The message ids of a replay: each `messageId` spelling of the file gets one `MessageID`,
/// and the messaging engine's own messages get ids that no spelling of the file uses.
///
/// Collect drops a message whose id it has seen, so two lines with the same spelling must
/// map to equal ids whatever their other fields. The first line with a spelling fixes its
/// customer and counter, which key the message's random draws in Route.
public struct MessageIDTable: Sendable {
  private var idsBySpelling: [String: MessageID] = [:]
  /// The next counter of each customer, shared by the file's ids and the engine's.
  private var nextCounters: [UInt64: UInt32] = [:]

  public init() {}

  /// Returns the id of the spelling `text`, creating it for `customer` the first time.
  public mutating func id(spelled text: String, customer: UInt64) -> MessageID {
    if let id = idsBySpelling[text] { return id }
    let id = MessageID(customer: customer, counter: takeCounter(customer), external: text)
    idsBySpelling[text] = id
    return id
  }

  /// Returns a new id for one of the engine's messages to `customer`. It renders as
  /// `CUSTOMER-COUNTER`, and a counter whose rendering a file's spelling already uses is
  /// passed over, so the warehouse never receives one id twice. Call it only after every line
  /// of the file was read.
  public mutating func newID(for customer: UInt64) -> MessageID {
    while true {
      let id = MessageID(customer: customer, counter: takeCounter(customer))
      if idsBySpelling[id.description] == nil { return id }
    }
  }

  private mutating func takeCounter(_ customer: UInt64) -> UInt32 {
    let counter = nextCounters[customer, default: 0]
    // NOTE: past 2^32 ids of one customer the counter wraps, and Route's draws repeat.
    nextCounters[customer] = counter &+ 1
    return counter
  }
}

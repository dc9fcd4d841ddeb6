import Simulation

/// The result of reading one line of a Segment export with `SegmentMessageReader`.
public enum SegmentLine: Sendable {
  /// A message for Collect, which still applies its own checks.
  case message(Message)
  /// A message that the messaging engine produced, with the reason. A replay simulates the
  /// engine itself, so it does not collect these.
  case skipped(reason: String)
  /// A line that cannot become a message: quarantined before Collect.
  case rejected(SegmentLineRejection)
  /// A line with nothing but whitespace.
  case empty
}

/// Why the reader quarantined a line: a reason from a fixed list, which the counts group
/// by, and a detail that names the field, value or column.
public struct SegmentLineRejection: Error, Sendable, Equatable {
  public let reason: String
  public let detail: String

  public init(_ reason: String, _ detail: String) {
    self.reason = reason
    self.detail = detail
  }

  /// Returns the rejection of a line longer than `SegmentMessageReader.maximumLineBytes`,
  /// which is not parsed.
  public static func lineTooLong(byteCount: Int) -> SegmentLineRejection {
    SegmentLineRejection(
      "line over 4 MiB",
      "the line has \(byteCount) bytes; the limit is \(SegmentMessageReader.maximumLineBytes)")
  }
}

/// Reads Segment Spec messages, one JSON object per line, into `Message` values for a
/// replay of the scenario whose clock it is given.
///
/// Each line is checked in this order, and the first problem quarantines it:
/// `line over 4 MiB`, `invalid UTF-8`, `invalid JSON`, `not a JSON object`, `missing type`,
/// `unknown type` (one of the spec's six, lowercase), `invalid FIELD` (a field of the wrong
/// JSON type: `messageId`, `anonymousId`, `userId`, `event`, `name`, `previousId` and
/// `groupId` must be strings, `properties`, `traits` and `context` objects, and `null`
/// counts as absent), `invalid context.loopsimSource`, `property value over 1 MiB` (in
/// `properties`, `traits` or `context`), `more than 10,000 properties` (in one of those
/// three objects), `invalid timestamp` (`timestamp`, `sentAt` or
/// `receivedAt`), `missing timestamp` (neither `timestamp` nor `sentAt`),
/// `timestamp before the scenario start`, `alias without previousId`, `group without groupId`. Collect then applies its own
/// checks, such as `missing userId and anonymousId`, to the messages.
///
/// Conversions:
/// - Times: `timestamp` falls back to `sentAt`, and `sentAt` to `timestamp`. A device's
///   clock may put them anywhere, but the time the message reached the collector
///   (`receivedAt`, or `sentAt` without it) may not precede `run.start`. The replay
///   delivers the message to Collect at that time, after the end of the run too, as a run
///   collects what an offline app sends late. Collect then stamps its own `receivedAt`.
/// - Ids: an empty `userId`, `anonymousId` or `previousId` counts as absent.
/// - Values: strings, booleans, integers (no fraction or exponent, within 64 bits) and other
///   numbers map to the same `PropertyValue`; an array of strings to `.strings`; `null`,
///   objects and other arrays to `.json` with their compact text.
/// - Context: `campaign` (when it has exactly string `name`, `source`, `medium` and an
///   optional `content`) and a string `timezone` are modelled; every other member passes
///   through in `MessageContext.otherMembers`. `loopsimSource` sets the message's source and
///   is not kept. Top-level fields other than those above (`integrations`, `version`, …)
///   are dropped.
/// - Source: `context.loopsimSource` when present; otherwise `front-end` for a message with
///   an anonymous id and `back-end` for one without, as LoopSim's own messages are.
/// - Customer: the first 8 bytes of the SHA-256 of the `userId`, or of the `anonymousId`
///   when the user id is absent or empty, as a big-endian integer; 0 for a message with
///   neither, which Collect quarantines. It keys the message's random draws in Route and,
///   through the profile, the engine's draws.
///
/// Skipped lines: a message marked `context.loopsimSource: "messaging"`, and an unmarked
/// track message whose event is one the messaging engine sends (`Experiment Viewed`,
/// `Email Sent`, `Email Delivered`, `Email Bounced`, `Email Opened`, `Email Link Clicked`).
public struct SegmentMessageReader {
  /// The maximum length of a line, in bytes. Longer lines are quarantined unparsed.
  public static let maximumLineBytes = 4 * 1_048_576
  /// The largest value of one member of `properties`, `traits` or `context`, in bytes of
  /// its JSON text.
  public static let maximumValueBytes = 1_048_576
  /// The maximum number of members of `properties`, `traits` or `context`. Real messages
  /// have far fewer, and a limit keeps the tracking plan's per-property work on one message
  /// small.
  public static let maximumMembers = 10_000

  /// The events that the messaging engine sends, skipped when a line is not marked.
  public static let engineEvents: Set<String> = [
    "Experiment Viewed", "Email Sent", "Email Delivered", "Email Bounced", "Email Opened",
    "Email Link Clicked",
  ]

  public static let messagingSkipReason = "messaging engine message"
  public static let unmarkedEngineEventSkipReason = "unmarked messaging engine event"

  public let clock: ScenarioClock
  /// The ids given to the spellings of `messageId` read so far.
  public private(set) var messageIDs = MessageIDTable()
  private var customersByIdentity: [String: UInt64] = [:]

  public init(clock: ScenarioClock) {
    self.clock = clock
  }

  /// Reads one line, without its line break.
  ///
  /// - Throws: `SHA256Error` when libcrypto fails to hash an id. Every problem of the line
  ///   itself is a `.rejected` result instead.
  public mutating func read(_ line: [UInt8]) throws -> SegmentLine {
    if line.count > Self.maximumLineBytes {
      return .rejected(.lineTooLong(byteCount: line.count))
    }
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
      return .empty
    }
    if let offset = JSONLineParser.firstInvalidUTF8Byte(in: line) {
      return .rejected(
        SegmentLineRejection("invalid UTF-8", "the byte at column \(offset + 1) is not valid UTF-8")
      )
    }

    let value: JSONLineValue
    do {
      value = try JSONLineParser.parse(line)
    } catch {
      return .rejected(SegmentLineRejection("invalid JSON", error.description))
    }
    guard case .object(let members) = value else {
      return .rejected(
        SegmentLineRejection("not a JSON object", "the line is \(value.kindDescription)"))
    }

    let fields: SegmentFields
    do {
      fields = try SegmentFields(members, clock: clock)
    } catch {
      return .rejected(error)
    }
    if fields.marker == .messaging {
      return .skipped(reason: Self.messagingSkipReason)
    }
    if fields.marker == nil, fields.type == .track, let event = fields.event,
      Self.engineEvents.contains(event)
    {
      return .skipped(reason: Self.unmarkedEngineEventSkipReason)
    }
    return .message(try makeMessage(fields))
  }

  private mutating func makeMessage(_ fields: SegmentFields) throws -> Message {
    let identity = [fields.userId, fields.anonymousId].compactMap { $0 }.first { !$0.isEmpty }
    let customer = try identity.map { try self.customer(for: $0) } ?? 0
    let messageId = fields.messageId.flatMap {
      $0.isEmpty ? nil : messageIDs.id(spelled: $0, customer: customer)
    }
    var message = Message(
      type: fields.type, messageId: messageId, anonymousId: fields.anonymousId,
      userId: fields.userId, timestamp: fields.timestamp, sentAt: fields.sentAt,
      event: fields.event, name: fields.name, properties: fields.properties,
      traits: fields.traits,
      source: fields.marker ?? (fields.anonymousId == nil ? .backEnd : .frontEnd),
      customer: customer)
    message.previousId = fields.previousId
    message.groupId = fields.groupId
    message.context = fields.context
    message.receivedAt = fields.receivedAt
    return message
  }

  /// Returns the customer number of a user id or anonymous id.
  private mutating func customer(for identity: String) throws -> UInt64 {
    if let customer = customersByIdentity[identity] { return customer }
    let digest = try SHA256.hash(identity)
    let customer = digest.bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    customersByIdentity[identity] = customer
    return customer
  }
}

import Simulation

/// The six message types of the Segment Spec.
public enum MessageType: String, Sendable, CaseIterable {
  case track, identify, page, screen, group, alias
}

/// A property or trait value: the JSON scalars a Segment message carries, plus lists.
public enum PropertyValue: Sendable, Equatable {
  case string(String)
  case integer(Int64)
  case number(Double)
  case bool(Bool)
  case strings([String])
  /// Any other JSON value (null, an object, or an array that is not all strings) as compact
  /// JSON text. Only messages read from a file carry one, and it passes through unchanged.
  case json(String)
}

/// Properties or traits in the order they were set, so rendering never depends on
/// dictionary order.
public struct Properties: Sendable, Equatable {
  public private(set) var entries: [(key: String, value: PropertyValue)] = []

  public init() {}

  public init(_ entries: [(String, PropertyValue)]) {
    for (key, value) in entries {
      self[key] = value
    }
  }

  /// Creates properties from entries whose keys are all different, in O(n) rather than the
  /// O(n²) of setting them one by one.
  init(distinctEntries: [(key: String, value: PropertyValue)]) {
    entries = distinctEntries
  }

  public var isEmpty: Bool { entries.isEmpty }

  public subscript(key: String) -> PropertyValue? {
    get { entries.first(where: { $0.key == key })?.value }
    set {
      if let index = entries.firstIndex(where: { $0.key == key }) {
        if let newValue {
          entries[index].value = newValue
        } else {
          entries.remove(at: index)
        }
      } else if let newValue {
        entries.append((key, newValue))
      }
    }
  }

  /// Returns the properties with each key that `renames` names replaced by its new name,
  /// in place. When two entries end up with one name, the later entry's value stays, at the
  /// earlier entry's place.
  public func renamingKeys(_ renames: [String: String]) -> Properties {
    var renamed = Properties()
    for (key, value) in entries {
      renamed[renames[key] ?? key] = value
    }
    return renamed
  }

  public static func == (lhs: Properties, rhs: Properties) -> Bool {
    lhs.entries.count == rhs.entries.count
      && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}

/// A message id that is unique and deterministic: the customer who caused the message and
/// a per-customer counter, never `UUID()`. Rendered as `CUSTOMER-COUNTER`, or as the
/// sender's own spelling for a message read from a file.
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
  public let customer: UInt64
  public let counter: UInt32
  /// The `messageId` as a replayed file spelled it; nil for the ids LoopSim makes.
  public let external: String?

  public init(customer: UInt64, counter: UInt32, external: String? = nil) {
    self.customer = customer
    self.counter = counter
    self.external = external
  }

  public var description: String { external ?? "\(customer)-\(counter)" }
}

/// Where a message was produced: the website or app (front end) or the backend.
public enum MessageSource: String, Sendable {
  case frontEnd = "front-end"
  case backEnd = "back-end"
  case messaging = "messaging"
}

/// A message in the Segment Spec's common shape.
///
/// Field names follow the spec (`messageId`, `anonymousId`, `userId`, `timestamp`,
/// `sentAt`, `receivedAt`, `event` for track, `name` for page and screen, `properties`,
/// `traits`). Times are simulated; they are rendered as ISO 8601 UTC from the scenario's
/// start date when a message is written out.
///
/// A message is a value with copy-on-write storage: a copy shares the fields until one
/// side changes them, so passing a message through Collect, Route and each destination
/// costs one reference count instead of one per string and list.
public struct Message: Sendable {
  /// The stored fields, which the public properties read and write.
  fileprivate struct Fields {
    var type: MessageType
    var messageId: MessageID?
    var anonymousId: String?
    var userId: String?
    var previousId: String?
    var timestamp: SimTime
    var sentAt: SimTime
    var receivedAt: SimTime?
    var resolvedUserId: String?
    var event: String?
    var name: String?
    var groupId: String?
    var properties: Properties
    var traits: Properties
    var context = MessageContext()
    var source: MessageSource
    var customer: UInt64
    var isResend = false
  }

  /// The shared fields. It is changed only when uniquely referenced (see `fields`), so
  /// no two threads ever see one storage object change.
  private final class Storage: @unchecked Sendable {
    // Only `Message` reaches the fields, and its `fields` accessor is the one place that
    // writes them, so the run-time exclusivity check on every access can go.
    @exclusivity(unchecked) var fields: Fields

    init(_ fields: Fields) {
      self.fields = fields
    }
  }

  private var storage: Storage

  /// The fields, copied first when another message shares them.
  private var fields: Fields {
    get { storage.fields }
    _modify {
      if !isKnownUniquelyReferenced(&storage) {
        storage = Storage(storage.fields)
      }
      yield &storage.fields
    }
  }

  public var type: MessageType {
    get { storage.fields.type }
    _modify { yield &fields.type }
  }

  public var messageId: MessageID? {
    get { storage.fields.messageId }
    _modify { yield &fields.messageId }
  }

  public var anonymousId: String? {
    get { storage.fields.anonymousId }
    _modify { yield &fields.anonymousId }
  }

  public var userId: String? {
    get { storage.fields.userId }
    _modify { yield &fields.userId }
  }

  /// The id the user had before, on an `alias` message: an anonymous id or an earlier user
  /// id that `userId` now replaces.
  public var previousId: String? {
    get { storage.fields.previousId }
    _modify { yield &fields.previousId }
  }

  /// When the event happened, by the clock of the device or server that recorded it. A
  /// device clock may be wrong (`pipeline.client.clockSkew`), and Collect keeps the value
  /// as sent.
  public var timestamp: SimTime {
    get { storage.fields.timestamp }
    _modify { yield &fields.timestamp }
  }

  /// When the sender sent it, by the sender's clock. It equals `timestamp` unless the client
  /// held the message (offline) or sent it again (a retried request).
  public var sentAt: SimTime {
    get { storage.fields.sentAt }
    _modify { yield &fields.sentAt }
  }

  /// When Collect received it, by the platform's clock; set by Collect.
  public var receivedAt: SimTime? {
    get { storage.fields.receivedAt }
    _modify { yield &fields.receivedAt }
  }

  /// The user the message belongs to in Collect's identity graph when Collect accepted it:
  /// the user id, followed through aliases, or the user an anonymous id was merged into.
  /// Nil while the anonymous id is merged into no user. Set by Collect.
  public var resolvedUserId: String? {
    get { storage.fields.resolvedUserId }
    _modify { yield &fields.resolvedUserId }
  }

  /// The event name of a `track` message, such as `Product Added`.
  public var event: String? {
    get { storage.fields.event }
    _modify { yield &fields.event }
  }

  /// The page or screen name of a `page` or `screen` message.
  public var name: String? {
    get { storage.fields.name }
    _modify { yield &fields.name }
  }

  /// The group (account, company) of a `group` message.
  public var groupId: String? {
    get { storage.fields.groupId }
    _modify { yield &fields.groupId }
  }

  public var properties: Properties {
    get { storage.fields.properties }
    _modify { yield &fields.properties }
  }

  public var traits: Properties {
    get { storage.fields.traits }
    _modify { yield &fields.traits }
  }

  /// The spec's `context` object: the fields LoopSim fills, and a replayed message's others.
  public var context: MessageContext {
    get { storage.fields.context }
    _modify { yield &fields.context }
  }

  public var source: MessageSource {
    get { storage.fields.source }
    _modify { yield &fields.source }
  }

  /// The customer the simulator knows sent it; ground truth, not part of the spec, and
  /// never used by the stages that model what marketing sees.
  public var customer: UInt64 {
    get { storage.fields.customer }
    _modify { yield &fields.customer }
  }

  /// Whether the client sent this copy again after the first (a retried request with the
  /// same messageId). Ground truth like `customer`: Collect uses it only to count the
  /// copies that it accepts because they came after the deduplication window.
  public var isResend: Bool {
    get { storage.fields.isResend }
    _modify { yield &fields.isResend }
  }

  public init(
    type: MessageType, messageId: MessageID?, anonymousId: String? = nil,
    userId: String? = nil, timestamp: SimTime, sentAt: SimTime? = nil,
    event: String? = nil, name: String? = nil, properties: Properties = Properties(),
    traits: Properties = Properties(), previousId: String? = nil, source: MessageSource,
    customer: UInt64
  ) {
    storage = Storage(
      Fields(
        type: type, messageId: messageId, anonymousId: anonymousId, userId: userId,
        previousId: previousId, timestamp: timestamp, sentAt: sentAt ?? timestamp,
        receivedAt: nil, resolvedUserId: nil, event: event, name: name, groupId: nil,
        properties: properties, traits: traits, source: source, customer: customer))
  }
}

/// The `context.campaign` object: the UTM parameters of the landing URL.
public struct Campaign: Sendable, Equatable {
  public var name: String
  public var source: String
  public var medium: String
  public var content: String?

  public init(name: String, source: String, medium: String, content: String? = nil) {
    self.name = name
    self.source = source
    self.medium = medium
    self.content = content
  }
}

/// The `context.app` object of a message sent by the mobile app.
public struct AppContext: Sendable, Equatable {
  public var name: String
  public var version: String
  public var build: String
  public var namespace: String

  public init(name: String, version: String, build: String, namespace: String) {
    self.name = name
    self.version = version
    self.build = build
    self.namespace = namespace
  }

  /// The course business's app, the same in every run.
  public static let loopSim = AppContext(
    name: "LoopSim Classes", version: "3.2.0", build: "320", namespace: "com.loopsim.classes")
}

/// The `context.device` object of a message sent by the mobile app.
public struct DeviceContext: Sendable, Equatable {
  /// The device's id, fixed per customer; see `CustomerIdentity.deviceId(_:)`.
  public var id: String
  /// The kind of device, `mobile` for the app.
  public var type: String

  public init(id: String, type: String) {
    self.id = id
    self.type = type
  }
}

/// The parts of the spec's `context` object that LoopSim fills, plus the members of a
/// replayed message's context that LoopSim does not model.
public struct MessageContext: Sendable, Equatable {
  public var campaign: Campaign?
  /// The device's time zone, such as `America/New_York`.
  public var timezone: String?
  /// The app and the device, on messages from the mobile app only.
  public var app: AppContext?
  public var device: DeviceContext?
  /// The message's producer, written as `loopsimSource` in exported messages so that a
  /// replay can tell the messaging engine's messages from the customers'. Nil on the
  /// messages a run routes.
  public var loopsimSource: MessageSource?
  /// The other members of a replayed message's context (`library`, `page`, `ip`, …) in
  /// the order read, passed through unchanged.
  public var otherMembers = Properties()

  public init(
    campaign: Campaign? = nil, timezone: String? = nil, app: AppContext? = nil,
    device: DeviceContext? = nil
  ) {
    self.campaign = campaign
    self.timezone = timezone
    self.app = app
    self.device = device
  }
}

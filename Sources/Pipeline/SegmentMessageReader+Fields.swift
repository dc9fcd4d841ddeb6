import Simulation

/// The checked fields of one Segment message, in `SegmentMessageReader`'s order of checks.
struct SegmentFields {
  let type: MessageType
  let messageId: String?
  let anonymousId: String?
  let userId: String?
  let event: String?
  let name: String?
  let previousId: String?
  let groupId: String?
  let properties: Properties
  let traits: Properties
  let context: MessageContext
  /// `context.loopsimSource`, when present.
  let marker: MessageSource?
  let timestamp: SimTime
  let sentAt: SimTime
  /// The time the collector received the message, when the line gives one.
  let receivedAt: SimTime?

  /// Checks and converts the members of a message object.
  ///
  /// - Throws: the first problem, as `SegmentMessageReader` lists them.
  init(_ members: [JSONLineMember], clock: ScenarioClock)
    throws(SegmentLineRejection)
  {
    guard let typeValue = members[key: "type"], typeValue != .null else {
      throw SegmentLineRejection("missing type", "the message has no type field")
    }
    guard case .string(let typeName) = typeValue, let type = MessageType(rawValue: typeName)
    else {
      throw SegmentLineRejection(
        "unknown type",
        "type is \(Self.describe(typeValue)); expected track, identify, page, screen, group "
          + "or alias")
    }
    self.type = type

    messageId = try Self.string("messageId", in: members)
    // An empty id names no one, so it counts as absent everywhere downstream.
    anonymousId = try Self.string("anonymousId", in: members).flatMap { $0.isEmpty ? nil : $0 }
    userId = try Self.string("userId", in: members).flatMap { $0.isEmpty ? nil : $0 }
    event = try Self.string("event", in: members)
    name = try Self.string("name", in: members)
    previousId = try Self.string("previousId", in: members).flatMap { $0.isEmpty ? nil : $0 }
    groupId = try Self.string("groupId", in: members)
    let propertyMembers = try Self.object("properties", in: members)
    let traitMembers = try Self.object("traits", in: members)
    let contextMembers = try Self.object("context", in: members)
    (context, marker) = try Self.context(contextMembers)

    for (field, fieldMembers) in [
      ("properties", propertyMembers), ("traits", traitMembers), ("context", contextMembers),
    ] {
      for member in fieldMembers where member.byteCount > SegmentMessageReader.maximumValueBytes {
        throw SegmentLineRejection(
          "property value over 1 MiB",
          "\(field).\(member.key.prefix(100)) has \(member.byteCount) bytes of JSON; the limit "
            + "is \(SegmentMessageReader.maximumValueBytes)")
      }
      if fieldMembers.count > SegmentMessageReader.maximumMembers {
        throw SegmentLineRejection(
          "more than 10,000 properties",
          "\(field) has \(fieldMembers.count) members; the limit is "
            + "\(SegmentMessageReader.maximumMembers)")
      }
    }
    properties = Properties(
      distinctEntries: propertyMembers.map { ($0.key, Self.propertyValue($0.value)) })
    traits = Properties(
      distinctEntries: traitMembers.map { ($0.key, Self.propertyValue($0.value)) })

    let written = try Self.time("timestamp", in: members, clock: clock)
    let sent = try Self.time("sentAt", in: members, clock: clock)
    let received = try Self.time("receivedAt", in: members, clock: clock)
    guard let timestamp = written ?? sent, let sentAt = sent ?? written else {
      throw SegmentLineRejection(
        "missing timestamp", "the message has neither timestamp nor sentAt")
    }
    // A device clock may stamp `timestamp` and `sentAt` outside the window (clock skew,
    // offline batches), so only the time the message reached the collector must lie in it.
    let arrival = received ?? sentAt
    let field = received == nil ? (sent == nil ? "timestamp" : "sentAt") : "receivedAt"
    if arrival < .zero {
      throw SegmentLineRejection(
        "timestamp before the scenario start",
        "\(field) is \(clock.iso8601(arrival)), before run.start \(clock.iso8601(.zero))")
    }
    self.receivedAt = received
    self.timestamp = timestamp
    self.sentAt = sentAt

    if type == .alias, previousId?.isEmpty ?? true {
      throw SegmentLineRejection("alias without previousId", "an alias call needs a previousId")
    }
    if type == .group, groupId?.isEmpty ?? true {
      throw SegmentLineRejection("group without groupId", "a group call needs a groupId")
    }
  }

  // MARK: Fields

  /// Returns the string member `key`; nil when it is absent or null.
  private static func string(_ key: String, in members: [JSONLineMember])
    throws(SegmentLineRejection) -> String?
  {
    switch members[key: key] {
    case nil, .null?:
      return nil
    case .string(let text)?:
      return text
    case let other?:
      throw SegmentLineRejection(
        "invalid \(key)", "\(key) is \(other.kindDescription); expected a string")
    }
  }

  /// Returns the members of the object member `key`; empty when it is absent or null.
  private static func object(_ key: String, in members: [JSONLineMember])
    throws(SegmentLineRejection) -> [JSONLineMember]
  {
    switch members[key: key] {
    case nil, .null?:
      return []
    case .object(let objectMembers)?:
      return objectMembers
    case let other?:
      throw SegmentLineRejection(
        "invalid \(key)", "\(key) is \(other.kindDescription); expected an object")
    }
  }

  /// Returns the simulated time of the timestamp member `key`; nil when it is absent or null.
  private static func time(_ key: String, in members: [JSONLineMember], clock: ScenarioClock)
    throws(SegmentLineRejection) -> SimTime?
  {
    switch members[key: key] {
    case nil, .null?:
      return nil
    case .string(let text)?:
      guard let time = clock.simulatedTime(parsingTimestamp: text) else {
        throw SegmentLineRejection(
          "invalid timestamp",
          "\(key) \(describe(.string(text))) is not an ISO 8601 date-time with seconds and an "
            + "offset, such as 2026-01-05T09:30:00.250Z")
      }
      return time
    case let other?:
      throw SegmentLineRejection(
        "invalid timestamp", "\(key) is \(other.kindDescription); expected a string")
    }
  }

  /// Splits the context into the fields LoopSim models, the source marker and the rest.
  private static func context(_ members: [JSONLineMember])
    throws(SegmentLineRejection) -> (MessageContext, MessageSource?)
  {
    var context = MessageContext()
    var marker: MessageSource?
    var others: [(key: String, value: PropertyValue)] = []
    for member in members {
      switch (member.key, member.value) {
      case ("loopsimSource", let value):
        guard case .string(let text) = value, let source = MessageSource(rawValue: text) else {
          throw SegmentLineRejection(
            "invalid context.loopsimSource",
            "context.loopsimSource is \(describe(value)); expected front-end, back-end or "
              + "messaging")
        }
        marker = source
      case ("timezone", .string(let text)):
        context.timezone = text
      case ("campaign", .object(let fields)):
        if let campaign = campaign(fields) {
          context.campaign = campaign
        } else {
          others.append((member.key, propertyValue(member.value)))
        }
      default:
        others.append((member.key, propertyValue(member.value)))
      }
    }
    context.otherMembers = Properties(distinctEntries: others)
    return (context, marker)
  }

  /// Returns the campaign when its members are exactly the ones `Campaign` models, all
  /// strings; nil otherwise, so that the object passes through unchanged.
  private static func campaign(_ members: [JSONLineMember]) -> Campaign? {
    var texts: [String: String] = [:]
    for member in members {
      guard ["name", "source", "medium", "content"].contains(member.key),
        case .string(let text) = member.value
      else { return nil }
      texts[member.key] = text
    }
    guard let name = texts["name"], let source = texts["source"], let medium = texts["medium"]
    else { return nil }
    return Campaign(name: name, source: source, medium: medium, content: texts["content"])
  }

  // MARK: Values

  static func propertyValue(_ value: JSONLineValue) -> PropertyValue {
    switch value {
    case .string(let text):
      return .string(text)
    case .bool(let flag):
      return .bool(flag)
    case .integer(let number):
      return .integer(number)
    case .number(let number):
      return .number(number)
    case .array(let elements):
      var texts: [String] = []
      for element in elements {
        guard case .string(let text) = element else { return .json(value.compactJSON) }
        texts.append(text)
      }
      return .strings(texts)
    case .null, .object:
      return .json(value.compactJSON)
    }
  }

  /// Describes a value for a detail: a string quoted and cut to 100 characters, or the
  /// kind of any other value.
  static func describe(_ value: JSONLineValue) -> String {
    guard case .string(let text) = value else { return value.kindDescription }
    let shown = text.count > 100 ? text.prefix(100) + "…" : Substring(text)
    return "\"\(shown)\""
  }
}

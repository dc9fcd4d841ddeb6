import Config
import Simulation

extension Properties {
  /// The properties as a JSON object, keys in the order they were set.
  public var json: String {
    var writer = JSONWriter()
    write(to: &writer)
    return writer.text
  }

  func write(to writer: inout JSONWriter) {
    writer.beginObject()
    for (key, value) in entries {
      writer.key(key)
      value.write(to: &writer)
    }
    writer.endObject()
  }
}

extension PropertyValue {
  func write(to writer: inout JSONWriter) {
    switch self {
    case .string(let text): writer.string(text)
    case .integer(let number): writer.integer(number)
    case .number(let number): writer.number(number)
    case .bool(let flag): writer.bool(flag)
    case .strings(let list):
      writer.beginArray()
      for item in list { writer.string(item) }
      writer.endArray()
    case .json(let text): writer.raw(text)
    }
  }
}

extension MessageContext {
  /// The context object as JSON: the `library` that sent the message, the `campaign` when
  /// the landing URL carried UTM parameters, the device's `timezone` when known, the
  /// `app` and `device` on messages from the mobile app, the `loopsimSource` when set,
  /// then the other members of a replayed message.
  ///
  /// The library is `{"name":"loopsim"}` unless the other members carry a `library` of
  /// their own.
  public var json: String {
    var writer = JSONWriter()
    write(to: &writer)
    return writer.text
  }

  func write(to writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("library")
    if let library = otherMembers["library"] {
      library.write(to: &writer)
    } else {
      writer.beginObject()
      writer.member("name", "loopsim")
      writer.endObject()
    }
    if let campaign {
      writer.key("campaign")
      writer.beginObject()
      writer.member("name", campaign.name)
      writer.member("source", campaign.source)
      writer.member("medium", campaign.medium)
      if let content = campaign.content { writer.member("content", content) }
      writer.endObject()
    }
    if let timezone {
      writer.member("timezone", timezone)
    }
    if let app {
      writer.key("app")
      writer.beginObject()
      writer.member("name", app.name)
      writer.member("version", app.version)
      writer.member("build", app.build)
      writer.member("namespace", app.namespace)
      writer.endObject()
    }
    if let device {
      writer.key("device")
      writer.beginObject()
      writer.member("id", device.id)
      writer.member("type", device.type)
      writer.endObject()
    }
    if let loopsimSource {
      writer.member("loopsimSource", loopsimSource.rawValue)
    }
    for (key, value) in otherMembers.entries where key != "library" {
      writer.key(key)
      value.write(to: &writer)
    }
    writer.endObject()
  }
}

extension Message {
  /// Renders the message as a Segment Spec JSON object, with times rendered by `clock`. An
  /// `alias` carries neither `properties` nor `traits`.
  public func segmentJSON(clock: ScenarioClock) -> String {
    var writer = JSONWriter()
    writer.beginObject()
    writer.member("type", type.rawValue)
    writer.member("messageId", messageId?.description)
    if let anonymousId { writer.member("anonymousId", anonymousId) }
    if let userId { writer.member("userId", userId) }
    if let previousId { writer.member("previousId", previousId) }
    if let groupId { writer.member("groupId", groupId) }
    if let event { writer.member("event", event) }
    if let name { writer.member("name", name) }
    writer.member("timestamp", clock.iso8601(timestamp))
    writer.member("sentAt", clock.iso8601(sentAt))
    if let receivedAt { writer.member("receivedAt", clock.iso8601(receivedAt)) }
    writer.key("context")
    context.write(to: &writer)
    switch type {
    case .identify, .group:
      writer.key("traits")
      traits.write(to: &writer)
    case .track, .page, .screen:
      writer.key("properties")
      properties.write(to: &writer)
    case .alias:
      break
    }
    writer.endObject()
    return writer.text
  }
}

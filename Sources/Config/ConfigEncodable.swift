/// A JSON value built in code, for writing a validated configuration back out.
///
/// Objects are dictionaries and always render with their keys sorted, so the text of a
/// resolved scenario depends only on its content, never on the order fields were set.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case unsigned(UInt64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Renders the value as JSON with sorted keys: two-space indented when `pretty`, with no
  /// trailing newline. Non-finite numbers render as `null`.
  public func canonicalText(pretty: Bool = true) -> String {
    var writer = JSONWriter(pretty: pretty)
    write(to: &writer)
    return writer.text
  }

  func write(to writer: inout JSONWriter) {
    switch self {
    case .null: writer.null()
    case .bool(let value): writer.bool(value)
    case .integer(let value): writer.integer(value)
    case .unsigned(let value): writer.integer(value)
    case .number(let value): writer.number(value)
    case .string(let value): writer.string(value)
    case .array(let elements):
      writer.beginArray()
      for element in elements { element.write(to: &writer) }
      writer.endArray()
    case .object(let members):
      writer.beginObject()
      for key in members.keys.sorted() {
        writer.key(key)
        members[key, default: .null].write(to: &writer)
      }
      writer.endObject()
    }
  }
}

/// A validated configuration value that can be written back in the scenario format, so
/// that reading the output gives the same value again.
public protocol ConfigEncodable {
  var configValue: JSONValue { get }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}

extension String: ConfigEncodable {
  public var configValue: JSONValue { .string(self) }
}

extension Int: ConfigEncodable {
  public var configValue: JSONValue { .integer(Int64(self)) }
}

extension UInt64: ConfigEncodable {
  public var configValue: JSONValue { .unsigned(self) }
}

extension Double: ConfigEncodable {
  public var configValue: JSONValue { .number(self) }
}

extension Bool: ConfigEncodable {
  public var configValue: JSONValue { .bool(self) }
}

extension Array: ConfigEncodable where Element: ConfigEncodable {
  public var configValue: JSONValue { .array(map(\.configValue)) }
}

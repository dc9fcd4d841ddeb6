import Config

/// A JSON value read from one line of a JSON Lines file by `JSONLineParser`.
public enum JSONLineValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number written without a fraction or exponent that fits in 64 bits.
  case integer(Int64)
  /// Any other number, as the nearest double.
  case number(Double)
  case string(String)
  case array([JSONLineValue])
  /// The members in the order written. The parser rejects a repeated key.
  case object([JSONLineMember])

  /// The kind of value with an article, for reasons: `a string`, `an object`.
  public var kindDescription: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .integer, .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// The value as compact JSON text: no spaces, members in the order written, numbers in the
  /// shortest form that reads back as the same value of the same case. So a `.number` keeps
  /// a fraction or an exponent (`1000.0`, `1e+16`) that distinguishes it from an `.integer`.
  public var compactJSON: String {
    var writer = JSONWriter()
    write(to: &writer)
    return writer.text
  }

  func write(to writer: inout JSONWriter) {
    switch self {
    case .null: writer.null()
    case .bool(let flag): writer.bool(flag)
    case .integer(let number): writer.integer(number)
    case .number(let number): writer.raw(number.description)
    case .string(let text): writer.string(text)
    case .array(let elements):
      writer.beginArray()
      for element in elements { element.write(to: &writer) }
      writer.endArray()
    case .object(let members):
      writer.beginObject()
      for member in members {
        writer.key(member.key)
        member.value.write(to: &writer)
      }
      writer.endObject()
    }
  }
}

/// One `"key": value` member of a JSON object, with the size of the value as written.
public struct JSONLineMember: Sendable, Equatable {
  public let key: String
  public let value: JSONLineValue
  /// Bytes of the value's text in the line, from its first to its last character.
  public let byteCount: Int

  public init(key: String, value: JSONLineValue, byteCount: Int) {
    self.key = key
    self.value = value
    self.byteCount = byteCount
  }
}

extension [JSONLineMember] {
  /// Returns the value of the member named `key`, or nil when there is none.
  public subscript(key key: String) -> JSONLineValue? {
    first(where: { $0.key == key })?.value
  }
}

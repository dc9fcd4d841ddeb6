/// A value from a configuration source together with where it came from.
public struct ConfigNode: Hashable, Sendable {
  public var value: ConfigValue
  /// The position of the value's first character, or of the opening bracket of an array or
  /// object.
  public var location: SourceLocation

  public init(_ value: ConfigValue, at location: SourceLocation) {
    self.value = value
    self.location = location
  }
}

/// The value of a `ConfigNode`: the six kinds of JSON value.
public enum ConfigValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case number(ConfigNumber)
  case string(String)
  case array([ConfigNode])
  case object(ConfigObject)

  /// The kind of value with an article, for messages: "a string", "an object".
  public var kindDescription: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// The members of a JSON5 object in source order. Each key occurs at most once, because
/// `setValue` replaces an existing member.
public struct ConfigObject: Hashable, Sendable {
  /// One `key: value` pair of an object.
  public struct Member: Hashable, Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: ConfigNode

    public init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
      self.key = key
      self.keyLocation = keyLocation
      self.value = value
    }
  }

  /// The members in the order they were written or added.
  public private(set) var members: [Member] = []
  private var indexByKey: [String: Int] = [:]

  public init() {}

  /// Creates an object from members in order. A later member with the same key as an earlier
  /// one replaces the earlier member's value and key location, as `setValue` does.
  public init(_ members: [Member]) {
    for member in members {
      setValue(member.value, forKey: member.key, keyLocation: member.keyLocation)
    }
  }

  public var count: Int { members.count }
  public var isEmpty: Bool { members.isEmpty }
  public var keys: [String] { members.map(\.key) }

  /// The value for `key`, or nil when the object has no such member. O(1) on average.
  public subscript(key: String) -> ConfigNode? {
    member(forKey: key)?.value
  }

  /// Returns the member for `key`, or nil when the object has no such member.
  public func member(forKey key: String) -> Member? {
    guard let index = indexByKey[key] else { return nil }
    return members[index]
  }

  /// Replaces the value and key location of the member `key` in place, or appends a new member
  /// when there is none.
  public mutating func setValue(
    _ value: ConfigNode, forKey key: String, keyLocation: SourceLocation
  ) {
    let member = Member(key: key, keyLocation: keyLocation, value: value)
    if let index = indexByKey[key] {
      members[index] = member
    } else {
      indexByKey[key] = members.count
      members.append(member)
    }
  }

  // The index is derived from `members`, so equality and hashing use the members alone.
  public static func == (lhs: ConfigObject, rhs: ConfigObject) -> Bool {
    lhs.members == rhs.members
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(members)
  }
}

extension ConfigNode {
  /// The value at `path`, or nil when a key is missing, an index is out of range, or a
  /// component addresses into a value of the wrong kind.
  public subscript(path: FieldPath) -> ConfigNode? {
    var node = self
    for component in path.components {
      switch (component, node.value) {
      case (.key(let key), .object(let object)):
        guard let child = object[key] else { return nil }
        node = child
      case (.index(let index), .array(let elements)):
        guard elements.indices.contains(index) else { return nil }
        node = elements[index]
      default:
        return nil
      }
    }
    return node
  }

  /// The short form of the value for messages: a number as written, a string quoted and
  /// shortened to about 40 characters, and `{…}` or `[…]` for containers.
  public var shortDescription: String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number): return Self.shortened(number.literal)
    case .string(let text): return jsonQuoted(Self.shortened(text))
    case .array(let elements): return elements.isEmpty ? "[]" : "[…]"
    case .object(let object): return object.isEmpty ? "{}" : "{…}"
    }
  }

  /// The kind and short form of the value, for a type mismatch: `a string "abc"`,
  /// `an array of 3 elements`.
  public var kindAndValueDescription: String {
    switch value {
    case .null:
      return "null"
    case .array(let elements):
      return elements.count == 1
        ? "an array of 1 element" : "an array of \(elements.count) elements"
    case .object(let object):
      return object.count == 1
        ? "an object with 1 member" : "an object with \(object.count) members"
    case .bool, .number, .string:
      return "\(value.kindDescription) \(shortDescription)"
    }
  }

  private static func shortened(_ text: String) -> String {
    let limit = 40
    guard text.unicodeScalars.count > limit else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1))) + "…"
  }
}

import Config

/// A configuration value without locations, written with literals, for comparing parsed trees.
/// Numbers are compared by their literal text.
indirect enum Tree: Equatable, Sendable, CustomStringConvertible, ExpressibleByNilLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  struct Member: Equatable, Sendable {
    var key: String
    var value: Tree
  }

  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([Tree])
  case object([Member])

  init(nilLiteral: ()) { self = .null }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(stringLiteral value: String) { self = .string(value) }
  init(integerLiteral value: Int) { self = .number(String(value)) }
  init(arrayLiteral elements: Tree...) { self = .array(elements) }
  init(dictionaryLiteral elements: (String, Tree)...) {
    self = .object(elements.map { Member(key: $0.0, value: $0.1) })
  }

  init(_ node: ConfigNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .number(let number): self = .number(number.literal)
    case .string(let text): self = .string(text)
    case .array(let elements): self = .array(elements.map(Tree.init))
    case .object(let object):
      self = .object(object.members.map { Member(key: $0.key, value: Tree($0.value)) })
    }
  }

  var description: String {
    switch self {
    case .null: "null"
    case .bool(let flag): "\(flag)"
    case .number(let literal): literal
    case .string(let text): text.debugDescription
    case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
    case .object(let members):
      "{" + members.map { "\($0.key.debugDescription): \($0.value)" }.joined(separator: ", ")
        + "}"
    }
  }
}

/// A deterministic generator for fuzz tests (SplitMix64), so that a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

import Config

/// A read-only view of a value in `summary.json` that tolerates missing keys: looking up a
/// key that is absent, or indexing into a value of the wrong kind, gives an empty node
/// rather than an error. The report reads the summary through it, so a section whose keys
/// are missing is skipped and keys added by newer versions are carried along.
struct SummaryNode {
  let node: ConfigNode?

  init(_ node: ConfigNode?) {
    self.node = node
  }

  /// The member `key` of an object; empty when this is not an object or has no such key.
  subscript(key: String) -> SummaryNode {
    guard case .object(let object)? = node?.value else { return SummaryNode(nil) }
    return SummaryNode(object[key])
  }

  var exists: Bool { node != nil }

  var isNull: Bool {
    if case .null? = node?.value { return true }
    return false
  }

  /// The number as a `Double`; nil for any other kind and for a non-finite literal.
  var double: Double? {
    guard case .number(let number)? = node?.value, number.double.isFinite else { return nil }
    return number.double
  }

  /// The number when it is an exact integer of at most 64 bits.
  var int: Int64? {
    guard case .number(let number)? = node?.value else { return nil }
    return number.int64
  }

  var string: String? {
    guard case .string(let text)? = node?.value else { return nil }
    return text
  }

  var bool: Bool? {
    guard case .bool(let flag)? = node?.value else { return nil }
    return flag
  }

  /// The elements of an array; empty for any other kind.
  var elements: [SummaryNode] {
    guard case .array(let elements)? = node?.value else { return [] }
    return elements.map(SummaryNode.init)
  }

  /// The members of an object in written order; empty for any other kind.
  var members: [(key: String, value: SummaryNode)] {
    guard case .object(let object)? = node?.value else { return [] }
    return object.members.map { ($0.key, SummaryNode($0.value)) }
  }

  var isObject: Bool {
    if case .object? = node?.value { return true }
    return false
  }

  var isArray: Bool {
    if case .array? = node?.value { return true }
    return false
  }

  /// A two-number array `[lower, upper]`, as the summary writes intervals.
  var interval: (lower: Double, upper: Double)? {
    let bounds = elements.compactMap(\.double)
    guard elements.count == 2, bounds.count == 2 else { return nil }
    return (bounds[0], bounds[1])
  }

  /// Whether the value is a number, string, boolean or null rather than a container.
  var isScalar: Bool {
    switch node?.value {
    case .null?, .bool?, .number?, .string?: true
    default: false
    }
  }
}

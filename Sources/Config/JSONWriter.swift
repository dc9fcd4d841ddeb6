/// Builds JSON text by appending UTF-8 bytes, for outputs whose key order is part of the
/// format (run summaries, exported messages): keys come out in the order they are
/// written, never in dictionary order.
///
/// Doubles are written in Swift's shortest round-trip form. A non-finite double has no
/// JSON form, so it is written as `null` and callers state the reason beside it. Pretty
/// output indents by two spaces.
public struct JSONWriter {
  /// The JSON written so far, as UTF-8. Every piece appended is the UTF-8 of a Swift
  /// string, so the bytes are always valid UTF-8.
  private var bytes: [UInt8] = []
  private let pretty: Bool
  private var depth = 0
  /// Whether the current container already has a member, per open container.
  private var hasMember: [Bool] = []
  private var afterKey = false

  public init(pretty: Bool = false) {
    self.pretty = pretty
    bytes.reserveCapacity(256)
  }

  /// The JSON written so far.
  public var text: String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// Calls `body` with the UTF-8 bytes written so far, without making a string of them.
  public func withUTF8<Result>(
    _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
  ) rethrows -> Result {
    try bytes.withUnsafeBufferPointer(body)
  }

  /// Forgets everything written, keeping the memory for the next value.
  public mutating func reset() {
    bytes.removeAll(keepingCapacity: true)
    depth = 0
    hasMember.removeAll(keepingCapacity: true)
    afterKey = false
  }

  // MARK: Containers

  public mutating func beginObject() {
    beginValue()
    bytes.append(UInt8(ascii: "{"))
    open()
  }

  public mutating func endObject() {
    close()
    bytes.append(UInt8(ascii: "}"))
  }

  public mutating func beginArray() {
    beginValue()
    bytes.append(UInt8(ascii: "["))
    open()
  }

  public mutating func endArray() {
    close()
    bytes.append(UInt8(ascii: "]"))
  }

  /// Writes an object key; the next value written is its value.
  public mutating func key(_ name: String) {
    separate()
    appendQuoted(name)
    bytes.append(UInt8(ascii: ":"))
    if pretty { bytes.append(UInt8(ascii: " ")) }
    afterKey = true
  }

  // MARK: Values

  public mutating func string(_ value: String) {
    beginValue()
    appendQuoted(value)
  }

  public mutating func integer<Value: BinaryInteger>(_ value: Value) {
    beginValue()
    append(String(value))
  }

  public mutating func number(_ value: Double) {
    beginValue()
    append(value.isFinite ? JSONWriter.render(value) : "null")
  }

  public mutating func bool(_ value: Bool) {
    beginValue()
    append(value ? "true" : "false")
  }

  public mutating func null() {
    beginValue()
    append("null")
  }

  /// Appends already-rendered JSON as one value.
  public mutating func raw(_ json: String) {
    beginValue()
    append(json)
  }

  // MARK: Members

  public mutating func member(_ name: String, _ value: String) {
    key(name)
    string(value)
  }

  public mutating func member(_ name: String, _ value: String?) {
    key(name)
    if let value { string(value) } else { null() }
  }

  public mutating func member<Value: BinaryInteger>(_ name: String, _ value: Value) {
    key(name)
    integer(value)
  }

  public mutating func member(_ name: String, _ value: Double) {
    key(name)
    number(value)
  }

  public mutating func member(_ name: String, _ value: Double?) {
    key(name)
    if let value { number(value) } else { null() }
  }

  public mutating func member(_ name: String, _ value: Bool) {
    key(name)
    bool(value)
  }

  // MARK: Rendering

  /// Renders a finite double in the shortest form that reads back as the same value.
  /// Integral values within 2^53 are written without a fraction (`3`, not `3.0`).
  public static func render(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
      return String(Int64(value))
    }
    return "\(value)"
  }

  /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control
  /// characters.
  public static func appendQuoted(_ value: String, to output: inout String) {
    guard needsEscaping(value) else {
      output += "\""
      output += value
      output += "\""
      return
    }
    output += jsonQuoted(value)
  }

  public static func quoted(_ value: String) -> String {
    var output = ""
    appendQuoted(value, to: &output)
    return output
  }

  // MARK: Layout

  private mutating func beginValue() {
    if afterKey {
      afterKey = false
    } else {
      separate()
    }
  }

  private mutating func separate() {
    guard let last = hasMember.last else { return }
    if last { bytes.append(UInt8(ascii: ",")) }
    hasMember[hasMember.count - 1] = true
    newline()
  }

  private mutating func open() {
    depth += 1
    hasMember.append(false)
  }

  private mutating func close() {
    let hadMembers = hasMember.popLast() ?? false
    depth -= 1
    if hadMembers { newline() }
  }

  private mutating func newline() {
    guard pretty else { return }
    bytes.append(UInt8(ascii: "\n"))
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
  }

  // MARK: Bytes

  private mutating func append(_ piece: String) {
    bytes.append(contentsOf: piece.utf8)
  }

  /// Appends `value` as a JSON string literal: the bytes as they are between quotes when
  /// nothing needs escaping, which one pass over the bytes decides, else `jsonQuoted`.
  private mutating func appendQuoted(_ value: String) {
    guard needsEscaping(value) else {
      bytes.append(UInt8(ascii: "\""))
      bytes.append(contentsOf: value.utf8)
      bytes.append(UInt8(ascii: "\""))
      return
    }
    append(jsonQuoted(value))
  }
}

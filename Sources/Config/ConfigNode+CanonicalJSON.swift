extension ConfigNode {
  /// Renders the tree as standard JSON in one fixed layout, for `loopsim resolve` and for the
  /// scenario hash.
  ///
  /// Object members keep their source order, nesting is indented by two spaces, and every array
  /// element and object member has a line of its own. Exact integers are written in decimal
  /// digits whatever their spelling (`0x10` and `1.6e1` both become `16`), and other numbers in
  /// the shortest form that reads back as the same `Double`. Strings escape `"`, `\` and
  /// control characters, and keep all other characters as UTF-8. The result has no trailing
  /// line break. Parsing the result and rendering it again gives the same text.
  ///
  /// - Throws: `CanonicalJSONError` for `Infinity`, `-Infinity` or `NaN`, which standard JSON
  ///   cannot express. Writing them as JSON5 literals instead would make the output unreadable
  ///   to JSON tools, and writing `null` would change the scenario's meaning.
  public func canonicalJSON() throws(CanonicalJSONError) -> String {
    var output = ""
    var path = FieldPath()
    try appendCanonicalJSON(to: &output, indentation: 0, path: &path)
    return output
  }

  private func appendCanonicalJSON(
    to output: inout String, indentation: Int, path: inout FieldPath
  ) throws(CanonicalJSONError) {
    switch value {
    case .null:
      output += "null"
    case .bool(let flag):
      output += flag ? "true" : "false"
    case .number(let number):
      guard let text = number.canonicalText else {
        throw CanonicalJSONError(path: path, location: location, literal: number.literal)
      }
      output += text
    case .string(let text):
      output += jsonQuoted(text)
    case .array(let elements):
      guard !elements.isEmpty else {
        output += "[]"
        return
      }
      output += "[\n"
      for (index, element) in elements.enumerated() {
        output += String(repeating: "  ", count: indentation + 1)
        path.components.append(.index(index))
        try element.appendCanonicalJSON(to: &output, indentation: indentation + 1, path: &path)
        path.components.removeLast()
        output += index == elements.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indentation) + "]"
    case .object(let object):
      guard !object.isEmpty else {
        output += "{}"
        return
      }
      output += "{\n"
      for (index, member) in object.members.enumerated() {
        output += String(repeating: "  ", count: indentation + 1)
        output += jsonQuoted(member.key) + ": "
        path.components.append(.key(member.key))
        try member.value.appendCanonicalJSON(
          to: &output, indentation: indentation + 1, path: &path)
        path.components.removeLast()
        output += index == object.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indentation) + "}"
    }
  }
}

/// A value that standard JSON cannot express, met while rendering canonical JSON.
public struct CanonicalJSONError: Error, Hashable, Sendable, CustomStringConvertible {
  public var path: FieldPath
  public var location: SourceLocation
  /// The number as written: `Infinity`, `-Infinity` or `NaN`.
  public var literal: String

  public var description: String {
    let field = path.isEmpty ? "" : "\(path): "
    return "\(location): error: \(field)\(literal) has no JSON form. "
      + "Fix: use a finite number, or leave the field out if it is optional."
  }
}

/// Returns `text` as a double-quoted JSON string. `"` and `\` are escaped, control characters
/// use the short escapes where JSON has them and `\u00XX` otherwise, and every other character
/// is kept as is.
func jsonQuoted(_ text: String) -> String {
  guard needsEscaping(text) else { return "\"" + text + "\"" }
  var quoted = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": quoted += "\\\""
    case "\\": quoted += "\\\\"
    case "\n": quoted += "\\n"
    case "\r": quoted += "\\r"
    case "\t": quoted += "\\t"
    case "\u{08}": quoted += "\\b"
    case "\u{0C}": quoted += "\\f"
    case "\u{00}"..."\u{1F}":
      let digits = String(scalar.value, radix: 16, uppercase: true)
      quoted += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    default:
      quoted.unicodeScalars.append(scalar)
    }
  }
  return quoted + "\""
}

/// Returns whether `jsonQuoted(_:)` escapes any character of `text`. Only `"`, `\` and the
/// control characters below U+0020 are escaped, and in UTF-8 their bytes never occur inside
/// the encoding of another character, so scanning the bytes is exact.
@inline(__always)
func needsEscaping(_ text: String) -> Bool {
  @inline(__always) func escaped(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
  }
  // A loop over the contiguous bytes, when the string has them, is several times faster
  // than the generic `contains` over the view.
  if let found = text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: escaped) }) {
    return found
  }
  return text.utf8.contains(where: escaped)
}

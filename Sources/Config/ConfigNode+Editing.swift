extension ConfigNode {
  /// Returns a copy of the tree with the value at `path` replaced by `newNode`, or created.
  ///
  /// A missing key is created, together with any missing containers on the way: an object when
  /// the next component is a key, an array when it is an index. An index must address an
  /// existing element, or equal the element count to append one. Created members take
  /// `newNode`'s location as their key location.
  ///
  /// - Throws: `ConfigEditError` when a key addresses into a value that is not an object, an
  ///   index into a value that is not an array, or an index is beyond the end of its array.
  public func setting(_ path: FieldPath, to newNode: ConfigNode) throws(ConfigEditError)
    -> ConfigNode
  {
    try setting(path.components[...], to: newNode, fullPath: path, prefix: FieldPath())
  }

  private func setting(
    _ remaining: ArraySlice<FieldPath.Component>, to newNode: ConfigNode, fullPath: FieldPath,
    prefix: FieldPath
  ) throws(ConfigEditError) -> ConfigNode {
    guard let component = remaining.first else { return newNode }
    let rest = remaining.dropFirst()
    let childPrefix = prefix.appending(component)

    switch (component, value) {
    case (.key(let key), .object(var object)):
      let existing = object.member(forKey: key)
      let child = existing?.value ?? Self.emptyContainer(for: rest.first, at: newNode.location)
      let newChild = try child.setting(rest, to: newNode, fullPath: fullPath, prefix: childPrefix)
      object.setValue(
        newChild, forKey: key, keyLocation: existing?.keyLocation ?? newNode.location)
      return ConfigNode(.object(object), at: location)

    case (.index(let index), .array(var elements)):
      guard index >= 0, index <= elements.count else {
        throw ConfigEditError(
          path: fullPath, location: location,
          problem: "\(Self.describe(prefix)) has \(elements.count) "
            + (elements.count == 1 ? "element" : "elements") + ", so the index "
            + "\(index) is out of range",
          fix: "use an index below \(elements.count) to replace an element, "
            + "or \(elements.count) to append one")
      }
      let child =
        index < elements.count
        ? elements[index] : Self.emptyContainer(for: rest.first, at: newNode.location)
      let newChild = try child.setting(rest, to: newNode, fullPath: fullPath, prefix: childPrefix)
      if index < elements.count {
        elements[index] = newChild
      } else {
        elements.append(newChild)
      }
      return ConfigNode(.array(elements), at: location)

    case (.key, _):
      throw ConfigEditError(
        path: fullPath, location: location,
        problem: "\(Self.describe(prefix)) is \(kindAndValueDescription), not an object",
        fix: "set \(prefix.isEmpty ? "the whole value" : "\(prefix)") itself, or check the path")

    case (.index, _):
      throw ConfigEditError(
        path: fullPath, location: location,
        problem: "\(Self.describe(prefix)) is \(kindAndValueDescription), not an array",
        fix: "set \(prefix.isEmpty ? "the whole value" : "\(prefix)") itself, or check the path")
    }
  }

  /// Returns the container that a missing step of a path creates: an array before an index, an
  /// object before a key, and null at the end, where `setting` puts the new value instead.
  private static func emptyContainer(
    for next: FieldPath.Component?, at location: SourceLocation
  ) -> ConfigNode {
    switch next {
    case .index: ConfigNode(.array([]), at: location)
    case .key: ConfigNode(.object(ConfigObject()), at: location)
    case nil: ConfigNode(.null, at: location)
    }
  }

  private static func describe(_ path: FieldPath) -> String {
    path.isEmpty ? "the top-level value" : "\(path)"
  }

  /// Returns the tree that results when `override` extends this one, as a scenario's `extends`
  /// does.
  ///
  /// When both values are objects, the result has this object's members in their order, each
  /// merged recursively with the override's member of the same key, followed by the override's
  /// new members in its order. Any other override value, an array included, replaces this
  /// value whole. Merged objects and every value that the override supplies keep the override's
  /// locations.
  ///
  /// - Parameter replacesWhole: Returns true for a pair of objects (base, override) that
  ///   the override replaces whole instead of merging, such as two objects that each
  ///   choose one alternative of a one-of field.
  public func merged(
    with override: ConfigNode,
    replacesWhole: (ConfigObject, ConfigObject) -> Bool = { _, _ in false }
  ) -> ConfigNode {
    guard case .object(let base) = value, case .object(let overriding) = override.value,
      !replacesWhole(base, overriding)
    else {
      return override
    }
    var result = base
    for member in overriding.members {
      let mergedValue =
        base[member.key].map { $0.merged(with: member.value, replacesWhole: replacesWhole) }
        ?? member.value
      result.setValue(mergedValue, forKey: member.key, keyLocation: member.keyLocation)
    }
    return ConfigNode(.object(result), at: override.location)
  }

  /// Returns the tree with each override applied in order, so a later override of the same
  /// path wins.
  public func applying(_ overrides: [ConfigOverride]) throws(ConfigEditError) -> ConfigNode {
    var result = self
    for override in overrides {
      result = try result.setting(override.path, to: override.value)
    }
    return result
  }
}

/// A `--set path=value` argument from the command line.
public struct ConfigOverride: Hashable, Sendable {
  public var path: FieldPath
  public var value: ConfigNode

  public init(path: FieldPath, value: ConfigNode) {
    self.path = path
    self.value = value
  }

  /// Parses `path=value`, as in `workflows[0].steps[0].wait=2h`. The path ends at the first `=` outside
  /// a quoted key, and the rest is the value text, read by `value(fromText:for:)`.
  public init(parsing argument: String) throws(FieldPathError) {
    let (path, valueText) = try Self.split(argument)
    self.path = path
    value = Self.value(fromText: valueText, for: path)
  }

  /// Splits `path=text` into the field path and the unread text after the first `=` outside
  /// a quoted key. `--set` reads the text as one value, `loopsim sweep --grid` as a list.
  public static func split(_ argument: String) throws(FieldPathError)
    -> (path: FieldPath, valueText: String)
  {
    var parser = JSON5Parser(
      bytes: Array(argument.utf8), file: "", maxDepth: JSON5.defaultMaxDepth)
    let path: FieldPath
    do {
      path = FieldPath(try parser.parseFieldPath(terminator: UInt8(ascii: "=")))
    } catch {
      throw FieldPathError(text: argument, syntaxError: error)
    }
    guard parser.currentByte == UInt8(ascii: "=") else {
      throw FieldPathError(
        text: argument, syntaxError: parser.unexpected(expected: "'=' after the field path"))
    }
    return (path, String(decoding: parser.bytes[(parser.offset + 1)...], as: UTF8.self))
  }

  /// Reads the value text of `--set`: as a JSON5 value when it parses as one, else as the
  /// string itself. So `5000` is a number, `"{a: 1}"` an object, `'5000'` the string "5000",
  /// and `hello` or an empty text a string.
  ///
  /// The value's location has the file name `--set PATH`, so that a later error about the value
  /// points at the command-line argument.
  ///
  /// - Parameter source: Names where the text came from in error locations; the default is
  ///   `--set PATH`.
  public static func value(
    fromText text: String, for path: FieldPath, source: String? = nil
  ) -> ConfigNode {
    let file = source ?? "--set \(path)"
    do {
      return try JSON5.parse(text, file: file)
    } catch {
      return ConfigNode(
        .string(text), at: SourceLocation(file: file, line: 1, column: 1, offset: 0))
    }
  }
}

/// A change to a configuration tree that cannot be made at the requested path.
public struct ConfigEditError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The path that was being set.
  public var path: FieldPath
  /// The location of the value that is in the way.
  public var location: SourceLocation
  public var problem: String
  public var fix: String

  public var description: String {
    "\(location): error: cannot set \(path): \(problem). Fix: \(fix)."
  }
}

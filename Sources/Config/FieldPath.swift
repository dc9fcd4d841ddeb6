/// The address of a value in a configuration tree, written like `workflows[0].steps[0].wait`.
///
/// A key that is a JSON5 identifier follows a dot, or comes first without one. Any other key is
/// written quoted in brackets, as in `labels["odd key"]`. The empty path addresses the whole
/// tree and renders as the empty string.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
  /// One step of a path: an object member's key or an array element's index.
  public enum Component: Hashable, Sendable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral
  {
    case key(String)
    case index(Int)

    public init(stringLiteral key: String) {
      self = .key(key)
    }

    public init(integerLiteral index: Int) {
      self = .index(index)
    }
  }

  public var components: [Component]

  public init(_ components: [Component] = []) {
    self.components = components
  }

  /// Creates a path from literals: `["workflows", 0, "delay"]`.
  public init(arrayLiteral components: Component...) {
    self.components = components
  }

  /// Parses the written form, as the command line's `--set workflows[0].steps[0].wait=2h` gives it.
  ///
  /// Quoted keys accept every JSON5 string escape. An index is decimal digits without leading
  /// zeros. No whitespace is allowed. A path has at most `JSON5.defaultMaxDepth` components.
  public init(parsing text: String) throws(FieldPathError) {
    var parser = JSON5Parser(
      bytes: Array(text.utf8), file: "", maxDepth: JSON5.defaultMaxDepth)
    do {
      components = try parser.parseFieldPath(terminator: nil)
    } catch {
      throw FieldPathError(text: text, syntaxError: error)
    }
  }

  public var isEmpty: Bool {
    components.isEmpty
  }

  public func appending(_ component: Component) -> FieldPath {
    FieldPath(components + [component])
  }

  public func appending(key: String) -> FieldPath {
    appending(.key(key))
  }

  public func appending(index: Int) -> FieldPath {
    appending(.index(index))
  }

  public var description: String {
    var text = ""
    for component in components {
      switch component {
      case .key(let key) where JSON5Characters.isIdentifierName(key):
        text += text.isEmpty ? key : "." + key
      case .key(let key):
        text += "[" + jsonQuoted(key) + "]"
      case .index(let index):
        text += "[\(index)]"
      }
    }
    return text
  }
}

/// A field path whose text could not be parsed.
public struct FieldPathError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The whole text that was parsed, such as `workflows[x].delay`.
  public var text: String
  /// The 1-based column, in Unicode scalars, at which the problem is.
  public var column: Int
  public var found: String
  public var expected: String

  init(text: String, syntaxError: JSON5SyntaxError) {
    self.text = text
    self.column = syntaxError.location.column
    self.found = syntaxError.found
    self.expected = syntaxError.expected
  }

  public var description: String {
    let summary =
      "error: invalid field path \(jsonQuoted(text)) at column \(column): "
      + "expected \(expected), found \(found)"
    return ([summary] + caretExcerpt(line: text, column: column)).joined(separator: "\n")
  }
}

extension JSON5Parser {
  /// Parses a field path from the current offset up to the end of input or to `terminator`,
  /// which is left unconsumed.
  mutating func parseFieldPath(terminator: UInt8?) throws(JSON5SyntaxError) -> [FieldPath.Component]
  {
    let endDescription = terminator.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "the end"
    var components: [FieldPath.Component] = []
    while true {
      let atEnd = isAtEnd || (terminator != nil && currentByte == terminator)
      if atEnd {
        guard !components.isEmpty else {
          throw unexpected(expected: "a key or '['")
        }
        return components
      }
      // Editing and rendering recurse once per level, so a `--set` path must not nest without
      // bound.
      guard components.count < maxDepth else {
        throw unexpected(expected: "at most \(maxDepth) components in a field path")
      }

      switch currentByte {
      case UInt8(ascii: "["):
        advanceASCII()
        components.append(try parseBracketComponent())
      case UInt8(ascii: ".") where !components.isEmpty:
        advanceASCII()
        guard isAtIdentifierStart else {
          throw unexpected(expected: "a key after '.'")
        }
        components.append(.key(try parseIdentifierName()))
      default:
        guard components.isEmpty, isAtIdentifierStart else {
          let expected =
            components.isEmpty ? "a key or '['" : "'.', '[' or \(endDescription) of the path"
          throw unexpected(expected: expected)
        }
        components.append(.key(try parseIdentifierName()))
      }
    }
  }

  /// Parses what follows `[`: a quoted key or an index, then `]`.
  private mutating func parseBracketComponent() throws(JSON5SyntaxError) -> FieldPath.Component {
    let component: FieldPath.Component
    switch currentByte {
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      component = .key(try parseString())
    case let byte? where JSON5Characters.isDigit(byte):
      let start = location
      var index = 0
      var overflowed = false
      while let digit = currentByte, JSON5Characters.isDigit(digit) {
        let (multiplied, multiplyOverflow) = index.multipliedReportingOverflow(by: 10)
        let (added, addOverflow) = multiplied.addingReportingOverflow(
          Int(digit - UInt8(ascii: "0")))
        index = added
        overflowed = overflowed || multiplyOverflow || addOverflow
        advanceASCII()
      }
      let digits = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
      if digits.count > 1 && digits.hasPrefix("0") {
        throw error(at: start, found: "'\(digits)'", expected: "an index without leading zeros")
      }
      if overflowed {
        throw error(at: start, found: "'\(digits)'", expected: "an index of at most \(Int.max)")
      }
      component = .index(index)
    default:
      throw unexpected(expected: "an index or a quoted key after '['")
    }
    guard currentByte == UInt8(ascii: "]") else {
      throw unexpected(expected: "']'")
    }
    advanceASCII()
    return component
  }
}

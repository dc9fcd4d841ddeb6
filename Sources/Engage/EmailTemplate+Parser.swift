import Config

/// Turns template text into nodes: splits it into text and tags, removes the lines that
/// hold only a block tag, then builds the block tree and resolves every path against the
/// schema. Every problem is a `TemplateError` with its line and column.
struct TemplateParser {
  private let scalars: [Unicode.Scalar]
  /// The offset at which each line starts, in `scalars`.
  private let lineStarts: [Int]
  private let schema: TemplateFieldType
  /// The content of the `{{#missing}}` block, once parsed.
  private(set) var missingBlock: [TemplateNode]?

  init(source: String, schema: TemplateFieldType) {
    let scalars = Array(source.unicodeScalars)
    var starts = [0]
    var index = 0
    while index < scalars.count {
      if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
        index += 1
      }
      if scalars[index] == "\n" || scalars[index] == "\r" {
        starts.append(index + 1)
      }
      index += 1
    }
    self.scalars = scalars
    self.lineStarts = starts
    self.schema = schema
  }

  mutating func parse() throws(TemplateError) -> [TemplateNode] {
    var tokens = try tokenize()
    Self.removeStandaloneLines(&tokens)
    return try buildTree(tokens)
  }

  // MARK: Tokens

  enum TagKind: Equatable {
    case comment
    /// `{{#keyword argument}}`; the argument's offset is where it starts.
    case open(keyword: String, argument: String, argumentOffset: Int)
    case close(keyword: String)
    case otherwise
    /// `{{ path | helper … }}`; `offset` is where the content starts.
    case output(content: [Unicode.Scalar], offset: Int)

    /// Block tags and comments, which a line may hold alone and then disappear.
    var canStandAlone: Bool {
      if case .output = self { return false }
      return true
    }
  }

  enum Token {
    case text(String)
    /// A tag with the offset of its `{{`.
    case tag(TagKind, offset: Int)
  }

  private func tokenize() throws(TemplateError) -> [Token] {
    var tokens: [Token] = []
    var textStart = 0
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "{", next(index) == "{" else {
        index += 1
        continue
      }
      if textStart < index {
        tokens.append(.text(text(textStart..<index)))
      }
      let (kind, end) = try readTag(at: index)
      tokens.append(.tag(kind, offset: index))
      index = end
      textStart = end
    }
    if textStart < scalars.count {
      tokens.append(.text(text(textStart..<scalars.count)))
    }
    return tokens
  }

  /// Reads the tag whose `{{` is at `start`, and returns it with the offset after its `}}`.
  private func readTag(at start: Int) throws(TemplateError) -> (TagKind, Int) {
    if next(start + 1) == "{" {
      throw error(
        at: start, "a triple-brace tag {{{ … }}} writes a value without escaping",
        fix: "write {{ name }} instead: every value is HTML-escaped, and raw HTML from a "
          + "value is not allowed")
    }
    if matches("{{!--", at: start) {
      guard let close = find("--}}", from: start + 5) else {
        throw error(at: start, "the comment {{!-- is not closed", fix: "end it with --}}")
      }
      return (.comment, close + 4)
    }
    if next(start + 1) == "!" {
      guard let close = find("}}", from: start + 3) else {
        throw error(at: start, "the comment {{! is not closed", fix: "end it with }}")
      }
      return (.comment, close + 2)
    }

    // Find the closing braces outside quoted text, so a default may contain "}}".
    var quote: Unicode.Scalar?
    var quoteStart = start
    var index = start + 2
    while index < scalars.count {
      let scalar = scalars[index]
      if let open = quote {
        if scalar == "\\" {
          index += 2
          continue
        }
        if scalar == open { quote = nil }
      } else if scalar == "\"" || scalar == "'" {
        quote = scalar
        quoteStart = index
      } else if scalar == "}", next(index) == "}" {
        let kind = try classify(Array(scalars[(start + 2)..<index]), offset: start + 2)
        return (kind, index + 2)
      }
      index += 1
    }
    if quote != nil {
      throw error(
        at: quoteStart, "the quoted text is not closed",
        fix: "close the quote, as in default: \"there\", then end the tag with }}")
    }
    throw error(
      at: start, "'{{' is not closed by '}}'",
      fix: "close the tag, as in {{ abandoned.title }}, or remove the '{{'")
  }

  /// Sorts a tag's content into its kind.
  private func classify(_ content: [Unicode.Scalar], offset: Int) throws(TemplateError)
    -> TagKind
  {
    var first = 0
    while first < content.count, content[first].properties.isWhitespace { first += 1 }
    var last = content.count
    while last > first, content[last - 1].properties.isWhitespace { last -= 1 }
    guard first < last else {
      throw error(
        at: offset - 2, "empty tag",
        fix: "write a field name inside the braces, such as {{ abandoned.title }}")
    }
    let body = Array(content[first..<last])
    let bodyOffset = offset + first

    switch body[0] {
    case "#":
      let keyword = Self.word(in: body, from: 1)
      var argumentStart = 1 + keyword.count
      while argumentStart < body.count, body[argumentStart].properties.isWhitespace {
        argumentStart += 1
      }
      return .open(
        keyword: keyword, argument: String(String.UnicodeScalarView(body[argumentStart...])),
        argumentOffset: bodyOffset + argumentStart)
    case "/":
      var keyword = body[1...]
      while keyword.first?.properties.isWhitespace == true { keyword = keyword.dropFirst() }
      return .close(keyword: String(String.UnicodeScalarView(keyword)))
    case "^":
      throw error(
        at: bodyOffset, "inverted sections {{^…}} are not supported",
        fix: "write {{#unless field}}…{{/unless}}")
    case ">":
      throw error(
        at: bodyOffset, "partials {{> …}} are not supported",
        fix: "write the shared text into each template")
    case "&":
      throw error(
        at: bodyOffset, "{{& …}} writes a value without escaping",
        fix: "write {{ name }} instead: every value is HTML-escaped")
    default:
      break
    }
    let text = String(String.UnicodeScalarView(body))
    if text == "else" {
      return .otherwise
    }
    if text.hasPrefix("else ") {
      throw error(
        at: bodyOffset, "{{else …}} with a condition is not supported",
        fix: "nest an {{#if}} block inside the {{else}} part")
    }
    return .output(content: body, offset: bodyOffset)
  }

  /// Removes the whitespace and the line break around each block tag or comment that is
  /// alone on its line, so that block tags on lines of their own leave no blank lines.
  static func removeStandaloneLines(_ tokens: inout [Token]) {
    // For each text token, whether to drop its leading blanks through its first line
    // break, and its trailing blanks after its last line break (or all of it when it has
    // no line break and starts or ends the template).
    var trimLeading = Array(repeating: false, count: tokens.count)
    var trimTrailing = Array(repeating: false, count: tokens.count)

    for (index, token) in tokens.enumerated() {
      guard case .tag(let kind, _) = token, kind.canStandAlone else { continue }
      let before = index > 0 ? tokens[index - 1] : nil
      let after = index + 1 < tokens.count ? tokens[index + 1] : nil

      let startsLine: Bool
      switch before {
      case nil:
        startsLine = true
      case .text(let text)?:
        let tail = text.lastIndex(where: \.isNewline).map { text[text.index(after: $0)...] }
        startsLine =
          tail.map { $0.allSatisfy(\.isBlank) }
          ?? (index == 1 && text.allSatisfy(\.isBlank))
      case .tag?:
        startsLine = false
      }
      let endsLine: Bool
      switch after {
      case nil:
        endsLine = true
      case .text(let text)?:
        let head = text.firstIndex(where: \.isNewline).map { text[..<$0] }
        endsLine =
          head.map { $0.allSatisfy(\.isBlank) }
          ?? (index + 2 == tokens.count && text.allSatisfy(\.isBlank))
      case .tag?:
        endsLine = false
      }
      guard startsLine, endsLine else { continue }
      if before != nil { trimTrailing[index - 1] = true }
      if after != nil { trimLeading[index + 1] = true }
    }

    for index in tokens.indices {
      guard case .text(var text) = tokens[index] else { continue }
      if trimTrailing[index] {
        if let newline = text.lastIndex(where: \.isNewline) {
          text = String(text[...newline])
        } else {
          text = ""
        }
      }
      if trimLeading[index] {
        if let newline = text.firstIndex(where: \.isNewline) {
          text = String(text[text.index(after: newline)...])
        } else {
          text = ""
        }
      }
      tokens[index] = .text(text)
    }
  }

  // MARK: Tree

  private enum BlockKeyword: String, CaseIterable {
    case `if`, unless, each, missing
  }

  /// A block being read: its opening tag, and the nodes of its branches so far.
  private struct OpenBlock {
    let keyword: BlockKeyword
    let path: TemplatePath?
    let offset: Int
    let openText: String
    var body: [TemplateNode] = []
    var otherwise: [TemplateNode]?
  }

  private mutating func buildTree(_ tokens: [Token]) throws(TemplateError) -> [TemplateNode] {
    var top: [TemplateNode] = []
    var blocks: [OpenBlock] = []
    /// The element type of each loop whose body is being read, outermost first.
    var loops: [TemplateFieldType] = []

    func append(_ node: TemplateNode) {
      if blocks.isEmpty {
        top.append(node)
      } else if blocks[blocks.count - 1].otherwise != nil {
        blocks[blocks.count - 1].otherwise?.append(node)
      } else {
        blocks[blocks.count - 1].body.append(node)
      }
    }

    for token in tokens {
      switch token {
      case .text(let text):
        if !text.isEmpty { append(.text(text)) }

      case .tag(.comment, _):
        break

      case .tag(.output(let content, let offset), _):
        let (path, helpers) = try parseOutput(content, offset: offset, loops: loops)
        append(.output(path, helpers: helpers))

      case .tag(.open(let keyword, let argument, let argumentOffset), let offset):
        guard let block = BlockKeyword(rawValue: keyword) else {
          // Compared with their "#", so that "#iff" is close enough to "#if".
          let names = BlockKeyword.allCases.map { "#" + $0.rawValue }
          let suggestion = Suggestion.closest(to: "#" + keyword, among: names)
          throw error(
            at: offset + 2, "unknown block helper \"#\(keyword)\"",
            fix: suggestion.map { "did you mean \"\($0)\"?" }
              ?? "use one of: " + names.joined(separator: ", "))
        }
        let openText = "{{#\(keyword)\(argument.isEmpty ? "" : " " + argument)}}"
        var path: TemplatePath?
        if block == .missing {
          guard argument.isEmpty else {
            throw error(
              at: argumentOffset, "{{#missing}} takes no argument",
              fix: "write {{#missing}} alone")
          }
          guard blocks.isEmpty else {
            throw error(
              at: offset, "{{#missing}} must be at the top level of the template",
              fix: "move the {{#missing}} block out of \(blocks[blocks.count - 1].openText)")
          }
          guard missingBlock == nil, !top.contains(.missing) else {
            throw error(
              at: offset, "a template has at most one {{#missing}} block",
              fix: "merge the fallback content into one {{#missing}} block")
          }
        } else {
          let resolved = try parseBlockArgument(
            argument, offset: argumentOffset, keyword: keyword, tagOffset: offset, loops: loops)
          path = resolved.path
          if block == .each {
            guard case .list(let element) = resolved.type else {
              throw error(
                at: argumentOffset, "\"\(argument)\" is \(resolved.type.description), not a list",
                fix: "walk a list, such as {{#each watchedClasses}}, or test the field with "
                  + "{{#if \(argument)}}")
            }
            loops.append(element)
          }
        }
        blocks.append(OpenBlock(keyword: block, path: path, offset: offset, openText: openText))

      case .tag(.otherwise, let offset):
        guard let open = blocks.last else {
          throw error(
            at: offset, "{{else}} outside a block",
            fix: "use {{else}} inside {{#if}}, {{#unless}} or {{#each}}")
        }
        guard open.keyword != .missing else {
          throw error(
            at: offset, "{{#missing}} has no {{else}} part",
            fix: "remove the {{else}}: the rest of the template is what renders normally")
        }
        guard open.otherwise == nil else {
          throw error(
            at: offset, "a second {{else}} in \(open.openText)",
            fix: "remove one {{else}}; for more cases nest an {{#if}} block")
        }
        blocks[blocks.count - 1].otherwise = []
        // The else part of a loop renders for an empty list, so no element is in scope.
        if open.keyword == .each { loops.removeLast() }

      case .tag(.close(let keyword), let offset):
        guard let open = blocks.popLast() else {
          throw error(
            at: offset, "{{/\(keyword)}} closes no block",
            fix: "remove it, or add the opening {{#\(keyword) …}} before it")
        }
        guard open.keyword.rawValue == keyword else {
          let (line, column) = location(of: open.offset)
          throw error(
            at: offset,
            "{{/\(keyword)}} does not match \(open.openText) at line \(line), column \(column)",
            fix: "close \(open.openText) with {{/\(open.keyword.rawValue)}} first")
        }
        if open.keyword == .each, open.otherwise == nil { loops.removeLast() }
        switch open.keyword {
        case .if, .unless:
          if let path = open.path {
            append(
              .conditional(
                path, isNegated: open.keyword == .unless, then: open.body,
                otherwise: open.otherwise ?? []))
          }
        case .each:
          if let path = open.path {
            append(.loop(path, body: open.body, otherwise: open.otherwise ?? []))
          }
        case .missing:
          missingBlock = open.body
          top.append(.missing)
        }
      }
    }

    if let open = blocks.last {
      throw error(
        at: open.offset, "\(open.openText) is not closed",
        fix: "add {{/\(open.keyword.rawValue)}} where the block ends")
    }
    return top
  }

  // MARK: Paths and helpers

  /// Reads `path | helper | helper: "text"` from an output tag.
  private func parseOutput(
    _ content: [Unicode.Scalar], offset: Int, loops: [TemplateFieldType]
  ) throws(TemplateError) -> (TemplatePath, [TemplateHelper]) {
    var cursor = 0
    let pathText = Self.pathWord(in: content, from: cursor)
    guard !pathText.isEmpty else {
      throw error(
        at: offset, "expected a field name, found '\(content[0])'",
        fix: "write a field name, such as {{ abandoned.title }}")
    }
    let (path, type) = try resolve(pathText, offset: offset, loops: loops)
    switch type {
    case .text, .number:
      break
    case .object:
      throw error(
        at: offset, "\"\(pathText)\" is an object, which cannot be written as text",
        fix: "write one of its fields, such as {{ \(pathText).title }}")
    case .list:
      throw error(
        at: offset, "\"\(pathText)\" is a list, which cannot be written as text",
        fix: "walk it with {{#each \(pathText)}}{{ title }}{{/each}}")
    case .flag:
      throw error(
        at: offset, "\"\(pathText)\" is true or false, which is not written",
        fix: "test it with {{#if \(pathText)}}…{{/if}}")
    }
    cursor += pathText.unicodeScalars.count

    var helpers: [TemplateHelper] = []
    while true {
      skipWhitespace(content, &cursor)
      guard cursor < content.count else { break }
      guard content[cursor] == "|" else {
        throw error(
          at: offset + cursor, "unexpected '\(content[cursor])' after \"\(pathText)\"",
          fix: "separate helpers with '|', as in {{ \(pathText) | default: \"…\" }}")
      }
      cursor += 1
      skipWhitespace(content, &cursor)
      let nameOffset = offset + cursor
      let name = Self.word(in: content, from: cursor)
      cursor += name.unicodeScalars.count
      skipWhitespace(content, &cursor)
      var argument: String?
      if cursor < content.count, content[cursor] == ":" {
        cursor += 1
        skipWhitespace(content, &cursor)
        argument = try readQuoted(content, &cursor, offset: offset)
      }
      helpers.append(try helper(name, argument: argument, at: nameOffset))
    }
    return (path, helpers)
  }

  private func helper(_ name: String, argument: String?, at offset: Int) throws(TemplateError)
    -> TemplateHelper
  {
    switch name {
    case "default":
      guard let argument else {
        throw error(
          at: offset, "the default helper needs a text",
          fix: "write default: \"…\" with the text in quotes")
      }
      return .defaultText(argument)
    case "upcase", "downcase", "capitalize":
      guard argument == nil else {
        throw error(at: offset, "the \(name) helper takes no argument", fix: "write | \(name)")
      }
      switch name {
      case "upcase": return .upcase
      case "downcase": return .downcase
      default: return .capitalize
      }
    case "":
      throw error(
        at: offset, "expected a helper name after '|'",
        fix: "use one of: " + TemplateHelper.names.joined(separator: ", "))
    default:
      let suggestion = Suggestion.closest(to: name, among: TemplateHelper.names)
      throw error(
        at: offset, "unknown helper \"\(name)\"",
        fix: suggestion.map { "did you mean \"\($0)\"?" }
          ?? "use one of: " + TemplateHelper.names.joined(separator: ", "))
    }
  }

  /// Reads a quoted text at `cursor`: double or single quotes, with `\"`, `\'` and `\\`
  /// escapes. Other backslashes are kept.
  private func readQuoted(
    _ content: [Unicode.Scalar], _ cursor: inout Int, offset: Int
  ) throws(TemplateError) -> String {
    guard cursor < content.count, content[cursor] == "\"" || content[cursor] == "'" else {
      throw error(
        at: offset + min(cursor, content.count), "expected a quoted text after ':'",
        fix: "write the text in quotes, as in default: \"there\"")
    }
    let quote = content[cursor]
    var result = String.UnicodeScalarView()
    var index = cursor + 1
    while index < content.count, content[index] != quote {
      if content[index] == "\\", index + 1 < content.count,
        [quote, "\\"].contains(content[index + 1])
      {
        index += 1
      }
      result.append(content[index])
      index += 1
    }
    // `readTag` ends a tag only outside quotes, so the closing quote is always there.
    cursor = min(index + 1, content.count)
    return String(result)
  }

  /// Reads the argument of `{{#if}}`, `{{#unless}}` or `{{#each}}`: one path, no helpers.
  private func parseBlockArgument(
    _ argument: String, offset: Int, keyword: String, tagOffset: Int,
    loops: [TemplateFieldType]
  ) throws(TemplateError) -> (path: TemplatePath, type: TemplateFieldType) {
    guard !argument.isEmpty else {
      throw error(
        at: tagOffset, "{{#\(keyword)}} needs a field",
        fix: "name the field to \(keyword == "each" ? "walk" : "test"), as in "
          + (keyword == "each" ? "{{#each watchedClasses}}" : "{{#\(keyword) abandoned}}"))
    }
    let scalars = Array(argument.unicodeScalars)
    let pathText = Self.pathWord(in: scalars, from: 0)
    guard pathText.unicodeScalars.count == scalars.count else {
      throw error(
        at: offset + pathText.unicodeScalars.count,
        "{{#\(keyword)}} takes one field name and no helpers",
        fix: "write {{#\(keyword) \(pathText.isEmpty ? "field" : pathText)}}")
    }
    return try resolve(pathText, offset: offset, loops: loops)
  }

  /// Resolves a path against the loops in scope, innermost first, then the top level.
  private func resolve(
    _ text: String, offset: Int, loops: [TemplateFieldType]
  ) throws(TemplateError) -> (path: TemplatePath, type: TemplateFieldType) {
    if text.hasPrefix("../") || text.contains("/") {
      throw error(
        at: offset, "parent paths such as \"../title\" are not supported",
        fix: "name a top-level field directly: it is in scope inside loops too")
    }
    let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard segments.allSatisfy({ !$0.isEmpty }) else {
      throw error(
        at: offset, "invalid field path \"\(text)\"",
        fix: "write names joined by single dots, such as abandoned.title")
    }

    let head = segments[0]
    if head.hasPrefix("@") {
      guard let depth = loops.indices.last else {
        throw error(
          at: offset, "\"\(head)\" is used outside {{#each}}",
          fix: "use \(head) inside an {{#each}} block")
      }
      let base: TemplatePath.Base
      let type: TemplateFieldType
      switch head {
      case "@index": (base, type) = (.index(depth), .number)
      case "@first": (base, type) = (.first(depth), .flag)
      case "@last": (base, type) = (.last(depth), .flag)
      default:
        let suggestion = Suggestion.closest(to: head, among: ["@index", "@first", "@last"])
        throw error(
          at: offset, "unknown loop variable \"\(head)\"",
          fix: suggestion.map { "did you mean \"\($0)\"?" } ?? "use @index, @first or @last")
      }
      guard segments.count == 1 else {
        throw error(
          at: offset, "\"\(head)\" has no fields", fix: "write \(head) alone")
      }
      return (TemplatePath(base: base, fields: [], text: text), type)
    }

    var base = TemplatePath.Base.root
    var type = schema
    var rest = segments[...]
    if head == "this" {
      guard let depth = loops.indices.last else {
        throw error(
          at: offset, "\"this\" is used outside {{#each}}",
          fix: "use this inside an {{#each}} block, or name the field from the top level")
      }
      base = .item(depth)
      type = loops[depth]
      rest = rest.dropFirst()
    } else if let depth = loops.indices.reversed().first(where: {
      loops[$0].field(named: head) != nil
    }) {
      base = .item(depth)
      type = loops[depth]
    }

    var walked: [String] = []
    for name in rest {
      guard case .object = type else {
        throw error(
          at: offset, "\"\(walked.joined(separator: "."))\" is \(type.description), which has "
            + "no field \"\(name)\"",
          fix: "write \(walked.joined(separator: ".")) alone")
      }
      guard let field = type.field(named: name) else {
        throw unknownField(text, offset: offset, loops: loops)
      }
      walked.append(name)
      type = field.type
    }
    return (TemplatePath(base: base, fields: Array(rest), text: text), type)
  }

  private func unknownField(_ text: String, offset: Int, loops: [TemplateFieldType])
    -> TemplateError
  {
    var candidates = EmailTemplateSchema.outputPaths
    if schema != EmailTemplateSchema.root {
      candidates = Self.fieldPaths(schema)
    }
    for loop in loops.reversed() {
      candidates = Self.fieldPaths(loop) + candidates
      candidates += ["this", "@index", "@first", "@last"]
    }
    if let suggestion = Suggestion.closest(to: text, among: candidates) {
      return error(at: offset, "unknown field \"\(text)\"", fix: "did you mean \"\(suggestion)\"?")
    }
    let known = candidates.filter { !$0.hasPrefix("@") && $0 != "this" }
    return error(
      at: offset, "unknown field \"\(text)\"",
      fix: "use one of: " + known.joined(separator: ", "))
  }

  /// Returns the paths of an object type's fields, nested objects included.
  private static func fieldPaths(_ type: TemplateFieldType, prefix: String = "") -> [String] {
    guard case .object(let fields) = type else { return [] }
    var paths: [String] = []
    for field in fields {
      let path = prefix.isEmpty ? field.name : prefix + "." + field.name
      paths.append(path)
      paths += fieldPaths(field.type, prefix: path)
    }
    return paths
  }

  // MARK: Scanning

  /// The longest run of name characters at `start`: letters, digits, `_`, `-`, `.`, `@`
  /// and `/` (the last so that parent paths get their own message).
  private static func pathWord(in scalars: [Unicode.Scalar], from start: Int) -> String {
    var end = start
    while end < scalars.count, isPathScalar(scalars[end]) { end += 1 }
    return String(String.UnicodeScalarView(scalars[start..<end]))
  }

  private static func isPathScalar(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
      || ["_", "-", ".", "@", "/"].contains(scalar)
  }

  /// Returns the run of ASCII letters, digits and `_` at `start`.
  private static func word(in scalars: [Unicode.Scalar], from start: Int) -> String {
    var end = start
    while end < scalars.count, scalars[end].isASCII,
      scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end])
        || scalars[end] == "_"
    {
      end += 1
    }
    return String(String.UnicodeScalarView(scalars[start..<end]))
  }

  private func skipWhitespace(_ content: [Unicode.Scalar], _ cursor: inout Int) {
    while cursor < content.count, content[cursor].properties.isWhitespace { cursor += 1 }
  }

  private func next(_ index: Int) -> Unicode.Scalar? {
    index + 1 < scalars.count ? scalars[index + 1] : nil
  }

  private func matches(_ text: String, at index: Int) -> Bool {
    let pattern = Array(text.unicodeScalars)
    guard index + pattern.count <= scalars.count else { return false }
    return Array(scalars[index..<(index + pattern.count)]) == pattern
  }

  private func find(_ text: String, from start: Int) -> Int? {
    var index = start
    while index < scalars.count {
      if matches(text, at: index) { return index }
      index += 1
    }
    return nil
  }

  private func text(_ range: Range<Int>) -> String {
    String(String.UnicodeScalarView(scalars[range]))
  }

  /// Returns the 1-based line and column of `offset`.
  private func location(of offset: Int) -> (line: Int, column: Int) {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return (low + 1, offset - lineStarts[low] + 1)
  }

  private func error(at offset: Int, _ problem: String, fix: String) -> TemplateError {
    let (line, column) = location(of: offset)
    return TemplateError(line: line, column: column, problem: problem, fix: fix)
  }
}

extension Character {
  /// A space or tab: what may surround a block tag on a line of its own.
  fileprivate var isBlank: Bool { self == " " || self == "\t" }
}

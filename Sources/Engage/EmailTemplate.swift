/// An email template in a syntax close to Handlebars, checked when it is parsed.
///
/// The syntax, which docs/scenario-format.md describes with examples:
///
/// - `{{ field }}` writes a value; `{{ field | default: "there" }}` gives a value for an
///   absent or empty field; the helpers `upcase`, `downcase` and `capitalize` change case.
/// - `{{#if field}}…{{else}}…{{/if}}` and `{{#unless field}}…{{/unless}}` test a field.
/// - `{{#each list}}…{{else}}…{{/each}}` repeats its body for each element, whose fields
///   are in scope by name (`{{ title }}`) or through `this`, with `@index` (from 0),
///   `@first` and `@last`. The `{{else}}` part renders for an empty list.
/// - `{{#missing}}…{{/missing}}`, at the top level only, is the fallback content that the
///   template's `missing: "fallback"` policy renders when a field has no value.
/// - `{{! comment }}` and `{{!-- comment --}}` render nothing.
/// - A line that holds only a block tag or a comment, with spaces around it, is removed
///   whole, line break included, as in Mustache.
///
/// Every field name, helper and block is checked against a schema when the template is
/// parsed, so a typo in a scenario is a validation error with its line and column rather
/// than a blank in every email. Values are HTML-escaped in a body and written as plain
/// text in a subject. Text outside tags comes from the scenario's author and is written
/// as is.
public struct EmailTemplate: Sendable {
  /// The template text as written.
  public let source: String
  let nodes: [TemplateNode]
  /// The content of the `{{#missing}}` block, or nil when the template has none.
  let missingBlock: [TemplateNode]?

  /// Parses `source` and checks it against `schema`, the fields an email may use.
  ///
  /// - Throws: `TemplateError` with the line and column of the first problem.
  public init(_ source: String, schema: TemplateFieldType = EmailTemplateSchema.root)
    throws(TemplateError)
  {
    var parser = TemplateParser(source: source, schema: schema)
    nodes = try parser.parse()
    missingBlock = parser.missingBlock
    self.source = source
  }

  /// Whether the template has a `{{#missing}}` block.
  public var hasMissingBlock: Bool { missingBlock != nil }

  /// The paths that the template always writes without a `default`: those outside every
  /// block. An email without a value for one of them meets the `missing` policy.
  public var unconditionalOutputs: [String] {
    nodes.compactMap { node in
      guard case .output(let path, let helpers) = node,
        !helpers.contains(where: \.isDefault)
      else { return nil }
      return path.text
    }
  }

  /// Renders the template with `data` as its top-level object.
  ///
  /// - Parameters:
  ///   - format: `.html` escapes every value; `.plainText` writes values as they are, with
  ///     line breaks and other control characters replaced by spaces.
  ///   - fallback: Renders the `{{#missing}}` block's content alone when the template has
  ///     one, and the whole template otherwise. Without it the block renders nothing.
  /// - Returns: The text and the classes it shows, or the first field that had no value.
  ///
  /// Complexity: O(output length + nodes × elements of the lists walked).
  public func render(
    _ data: TemplateObject, format: TemplateOutputFormat, fallback: Bool = false
  ) -> TemplateRendering {
    var renderer = TemplateRenderer(root: data, format: format)
    let content = fallback ? (missingBlock ?? nodes) : nodes
    renderer.render(content)
    if let field = renderer.missingField {
      return .missing(field: field)
    }
    return .rendered(RenderedText(text: renderer.output, shownClassIds: renderer.shownClassIds))
  }
}

extension EmailTemplate: Hashable {
  // The nodes are derived from the source, so the source alone identifies a template.
  public static func == (lhs: EmailTemplate, rhs: EmailTemplate) -> Bool {
    lhs.source == rhs.source
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(source)
  }
}

/// How rendered values are written.
public enum TemplateOutputFormat: Sendable, Hashable {
  /// HTML element content or quoted attribute values: every value is escaped.
  case html
  /// A plain-text field such as a subject line: values as they are, with control
  /// characters replaced by spaces so that a value cannot start a new header line.
  case plainText
}

/// The outcome of rendering one template.
public enum TemplateRendering: Sendable, Hashable {
  case rendered(RenderedText)
  /// A field without a `default` had no value; rendering stopped there.
  case missing(field: String)
}

/// Rendered text, with the catalog classes it shows.
public struct RenderedText: Sendable, Hashable {
  public let text: String
  /// The ids of the classes whose fields the text outputs, in the order first output.
  public let shownClassIds: [String]
}

/// A template that cannot be parsed or uses a field, helper or block that does not exist.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The 1-based line and column, counted in Unicode scalars, inside the template text.
  public let line: Int
  public let column: Int
  public let problem: String
  public let fix: String

  public init(line: Int, column: Int, problem: String, fix: String) {
    self.line = line
    self.column = column
    self.problem = problem
    self.fix = fix
  }

  /// The problem with its position: `unknown field "abandoned.titel" at line 1, column 4`.
  public var located: String { "\(problem) at line \(line), column \(column) of the template" }

  public var description: String { "\(located); \(fix)" }
}

/// HTML escaping for text placed in element content or quoted attribute values.
public enum HTML {
  public static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      default: output.append(character)
      }
    }
    return output
  }
}

// MARK: Parsed form

/// A reference to a value, resolved against the schema when the template is parsed.
struct TemplatePath: Sendable, Hashable {
  enum Base: Sendable, Hashable {
    /// The email's top-level object.
    case root
    /// The current element of the loop at this depth, 0 being the outermost loop.
    case item(Int)
    /// `@index`, `@first` or `@last` of the loop at this depth.
    case index(Int), first(Int), last(Int)
  }

  let base: Base
  /// The field names to follow from the base.
  let fields: [String]
  /// The path as written, such as `abandoned.title`, for messages and counts.
  let text: String
}

/// A helper after `|` in an output tag.
enum TemplateHelper: Sendable, Hashable {
  /// `default: "text"`: the text when the value is absent or empty.
  case defaultText(String)
  case upcase, downcase, capitalize

  static let names = ["default", "upcase", "downcase", "capitalize"]

  var isDefault: Bool {
    if case .defaultText = self { return true }
    return false
  }
}

indirect enum TemplateNode: Sendable, Hashable {
  case text(String)
  case output(TemplatePath, helpers: [TemplateHelper])
  /// `#if` (or `#unless` when negated) with its two branches.
  case conditional(
    TemplatePath, isNegated: Bool, then: [TemplateNode], otherwise: [TemplateNode])
  /// `#each` with its body and the `else` part for an empty list.
  case loop(TemplatePath, body: [TemplateNode], otherwise: [TemplateNode])
  /// The `{{#missing}}` block, which renders nothing in place.
  case missing
}

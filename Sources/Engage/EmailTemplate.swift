/// A message template with `{{ name }}` placeholders, filled with HTML-escaped values.
///
/// Placeholders are checked when the template is made, so a typo in a scenario is a
/// validation error rather than a blank in every email.
public struct EmailTemplate: Sendable, Hashable {
  enum Piece: Sendable, Hashable {
    case text(String)
    case placeholder(String)
  }

  let pieces: [Piece]
  public let source: String

  /// Parses `source`; every placeholder must be one of `allowedNames`.
  public init(_ source: String, allowedNames: Set<String>) throws(TemplateError) {
    var pieces: [Piece] = []
    var rest = Substring(source)
    while let open = rest.range(of: "{{") {
      if open.lowerBound > rest.startIndex {
        pieces.append(.text(String(rest[..<open.lowerBound])))
      }
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw TemplateError(
          template: source, problem: "'{{' is not closed by '}}'",
          fix: "close the placeholder, as in {{ abandoned.title }}")
      }
      let inside = rest[open.upperBound..<close.lowerBound]
      let name = inside.trimmingCharacters(in: " ")
      guard allowedNames.contains(name) else {
        let known = allowedNames.sorted().joined(separator: ", ")
        throw TemplateError(
          template: source,
          problem: name.isEmpty
            ? "empty placeholder '{{\(inside)}}'" : "unknown placeholder '{{\(inside)}}'",
          fix: "use one of: \(known)")
      }
      pieces.append(.placeholder(name))
      rest = rest[close.upperBound...]
    }
    if !rest.isEmpty {
      pieces.append(.text(String(rest)))
    }
    self.pieces = pieces
    self.source = source
  }

  /// The text with every placeholder replaced by its value, HTML-escaped. Template text
  /// itself is written as is: it comes from the scenario author, not from customers.
  public func render(_ values: [String: String]) -> String {
    var output = ""
    for piece in pieces {
      switch piece {
      case .text(let text):
        output += text
      case .placeholder(let name):
        output += HTML.escape(values[name] ?? "")
      }
    }
    return output
  }

  /// The text with placeholders replaced but not escaped, for plain-text fields such as
  /// a subject line.
  public func renderPlain(_ values: [String: String]) -> String {
    pieces.map { piece in
      switch piece {
      case .text(let text): text
      case .placeholder(let name): values[name] ?? ""
      }
    }.joined()
  }
}

public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
  public let template: String
  public let problem: String
  public let fix: String

  public var description: String { "\(problem) in template \"\(template)\"; \(fix)" }
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

extension Substring {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var slice = self[...]
    while slice.first == set { slice = slice.dropFirst() }
    while slice.last == set { slice = slice.dropLast() }
    return String(slice)
  }
}

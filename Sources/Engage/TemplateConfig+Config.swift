import Config

extension TemplateConfig {
  /// Reads one element of the `templates` section: `name`, `subject`, `html` and
  /// `missing`.
  public static var reader: ConfigReader<TemplateConfig> {
    .object(
      "a template such as { name: \"abandoned-cart\", subject: \"…\", html: \"…\" }"
    ) { template in
      let name = template.required("name", Names.slug)
      let subject = template.required("subject", subjectReader)
      let html = template.required("html", htmlReader)
      let missing = template.optional(
        "missing", .oneOf(MissingFieldPolicy.self), default: .skip)
      if template.contains("heading") {
        template.declareKnown("heading")
        template.error(
          "heading was replaced by html, the whole body", key: "heading",
          fix: "write the heading into html, as in html: \"<h1>…</h1>\", and remove heading")
        return nil
      }
      guard let name, let subject, let html else { return nil }

      let hasBlock = subject.hasMissingBlock || html.hasMissingBlock
      if missing == .fallback, !hasBlock {
        template.error(
          "missing is \"fallback\", but neither subject nor html has a {{#missing}} block",
          key: "missing",
          fix: "add {{#missing}}…{{/missing}} to html with the content to send when a field "
            + "has no value, or set missing to \"skip\"")
        return nil
      }
      if missing == .skip, hasBlock {
        template.error(
          "the {{#missing}} block never renders, because missing is \"skip\"",
          key: template.contains("missing") ? "missing" : "html",
          fix: "set missing: \"fallback\" to send the block's content when a field has no "
            + "value, or remove the block")
        return nil
      }
      return TemplateConfig(name: name, subject: subject, html: html, missing: missing)
    }
  }

  /// Reads a subject: a template on one line.
  static var subjectReader: ConfigReader<EmailTemplate> {
    ConfigReader<EmailTemplate>(expecting: "a one-line template string") {
      node, path, diagnostics in
      guard let text = diagnostics.read(node, at: path, as: .nonEmptyString) else { return nil }
      guard !text.contains(where: \.isNewline) else {
        diagnostics.error(
          "a subject line cannot contain a line break", at: node, path: path,
          found: node.shortDescription, fix: "write the subject on one line")
        return nil
      }
      return parse(text, node: node, path: path, diagnostics: diagnostics)
    }
  }

  /// Reads a body: a template string, or an array of its lines, which are joined with
  /// line breaks. An error in an array is reported at the element of its line.
  static var htmlReader: ConfigReader<EmailTemplate> {
    let expectation = "a template string, or an array of its lines"
    return ConfigReader<EmailTemplate>(expecting: expectation) { node, path, diagnostics in
      switch node.value {
      case .string:
        guard let text = diagnostics.read(node, at: path, as: .nonEmptyString) else {
          return nil
        }
        return parse(text, node: node, path: path, diagnostics: diagnostics)
      case .array(let elements):
        let line = ConfigReader<String>.string.converted(
          expecting: "a string without line breaks (one line of the body)"
        ) { $0.contains(where: \.isNewline) ? nil : $0 }
        guard
          let lines = diagnostics.read(
            node, at: path, as: .array(of: line, count: 1...maximumLines))
        else { return nil }
        let text = lines.joined(separator: "\n")
        do throws(TemplateError) {
          return try EmailTemplate(text)
        } catch {
          let index = min(max(error.line - 1, 0), elements.count - 1)
          diagnostics.error(
            error.located, at: elements[index], path: path.appending(index: index),
            found: elements[index].shortDescription, fix: error.fix)
          return nil
        }
      default:
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.kindAndValueDescription,
          fix: "write the body as a string, or as an array of strings, one per line")
        return nil
      }
    }
  }

  /// The maximum number of lines of a body given as an array.
  public static let maximumLines = 10_000

  private static func parse(
    _ text: String, node: ConfigNode, path: FieldPath, diagnostics: Diagnostics
  ) -> EmailTemplate? {
    do throws(TemplateError) {
      return try EmailTemplate(text)
    } catch {
      diagnostics.error(
        error.located, at: node, path: path, found: node.shortDescription, fix: error.fix)
      return nil
    }
  }
}

extension TemplateConfig: ConfigEncodable {
  /// The template's members. A body whose only line breaks are LF is written as an array
  /// of its lines, which the reader joins back to the same text.
  public var configValue: JSONValue {
    let body = html.source
    let breaksAreLineFeeds = body.allSatisfy { !$0.isNewline || $0 == "\n" }
    let htmlValue: JSONValue =
      body.contains("\n") && breaksAreLineFeeds
      ? .array(
        body.split(separator: "\n", omittingEmptySubsequences: false).map {
          .string(String($0))
        })
      : .string(body)
    return [
      "name": .string(name), "subject": .string(subject.source), "html": htmlValue,
      "missing": .string(missing.rawValue),
    ]
  }
}

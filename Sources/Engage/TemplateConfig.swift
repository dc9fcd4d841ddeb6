/// A named email template from the `templates` section: a subject, an HTML body, and what
/// to do when a field the template writes has no value for a customer.
public struct TemplateConfig: Sendable, Hashable {
  public let name: String
  /// The subject line, rendered as plain text.
  public let subject: EmailTemplate
  /// The HTML body, whose values are HTML-escaped.
  public let html: EmailTemplate
  public let missing: MissingFieldPolicy

  public init(
    name: String, subject: EmailTemplate, html: EmailTemplate,
    missing: MissingFieldPolicy = .skip
  ) {
    self.name = name
    self.subject = subject
    self.html = html
    self.missing = missing
  }

  /// Renders the subject and the body for one email.
  ///
  /// When a field without a `default` has no value, the `missing` policy decides: `skip`
  /// sends nothing, and `fallback` renders the subject and the body again in fallback
  /// mode, where each renders its `{{#missing}}` block alone when it has one and all of
  /// itself otherwise. A field still without a value in fallback mode skips the email.
  public func render(_ data: TemplateObject) -> EmailRendering {
    let field: String
    switch renderBoth(data, fallback: false) {
    case .complete(let email): return .complete(email)
    case .missing(let missingField): field = missingField
    }
    guard missing == .fallback else { return .skipped(missingField: field) }
    switch renderBoth(data, fallback: true) {
    case .complete(let email): return .fallback(email, missingField: field)
    case .missing(let fallbackField): return .skipped(missingField: fallbackField)
    }
  }

  private enum BothParts {
    case complete(RenderedEmail)
    case missing(String)
  }

  private func renderBoth(_ data: TemplateObject, fallback: Bool) -> BothParts {
    let subjectText: RenderedText
    switch subject.render(data, format: .plainText, fallback: fallback) {
    case .rendered(let text): subjectText = text
    case .missing(let field): return .missing(field)
    }
    switch html.render(data, format: .html, fallback: fallback) {
    case .rendered(let body):
      var shown = subjectText.shownClassIds
      for id in body.shownClassIds where !shown.contains(id) {
        shown.append(id)
      }
      return .complete(
        RenderedEmail(subject: subjectText.text, html: body.text, shownClassIds: shown))
    case .missing(let field):
      return .missing(field)
    }
  }
}

/// The policy of a template for a field it writes without a `default` and that has no
/// value.
public enum MissingFieldPolicy: String, Sendable, Hashable, CaseIterable {
  /// Send nothing, and count the email as skipped.
  case skip
  /// Send the `{{#missing}}` blocks' content instead, and count the email as a fallback.
  case fallback
}

/// The outcome of rendering one email from a template.
public enum EmailRendering: Sendable, Hashable {
  /// Every field had a value.
  case complete(RenderedEmail)
  /// `missingField` had no value, so the fallback content was rendered.
  case fallback(RenderedEmail, missingField: String)
  /// `missingField` had no value and the email is not sent.
  case skipped(missingField: String)
}

/// A rendered email: what is sent and stored.
public struct RenderedEmail: Sendable, Hashable {
  public let subject: String
  public let html: String
  /// The catalog classes the subject and body show, in the order first shown.
  public let shownClassIds: [String]
}

import Config
import Customers
import Foundation
import Simulation

extension EngageConfig {
  /// Reads the `templates`, `experiment`, `calculatedAttributes`, `workflows`, `messaging`
  /// and `email` members of a scenario's root object, and checks the references between them: the templates that
  /// steps and arms name, and the experiment that a split needs.
  ///
  /// A reference into a section that is itself invalid is not checked, so one mistake is
  /// reported once. Returns nil after reporting at least one error.
  public static func read(from root: ObjectReader) -> EngageConfig? {
    let errorsBeforeTemplates = root.diagnostics.errorCount
    let templates =
      root.optional(
        "templates",
        ConfigReader<[TemplateConfig]>.array(
          of: TemplateConfig.reader, count: 0...maximumTemplates, unique: "name", by: \.name))
      ?? []
    let templateNames =
      root.diagnostics.errorCount == errorsBeforeTemplates ? templates.map(\.name) : nil

    let errorsBeforeExperiment = root.diagnostics.errorCount
    let experiment = root.optional(
      "experiment", ExperimentConfig.reader(templates: templateNames))
    let experimentState: SectionState =
      root.diagnostics.errorCount != errorsBeforeExperiment
      ? .invalid : experiment == nil ? .absent : .valid

    let errorsBeforeWorkflows = root.diagnostics.errorCount
    let declared =
      root.optional("calculatedAttributes", CalculatedAttribute.listReader, default: [])
    let updated = WorkflowConfig.customAttributeNames(in: root.object["workflows"])
    reportUpdatesOfDeclared(declared, updated: updated, root: root)
    var kinds: [String: AttributeKind] = [:]
    for attribute in declared {
      kinds[attribute.name] = attribute.aggregate.kind
    }
    let customAttributes = ExtraAttributes(
      names: declared.map(\.name) + updated.filter { name in
        !declared.contains { $0.name == name }
      },
      kinds: kinds)
    let workflows = root.required(
      "workflows",
      WorkflowConfig.listReader(
        templates: templateNames, experiment: experimentState,
        customAttributes: customAttributes))
    let messaging = root.optional("messaging", MessagingRules.reader, default: .none)
    let email = root.required("email", EmailConfig.reader)

    guard templateNames != nil, experimentState != .invalid, let workflows, let email,
      root.diagnostics.errorCount == errorsBeforeWorkflows
    else { return nil }
    if experiment != nil, !workflows.contains(where: { $0.splitIndex != nil }) {
      root.warning(
        "no workflow has a split step, so the arms are unused and only globalControl applies",
        key: "experiment", fix: "add a { split: \"experiment\" } step to a workflow")
    }
    return EngageConfig(
      templates: templates, experiment: experiment, workflows: workflows, email: email,
      messaging: messaging, calculatedAttributes: declared)
  }

  /// Reports a declared attribute that an `updateProfile` step also sets: the engine
  /// computes it from events, so a step must not overwrite it.
  private static func reportUpdatesOfDeclared(
    _ declared: [CalculatedAttribute], updated: [String], root: ObjectReader
  ) {
    guard let node = root.object["calculatedAttributes"], case .array(let elements) = node.value
    else { return }
    for (index, attribute) in declared.enumerated()
    where updated.contains(attribute.name) && elements.indices.contains(index) {
      root.diagnostics.error(
        "an updateProfile step sets \"\(attribute.name)\", which is a calculated attribute",
        at: elements[index],
        path: root.path.appending(key: "calculatedAttributes").appending(index: index),
        found: nil, fix: "rename the attribute the updateProfile step sets, or this one")
    }
  }

  /// Reads an object that contains only the messaging engine's sections; for tests and
  /// tools that check these sections alone.
  public static var reader: ConfigReader<EngageConfig> {
    .object("an object with templates, experiment, workflows, messaging and email") { root in
      read(from: root)
    }
  }

  /// The maximum number of templates a scenario may define.
  public static let maximumTemplates = 100
}

/// Whether an optional section is absent, invalid, or valid, for the checks of the
/// sections that refer to it.
enum SectionState: Sendable, Hashable {
  case absent, invalid, valid
}

extension TemplateConfig {
  /// Reads one element of the `templates` section.
  public static var reader: ConfigReader<TemplateConfig> {
    .object(
      "a template such as { name: \"abandoned-cart\", subject: \"…\", heading: \"…\" }"
    ) { template in
      let name = template.required("name", Names.slug)
      let subject = template.required("subject", subjectReader)
      let heading = template.required("heading", textReader)
      guard let name, let subject, let heading else { return nil }
      return TemplateConfig(name: name, subject: subject, heading: heading)
    }
  }

  /// Reads a template string whose placeholders are among
  /// `WorkflowConfig.placeholderNames`.
  static var textReader: ConfigReader<EmailTemplate> {
    ConfigReader<EmailTemplate>(expecting: "a template string") { node, path, diagnostics in
      guard let text = diagnostics.read(node, at: path, as: .nonEmptyString) else { return nil }
      switch Result(catching: { () throws(TemplateError) -> EmailTemplate in
        try EmailTemplate(text, allowedNames: WorkflowConfig.placeholderNames)
      }) {
      case .success(let template):
        return template
      case .failure(let error):
        diagnostics.error(
          error.problem, at: node, path: path, found: node.shortDescription, fix: error.fix)
        return nil
      }
    }
  }

  /// Reads a template string on one line, for a subject.
  static var subjectReader: ConfigReader<EmailTemplate> {
    ConfigReader<EmailTemplate>(expecting: "a one-line template string") {
      node, path, diagnostics in
      if case .string(let text) = node.value, text.contains(where: \.isNewline) {
        diagnostics.error(
          "a subject line cannot contain a line break", at: node, path: path,
          found: node.shortDescription, fix: "write the subject on one line")
        return nil
      }
      return textReader.read(node, at: path, into: diagnostics)
    }
  }
}

extension EmailConfig {
  /// Reads the `email` section.
  public static var reader: ConfigReader<EmailConfig> {
    .object("an email section") { email in
      let deliverability = email.required("deliverability", .probability)
      let deliveryDelay = email.required("deliveryDelay", .distribution)
      let open = email.required("open", BehaviourModel.stepReader)
      let click = email.required("click", BehaviourModel.stepReader)
      guard let deliverability, let deliveryDelay, let open, let click else { return nil }
      return EmailConfig(
        deliverability: deliverability, deliveryDelay: deliveryDelay, open: open, click: click)
    }
  }
}

/// Readers of names shared by the sections.
enum Names {
  /// A name that can appear in ids and stream purposes: 1 to 64 ASCII letters, digits,
  /// `-` and `_`.
  static var slug: ConfigReader<String> {
    ConfigReader<String>.nonEmptyString.converted(
      expecting: "a name of at most 64 letters, digits, '-' and '_', such as \"abandoned-cart\""
    ) { name in
      name.count <= 64
        && name.unicodeScalars.allSatisfy {
          $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
        } ? name : nil
    }
  }

  /// Reads the name of a template in the `templates` section, with a "did you mean" for a
  /// near miss. When `templates` is nil the section is invalid and the name is not checked.
  static func template(among templates: [String]?) -> ConfigReader<String> {
    ConfigReader<String>(expecting: "the name of a template in the templates section") {
      node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: .nonEmptyString) else { return nil }
      guard let templates, !templates.contains(name) else { return name }

      let fix: String
      if let suggestion = Suggestion.closest(to: name, among: templates) {
        fix = "did you mean \(quoted(suggestion))?"
      } else if templates.isEmpty {
        fix = "add a template named \(quoted(name)) to the templates section"
      } else {
        fix = "use one of the templates: " + templates.map(quoted).joined(separator: ", ")
      }
      diagnostics.error(
        "unknown template", at: node, path: path, found: node.shortDescription, fix: fix)
      return nil
    }
  }

  /// Returns `text` as a JSON string literal, for messages.
  static func quoted(_ text: String) -> String {
    var output = ""
    JSONWriter.appendQuoted(text, to: &output)
    return output
  }
}

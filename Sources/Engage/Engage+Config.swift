import Foundation
import Config
import Customers
import Simulation

extension WorkflowConfig {
  /// Reads the `workflows` section. This version runs one abandoned-cart workflow.
  public static var listReader: ConfigReader<WorkflowConfig> {
    ConfigReader<[WorkflowConfig]>.array(of: reader, count: 1...1)
      .converted(expecting: "a list of exactly one workflow") { $0.first }
  }

  public static var reader: ConfigReader<WorkflowConfig> {
    .object("a workflow") { workflow in
      let name = workflow.required("name", slugReader)
      let trigger = workflow.required("trigger", triggerReader)
      let delay = workflow.required("delay", .duration)
      let holdout = workflow.required("holdout", .probability)
      let email = workflow.required("email", emailContentReader)
      guard let name, let trigger, let delay, let holdout, let email else { return nil }
      return WorkflowConfig(
        name: name, triggerEvent: trigger, delay: delay, holdoutShare: holdout,
        maxWatchedClasses: email.watched, subject: email.subject, heading: email.heading)
    }
  }

  /// A name that can appear in ids and stream purposes: letters, digits, `-` and `_`.
  static var slugReader: ConfigReader<String> {
    ConfigReader<String>.nonEmptyString.converted(
      expecting: "a name of letters, digits, '-' and '_', such as \"abandoned-cart\""
    ) { name in
      name.count <= 64
        && name.unicodeScalars.allSatisfy {
          $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
        } ? name : nil
    }
  }

  static var triggerReader: ConfigReader<String> {
    .object("a trigger such as { event: \"Product Added\" }") { trigger in
      trigger.required("event", .oneOf(["Product Added"]))
    }
  }

  static var emailContentReader:
    ConfigReader<(subject: EmailTemplate, heading: EmailTemplate, watched: Int)>
  {
    .object("an email such as { subject: \"…\", heading: \"…\", watchedClasses: 3 }") { email in
      let subject = email.required(
        "subject",
        ConfigReader<EmailTemplate>(expecting: "a one-line template string") {
          node, path, diagnostics in
          if case .string(let text) = node.value, text.contains(where: \.isNewline) {
            diagnostics.error(
              "a subject line cannot contain a line break", at: node, path: path,
              found: node.shortDescription, fix: "write the subject on one line")
            return nil
          }
          return templateReader.read(node, at: path, into: diagnostics)
        })
      let heading = email.required("heading", templateReader)
      let watched = email.optional("watchedClasses", .int(in: 0...10), default: 3)
      guard let subject, let heading else { return nil }
      return (subject, heading, watched)
    }
  }

  static var templateReader: ConfigReader<EmailTemplate> {
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

import Config
import Simulation

/// A step as read, with its optional name.
struct NamedStep: Sendable {
  let step: WorkflowStep
  let name: String?
}

extension WorkflowStep {
  /// The maximum number of cases of a `branch` and of paths of a `randomSplit`.
  static let maximumCases = 50
  /// The largest weight of a random split path.
  static let maximumWeight = 1_000_000.0

  static let example =
    "{ wait: \"1h\" }, { exitIf: \"purchased-trigger-class\" }, "
    + "{ split: \"experiment\" }, { sendEmail: { template: \"…\" } } or { exit: true }"

  /// Reads one step: an object with exactly one key that is a step kind, an optional
  /// `name`, and, for a branch, an optional `else`.
  ///
  /// - Parameters:
  ///   - templates: The template names that `sendEmail` may use; nil skips the check.
  ///   - scope: What the step's conditions may read.
  static func reader(templates: [String]?, scope: ConditionScope) -> ConfigReader<NamedStep> {
    let kinds = Kind.allCases.map(\.rawValue)
    return .object("a step such as \(example)") { step in
      let errors = step.diagnostics.errorCount
      var present: [Kind] = []
      var unknown = 0
      for member in step.object.members where member.key != "name" && member.key != "else" {
        if let kind = Kind(rawValue: member.key) {
          present.append(kind)
          continue
        }
        unknown += 1
        step.declareKnown(member.key)
        let fix =
          Suggestion.closest(to: member.key, among: kinds + ["name"]).map {
            "did you mean \"\($0)\"?"
          } ?? "use one of the step kinds: " + kinds.joined(separator: ", ")
        step.diagnostics.report(
          Diagnostic(
            severity: .error, at: member.keyLocation, path: step.path.appending(key: member.key),
            problem: "unknown step kind", fix: fix))
      }

      let name = step.optional("name", nameReader)
      let values = present.compactMap {
        read($0, from: step, templates: templates, scope: scope)
      }
      if present != [.branch] {
        step.declareKnown("else")
        if step.contains("else") {
          step.error(
            "else applies only to a branch step", key: "else",
            fix: "remove else, or write the step as { branch: [ … ], else: … }")
        }
      }
      if present.isEmpty && unknown == 0 {
        step.error("a step needs a kind", found: "{}", fix: "write one of \(example)")
      }
      if present.count > 1 {
        step.error(
          "a step has exactly one kind",
          found: present.map(\.rawValue).joined(separator: " and "),
          fix: "write each kind as its own step object")
      }
      guard present.count == 1, unknown == 0, values.count == 1,
        step.diagnostics.errorCount == errors
      else { return nil }
      return NamedStep(step: values[0], name: name)
    }
  }

  /// Reads a step name: a name that is not `continue` or `exit`, which are targets.
  static var nameReader: ConfigReader<String> {
    ConfigReader<String>(expecting: Names.slug.expectation) { node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: Names.slug) else { return nil }
      guard !StepTarget.keywords.contains(name) else {
        diagnostics.error(
          "the step name \(Names.quoted(name)) is reserved", at: node, path: path,
          found: node.shortDescription,
          fix: "choose another name, because \"continue\" and \"exit\" are targets themselves")
        return nil
      }
      return name
    }
  }

  /// Reads a target: `"continue"`, `"exit"` or a step name, which the workflow checks.
  static var targetReader: ConfigReader<StepTarget> {
    ConfigReader<String>.nonEmptyString.converted(
      expecting: "\"continue\", \"exit\" or the name of a step"
    ) { StepTarget($0) }
  }

  private static func read(
    _ kind: Kind, from step: ObjectReader, templates: [String]?, scope: ConditionScope
  ) -> WorkflowStep? {
    let key = kind.rawValue
    switch kind {
    case .wait:
      return step.required(key, .duration).map(WorkflowStep.wait)
    case .waitUntil:
      return step.required(key, TimeOfDay.reader).map(WorkflowStep.waitUntil)
    case .waitFor:
      return step.required(key, waitForReader(scope: scope)).map(WorkflowStep.waitFor)
    case .exitIf:
      return step.required(key, .oneOf(ExitCondition.self)).map(WorkflowStep.exitIf)
    case .filter:
      return step.required(key, Condition.reader(scope: scope)).map(WorkflowStep.filter)
    case .branch:
      let cases = step.required(
        key, .array(of: branchCaseReader(scope: scope), count: 1...maximumCases))
      let otherwise = step.optional("else", targetReader, default: .next)
      return cases.map { .branch(BranchStep(cases: $0, otherwise: otherwise)) }
    case .randomSplit:
      return step.required(key, randomSplitReader).map(WorkflowStep.randomSplit)
    case .split:
      return step.required(key, .oneOf(["experiment"])).map { _ in .split }
    case .sendEmail:
      let reader = ConfigReader<SendEmailStep>.object(
        "a sendEmail step such as { template: \"abandoned-cart\" }"
      ) { send in
        send.required("template", Names.template(among: templates)).map(SendEmailStep.init)
      }
      return step.required(key, reader).map(WorkflowStep.sendEmail)
    case .updateProfile:
      return step.required(key, updateReader).map(WorkflowStep.updateProfile)
    case .exit:
      let reader = ConfigReader<Bool>.bool.converted(expecting: "true") { $0 ? true : nil }
      return step.required(key, reader).map { _ in .exit }
    }
  }

  private static func waitForReader(scope: ConditionScope) -> ConfigReader<WaitForStep> {
    .object(
      "a waitFor step such as { event: \"Order Completed\", timeout: \"1h\", then: \"exit\" }"
    ) { wait in
      let errors = wait.diagnostics.errorCount
      let event = wait.required("event", EventNames.reader)
      let eventScope = ConditionScope(
        properties: .event(event), customAttributes: scope.customAttributes,
        trigger: scope.trigger)
      let condition = wait.optional("where", Condition.reader(scope: eventScope))
      let timeout = wait.required("timeout", .positiveDuration)
      let then = wait.optional("then", targetReader, default: .next)
      let onTimeout = wait.optional("onTimeout", targetReader)
      guard let event, let timeout, wait.diagnostics.errorCount == errors else { return nil }
      return WaitForStep(
        event: event, condition: condition, timeout: timeout, then: then,
        onTimeout: onTimeout)
    }
  }

  private static func branchCaseReader(scope: ConditionScope) -> ConfigReader<BranchCase> {
    .object("a branch case such as { if: { \"profile.emailOptIn\": true }, goTo: \"send\" }") {
      branchCase in
      let condition = branchCase.required("if", Condition.reader(scope: scope))
      let target = branchCase.required("goTo", targetReader)
      guard let condition, let target else { return nil }
      return BranchCase(condition: condition, target: target)
    }
  }

  private static var randomSplitReader: ConfigReader<[RandomPath]> {
    let path = ConfigReader<RandomPath>.object("a path such as { weight: 1, goTo: \"a\" }") {
      path in
      let weight = path.required("weight", .double(in: 0...maximumWeight))
      let target = path.optional("goTo", targetReader, default: .next)
      return weight.map { RandomPath(weight: $0, target: target) }
    }
    let list = ConfigReader<[RandomPath]>.array(of: path, count: 2...maximumCases)
    return ConfigReader<[RandomPath]>(expecting: list.expectation) { node, path, diagnostics in
      guard let paths = list.read(node, at: path, into: diagnostics) else { return nil }
      guard paths.contains(where: { $0.weight > 0 }) else {
        diagnostics.error(
          "every path has weight 0, so none can be drawn", at: node, path: path,
          fix: "give at least one path a weight above 0")
        return nil
      }
      return paths
    }
  }

  private static var updateReader: ConfigReader<ProfileUpdate> {
    .object("an update such as { attribute: \"welcomed\", value: true }") { update in
      let attribute = update.required("attribute", customAttributeReader)
      let value = update.required(
        "value",
        ConfigReader<ConditionValue>(expecting: "a string, number or boolean") {
          node, _, _ in
          switch node.value {
          case .string(let text): return .string(text)
          case .number(let number) where number.double.isFinite: return .number(number.double)
          case .bool(let flag): return .bool(flag)
          default: return nil
          }
        })
      guard let attribute, let value else { return nil }
      return ProfileUpdate(attribute: attribute, value: value)
    }
  }

  /// Reads the name of an attribute that a step sets: a name that is not a calculated
  /// attribute, whose value only the messages decide.
  private static var customAttributeReader: ConfigReader<String> {
    ConfigReader<String>(expecting: Names.slug.expectation) { node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: Names.slug) else { return nil }
      guard ProfileAttribute(rawValue: name) == nil else {
        diagnostics.error(
          "\(Names.quoted(name)) is a calculated attribute, which steps cannot set",
          at: node, path: path, found: node.shortDescription,
          fix: "choose a name that is not one of the calculated attributes")
        return nil
      }
      return name
    }
  }
}

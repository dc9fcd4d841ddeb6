import Config
import Simulation

extension WorkflowConfig {
  /// The maximum number of steps a workflow may have.
  public static let maximumSteps = 100

  /// Reads the `workflows` section, which in this version contains exactly one workflow.
  ///
  /// - Parameters:
  ///   - templates: The template names that `sendEmail` steps may use, or nil when the
  ///     `templates` section is invalid and the names are not checked.
  ///   - experiment: Whether the `experiment` section that a split needs is there.
  static func listReader(templates: [String]?, experiment: SectionState)
    -> ConfigReader<WorkflowConfig>
  {
    let element = reader(templates: templates, experiment: experiment)
    let expectation = "an array of exactly one workflow"
    return ConfigReader<WorkflowConfig>(expecting: expectation) { node, path, diagnostics in
      guard case .array(let nodes) = node.value else {
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.kindAndValueDescription,
          fix: "write workflows: [ { name: …, trigger: …, steps: [ … ] } ]")
        return nil
      }
      let workflows = nodes.enumerated().map { index, workflow in
        element.read(workflow, at: path.appending(index: index), into: diagnostics)
      }
      guard nodes.count == 1 else {
        diagnostics.error(
          "this version of LoopSim runs exactly one workflow", at: node, path: path,
          found: nodes.count == 0 ? "no workflows" : "\(nodes.count) workflows",
          fix: nodes.isEmpty ? "add one workflow" : "keep one workflow and remove the others")
        return nil
      }
      return workflows[0]
    }
  }

  /// Reads one workflow: `{ name, trigger: { event }, steps: [ … ] }`.
  static func reader(templates: [String]?, experiment: SectionState)
    -> ConfigReader<WorkflowConfig>
  {
    let step = WorkflowStep.reader(templates: templates)
    return .object("a workflow") { workflow in
      let name = workflow.required("name", Names.slug)
      let trigger = workflow.required("trigger", triggerReader)
      let steps = workflow.required(
        "steps", .array(of: step, count: 1...maximumSteps))
      let hasRemovedFields = reportRemovedFields(workflow)

      guard let name, let trigger, let steps, !hasRemovedFields else { return nil }
      let config = WorkflowConfig(name: name, triggerEvent: trigger, steps: steps)
      // When the experiment is invalid its own errors are reported, so a split is not
      // reported again for lacking one.
      let problems = config.orderProblems(hasExperiment: experiment != .absent)
      report(problems, in: workflow)
      return problems.contains { !$0.isWarning } ? nil : config
    }
  }

  static var triggerReader: ConfigReader<String> {
    .object("a trigger such as { event: \"Product Added\" }") { trigger in
      trigger.required("event", .oneOf(["Product Added"]))
    }
  }

  /// Reports the fields of the previous workflow format with where their settings went,
  /// and returns whether there were any.
  private static func reportRemovedFields(_ workflow: ObjectReader) -> Bool {
    let moves = [
      ("delay", "write a { wait: \"1h\" } step in steps"),
      ("holdout", "set the holdout share in the experiment section"),
      (
        "email",
        "move subject and heading to a template in the templates section, and add a "
          + "{ sendEmail: { template: … } } step"
      ),
    ]
    var found = false
    for (key, fix) in moves where workflow.contains(key) {
      found = true
      workflow.declareKnown(key)
      workflow.error("this field moved in the current scenario format", key: key, fix: fix)
    }
    return found
  }

  /// Reports step order problems at the step kind's key, such as `steps[3].sendEmail`.
  private static func report(_ problems: [StepOrderProblem], in workflow: ObjectReader) {
    guard let stepsNode = workflow.object["steps"], case .array(let nodes) = stepsNode.value
    else { return }
    for problem in problems where nodes.indices.contains(problem.step) {
      let node = nodes[problem.step]
      var path = workflow.path.appending(key: "steps").appending(index: problem.step)
      var located = node
      if case .object(let object) = node.value, let member = object.members.first {
        path = path.appending(key: member.key)
        located = member.value
      }
      if problem.isWarning {
        workflow.diagnostics.warning(
          problem.problem, at: located, path: path, found: problem.found, fix: problem.fix)
      } else {
        workflow.diagnostics.error(
          problem.problem, at: located, path: path, found: problem.found, fix: problem.fix)
      }
    }
  }
}

extension WorkflowStep {
  /// Reads one step: an object with exactly one key, the step kind.
  static func reader(templates: [String]?) -> ConfigReader<WorkflowStep> {
    let kinds = Kind.allCases.map(\.rawValue)
    let example =
      "{ wait: \"1h\" }, { exitIf: \"purchased-trigger-class\" }, "
      + "{ split: \"experiment\" }, { sendEmail: { template: \"…\" } } or { exit: true }"
    return .object("a step such as \(example)") { step in
      var present: [Kind] = []
      var unknown = 0
      for member in step.object.members {
        if let kind = Kind(rawValue: member.key) {
          present.append(kind)
          continue
        }
        unknown += 1
        step.declareKnown(member.key)
        let fix =
          Suggestion.closest(to: member.key, among: kinds).map { "did you mean \"\($0)\"?" }
          ?? "use one of the step kinds: " + kinds.joined(separator: ", ")
        step.diagnostics.report(
          Diagnostic(
            severity: .error, at: member.keyLocation, path: step.path.appending(key: member.key),
            problem: "unknown step kind", fix: fix))
      }

      let values = present.compactMap { read($0, from: step, templates: templates) }
      if present.isEmpty && unknown == 0 {
        step.error("a step needs a kind", found: "{}", fix: "write one of \(example)")
      }
      if present.count > 1 {
        step.error(
          "a step has exactly one kind",
          found: present.map(\.rawValue).joined(separator: " and "),
          fix: "write each kind as its own step object")
      }
      guard present.count == 1, unknown == 0, values.count == 1 else { return nil }
      return values[0]
    }
  }

  private static func read(
    _ kind: Kind, from step: ObjectReader, templates: [String]?
  ) -> WorkflowStep? {
    switch kind {
    case .wait:
      return step.required("wait", .duration).map(WorkflowStep.wait)
    case .exitIf:
      return step.required("exitIf", .oneOf(ExitCondition.self)).map(WorkflowStep.exitIf)
    case .split:
      return step.required("split", .oneOf(["experiment"])).map { _ in .split }
    case .sendEmail:
      let reader = ConfigReader<SendEmailStep>.object(
        "a sendEmail step such as { template: \"abandoned-cart\" }"
      ) { send in
        send.required("template", Names.template(among: templates)).map(SendEmailStep.init)
      }
      return step.required("sendEmail", reader).map(WorkflowStep.sendEmail)
    case .exit:
      let reader = ConfigReader<Bool>.bool.converted(expecting: "true") { $0 ? true : nil }
      return step.required("exit", reader).map { _ in .exit }
    }
  }
}

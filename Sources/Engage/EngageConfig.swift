/// The messaging engine's part of a scenario: the `templates`, `experiment`, `workflows`
/// and `email` sections.
public struct EngageConfig: Sendable, Hashable {
  public let templates: [TemplateConfig]
  /// The arms of the workflow's split; nil when the scenario has no `experiment` section.
  public let experiment: ExperimentConfig?
  /// The one workflow this version runs.
  public let workflow: WorkflowConfig
  public let email: EmailConfig

  public init(
    templates: [TemplateConfig], experiment: ExperimentConfig?, workflow: WorkflowConfig,
    email: EmailConfig
  ) {
    self.templates = templates
    self.experiment = experiment
    self.workflow = workflow
    self.email = email
  }

  public func template(named name: String) -> TemplateConfig? {
    templates.first { $0.name == name }
  }

  /// Checks what the readers check across sections, for a configuration built in code:
  /// every template named exists, the steps are in a valid order, a split has an
  /// experiment, and the experiment's shares sum to 1.
  public func validate() throws(EngageConfigError) {
    let names = Set(templates.map(\.name))
    var missing: [String] = []
    for case .sendEmail(let step) in workflow.steps where !names.contains(step.template) {
      missing.append(step.template)
    }
    for arm in experiment?.arms ?? [] {
      if let template = arm.template, !names.contains(template) {
        missing.append(template)
      }
    }
    if let name = missing.first {
      throw EngageConfigError("template \"\(name)\" is not in templates, so it cannot be sent")
    }
    let problems = workflow.orderProblems(hasExperiment: experiment != nil)
    if let problem = problems.first(where: { !$0.isWarning }) {
      throw EngageConfigError("steps[\(problem.step)]: \(problem.problem)")
    }
    if let experiment, abs(experiment.shareSum - 1) > ExperimentConfig.shareSumTolerance {
      throw EngageConfigError(
        "experiment shares sum to \(experiment.shareSum) instead of 1")
    }
  }
}

/// A configuration built in code that the readers would have rejected.
public struct EngageConfigError: Error, Sendable, Hashable, CustomStringConvertible {
  public let description: String

  init(_ description: String) {
    self.description = description
  }
}

/// A misplaced step, found by `orderProblems`.
struct StepOrderProblem: Sendable, Hashable {
  /// The index of the step in `steps`.
  let step: Int
  let problem: String
  let found: String?
  let fix: String
  /// True for a problem that leaves the workflow runnable.
  let isWarning: Bool
}

extension WorkflowConfig {
  /// Finds steps out of order: a second split, a `sendEmail` before the split, a split
  /// with no experiment, steps after an `exit`, and a workflow that sends nothing.
  func orderProblems(hasExperiment: Bool) -> [StepOrderProblem] {
    var problems: [StepOrderProblem] = []
    let split = splitIndex
    for (index, step) in steps.enumerated() {
      switch step {
      case .split where index != split:
        problems.append(
          StepOrderProblem(
            step: index, problem: "a workflow has at most one split step",
            found: "a second split after steps[\(split ?? 0)]",
            fix: "remove one of the split steps", isWarning: false))
      case .split where !hasExperiment:
        problems.append(
          StepOrderProblem(
            step: index, problem: "the split has no experiment section to assign arms from",
            found: nil,
            fix: "add an experiment section with arms and holdout, or remove the split",
            isWarning: false))
      case .sendEmail:
        if let split, index < split {
          problems.append(
            StepOrderProblem(
              step: index, problem: "sendEmail comes before the split at steps[\(split)]",
              found: nil,
              fix: "move the sendEmail step after the split, which decides what each arm is sent",
              isWarning: false))
        }
      default:
        break
      }
    }

    if let exit = steps.firstIndex(of: .exit), exit < steps.count - 1 {
      problems.append(
        StepOrderProblem(
          step: exit + 1, problem: "this step never runs, because steps[\(exit)] exits",
          found: nil, fix: "remove the steps after the exit step, or move the exit step",
          isWarning: true))
    }
    let sends = steps.indices.filter { steps[$0].kind == .sendEmail }
    if sends.isEmpty {
      problems.append(
        StepOrderProblem(
          step: max(steps.count - 1, 0),
          problem: "the workflow has no sendEmail step, so it sends nothing",
          found: nil, fix: "add a sendEmail step", isWarning: true))
    }
    return problems
  }
}

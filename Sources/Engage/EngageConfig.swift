/// The messaging engine's part of a scenario: the `templates`, `experiment`, `workflows`,
/// `messaging` and `email` sections.
public struct EngageConfig: Sendable, Hashable {
  /// The most workflows a scenario may have.
  public static let maximumWorkflows = 50

  public let templates: [TemplateConfig]
  /// The arms of the workflows' splits; nil when the scenario has no `experiment` section.
  /// Its `name` is always set.
  public let experiment: ExperimentConfig?
  /// The workflows in the order written, which is also the order in which one message
  /// triggers them.
  public let workflows: [WorkflowConfig]
  public let email: EmailConfig
  /// Frequency caps and quiet hours across workflows.
  public let messaging: MessagingRules
  /// The attributes the scenario declares, which the engine keeps on every profile.
  public let calculatedAttributes: [CalculatedAttribute]

  /// Creates the sections; an experiment without a name is named after the first workflow
  /// with a split step, or `experiment` when no workflow has one.
  public init(
    templates: [TemplateConfig], experiment: ExperimentConfig?, workflows: [WorkflowConfig],
    email: EmailConfig, messaging: MessagingRules = .none,
    calculatedAttributes: [CalculatedAttribute] = []
  ) {
    self.templates = templates
    self.calculatedAttributes = calculatedAttributes
    let firstSplit = workflows.first { $0.splitIndex != nil }
    self.experiment = experiment?.named(firstSplit?.name ?? "experiment")
    self.workflows = workflows
    self.email = email
    self.messaging = messaging
  }

  /// Creates the sections with one workflow.
  public init(
    templates: [TemplateConfig], experiment: ExperimentConfig?, workflow: WorkflowConfig,
    email: EmailConfig, messaging: MessagingRules = .none
  ) {
    self.init(
      templates: templates, experiment: experiment, workflows: [workflow], email: email,
      messaging: messaging)
  }

  public func template(named name: String) -> TemplateConfig? {
    templates.first { $0.name == name }
  }

  /// Whether a workflow has a split step, so that the experiment assigns arms.
  public var hasSplit: Bool {
    experiment != nil && workflows.contains { $0.splitIndex != nil }
  }

  /// The experiment's name: `experiment_id` of `Experiment Viewed`; nil without one.
  public var experimentName: String? { experiment?.name }

  /// Checks what the readers check across sections, for a configuration built in code:
  /// every template named exists, workflow names are unique, the steps are in a valid
  /// order with known targets and no loop without a wait, a split has an experiment, and
  /// the experiment's shares sum to 1.
  public func validate() throws(EngageConfigError) {
    guard !workflows.isEmpty else { throw EngageConfigError("there is no workflow") }
    let names = Set(templates.map(\.name))
    var missing: [String] = []
    for workflow in workflows {
      for case .sendEmail(let step) in workflow.steps where !names.contains(step.template) {
        missing.append(step.template)
      }
    }
    for arm in experiment?.arms ?? [] {
      if let template = arm.template, !names.contains(template) {
        missing.append(template)
      }
    }
    if let name = missing.first {
      throw EngageConfigError("template \"\(name)\" is not in templates, so it cannot be sent")
    }
    var seen: Set<String> = []
    for workflow in workflows where !seen.insert(workflow.name).inserted {
      throw EngageConfigError("workflow name \"\(workflow.name)\" repeats")
    }
    for workflow in workflows {
      let problems = workflow.orderProblems(hasExperiment: experiment != nil)
      if let problem = problems.first(where: { !$0.isWarning }) {
        throw EngageConfigError(
          "workflow \"\(workflow.name)\" steps[\(problem.step)]: \(problem.problem)")
      }
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


import Config
import Pipeline
import Simulation

extension WorkflowConfig {
  /// The maximum number of steps a workflow may have.
  public static let maximumSteps = 100

  /// Reads the `workflows` section: 1 to `EngageConfig.maximumWorkflows` workflows with
  /// unique names.
  ///
  /// - Parameters:
  ///   - templates: The template names that `sendEmail` steps may use, or nil when the
  ///     `templates` section is invalid and the names are not checked.
  ///   - experiment: Whether the `experiment` section that a split needs is there.
  ///   - customAttributes: The attributes that `updateProfile` steps set, which conditions
  ///     may read.
  static func listReader(
    templates: [String]?, experiment: SectionState, customAttributes: ExtraAttributes
  ) -> ConfigReader<[WorkflowConfig]> {
    .array(
      of: reader(
        templates: templates, experiment: experiment, customAttributes: customAttributes),
      count: 1...EngageConfig.maximumWorkflows, unique: "name", by: \.name)
  }

  /// Reads one workflow: `{ name, trigger, entry, entryPeriod, goal, steps }`.
  static func reader(
    templates: [String]?, experiment: SectionState, customAttributes: ExtraAttributes
  ) -> ConfigReader<WorkflowConfig> {
    .object("a workflow") { workflow in
      let errors = workflow.diagnostics.errorCount
      let name = workflow.required("name", Names.slug)
      let trigger = workflow.required(
        "trigger", WorkflowTrigger.reader(customAttributes: customAttributes))
      let entry = readEntry(workflow)
      // Step conditions read the trigger event's properties. When the trigger is invalid
      // its own error is reported, so properties are accepted rather than reported again.
      let properties: ConditionScope.Properties =
        trigger.map(\.stepProperties) ?? .event(nil)
      let goal = workflow.optional(
        "goal", WorkflowGoal.reader(customAttributes: customAttributes, trigger: properties))
      let scope = ConditionScope(
        properties: properties, customAttributes: customAttributes, trigger: properties)
      let steps = workflow.required(
        "steps", .array(of: WorkflowStep.reader(templates: templates, scope: scope),
          count: 1...maximumSteps))
      let hasRemovedFields = reportRemovedFields(workflow)

      guard let name, let trigger, let entry, let steps, !hasRemovedFields,
        workflow.diagnostics.errorCount == errors
      else { return nil }
      let config = WorkflowConfig(
        name: name, trigger: trigger, entry: entry, goal: goal, steps: steps.map(\.step),
        stepNames: steps.map(\.name))
      // When the experiment is invalid its own errors are reported, so a split is not
      // reported again for lacking one.
      let problems = config.orderProblems(hasExperiment: experiment != .absent)
      report(problems, in: workflow)
      return problems.contains { !$0.isWarning } ? nil : config
    }
  }

  /// Reads `entry` and, for `once-per-period`, `entryPeriod`; nil after an error.
  private static func readEntry(_ workflow: ObjectReader) -> EntryRule? {
    let kinds = ["once", "once-per-period", "every-time"]
    let errors = workflow.diagnostics.errorCount
    let kind = workflow.optional("entry", .oneOf(kinds), default: "once")
    let period = workflow.optional("entryPeriod", .positiveDuration)
    guard workflow.diagnostics.errorCount == errors else { return nil }
    switch (kind, period) {
    case ("once-per-period", let period?):
      return .oncePerPeriod(period)
    case ("once-per-period", nil):
      workflow.error(
        "entry \"once-per-period\" needs entryPeriod", key: "entry",
        fix: "add entryPeriod, such as entryPeriod: \"7d\"")
      return nil
    case (_, _?):
      workflow.error(
        "entryPeriod applies only to entry \"once-per-period\"", key: "entryPeriod",
        found: "entry \"\(kind)\"",
        fix: "set entry: \"once-per-period\", or remove entryPeriod")
      return nil
    case ("every-time", nil):
      return .everyTime
    default:
      return .once
    }
  }

  /// Returns the attribute names that `updateProfile` steps set anywhere in `workflows`,
  /// read from the raw tree before the workflows themselves, so that conditions in any
  /// workflow may read them. Values that are not valid names are left to the step reader.
  static func customAttributeNames(in workflows: ConfigNode?) -> [String] {
    guard let workflows, case .array(let list) = workflows.value else { return [] }
    var names: [String] = []
    for workflow in list {
      guard case .object(let object) = workflow.value, let steps = object["steps"],
        case .array(let stepNodes) = steps.value
      else { continue }
      for step in stepNodes {
        guard case .object(let stepObject) = step.value,
          let update = stepObject["updateProfile"], case .object(let fields) = update.value,
          let attribute = fields["attribute"], case .string(let name) = attribute.value,
          !names.contains(name), ProfileAttribute(rawValue: name) == nil
        else { continue }
        names.append(name)
      }
    }
    return names
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

  /// Reports step problems at the field they are about, such as `steps[3].sendEmail` or
  /// `steps[2].branch[0].goTo`.
  private static func report(_ problems: [StepOrderProblem], in workflow: ObjectReader) {
    guard let stepsNode = workflow.object["steps"], case .array(let nodes) = stepsNode.value
    else { return }
    for problem in problems where nodes.indices.contains(problem.step) {
      var path = workflow.path.appending(key: "steps").appending(index: problem.step)
      var located = nodes[problem.step]
      var components = problem.field.components
      if components.isEmpty, case .object(let object) = located.value,
        let member = object.members.first(where: { WorkflowStep.Kind(rawValue: $0.key) != nil })
      {
        components = [.key(member.key)]
      }
      for component in components {
        path = path.appending(component)
        switch (component, located.value) {
        case (.key(let key), .object(let object)):
          if let child = object[key] { located = child }
        case (.index(let index), .array(let elements)) where elements.indices.contains(index):
          located = elements[index]
        default:
          break
        }
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

/// Readers of event names, shared by triggers, goals and `waitFor`.
enum EventNames {
  /// Reads a track event name. A name that no message of LoopSim carries is a warning, not
  /// an error, because a replayed file may carry other events.
  static var reader: ConfigReader<String> {
    ConfigReader<String>(expecting: "a track event name such as \"Product Added\"") {
      node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: .nonEmptyString) else { return nil }
      if !SegmentEvents.all.contains(name) {
        let fix =
          Suggestion.closest(to: name, among: SegmentEvents.all).map { "did you mean \"\($0)\"?" }
          ?? "LoopSim's events are: " + SegmentEvents.all.joined(separator: ", ")
        diagnostics.warning(
          "no message LoopSim emits has this event, so only a replayed file can send it",
          at: node, path: path, found: node.shortDescription, fix: fix)
      }
      return name
    }
  }
}

extension WorkflowTrigger {
  static let kinds = ["event", "segment", "schedule", "profileDate"]
  static let example = "{ event: \"Product Added\" }"

  /// The event whose properties `properties.NAME` reads in the workflow's step conditions.
  var stepProperties: ConditionScope.Properties {
    switch self {
    case .event(let event, _): .event(event)
    case .segment: .unavailable("the workflow's trigger is a segment, which has no event")
    case .schedule: .unavailable("the workflow's trigger is a schedule, which has no event")
    case .profileDate:
      .unavailable("the workflow's trigger is a profile date, which has no event")
    }
  }

  /// Reads a trigger: an object with exactly one of `event`, `segment`, `schedule` and
  /// `profileDate`, plus `where` for an event or a schedule.
  static func reader(customAttributes: ExtraAttributes) -> ConfigReader<WorkflowTrigger> {
    .object("a trigger such as \(example)") { trigger in
      let errors = trigger.diagnostics.errorCount
      let present = kinds.filter { trigger.contains($0) }
      trigger.declareKnown("event", "segment", "schedule", "profileDate", "where")
      guard present.count == 1 else {
        trigger.error(
          present.isEmpty ? "a trigger needs a kind" : "a trigger has exactly one kind",
          found: present.isEmpty ? nil : present.joined(separator: " and "),
          fix: "write one of event, segment, schedule or profileDate, as in \(example)")
        return nil
      }
      let kind = present[0]
      let properties: ConditionScope.Properties =
        kind == "event"
        ? .event(trigger.object["event"].flatMap { node in
          if case .string(let name) = node.value { return name }
          return nil
        })
        : .unavailable("a \(kind) trigger has no event")
      let scope = ConditionScope(properties: properties, customAttributes: customAttributes)
      let condition = trigger.optional("where", Condition.reader(scope: scope))
      if trigger.contains("where"), kind == "segment" || kind == "profileDate" {
        trigger.error(
          "where applies only to event and schedule triggers", key: "where",
          fix: kind == "segment"
            ? "put the whole condition in segment" : "remove where")
        return nil
      }

      let value: WorkflowTrigger?
      switch kind {
      case "event":
        value = trigger.required("event", EventNames.reader).map {
          .event($0, where: condition)
        }
      case "segment":
        value = trigger.required("segment", Condition.reader(scope: scope)).map(
          WorkflowTrigger.segment)
      case "schedule":
        let reader = ConfigReader<TimeOfDay>.object(
          "a schedule such as { dailyAt: \"09:00\" }"
        ) { schedule in
          schedule.required("dailyAt", TimeOfDay.reader)
        }
        value = trigger.required("schedule", reader).map {
          .schedule(dailyAt: $0, where: condition)
        }
      default:
        value = trigger.required("profileDate", profileDateReader)
      }
      return trigger.diagnostics.errorCount == errors ? value : nil
    }
  }

  /// The calculated attributes that a `profileDate` trigger may count from.
  static var dateAttributes: [ProfileAttribute] {
    ProfileAttribute.allCases.filter { $0.kind == .time }
  }

  private static var profileDateReader: ConfigReader<WorkflowTrigger> {
    let names = dateAttributes.map(\.rawValue)
    return .object(
      "a profile date such as { attribute: \"signedUpAt\", after: \"3d\", at: \"10:00\" }"
    ) { date in
      let attribute = date.required(
        "attribute", ConfigReader<ProfileAttribute>.oneOf(ProfileAttribute.self).converted(
          expecting: "one of the time attributes: " + names.joined(separator: ", ")
        ) { $0.kind == .time ? $0 : nil })
      let after = date.optional("after", .duration, default: .zero)
      let at = date.optional("at", TimeOfDay.reader)
      guard let attribute else { return nil }
      return .profileDate(attribute, after: after, at: at)
    }
  }
}

extension WorkflowGoal {
  /// Reads a goal: `{ event: "Order Completed", where: … }`.
  static func reader(customAttributes: ExtraAttributes, trigger: ConditionScope.Properties)
    -> ConfigReader<WorkflowGoal>
  {
    .object("a goal such as { event: \"Order Completed\" }") { goal in
      let errors = goal.diagnostics.errorCount
      let event = goal.required("event", EventNames.reader)
      let scope = ConditionScope(
        properties: .event(event), customAttributes: customAttributes, trigger: trigger)
      let condition = goal.optional("where", Condition.reader(scope: scope))
      guard let event, goal.diagnostics.errorCount == errors else { return nil }
      return WorkflowGoal(event: event, condition: condition)
    }
  }
}

import Config
import Customers
import Simulation

// Each configuration type writes itself in the scenario format, defaults included, so
// that its reader reads the output back to an equal value.

extension EngageConfig: ConfigEncodable {
  /// An object with the `templates`, `experiment` (when there is one), `workflows`,
  /// `messaging` and `email` sections, the members of a scenario's root object that
  /// `read(from:)` reads.
  public var configValue: JSONValue {
    var sections: [String: JSONValue] = [
      "templates": templates.configValue,
      "workflows": workflows.configValue,
      "messaging": messaging.configValue,
      "email": email.configValue,
    ]
    if !calculatedAttributes.isEmpty {
      sections["calculatedAttributes"] = calculatedAttributes.configValue
    }
    if let experiment {
      sections["experiment"] = experiment.configValue
    }
    return .object(sections)
  }
}

extension TemplateConfig: ConfigEncodable {
  public var configValue: JSONValue {
    ["name": .string(name), "subject": .string(subject.source), "heading": .string(heading.source)]
  }
}

extension WorkflowConfig: ConfigEncodable {
  /// The workflow with its entry rule written out; `goal` and `entryPeriod` are left out
  /// when there is none.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "name": .string(name), "trigger": trigger.configValue,
      "steps": .array(
        zip(steps, stepNames).map { step, name in
          guard let name, case .object(var object) = step.configValue else {
            return step.configValue
          }
          object["name"] = .string(name)
          return .object(object)
        }),
    ]
    switch entry {
    case .once: members["entry"] = "once"
    case .everyTime: members["entry"] = "every-time"
    case .oncePerPeriod(let period):
      members["entry"] = "once-per-period"
      members["entryPeriod"] = period.configValue
    }
    if let goal {
      var object: [String: JSONValue] = ["event": .string(goal.event)]
      if let condition = goal.condition { object["where"] = condition.configValue }
      members["goal"] = .object(object)
    }
    return .object(members)
  }
}

extension WorkflowTrigger: ConfigEncodable {
  public var configValue: JSONValue {
    switch self {
    case .event(let event, let condition):
      var members: [String: JSONValue] = ["event": .string(event)]
      if let condition { members["where"] = condition.configValue }
      return .object(members)
    case .segment(let condition):
      return ["segment": condition.configValue]
    case .schedule(let time, let condition):
      var members: [String: JSONValue] = ["schedule": ["dailyAt": time.configValue]]
      if let condition { members["where"] = condition.configValue }
      return .object(members)
    case .profileDate(let attribute, let after, let time):
      var date: [String: JSONValue] = [
        "attribute": .string(attribute.rawValue), "after": after.configValue,
      ]
      if let time { date["at"] = time.configValue }
      return ["profileDate": .object(date)]
    }
  }
}

extension StepTarget: ConfigEncodable {
  public var configValue: JSONValue { .string(description) }
}

extension WorkflowStep: ConfigEncodable {
  public var configValue: JSONValue {
    switch self {
    case .wait(let duration): ["wait": duration.configValue]
    case .waitUntil(let time): ["waitUntil": time.configValue]
    case .waitFor(let wait): ["waitFor": wait.configValue]
    case .exitIf(let condition): ["exitIf": .string(condition.rawValue)]
    case .filter(let condition): ["filter": condition.configValue]
    case .branch(let branch):
      [
        "branch": .array(
          branch.cases.map { ["if": $0.condition.configValue, "goTo": $0.target.configValue] }),
        "else": branch.otherwise.configValue,
      ]
    case .randomSplit(let paths):
      [
        "randomSplit": .array(
          paths.map { ["weight": .number($0.weight), "goTo": $0.target.configValue] })
      ]
    case .split: ["split": "experiment"]
    case .sendEmail(let step): ["sendEmail": ["template": .string(step.template)]]
    case .updateProfile(let update):
      ["updateProfile": ["attribute": .string(update.attribute), "value": update.value.configValue]]
    case .exit: ["exit": true]
    }
  }
}

extension WaitForStep: ConfigEncodable {
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "event": .string(event), "timeout": timeout.configValue, "then": then.configValue,
      "onTimeout": onTimeout.configValue,
    ]
    if let condition { members["where"] = condition.configValue }
    return .object(members)
  }
}

extension ExperimentConfig: ConfigEncodable {
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "arms": arms.configValue, "holdout": .number(holdout),
      "globalControl": .number(globalControl),
    ]
    if let name {
      members["name"] = .string(name)
    }
    return .object(members)
  }
}

extension ArmConfig: ConfigEncodable {
  /// The arm's members; `template` is left out when the arm keeps the step's template.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "name": .string(name), "strategy": .string(strategy.rawValue), "share": .number(share),
      "listedClasses": listedClasses.configValue,
    ]
    if let template {
      members["template"] = .string(template)
    }
    return .object(members)
  }
}

extension EmailConfig: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "deliverability": .number(deliverability), "deliveryDelay": deliveryDelay.configValue,
      "open": Self.encode(open), "click": Self.encode(click),
    ]
  }

  /// Writes a step model as `BehaviourModel.stepReader` reads it.
  private static func encode(_ step: StepModel) -> JSONValue {
    ["probability": .number(step.probability), "delay": step.delay.configValue]
  }
}

import Config
import Customers
import Simulation

// Each configuration type writes itself in the scenario format, defaults included, so
// that its reader reads the output back to an equal value.

extension EngageConfig: ConfigEncodable {
  /// An object with the `templates`, `experiment` (when there is one), `workflows` and
  /// `email` sections, the members of a scenario's root object that `read(from:)` reads.
  public var configValue: JSONValue {
    var sections: [String: JSONValue] = [
      "templates": templates.configValue,
      "workflows": [workflow.configValue],
      "email": email.configValue,
    ]
    if let experiment {
      sections["experiment"] = experiment.configValue
    }
    return .object(sections)
  }
}

extension WorkflowConfig: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "name": .string(name), "trigger": ["event": .string(triggerEvent)],
      "steps": steps.configValue,
    ]
  }
}

extension WorkflowStep: ConfigEncodable {
  public var configValue: JSONValue {
    switch self {
    case .wait(let duration): ["wait": duration.configValue]
    case .exitIf(let condition): ["exitIf": .string(condition.rawValue)]
    case .split: ["split": "experiment"]
    case .sendEmail(let step): ["sendEmail": ["template": .string(step.template)]]
    case .exit: ["exit": true]
    }
  }
}

extension ExperimentConfig: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "arms": arms.configValue, "holdout": .number(holdout),
      "globalControl": .number(globalControl),
    ]
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

import Config
import Simulation

// Writes the pipeline configuration back in the scenario syntax, with every default filled
// in, so that `PipelineConfig.reader(scenarioFile:)` reads the output as an equal value.

extension PipelineConfig: ConfigEncodable {
  /// The `pipeline` section, with destinations keyed by kind and the tracking plan written
  /// as its path as given.
  public var configValue: JSONValue {
    var destinationMembers: [String: JSONValue] = [:]
    for destination in destinations {
      destinationMembers[destination.kind.rawValue] = destination.configValue
    }
    var members: [String: JSONValue] = [
      "client": client.configValue,
      "destinations": .object(destinationMembers),
      "dedupWindow": dedupWindow.configValue,
      "lateThreshold": lateThreshold.configValue,
    ]
    if let trackingPlan {
      members["trackingPlan"] = trackingPlan.configValue
    }
    return .object(members)
  }
}

extension ClientFaults: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "duplicateRate": .number(duplicateRate), "invalidRate": .number(invalidRate),
      "duplicateDelay": duplicateDelay.configValue,
      "secondDeviceRate": .number(secondDeviceRate), "clockSkew": clockSkew.configValue,
      "offlineRate": .number(offlineRate), "offlineDelay": offlineDelay.configValue,
    ]
  }
}

extension ClockSkew: ConfigEncodable {
  public var configValue: JSONValue {
    ["offset": offset.configValue, "behindShare": .number(behindShare)]
  }
}

extension EventFilter {
  /// The filter as `{ allow: [...] }` or `{ deny: [...] }` with the names sorted, or nil
  /// for every event, which a destination writes by leaving `events` out.
  var configValue: JSONValue? {
    switch self {
    case .all:
      nil
    case .allow(let events):
      ["allow": .array(events.sorted().map { .string($0) })]
    case .deny(let events):
      ["deny": .array(events.sorted().map { .string($0) })]
    }
  }
}

extension DestinationConfig: ConfigEncodable {
  /// One destination without its kind, which is its key in `destinations`. `events` is left
  /// out when the destination receives every event.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "latency": latency.configValue,
      "mappings": .object(mappings.mapValues { .string($0) }),
      "outages": outages.configValue,
      "retry": retry.configValue,
    ]
    members["events"] = events.configValue
    if let batchWindow {
      members["batchWindow"] = batchWindow.configValue
    }
    return .object(members)
  }
}

extension OutageWindow: ConfigEncodable {
  /// The window as durations from the run start, such as `{ start: "12d", end: "12d3h" }`.
  public var configValue: JSONValue {
    [
      "start": SimDuration(milliseconds: start.milliseconds).configValue,
      "end": SimDuration(milliseconds: end.milliseconds).configValue,
    ]
  }
}

extension RetryPolicy: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "maxAttempts": maxAttempts.configValue, "backoff": backoff.configValue,
      "jitter": .bool(jitter),
    ]
  }
}

extension TrackingPlanReference: ConfigEncodable {
  /// The path as the scenario wrote it, not the plan's contents.
  public var configValue: JSONValue { .string(path) }
}

extension TrackingPlan: ConfigEncodable {
  /// The plan in the tracking plan file's syntax, which `TrackingPlan.reader` reads.
  public var configValue: JSONValue {
    [
      "events": events.configValue,
      "unplannedEvents": .string(unplannedEvents.rawValue),
      "violations": .string(violations.rawValue),
    ]
  }
}

extension PlannedEvent: ConfigEncodable {
  public var configValue: JSONValue {
    var rules: [String: JSONValue] = [:]
    for property in properties {
      rules[property.name] = property.configValue
    }
    return [
      "name": .string(name),
      "properties": .object(rules),
      "additionalProperties": .bool(allowsAdditionalProperties),
    ]
  }
}

extension PlannedProperty: ConfigEncodable {
  /// The rule without its name, which is its key in the event's `properties`.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "type": .string(type.rawValue),
      "required": .bool(isRequired),
    ]
    if let allowedValues {
      members["enum"] = allowedValues.configValue
    }
    if let minimum {
      members["minimum"] = .number(minimum)
    }
    if let maximum {
      members["maximum"] = .number(maximum)
    }
    return .object(members)
  }
}

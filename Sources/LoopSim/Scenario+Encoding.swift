import Config
import Customers
import Engage
import Pipeline
import Simulation

extension RunSettings: ConfigEncodable {
  /// The `run` section with defaults filled in.
  public var configValue: JSONValue {
    [
      "seed": seed.configValue,
      "customers": customers.configValue,
      "start": .string(clock.iso8601(.zero)),
      "prePeriod": prePeriod.configValue,
      "duration": duration.configValue,
      "arrivalWindow": arrivalWindow.configValue,
      "timeZones": timeZones.configValue,
    ]
  }
}

extension Scenario: ConfigEncodable {
  /// The whole scenario as it runs: every section with defaults filled in, in the syntax
  /// the loader reads. `loopsim resolve` prints it, and its canonical text and hash are
  /// recorded with every run.
  public var configValue: JSONValue {
    var root: [String: JSONValue] = [
      "formatVersion": formatVersion.configValue,
      "name": .string(name),
      "description": .string(description),
      "run": run.configValue,
      "catalog": catalog.configValue,
      "population": ["segments": segments.configValue],
      "channels": channels.configValue,
      "behaviour": behaviour.configValue,
      "pipeline": pipeline.configValue,
      "measurement": measurement.configValue,
    ]
    if let attribution {
      root["attribution"] = attribution.configValue
    }
    if case .object(let sections) = engage.configValue {
      root.merge(sections) { current, _ in current }
    }
    return .object(root)
  }
}

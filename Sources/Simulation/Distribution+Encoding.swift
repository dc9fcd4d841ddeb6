import Config

extension SimDuration: ConfigEncodable {
  /// The duration in the scenario syntax, such as `"2h"`.
  public var configValue: JSONValue { .string(description) }
}

extension Distribution: ConfigEncodable {
  /// The distribution in the scenario syntax that `ConfigReader.distribution` reads.
  public var configValue: JSONValue {
    switch self {
    case .fixed(let delay):
      return ["fixed": delay.configValue]
    case .exponential(let mean):
      return ["exponential": ["mean": mean.configValue]]
    case .lognormal(let median, let sigma):
      return ["lognormal": ["median": median.configValue, "sigma": .number(sigma)]]
    case .gamma(let shape, let scale):
      return ["gamma": ["shape": .number(shape), "scale": scale.configValue]]
    case .uniform(let minimum, let maximum):
      return ["uniform": ["min": minimum.configValue, "max": maximum.configValue]]
    case .empirical(let empirical):
      return [
        "empirical": [
          "values": .array(empirical.values.map(\.configValue)),
          "weights": .array(empirical.weights.map { .number($0) }),
        ]
      ]
    }
  }
}

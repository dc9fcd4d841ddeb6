import Config
import Simulation

extension EmailFatigue {
  /// Reads `{ halfLife: "3d", strength: 0.3 }`.
  public static var reader: ConfigReader<EmailFatigue> {
    .object("a fatigue model such as { halfLife: \"3d\", strength: 0.3 }") { fatigue in
      let halfLife = fatigue.required("halfLife", .positiveDuration)
      let strength = fatigue.required("strength", .probability)
      guard let halfLife, let strength else { return nil }
      return EmailFatigue(halfLife: halfLife, strength: strength)
    }
  }
}

extension EmailFatigue: ConfigEncodable {
  public var configValue: JSONValue {
    ["halfLife": halfLife.configValue, "strength": .number(strength)]
  }
}

extension FrequencyRisk {
  /// Reads `{ base: 0.002, perRecentEmail: 0.003 }`; `perRecentEmail` defaults to 0.
  public static var reader: ConfigReader<FrequencyRisk> {
    .object("a risk such as { base: 0.002, perRecentEmail: 0.003 }") { risk in
      let base = risk.required("base", .probability)
      let perRecentEmail = risk.optional("perRecentEmail", .probability, default: 0)
      guard let base else { return nil }
      return FrequencyRisk(base: base, perRecentEmail: perRecentEmail)
    }
  }
}

extension FrequencyRisk: ConfigEncodable {
  public var configValue: JSONValue {
    ["base": .number(base), "perRecentEmail": .number(perRecentEmail)]
  }
}

import Config
import Customers
import Simulation

extension EmailConfig {
  /// Reads the `email` section.
  public static var reader: ConfigReader<EmailConfig> {
    .object("an email section") { email in
      let deliverability = email.required("deliverability", .probability)
      let deliveryDelay = email.required("deliveryDelay", .distribution)
      let open = email.required("open", BehaviourModel.stepReader)
      let click = email.required("click", clickReader)
      let privacyProxyShare = email.optional("privacyProxyShare", .probability, default: 0)
      let bounce = email.optional("bounce", BouncePolicy.reader, default: .hardOnly)
      let fatigue = email.optional("fatigue", EmailFatigue.reader, default: .none)
      let unsubscribe = email.optional("unsubscribe", FrequencyRisk.reader, default: .none)
      let spamComplaint = email.optional("spamComplaint", FrequencyRisk.reader, default: .none)
      let siteURL = email.optional("siteUrl", siteURLReader, default: defaultSiteURL)
      guard let deliverability, let deliveryDelay, let open, let click else { return nil }
      return EmailConfig(
        deliverability: deliverability, deliveryDelay: deliveryDelay, open: open,
        click: click.step,
        response: EmailResponseModel(
          clickRelevanceWeight: click.relevanceWeight, fatigue: fatigue,
          unsubscribe: unsubscribe, spamComplaint: spamComplaint),
        privacyProxyShare: privacyProxyShare, bounce: bounce, siteURL: siteURL)
    }
  }

  /// Reads `{ probability, delay, relevanceWeight }`; `relevanceWeight` defaults to 0.
  static var clickReader: ConfigReader<(step: StepModel, relevanceWeight: Double)> {
    .object(
      "a click step such as { probability: 0.25, delay: \"3m\", relevanceWeight: 0.5 }"
    ) { click in
      let probability = click.required("probability", .probability)
      let delay = click.required("delay", .distribution)
      let weight = click.optional("relevanceWeight", .probability, default: 0)
      guard let probability, let delay else { return nil }
      return (StepModel(probability: probability, delay: delay), weight)
    }
  }

  /// Reads an `http://` or `https://` address of at most 200 characters, without spaces,
  /// quotes, angle brackets or a trailing slash.
  static var siteURLReader: ConfigReader<String> {
    ConfigReader<String>.string.converted(
      expecting: "an address such as \"https://www.example.com\", without a trailing slash"
    ) { text in
      let forbidden: Set<Character> = ["\"", "'", "<", ">", "\\", "`"]
      guard text.hasPrefix("https://") || text.hasPrefix("http://"), text.count <= 200,
        !text.hasSuffix("/"), text.split(separator: "/").count >= 2,
        !text.contains(where: { $0.isWhitespace || forbidden.contains($0) })
      else { return nil }
      return text
    }
  }
}

extension BouncePolicy {
  /// Reads `{ softShare: 0.5, maxRetries: 2, retryDelay: "1h" }`.
  static var reader: ConfigReader<BouncePolicy> {
    .object("a bounce policy such as { softShare: 0.5, maxRetries: 2, retryDelay: \"1h\" }") {
      bounce in
      let softShare = bounce.required("softShare", .probability)
      let maxRetries = bounce.optional(
        "maxRetries", .int(in: maxRetriesRange), default: hardOnly.maxRetries)
      let retryDelay = bounce.optional(
        "retryDelay", .distribution, default: hardOnly.retryDelay)
      guard let softShare else { return nil }
      return BouncePolicy(softShare: softShare, maxRetries: maxRetries, retryDelay: retryDelay)
    }
  }
}

extension EmailConfig: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "deliverability": .number(deliverability), "deliveryDelay": deliveryDelay.configValue,
      "open": ["probability": .number(open.probability), "delay": open.delay.configValue],
      "click": [
        "probability": .number(click.probability), "delay": click.delay.configValue,
        "relevanceWeight": .number(response.clickRelevanceWeight),
      ],
      "privacyProxyShare": .number(privacyProxyShare),
      "bounce": [
        "softShare": .number(bounce.softShare), "maxRetries": bounce.maxRetries.configValue,
        "retryDelay": bounce.retryDelay.configValue,
      ],
      "fatigue": response.fatigue.configValue,
      "unsubscribe": response.unsubscribe.configValue,
      "spamComplaint": response.spamComplaint.configValue,
      "siteUrl": .string(siteURL),
    ]
  }
}

import Config
import Simulation

// Each configuration type writes itself in the scenario syntax that its reader reads, with
// every default filled in, so reading the output gives an equal value.

extension CatalogClass: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "id": .string(id), "title": .string(title), "instructor": .string(instructor),
      "category": .string(category), "price": .number(Double(priceCents) / 100),
    ]
  }
}

extension Catalog: ConfigEncodable {
  /// The `catalog` section: an array of classes.
  public var configValue: JSONValue { classes.configValue }
}

extension Segment: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "name": .string(name), "share": .number(share),
      "interests": .object(interests.mapValues { .number($0) }),
      "emailResponsiveness": .number(emailResponsiveness),
      "priceSensitivity": .number(priceSensitivity), "appShare": .number(appShare),
    ]
  }
}

extension Population: ConfigEncodable {
  /// The `population` section: `{ segments: [...] }`.
  public var configValue: JSONValue { ["segments": segments.configValue] }
}

extension PerSegment: ConfigEncodable where Value: ConfigEncodable {
  /// The bare value when every segment has the default, else an object by segment name.
  public var configValue: JSONValue {
    if bySegment.isEmpty, let defaultValue {
      return defaultValue.configValue
    }
    var members = bySegment.mapValues(\.configValue)
    if let defaultValue {
      members[defaultSegmentKey] = defaultValue.configValue
    }
    return .object(members)
  }
}

extension Channel.Promotion: ConfigEncodable {
  public var configValue: JSONValue {
    switch self {
    case .interests: "interests"
    case .classes(let ids): ids.configValue
    }
  }
}

extension Channel: ConfigEncodable {
  /// The channel's fields. The attribution fields appear only when they differ from their
  /// defaults, so scenarios without them resolve to the same text as before.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "name": .string(name), "kind": .string(kind.rawValue), "source": .string(source),
      "medium": .string(medium), "reach": reach.configValue,
      "clickThrough": clickThrough.configValue, "promotes": promotes.configValue,
    ]
    if arrivesAnyway != PerSegment(0) {
      members["arrivesAnyway"] = arrivesAnyway.configValue
    }
    if visitShare != 0 {
      members["visitShare"] = .number(visitShare)
    }
    if visitEffect != 1 {
      members["visitEffect"] = .number(visitEffect)
    }
    return .object(members)
  }
}

extension StepModel: ConfigEncodable {
  public var configValue: JSONValue {
    ["probability": .number(probability), "delay": delay.configValue]
  }
}

extension TrailerModel: ConfigEncodable {
  public var configValue: JSONValue { ["delay": delay.configValue] }
}

extension BrowseModel: ConfigEncodable {
  public var configValue: JSONValue {
    ["meanClasses": .number(meanClasses), "delay": delay.configValue]
  }
}

extension EmailReturnModel: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "irrelevantProbability": .number(irrelevantProbability),
      "relevantProbability": .number(relevantProbability), "delay": delay.configValue,
      "classAppeal": .number(classAppeal),
    ]
  }
}

extension TouchEffects: ConfigEncodable {
  public var configValue: JSONValue {
    [
      "trailer": .number(trailer), "emailOpen": .number(emailOpen),
      "relevanceWeight": .number(relevanceWeight),
    ]
  }
}

extension EngagementModel: ConfigEncodable {
  public var configValue: JSONValue { ["sigma": .number(sigma)] }
}

extension VisitModel: ConfigEncodable {
  public var configValue: JSONValue {
    ["ratePerWeek": .number(ratePerWeek), "classPage": classPage.configValue]
  }
}

extension StepOverride: ConfigEncodable {
  /// Only the fields given.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    members["probability"] = probability.map { .number($0) }
    members["delay"] = delay?.configValue
    return .object(members)
  }
}

extension BrowseOverride: ConfigEncodable {
  /// Only the fields given.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    members["meanClasses"] = meanClasses.map { .number($0) }
    members["delay"] = delay?.configValue
    return .object(members)
  }
}

extension EmailReturnOverride: ConfigEncodable {
  /// Only the fields given.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    members["irrelevantProbability"] = irrelevantProbability.map { .number($0) }
    members["relevantProbability"] = relevantProbability.map { .number($0) }
    members["delay"] = delay?.configValue
    return .object(members)
  }
}

extension VisitOverride: ConfigEncodable {
  /// Only the fields given.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    members["ratePerWeek"] = ratePerWeek.map { .number($0) }
    members["classPage"] = classPage?.configValue
    return .object(members)
  }
}

extension BehaviourOverride: ConfigEncodable {
  /// Only the steps given.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [:]
    members["trailer"] = trailerDelay.map { ["delay": $0.configValue] }
    members["classPage"] = classPage?.configValue
    members["browse"] = browse?.configValue
    members["addToCart"] = addToCart?.configValue
    members["checkout"] = checkout?.configValue
    members["organicReturn"] = organicReturn?.configValue
    members["emailReturn"] = emailReturn?.configValue
    members["visits"] = visits?.configValue
    return .object(members)
  }
}

extension BehaviourModel: ConfigEncodable {
  /// The `behaviour` section, with `browse`, `segments`, `touchEffects`, `engagement`,
  /// `visits`, `refund` and `passwordReset` always written.
  public var configValue: JSONValue {
    [
      "trailer": trailer.configValue, "classPage": classPage.configValue,
      "browse": browse.configValue, "addToCart": addToCart.configValue,
      "checkout": checkout.configValue, "organicReturn": organicReturn.configValue,
      "emailReturn": emailReturn.configValue,
      "segments": .object(segments.mapValues(\.configValue)),
      "touchEffects": touchEffects.configValue, "engagement": engagement.configValue,
      "visits": visits.configValue, "refund": refund.configValue,
      "passwordReset": passwordReset.configValue,
    ]
  }
}

extension TimeZoneMix.Zone: ConfigEncodable {
  /// The zone's members; `ianaName` is left out for a zone with a fixed offset.
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "name": .string(name), "offset": .string(offsetText), "share": .number(share),
    ]
    if let ianaName {
      members["ianaName"] = .string(ianaName)
    }
    return .object(members)
  }
}

extension TimeZoneMix: ConfigEncodable {
  /// An array of zones.
  public var configValue: JSONValue { zones.configValue }
}

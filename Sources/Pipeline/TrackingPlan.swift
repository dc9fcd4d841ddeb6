/// A tracking plan: the track events a business expects, with a schema for each event's
/// properties, and what Collect does with messages that break it.
///
/// A scenario names the plan's JSON5 file in `pipeline.trackingPlan`. The file holds:
///
///     {
///       events: [
///         { name: "Product Added", properties: {
///             product_id: { type: "string", required: true },
///             price: { type: "number", minimum: 0 },
///             currency: { type: "string", enum: ["USD"] } } },
///       ],
///       unplannedEvents: "flag",   // "allow", "flag" or "block"
///       violations: "flag",        // "allow", "flag", "drop-properties" or "block"
///     }
///
/// Each event has a `name` (unique in the plan), `properties` (an object from property name
/// to rule, default `{}`) and `additionalProperties` (whether properties the rules do not
/// list are allowed, default `true`). A rule has a `type` (`string`, `number`, `integer`,
/// `boolean` or `array`), `required` (default `false`), and optionally `enum` (a non-empty
/// list of strings, for `string` only), `minimum` and `maximum` (inclusive, for `number` and
/// `integer` only). A `number` must be finite, and an `integer` may be written with a zero
/// fraction (`120.0`), as JSON Schema allows.
///
/// The plan applies to `track` messages only.
public struct TrackingPlan: Sendable, Hashable {
  /// The maximum number of events a plan may list.
  public static let maximumEvents = 10_000

  /// The planned events in the order the file lists them.
  public let events: [PlannedEvent]
  /// Collect's action on a track message whose event the plan does not list.
  public let unplannedEvents: UnplannedEventAction
  /// Collect's action on a listed event whose properties break its rules.
  public let violations: ViolationAction
  private let eventIndexByName: [String: Int]

  /// Creates a plan. When two events share a name, the first one applies; the plan reader
  /// rejects such a plan.
  public init(
    events: [PlannedEvent], unplannedEvents: UnplannedEventAction = .flag,
    violations: ViolationAction = .flag
  ) {
    self.events = events
    self.unplannedEvents = unplannedEvents
    self.violations = violations
    var index: [String: Int] = [:]
    for (position, event) in events.enumerated() where index[event.name] == nil {
      index[event.name] = position
    }
    self.eventIndexByName = index
  }

  /// Returns the planned event named `name`, or nil when the plan does not list it.
  public func event(named name: String) -> PlannedEvent? {
    eventIndexByName[name].map { events[$0] }
  }

  /// Checks one message against the plan. Messages other than `track` always conform.
  public func check(_ message: Message) -> PlanCheck {
    guard message.type == .track else { return .conforms }
    let name = message.event ?? ""
    guard let event = event(named: name) else {
      return .unplannedEvent(name)
    }
    let violations = event.violations(in: message.properties)
    return violations.isEmpty ? .conforms : .violations(violations)
  }

  // The index is derived from `events`, so equality and hashing use the fields alone.
  public static func == (lhs: TrackingPlan, rhs: TrackingPlan) -> Bool {
    lhs.events == rhs.events && lhs.unplannedEvents == rhs.unplannedEvents
      && lhs.violations == rhs.violations
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(events)
    hasher.combine(unplannedEvents)
    hasher.combine(violations)
  }
}

/// Collect's action on a track message whose event the tracking plan does not list.
public enum UnplannedEventAction: String, Sendable, Hashable, CaseIterable {
  /// Accepts the message without counting it.
  case allow
  /// Accepts the message and counts it as flagged.
  case flag
  /// Quarantines the message.
  case block
}

/// Collect's action on a planned event whose properties break the plan.
public enum ViolationAction: String, Sendable, Hashable, CaseIterable {
  /// Accepts the message without counting it.
  case allow
  /// Accepts the message and counts it as flagged.
  case flag
  /// Removes the offending properties, counts them, and accepts the message. A missing
  /// required property cannot be removed, so such a message is flagged instead.
  case dropProperties = "drop-properties"
  /// Quarantines the message with the first violation as its reason.
  case block
}

/// The JSON type a planned property must have, named as JSON Schema names it.
public enum PropertyType: String, Sendable, Hashable, CaseIterable {
  case string, number, integer, boolean, array

  /// Returns whether `value` has this type. A `number` must be finite, and an `integer` is
  /// an integer value or a finite number with no fraction.
  public func accepts(_ value: PropertyValue) -> Bool {
    switch (self, value) {
    case (.string, .string), (.integer, .integer), (.number, .integer), (.boolean, .bool),
      (.array, .strings):
      return true
    case (.number, .number(let number)):
      return number.isFinite
    case (.integer, .number(let number)):
      return number.isFinite && number == number.rounded(.towardZero)
    default:
      return false
    }
  }

  /// The type with an article, for reasons: `a number`, `an integer`.
  var withArticle: String {
    switch self {
    case .integer, .array: "an \(rawValue)"
    case .string, .number, .boolean: "a \(rawValue)"
    }
  }
}

/// One event of a tracking plan and the rules for its properties.
public struct PlannedEvent: Sendable, Hashable {
  /// The track event name, such as `Product Added`.
  public let name: String
  /// The property rules, sorted by property name so that checks and the written plan do
  /// not depend on the order of the file.
  public let properties: [PlannedProperty]
  /// Whether a message may carry properties that `properties` does not list (JSON Schema's
  /// `additionalProperties`).
  public let allowsAdditionalProperties: Bool

  public init(
    name: String, properties: [PlannedProperty] = [], allowsAdditionalProperties: Bool = true
  ) {
    self.name = name
    self.properties = properties.sorted { $0.name < $1.name }
    self.allowsAdditionalProperties = allowsAdditionalProperties
  }

  /// Returns every way `properties` breaks this event's rules: the listed properties in name
  /// order, then unlisted properties in the message's order. At most one violation is
  /// reported per property.
  public func violations(in properties: Properties) -> [PlanViolation] {
    var found: [PlanViolation] = []
    for rule in self.properties {
      if let kind = rule.violation(of: properties[rule.name]) {
        found.append(PlanViolation(event: name, property: rule.name, kind: kind))
      }
    }
    if !allowsAdditionalProperties {
      for entry in properties.entries
      where !self.properties.contains(where: { $0.name == entry.key }) {
        found.append(PlanViolation(event: name, property: entry.key, kind: .unplannedProperty))
      }
    }
    return found
  }
}

/// The rule for one property of a planned event.
public struct PlannedProperty: Sendable, Hashable {
  public let name: String
  public let type: PropertyType
  /// Whether every message of the event must carry the property.
  public let isRequired: Bool
  /// The allowed values of a `string` property (JSON Schema's `enum`), or nil for any.
  public let allowedValues: [String]?
  /// Inclusive bounds of a `number` or `integer` property.
  public let minimum: Double?
  public let maximum: Double?

  public init(
    name: String, type: PropertyType, isRequired: Bool = false,
    allowedValues: [String]? = nil, minimum: Double? = nil, maximum: Double? = nil
  ) {
    self.name = name
    self.type = type
    self.isRequired = isRequired
    self.allowedValues = allowedValues
    self.minimum = minimum
    self.maximum = maximum
  }

  /// Returns how `value` breaks this rule, or nil when it conforms. A missing property
  /// breaks only a required rule, and a value of the wrong type is not checked further.
  func violation(of value: PropertyValue?) -> PlanViolation.Kind? {
    guard let value else {
      return isRequired ? .missingRequired : nil
    }
    guard type.accepts(value) else {
      return .wrongType(type)
    }
    switch value {
    case .string(let text):
      if let allowedValues, !allowedValues.contains(text) {
        return .notAllowedValue
      }
    case .integer(let number):
      return boundViolation(Double(number))
    case .number(let number):
      return boundViolation(number)
    case .bool, .strings, .json:
      break
    }
    return nil
  }

  private func boundViolation(_ number: Double) -> PlanViolation.Kind? {
    if let minimum, number < minimum {
      return .belowMinimum(minimum)
    }
    if let maximum, number > maximum {
      return .aboveMaximum(maximum)
    }
    return nil
  }
}

/// The result of checking one message against a tracking plan.
public enum PlanCheck: Sendable, Hashable {
  /// The message is not a track message, or its event and properties follow the plan.
  case conforms
  /// The plan does not list the message's event, named here.
  case unplannedEvent(String)
  /// The event is planned and its properties break the plan, in the order that
  /// `PlannedEvent.violations(in:)` gives.
  case violations([PlanViolation])

  /// Returns the reason Collect records for an unplanned event, such as
  /// `unplanned event Cart Viewed`.
  public static func unplannedEventReason(_ event: String) -> String {
    "unplanned event \(event)"
  }
}

/// One way a message's properties break its event's rules.
public struct PlanViolation: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case missingRequired
    /// The value does not have the planned type.
    case wrongType(PropertyType)
    /// The value is below the planned minimum.
    case belowMinimum(Double)
    /// The value is above the planned maximum.
    case aboveMaximum(Double)
    /// The string is not one of the planned `enum` values.
    case notAllowedValue
    /// The event does not allow additional properties, and its rules do not list this one.
    case unplannedProperty
  }

  public let event: String
  public let property: String
  public let kind: Kind

  public init(event: String, property: String, kind: Kind) {
    self.event = event
    self.property = property
    self.kind = kind
  }

  /// Whether removing the property would end the violation: true for every kind except a
  /// missing required property.
  public var isRemovable: Bool {
    kind != .missingRequired
  }

  /// The reason Collect counts and records, naming the event and the property, such as
  /// `Product Added: property price is below the minimum 0`. It names no message value, so
  /// the counts per reason stay few.
  public var reason: String {
    let detail: String
    switch kind {
    case .missingRequired:
      return "\(event): missing required property \(property)"
    case .unplannedProperty:
      return "\(event): unplanned property \(property)"
    case .wrongType(let type):
      detail = "is not \(type.withArticle)"
    case .belowMinimum(let minimum):
      detail = "is below the minimum \(PlanViolation.format(minimum))"
    case .aboveMaximum(let maximum):
      detail = "is above the maximum \(PlanViolation.format(maximum))"
    case .notAllowedValue:
      detail = "is not one of the enum values"
    }
    return "\(event): property \(property) \(detail)"
  }

  /// Formats a bound as the plan file would write it: `0` rather than `0.0`.
  private static func format(_ bound: Double) -> String {
    if let integer = Int64(exactly: bound), abs(bound) < 1e15 {
      return "\(integer)"
    }
    return bound.description
  }
}

import Config
import Pipeline
import Simulation

/// A calculated attribute that the scenario declares in `calculatedAttributes`: a value
/// the messaging engine keeps per profile from the track events it receives, such as the
/// number of cooking classes viewed or the time of the last cart add.
///
/// Workflow conditions read it as `profile.NAME`, like the built-in `ProfileAttribute`s.
public struct CalculatedAttribute: Sendable, Hashable {
  /// The rule that folds the matching events into one value.
  public enum Aggregate: String, Sendable, Hashable, CaseIterable {
    /// The number of matching events (a number, 0 before the first).
    case count
    /// The property's value on the first matching event that carries it.
    case first
    /// The property's value on the latest matching event that carries it.
    case last
    /// The distinct values of the property, as text, in order of first appearance (a list).
    case distinct
    /// The timestamp of the first matching event (a time).
    case firstAt
    /// The timestamp of the latest matching event (a time).
    case lastAt

    /// Whether the aggregate reads a property of the event.
    public var needsProperty: Bool {
      self == .first || self == .last || self == .distinct
    }

    /// The kind of the value; nil for `first` and `last`, whose kind is the property's.
    public var kind: AttributeKind? {
      switch self {
      case .count: .number
      case .distinct: .list
      case .firstAt, .lastAt: .time
      case .first, .last: nil
      }
    }
  }

  /// The maximum number of attributes a scenario may declare.
  public static let maximumCount = 100

  public let name: String
  /// The track event counted.
  public let event: String
  /// A condition on the event's properties and the profile; nil for every event.
  public let condition: Condition?
  public let aggregate: Aggregate
  /// The property that `first`, `last` and `distinct` read; nil for the others.
  public let property: String?

  public init(
    name: String, event: String, condition: Condition? = nil, aggregate: Aggregate,
    property: String? = nil
  ) {
    self.name = name
    self.event = event
    self.condition = condition
    self.aggregate = aggregate
    self.property = property
  }

  /// Returns the attribute's value after `old` and one matching event with `properties`
  /// at `timestamp`.
  func updated(_ old: AttributeValue?, properties: Properties, timestamp: SimTime)
    -> AttributeValue?
  {
    let value = property.flatMap { properties[$0] }.flatMap(Condition.attributeValue)
    switch aggregate {
    case .count:
      guard case .number(let count)? = old else { return .number(1) }
      return .number(count + 1)
    case .first:
      return old ?? value
    case .last:
      return value ?? old
    case .distinct:
      guard let value else { return old ?? .list([]) }
      let text = Self.text(of: value)
      guard case .list(let items)? = old else { return .list([text]) }
      return items.contains(text) ? old : .list(items + [text])
    case .firstAt:
      return old ?? .time(timestamp)
    case .lastAt:
      guard case .time(let last)? = old else { return .time(timestamp) }
      return .time(max(last, timestamp))
    }
  }

  /// Returns the value of a profile folded into another from the two profiles' values.
  /// Counts add up and lists join. Times keep the earlier first and the later last.
  /// `first` and `last` keep the surviving profile's value when it has one.
  func merged(_ own: AttributeValue?, _ other: AttributeValue?) -> AttributeValue? {
    guard let own else { return other }
    guard let other else { return own }
    switch (aggregate, own, other) {
    case (.count, .number(let a), .number(let b)):
      return .number(a + b)
    case (.distinct, .list(let a), .list(let b)):
      return .list(a + b.filter { !a.contains($0) })
    case (.firstAt, .time(let a), .time(let b)):
      return .time(min(a, b))
    case (.lastAt, .time(let a), .time(let b)):
      return .time(max(a, b))
    default:
      return own
    }
  }

  private static func text(of value: AttributeValue) -> String {
    switch value {
    case .string(let text): text
    case .number(let number): JSONWriter.render(number)
    case .bool(let flag): flag ? "true" : "false"
    case .time(let time): "\(time.milliseconds)"
    case .list(let items): items.joined(separator: ",")
    }
  }
}

/// Profile attributes beyond the built-in ones that conditions may read: those declared
/// in `calculatedAttributes`, with their kinds when fixed, and those `updateProfile`
/// steps set.
struct ExtraAttributes: Sendable, ExpressibleByArrayLiteral {
  var names: [String]
  /// The kinds of declared attributes whose kind does not depend on a property.
  var kinds: [String: AttributeKind]

  init(names: [String], kinds: [String: AttributeKind] = [:]) {
    self.names = names
    self.kinds = kinds
  }

  init(arrayLiteral elements: String...) {
    self.init(names: elements)
  }
}

extension CalculatedAttribute {
  /// Reads the `calculatedAttributes` section: up to `maximumCount` attributes with unique
  /// names that are not built-in attribute names.
  static var listReader: ConfigReader<[CalculatedAttribute]> {
    .array(of: reader, count: 0...maximumCount, unique: "name", by: \.name)
  }

  static var reader: ConfigReader<CalculatedAttribute> {
    .object(
      "a calculated attribute such as { name: \"cookingViews\", event: \"Product Viewed\", "
        + "aggregate: \"count\" }"
    ) { attribute in
      let errors = attribute.diagnostics.errorCount
      let name = attribute.required("name", nameReader)
      let event = attribute.required("event", EventNames.reader)
      let scope = ConditionScope(properties: .event(event), customAttributes: [])
      let condition = attribute.optional("where", Condition.reader(scope: scope))
      let aggregate = attribute.required("aggregate", .oneOf(Aggregate.self))
      let property = attribute.optional("property", .nonEmptyString)
      guard let name, let event, let aggregate, attribute.diagnostics.errorCount == errors
      else { return nil }
      if aggregate.needsProperty, property == nil {
        attribute.error(
          "aggregate \"\(aggregate.rawValue)\" needs property", key: "aggregate",
          fix: "add the event property to read, such as property: \"product_id\"")
        return nil
      }
      if !aggregate.needsProperty, property != nil {
        attribute.error(
          "aggregate \"\(aggregate.rawValue)\" reads no property", key: "property",
          fix: "remove property, or use first, last or distinct")
        return nil
      }
      return CalculatedAttribute(
        name: name, event: event, condition: condition, aggregate: aggregate,
        property: property)
    }
  }

  /// Reads an attribute name: an identifier that is not a built-in attribute.
  private static var nameReader: ConfigReader<String> {
    ConfigReader<String>(expecting: "an attribute name such as \"cookingViews\"") {
      node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: Names.slug) else { return nil }
      guard ProfileAttribute(rawValue: name) == nil else {
        diagnostics.error(
          "\"\(name)\" is a built-in calculated attribute", at: node, path: path,
          found: node.shortDescription, fix: "choose another name, or read profile.\(name)")
        return nil
      }
      return name
    }
  }
}

extension CalculatedAttribute: ConfigEncodable {
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "name": .string(name), "event": .string(event), "aggregate": .string(aggregate.rawValue),
    ]
    if let condition { members["where"] = condition.configValue }
    if let property { members["property"] = .string(property) }
    return .object(members)
  }
}

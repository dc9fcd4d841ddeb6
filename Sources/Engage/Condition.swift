import Pipeline
import Simulation

/// A condition on an event's properties and a profile's attributes, for trigger filters,
/// segments, goals, `waitFor`, `filter` and `branch` steps.
///
/// A scenario writes it as an object whose members must all hold: `all` and `any` take a
/// list of conditions, `not` one condition, and a key `properties.NAME` or `profile.NAME`
/// takes a test such as `{ greaterThan: 50 }`. docs/scenario-format.md lists the tests.
public indirect enum Condition: Sendable, Hashable {
  /// True when every condition holds; true for an empty list.
  case all([Condition])
  /// True when at least one condition holds; false for an empty list.
  case any([Condition])
  case not(Condition)
  /// A test of one event property or profile attribute.
  case test(ConditionOperand, ConditionTest)
}

/// The value a test reads: an event property or a profile attribute.
public enum ConditionOperand: Sendable, Hashable {
  /// `properties.NAME`: a property of the event being evaluated.
  case property(String)
  /// `profile.NAME`: a calculated attribute (`ProfileAttribute`) or one an `updateProfile`
  /// step sets.
  case profile(String)

  /// The operand as a scenario writes it: `properties.price`, `profile.emailOptIn`.
  public var path: String {
    switch self {
    case .property(let name): "properties." + name
    case .profile(let name): "profile." + name
    }
  }
}

/// A literal that a condition compares with.
public enum ConditionValue: Sendable, Hashable {
  case string(String)
  case number(Double)
  case bool(Bool)

  var attributeValue: AttributeValue {
    switch self {
    case .string(let text): .string(text)
    case .number(let number): .number(number)
    case .bool(let flag): .bool(flag)
    }
  }
}

/// A test of one value. A value that is missing fails every test except
/// `exists: false` and `notEquals`, and a value of another kind than the literal fails it.
public enum ConditionTest: Sendable, Hashable {
  case equals(ConditionValue)
  case notEquals(ConditionValue)
  case greaterThan(Double)
  case lessThan(Double)
  case atLeast(Double)
  case atMost(Double)
  /// Whether the value is present; an empty list counts as absent.
  case exists(Bool)
  /// Whether the value equals one of the literals.
  case isIn([ConditionValue])
  /// Whether a list has this element, or a string has this substring.
  case contains(String)
  /// Whether a time is less than this long before the evaluation (or after it).
  case lessThanAgo(SimDuration)
  /// Whether a time is more than this long before the evaluation.
  case moreThanAgo(SimDuration)
  /// Whether the value equals the property of this name of the event that triggered the
  /// enrollment, such as the `product_id` of the class abandoned in the cart. False when
  /// either value is missing.
  case equalsTrigger(String)

  /// The operator's key in the scenario format.
  public var operatorName: String {
    switch self {
    case .equals: "equals"
    case .notEquals: "notEquals"
    case .greaterThan: "greaterThan"
    case .lessThan: "lessThan"
    case .atLeast: "atLeast"
    case .atMost: "atMost"
    case .exists: "exists"
    case .isIn: "in"
    case .contains: "contains"
    case .lessThanAgo: "lessThanAgo"
    case .moreThanAgo: "moreThanAgo"
    case .equalsTrigger: "equalsTrigger"
    }
  }

  /// Returns whether `value` passes the test for `input`, which gives the time and the
  /// trigger event's properties.
  func passes(_ value: AttributeValue?, in input: ConditionInput) -> Bool {
    let now = input.now
    switch self {
    case .equals(let literal):
      return value == literal.attributeValue
    case .notEquals(let literal):
      return value != literal.attributeValue
    case .exists(let expected):
      guard let value else { return !expected }
      if case .list(let items) = value { return items.isEmpty != expected }
      return expected
    case .isIn(let literals):
      guard let value else { return false }
      return literals.contains { $0.attributeValue == value }
    case .contains(let element):
      switch value {
      case .list(let items)?: return items.contains(element)
      case .string(let text)?: return text.contains(element)
      default: return false
      }
    case .greaterThan, .lessThan, .atLeast, .atMost:
      guard case .number(let number)? = value else { return false }
      return compares(number)
    case .lessThanAgo(let duration):
      guard case .time(let time)? = value else { return false }
      return now - time < duration
    case .moreThanAgo(let duration):
      guard case .time(let time)? = value else { return false }
      return now - time > duration
    case .equalsTrigger(let name):
      guard let value,
        let triggerValue = input.triggerProperties?[name].flatMap(Condition.attributeValue)
      else { return false }
      return value == triggerValue
    }
  }

  private func compares(_ number: Double) -> Bool {
    switch self {
    case .greaterThan(let limit): number > limit
    case .lessThan(let limit): number < limit
    case .atLeast(let limit): number >= limit
    case .atMost(let limit): number <= limit
    default: false
    }
  }
}

/// The input of a condition: a profile, the properties of an event, and the time.
struct ConditionInput {
  var profile: Profile?
  /// The properties of the event the condition is about; nil when there is none.
  var properties: Properties?
  var now: SimTime
  /// The properties of the event that triggered the enrollment, which `equalsTrigger`
  /// reads; nil outside an enrollment or for a trigger without an event.
  var triggerProperties: Properties? = nil
}

extension Condition {
  /// Returns whether the condition holds for `input`.
  func holds(for input: ConditionInput) -> Bool {
    switch self {
    case .all(let conditions):
      return conditions.allSatisfy { $0.holds(for: input) }
    case .any(let conditions):
      return conditions.contains { $0.holds(for: input) }
    case .not(let condition):
      return !condition.holds(for: input)
    case .test(let operand, let test):
      return test.passes(Self.value(of: operand, in: input), in: input)
    }
  }

  private static func value(of operand: ConditionOperand, in input: ConditionInput)
    -> AttributeValue?
  {
    switch operand {
    case .profile(let name):
      return input.profile?.value(named: name, at: input.now)
    case .property(let name):
      return input.properties?[name].flatMap(attributeValue)
    }
  }

  /// Returns a property as the value a condition compares: integers and decimals as
  /// numbers, a list of strings as a list, and any other JSON value as its text.
  static func attributeValue(_ property: PropertyValue) -> AttributeValue? {
    switch property {
    case .string(let text): .string(text)
    case .integer(let integer): .number(Double(integer))
    case .number(let number): .number(number)
    case .bool(let flag): .bool(flag)
    case .strings(let items): .list(items)
    case .json(let text): .string(text)
    }
  }

  /// Every operand the condition reads, in the order written.
  var operands: [ConditionOperand] {
    switch self {
    case .all(let conditions), .any(let conditions): conditions.flatMap(\.operands)
    case .not(let condition): condition.operands
    case .test(let operand, _): [operand]
    }
  }
}

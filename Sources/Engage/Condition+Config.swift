import Config
import Pipeline
import Simulation

/// The values a condition may read where it is written: whether there is an event whose
/// properties it can test, and which attributes `updateProfile` steps set.
struct ConditionScope: Sendable {
  /// The event whose properties `properties.NAME` reads.
  enum Properties: Sendable, Hashable {
    /// This event (nil: any event), whose known properties are suggested for a near miss.
    case event(String?)
    /// No event is available here, for the reason in the text, which the error repeats.
    case unavailable(String)
  }

  var properties: Properties
  /// The attributes that the scenario declares and that `updateProfile` steps set.
  var customAttributes: ExtraAttributes
  /// The trigger event whose properties `equalsTrigger` reads, as for `properties`.
  var trigger: Properties = .unavailable("the condition is not part of a workflow's steps or goal")
}

extension Condition {
  /// The keys that combine conditions.
  static let combinators = ["all", "any", "not"]
  /// The operator keys of a test, in the order the documentation lists them.
  static let operators = [
    "equals", "notEquals", "greaterThan", "lessThan", "atLeast", "atMost", "exists", "in",
    "contains", "lessThanAgo", "moreThanAgo", "equalsTrigger",
  ]
  /// The maximum number of conditions in an `all` or `any` list.
  static let maximumListLength = 100

  static let example = "{ \"properties.price\": { greaterThan: 50 } }"

  /// Reads a condition: an object whose members must all hold.
  static func reader(scope: ConditionScope) -> ConfigReader<Condition> {
    ConfigReader<Condition>(expecting: "a condition such as \(example)") {
      node, path, diagnostics in
      guard case .object(let object) = node.value else {
        diagnostics.error(
          "expected a condition object", at: node, path: path,
          found: node.kindAndValueDescription, fix: "write a condition such as \(example)")
        return nil
      }
      guard !object.isEmpty else {
        diagnostics.error(
          "a condition needs at least one member", at: node, path: path, found: "{}",
          fix: "write a test such as \(example)")
        return nil
      }
      var conditions: [Condition] = []
      var valid = true
      for member in object.members {
        let memberPath = path.appending(key: member.key)
        if let condition = readMember(
          member, at: memberPath, scope: scope, diagnostics: diagnostics)
        {
          conditions.append(condition)
        } else {
          valid = false
        }
      }
      guard valid else { return nil }
      return conditions.count == 1 ? conditions[0] : .all(conditions)
    }
  }

  private static func readMember(
    _ member: ConfigObject.Member, at path: FieldPath, scope: ConditionScope,
    diagnostics: Diagnostics
  ) -> Condition? {
    let key = member.key
    switch key {
    case "all", "any":
      let list = ConfigReader<[Condition]>.array(
        of: reader(scope: scope), count: 1...maximumListLength)
      return list.read(member.value, at: path, into: diagnostics).map {
        key == "all" ? .all($0) : .any($0)
      }
    case "not":
      return reader(scope: scope).read(member.value, at: path, into: diagnostics).map(
        Condition.not)
    default:
      break
    }

    guard let operand = operand(member, at: path, scope: scope, diagnostics: diagnostics)
    else { return nil }
    let kind = knownKind(of: operand, scope: scope)
    return testReader(operand: operand, kind: kind, scope: scope).read(
      member.value, at: path, into: diagnostics
    ).map { .test(operand, $0) }
  }

  /// Reads a member's key as an operand, reporting unknown keys, properties where there is
  /// no event, and unknown attributes.
  private static func operand(
    _ member: ConfigObject.Member, at path: FieldPath, scope: ConditionScope,
    diagnostics: Diagnostics
  ) -> ConditionOperand? {
    let key = member.key
    func report(_ problem: String, fix: String, warning: Bool = false) {
      diagnostics.report(
        Diagnostic(
          severity: warning ? .warning : .error, at: member.keyLocation, path: path,
          problem: problem, fix: fix))
    }
    let attributes = ProfileAttribute.names + scope.customAttributes.names

    if key.hasPrefix("properties.") {
      let name = String(key.dropFirst("properties.".count))
      guard !name.isEmpty, !name.contains(".") else {
        report(
          "invalid property path", fix: "name one top-level property, such as \"properties.price\"")
        return nil
      }
      switch scope.properties {
      case .unavailable(let reason):
        report("there is no event whose properties this condition can read, because \(reason)",
          fix: "test a profile attribute instead, such as \"profile.classesWatchedCount\"")
        return nil
      case .event(let event?):
        if let known = SegmentEvents.properties[event], !known.contains(name) {
          let fix =
            Suggestion.closest(to: name, among: known).map { "did you mean \"properties.\($0)\"?" }
            ?? "LoopSim's \(event) messages carry: " + known.joined(separator: ", ")
          report(
            "\(event) messages from LoopSim carry no property \"\(name)\", so the test sees no value",
            fix: fix, warning: true)
        }
        return .property(name)
      case .event(nil):
        return .property(name)
      }
    }

    if key.hasPrefix("profile.") {
      let name = String(key.dropFirst("profile.".count))
      guard !attributes.contains(name) else { return .profile(name) }
      let fix =
        Suggestion.closest(to: name, among: attributes).map { "did you mean \"profile.\($0)\"?" }
        ?? "use one of the profile attributes: " + attributes.joined(separator: ", ")
      report("unknown profile attribute", fix: fix)
      return nil
    }

    let fix: String
    if attributes.contains(key) {
      fix = "write \"profile.\(key)\", because attributes are read through profile."
    } else if let suggestion = Suggestion.closest(to: key, among: combinators + attributes) {
      fix =
        combinators.contains(suggestion)
        ? "did you mean \"\(suggestion)\"?" : "did you mean \"profile.\(suggestion)\"?"
    } else {
      fix =
        "use \"all\", \"any\", \"not\", \"properties.NAME\" for an event property, or "
        + "\"profile.NAME\" for a profile attribute"
    }
    report("unknown condition key", fix: fix)
    return nil
  }

  /// Returns the kind of a calculated attribute, built in or declared; nil for event
  /// properties, for attributes that `updateProfile` steps set, and for declared `first`
  /// and `last` attributes, whose kinds are not known until run time.
  private static func knownKind(of operand: ConditionOperand, scope: ConditionScope)
    -> AttributeKind?
  {
    guard case .profile(let name) = operand else { return nil }
    return ProfileAttribute(rawValue: name)?.kind ?? scope.customAttributes.kinds[name]
  }

  /// The operators that apply to a value of `kind`; all of them when the kind is unknown,
  /// except the time tests, which only calculated time attributes take.
  static func operators(for kind: AttributeKind?) -> [String] {
    switch kind {
    case .string?: ["equals", "notEquals", "exists", "in", "contains", "equalsTrigger"]
    case .number?:
      [
        "equals", "notEquals", "greaterThan", "lessThan", "atLeast", "atMost", "exists", "in",
        "equalsTrigger",
      ]
    case .bool?: ["equals", "notEquals", "exists"]
    case .time?: ["exists", "lessThanAgo", "moreThanAgo"]
    case .list?: ["exists", "contains"]
    case nil: operators.filter { $0 != "lessThanAgo" && $0 != "moreThanAgo" }
    }
  }

  /// Reads a test: an object with one operator, or a bare string, number or boolean,
  /// which is short for `{ equals: … }`.
  private static func testReader(
    operand: ConditionOperand, kind: AttributeKind?, scope: ConditionScope
  ) -> ConfigReader<ConditionTest> {
    let allowed = operators(for: kind)
    let subject = kind.map { "\(operand.path), a \($0.rawValue) attribute," } ?? operand.path
    return ConfigReader<ConditionTest>(
      expecting: "a test such as { equals: … } or { greaterThan: 50 }"
    ) { node, path, diagnostics in
      switch node.value {
      case .string, .number, .bool:
        guard allowed.contains("equals") else {
          diagnostics.error(
            "\(subject) cannot be compared with equals", at: node, path: path,
            found: node.kindAndValueDescription,
            fix: "use one of the tests: " + allowed.joined(separator: ", "))
          return nil
        }
        return literalReader(kind: kind).read(node, at: path, into: diagnostics).map(
          ConditionTest.equals)
      case .object(let object):
        return readOperator(
          object, node: node, at: path, kind: kind, allowed: allowed, subject: subject,
          scope: scope, diagnostics: diagnostics)
      default:
        diagnostics.error(
          "expected a test", at: node, path: path, found: node.kindAndValueDescription,
          fix: "write an object with one test, such as { \(allowed[0]): … }")
        return nil
      }
    }
  }

  private static func readOperator(
    _ object: ConfigObject, node: ConfigNode, at path: FieldPath, kind: AttributeKind?,
    allowed: [String], subject: String, scope: ConditionScope, diagnostics: Diagnostics
  ) -> ConditionTest? {
    guard object.count == 1, let member = object.members.first else {
      diagnostics.error(
        "a test has exactly one operator", at: node, path: path,
        found: object.isEmpty ? "{}" : object.keys.joined(separator: " and "),
        fix: "write each test under its own key inside all: [ … ]")
      return nil
    }
    let name = member.key
    let valuePath = path.appending(key: name)
    guard operators.contains(name) else {
      let fix =
        Suggestion.closest(to: name, among: operators).map { "did you mean \"\($0)\"?" }
        ?? "use one of the tests: " + allowed.joined(separator: ", ")
      diagnostics.report(
        Diagnostic(
          severity: .error, at: member.keyLocation, path: valuePath,
          problem: "unknown test", fix: fix))
      return nil
    }
    guard allowed.contains(name) else {
      diagnostics.report(
        Diagnostic(
          severity: .error, at: member.keyLocation, path: valuePath,
          problem: "\(subject) does not take the test \(name)",
          fix: "use one of the tests: " + allowed.joined(separator: ", ")))
      return nil
    }

    let value = member.value
    func read<Value>(_ reader: ConfigReader<Value>) -> Value? {
      reader.read(value, at: valuePath, into: diagnostics)
    }
    switch name {
    case "equals": return read(literalReader(kind: kind)).map(ConditionTest.equals)
    case "notEquals": return read(literalReader(kind: kind)).map(ConditionTest.notEquals)
    case "greaterThan": return read(.double).map(ConditionTest.greaterThan)
    case "lessThan": return read(.double).map(ConditionTest.lessThan)
    case "atLeast": return read(.double).map(ConditionTest.atLeast)
    case "atMost": return read(.double).map(ConditionTest.atMost)
    case "exists": return read(.bool).map(ConditionTest.exists)
    case "in":
      return read(.array(of: literalReader(kind: kind), count: 1...1_000)).map(
        ConditionTest.isIn)
    case "contains": return read(.nonEmptyString).map(ConditionTest.contains)
    case "lessThanAgo": return read(.duration).map(ConditionTest.lessThanAgo)
    case "moreThanAgo": return read(.duration).map(ConditionTest.moreThanAgo)
    default:
      return readTriggerProperty(member, at: valuePath, scope: scope, diagnostics: diagnostics)
    }
  }

  /// Reads the property name of `equalsTrigger`, which needs a workflow triggered by an
  /// event.
  private static func readTriggerProperty(
    _ member: ConfigObject.Member, at path: FieldPath, scope: ConditionScope,
    diagnostics: Diagnostics
  ) -> ConditionTest? {
    guard let name = ConfigReader<String>.nonEmptyString.read(member.value, at: path, into: diagnostics)
    else { return nil }
    switch scope.trigger {
    case .unavailable(let reason):
      diagnostics.report(
        Diagnostic(
          severity: .error, at: member.keyLocation, path: path,
          problem: "equalsTrigger has no trigger event to read, because \(reason)",
          fix: "use equals with a literal, or move the test to a workflow triggered by an event"))
      return nil
    case .event(let event?):
      if let known = SegmentEvents.properties[event], !known.contains(name) {
        let fix =
          Suggestion.closest(to: name, among: known).map { "did you mean \"\($0)\"?" }
          ?? "LoopSim's \(event) messages carry: " + known.joined(separator: ", ")
        diagnostics.warning(
          "\(event) messages from LoopSim carry no property \"\(name)\", so the test never holds",
          at: member.value, path: path, found: member.value.shortDescription, fix: fix)
      }
      return .equalsTrigger(name)
    case .event(nil):
      return .equalsTrigger(name)
    }
  }

  /// Reads a literal: a string, number or boolean, of `kind` when it is known.
  private static func literalReader(kind: AttributeKind?) -> ConfigReader<ConditionValue> {
    let expectation: String
    switch kind {
    case .string?: expectation = "a string"
    case .number?: expectation = "a number"
    case .bool?: expectation = "a boolean (true or false)"
    default: expectation = "a string, number or boolean"
    }
    return ConfigReader<ConditionValue>(expecting: expectation) { node, path, diagnostics in
      let value: ConditionValue?
      switch (node.value, kind) {
      case (.string(let text), .string?), (.string(let text), nil): value = .string(text)
      case (.number(let number), .number?), (.number(let number), nil):
        value = number.double.isFinite ? .number(number.double) : nil
      case (.bool(let flag), .bool?), (.bool(let flag), nil): value = .bool(flag)
      default: value = nil
      }
      if value == nil {
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.kindAndValueDescription,
          fix: "compare with \(expectation), the kind of this value")
      }
      return value
    }
  }
}

extension Condition: ConfigEncodable {
  /// The condition in the scenario format: a test as `{ PATH: { OPERATOR: VALUE } }`, and
  /// `all`, `any` and `not` as one-member objects, so reading it back gives an equal value.
  public var configValue: JSONValue {
    switch self {
    case .all(let conditions): ["all": .array(conditions.map(\.configValue))]
    case .any(let conditions): ["any": .array(conditions.map(\.configValue))]
    case .not(let condition): ["not": condition.configValue]
    case .test(let operand, let test): .object([operand.path: test.configValue])
    }
  }
}

extension ConditionTest: ConfigEncodable {
  public var configValue: JSONValue {
    let value: JSONValue
    switch self {
    case .equals(let literal), .notEquals(let literal): value = literal.configValue
    case .greaterThan(let limit), .lessThan(let limit), .atLeast(let limit), .atMost(let limit):
      value = .number(limit)
    case .exists(let flag): value = .bool(flag)
    case .isIn(let literals): value = .array(literals.map(\.configValue))
    case .contains(let element): value = .string(element)
    case .lessThanAgo(let duration), .moreThanAgo(let duration): value = duration.configValue
    case .equalsTrigger(let name): value = .string(name)
    }
    return .object([operatorName: value])
  }
}

extension ConditionValue: ConfigEncodable {
  public var configValue: JSONValue {
    switch self {
    case .string(let text): .string(text)
    case .number(let number): .number(number)
    case .bool(let flag): .bool(flag)
    }
  }
}

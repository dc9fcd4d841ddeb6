/// The kind of value a template field holds. A template is checked against these types
/// when it is parsed, so an output of a list or a loop over a text is a load-time error.
public indirect enum TemplateFieldType: Sendable, Hashable {
  /// Text, written as is in a subject and HTML-escaped in a body.
  case text
  /// A count, written in decimal digits.
  case number
  /// True or false, such as a loop's `@first`: tested by `{{#if}}`, never written.
  case flag
  /// Named fields, such as a class's title and instructor.
  case object([TemplateField])
  /// A list that `{{#each}}` walks, each element of the given type.
  case list(TemplateFieldType)

  /// Returns the field named `name` of an object type, or nil.
  func field(named name: String) -> TemplateField? {
    guard case .object(let fields) = self else { return nil }
    return fields.first { $0.name == name }
  }

  /// A noun phrase for messages: "a text", "a list of classes".
  var description: String {
    switch self {
    case .text: "a text"
    case .number: "a number"
    case .flag: "true or false"
    case .object: "an object"
    case .list: "a list"
    }
  }
}

/// A named field of a template object.
public struct TemplateField: Sendable, Hashable {
  public let name: String
  public let type: TemplateFieldType
  /// Whether some emails have no value for the field. An output of such a field without a
  /// `default` helper applies the template's `missing` policy when the value is absent.
  public let isOptional: Bool

  public init(_ name: String, _ type: TemplateFieldType, isOptional: Bool = false) {
    self.name = name
    self.type = type
    self.isOptional = isOptional
  }
}

/// The fields an email template may use.
///
/// The classes come from the scenario's catalog and the profile's attributes from the
/// messages the messaging engine received. The customer's name is not simulated, so no
/// field contains personal data.
public enum EmailTemplateSchema {
  /// The fields of one class.
  public static let classFields: [TemplateField] = [
    TemplateField("id", .text),
    TemplateField("title", .text),
    TemplateField("instructor", .text),
    TemplateField("category", .text),
    TemplateField("price", .text),
    TemplateField("url", .text),
  ]

  static let classType = TemplateFieldType.object(classFields)

  /// Every top-level field, in the order the documentation lists them.
  public static let root = TemplateFieldType.object([
    TemplateField("abandoned", classType, isOptional: true),
    TemplateField("watchedClasses", .list(classType)),
    TemplateField("recommendedClasses", .list(classType)),
    TemplateField("recommendedCategory", .text, isOptional: true),
    TemplateField(
      "profile",
      .object([
        TemplateField("favouriteCategory", .text, isOptional: true),
        TemplateField("firstClassEnrolled", classType, isOptional: true),
        TemplateField("lastClassEnrolled", classType, isOptional: true),
        TemplateField("classesWatched", .number),
        TemplateField("classesPurchased", .number),
      ])),
  ])

  /// Every path that names a text or a number from the top level, such as
  /// `abandoned.title`, for "did you mean" suggestions.
  static let outputPaths: [String] = paths(in: root, prefix: "")

  private static func paths(in type: TemplateFieldType, prefix: String) -> [String] {
    guard case .object(let fields) = type else { return [] }
    var result: [String] = []
    for field in fields {
      let path = prefix.isEmpty ? field.name : prefix + "." + field.name
      switch field.type {
      case .text, .number, .flag, .list:
        result.append(path)
      case .object:
        result.append(path)
        result += paths(in: field.type, prefix: path)
      }
    }
    return result
  }
}

/// A value that a template renders.
public indirect enum TemplateValue: Sendable, Hashable {
  case text(String)
  case number(Int)
  case flag(Bool)
  case object(TemplateObject)
  case list([TemplateObject])

  /// Whether `{{#if}}` takes its first branch: a non-empty text or list, a number other
  /// than 0, true, and any object.
  var isTruthy: Bool {
    switch self {
    case .text(let text): !text.isEmpty
    case .number(let number): number != 0
    case .flag(let flag): flag
    case .object: true
    case .list(let elements): !elements.isEmpty
    }
  }
}

/// The fields of one template object. A field that is absent has no value for this email.
public struct TemplateObject: Sendable, Hashable {
  public var fields: [String: TemplateValue]
  /// The catalog class this object describes. An email that outputs any field of the
  /// object shows the class, and the customer's response counts it.
  public var classId: String?

  public init(_ fields: [String: TemplateValue] = [:], classId: String? = nil) {
    self.fields = fields
    self.classId = classId
  }

  public subscript(name: String) -> TemplateValue? {
    get { fields[name] }
    set { fields[name] = newValue }
  }
}

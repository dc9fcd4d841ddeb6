/// Renders parsed template nodes over one email's data. It stops at the first output of a
/// field that has no value and no `default`, and records that field.
struct TemplateRenderer {
  let root: TemplateObject
  let format: TemplateOutputFormat
  private(set) var output = ""
  /// The classes shown so far, in the order first shown, without repeats.
  private(set) var shownClassIds: [String] = []
  /// The first field that had no value, which stops rendering.
  private(set) var missingField: String?

  /// The loops being rendered, outermost first: the current element, its index and the
  /// list's length.
  private var loops: [(item: TemplateObject, index: Int, count: Int)] = []

  init(root: TemplateObject, format: TemplateOutputFormat) {
    self.root = root
    self.format = format
  }

  mutating func render(_ nodes: [TemplateNode]) {
    for node in nodes {
      guard missingField == nil else { return }
      switch node {
      case .text(let text):
        output += text
      case .output(let path, let helpers):
        write(path, helpers: helpers)
      case .conditional(let path, let isNegated, let then, let otherwise):
        let truthy = lookUp(path).value?.isTruthy ?? false
        render(truthy != isNegated ? then : otherwise)
      case .loop(let path, let body, let otherwise):
        guard case .list(let elements)? = lookUp(path).value, !elements.isEmpty else {
          render(otherwise)
          continue
        }
        for (index, element) in elements.enumerated() {
          loops.append((element, index, elements.count))
          render(body)
          loops.removeLast()
          if missingField != nil { return }
        }
      case .missing:
        break
      }
    }
  }

  private mutating func write(_ path: TemplatePath, helpers: [TemplateHelper]) {
    let found = lookUp(path)
    var text: String?
    switch found.value {
    case .text(let value)?: text = value
    case .number(let value)?: text = String(value)
    // The parser rejects outputs of other types.
    case .flag?, .object?, .list?, nil: text = nil
    }
    for helper in helpers {
      switch helper {
      case .defaultText(let fallback):
        if text?.isEmpty ?? true { text = fallback }
      case .upcase:
        text = text?.uppercased()
      case .downcase:
        text = text?.lowercased()
      case .capitalize:
        text = text.map { $0.prefix(1).uppercased() + $0.dropFirst() }
      }
    }
    guard let text else {
      missingField = path.text
      return
    }
    if let classId = found.classId, !shownClassIds.contains(classId) {
      shownClassIds.append(classId)
    }
    switch format {
    case .html:
      output += HTML.escape(text)
    case .plainText:
      output += String(text.map { $0.unicodeScalars.contains(where: \.isControl) ? " " : $0 })
    }
  }

  /// Follows `path` and returns its value, or nil when a field on the way is absent, with
  /// the class of the innermost object passed that describes one.
  private func lookUp(_ path: TemplatePath) -> (value: TemplateValue?, classId: String?) {
    var current: TemplateValue
    switch path.base {
    case .root:
      current = .object(root)
    case .item(let depth):
      guard loops.indices.contains(depth) else { return (nil, nil) }
      current = .object(loops[depth].item)
    case .index(let depth):
      guard loops.indices.contains(depth) else { return (nil, nil) }
      return (.number(loops[depth].index), nil)
    case .first(let depth):
      guard loops.indices.contains(depth) else { return (nil, nil) }
      return (.flag(loops[depth].index == 0), nil)
    case .last(let depth):
      guard loops.indices.contains(depth) else { return (nil, nil) }
      return (.flag(loops[depth].index == loops[depth].count - 1), nil)
    }

    var classId: String?
    for name in path.fields {
      guard case .object(let object) = current else { return (nil, classId) }
      classId = object.classId ?? classId
      guard let next = object[name] else { return (nil, classId) }
      current = next
    }
    return (current, classId)
  }
}

extension Unicode.Scalar {
  /// Whether the scalar is a control character (general category Cc), such as a line
  /// break or a tab.
  fileprivate var isControl: Bool { properties.generalCategory == .control }
}

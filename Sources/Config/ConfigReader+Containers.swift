extension ConfigReader {
  /// Returns a reader of an array whose elements `element` reads, at paths such as
  /// `catalog[3]`. It returns nil when any element is invalid, after reporting every invalid
  /// element.
  public static func array<Element>(of element: ConfigReader<Element>)
    -> ConfigReader<[Element]>
  {
    array(of: element, count: Bounds())
  }

  /// Returns a reader of an array whose element count is in `count`.
  public static func array<Element>(
    of element: ConfigReader<Element>, count: ClosedRange<Int>
  ) -> ConfigReader<[Element]> {
    array(of: element, count: Bounds(count))
  }

  /// Returns a reader of an array whose element count is in `count`, such as `1...` for a
  /// list that must not be empty.
  public static func array<Element>(
    of element: ConfigReader<Element>, count: PartialRangeFrom<Int>
  ) -> ConfigReader<[Element]> {
    array(of: element, count: Bounds(count))
  }

  private static func array<Element>(
    of element: ConfigReader<Element>, count: Bounds<Int>
  ) -> ConfigReader<[Element]> {
    let expectation = describeArray(count: count)
    return ConfigReader<[Element]>(expecting: expectation) { node, path, diagnostics in
      guard case .array(let nodes) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }

      var elements: [Element] = []
      var allValid = true
      for (index, elementNode) in nodes.enumerated() {
        let elementPath = path.appending(index: index)
        if let value = element.read(elementNode, at: elementPath, into: diagnostics) {
          elements.append(value)
        } else {
          allValid = false
        }
      }

      guard count.contains(nodes.count) else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      return allValid ? elements : nil
    }
  }

  private static func describeArray(count: Bounds<Int>) -> String {
    func elements(_ number: Int) -> String {
      number == 1 ? "1 element" : "\(number) elements"
    }
    switch (count.lower, count.upper) {
    case (nil, nil):
      return "an array"
    case (let lower?, let upper?):
      return lower == upper
        ? "an array of \(elements(lower))" : "an array of \(lower) to \(elements(upper))"
    case (let lower?, nil):
      return "an array of at least \(elements(lower))"
    case (nil, let upper?):
      return "an array of at most \(elements(upper))"
    }
  }

  /// Returns a reader of an object whose members `body` reads through an `ObjectReader`.
  ///
  /// After `body` returns, every member that it did not request or declare is reported as an
  /// unknown field, with a "did you mean" suggestion when a requested key is close. So `body`
  /// must request every field it accepts before it returns, also when an earlier field is
  /// invalid, and `declareKnown(_:)` the fields it accepts without reading.
  ///
  /// - Parameters:
  ///   - expectation: The noun phrase for messages, such as `"a run section"`.
  ///   - body: Reads the fields and returns the value, or nil when a field it needs is
  ///     invalid, which its readers have already reported.
  public static func object(
    _ expectation: String = "an object",
    _ body: @escaping @Sendable (ObjectReader) -> Value?
  ) -> ConfigReader<Value> {
    ConfigReader(expecting: expectation) { node, path, diagnostics in
      guard case .object(let object) = node.value else {
        diagnostics.reportMismatch(node, path: path, expected: expectation, showingKind: true)
        return nil
      }
      let reader = ObjectReader(node: node, object: object, path: path, diagnostics: diagnostics)
      let value = body(reader)
      reader.reportUnknownKeys()
      return value
    }
  }
}

extension ConfigReader {
  /// Returns a reader of an array whose elements `element` reads and whose member `field`
  /// must not repeat. A repeat is reported at its second occurrence, naming the value and
  /// where it first appeared.
  public static func array<Element>(
    of element: ConfigReader<Element>, count: ClosedRange<Int>, unique field: String,
    by key: @escaping @Sendable (Element) -> String
  ) -> ConfigReader<[Element]> {
    let inner = ConfigReader<[Element]>.array(of: element, count: count)
    return ConfigReader<[Element]>(expecting: inner.expectation) { node, path, diagnostics in
      guard let elements = inner.read(node, at: path, into: diagnostics),
        case .array(let nodes) = node.value
      else { return nil }
      var firstIndex: [String: Int] = [:]
      var valid = true
      for (index, value) in elements.enumerated() {
        let name = key(value)
        guard let first = firstIndex[name] else {
          firstIndex[name] = index
          continue
        }
        valid = false
        let repeated = memberNode(field, of: nodes[index]) ?? nodes[index]
        let original = memberNode(field, of: nodes[first]) ?? nodes[first]
        diagnostics.error(
          "\(field) \(jsonQuoted(name)) repeats", at: repeated,
          path: path.appending(index: index).appending(key: field),
          found: "\(jsonQuoted(name)), first used at \(path.appending(index: first))"
            + " (\(original.location))",
          fix: "give every element its own \(field)")
      }
      return valid ? elements : nil
    }
  }

  private static func memberNode(_ key: String, of node: ConfigNode) -> ConfigNode? {
    guard case .object(let object) = node.value else { return nil }
    return object[key]
  }
}

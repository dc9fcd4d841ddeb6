import Config
import Testing

// A small made-up configuration that shows the reader API as a stage would use it: a `run`
// section with a seed, a customer count and a start date, and a list of items with prices and
// probabilities.

enum Channel: String, CaseIterable, Sendable {
  case email, sms, push
}

struct Day: Equatable, Sendable {
  var year: Int
  var month: Int
  var day: Int

  /// Parses `YYYY-MM-DD`, or returns nil.
  init?(parsing text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    (self.year, self.month, self.day) = (year, month, day)
  }
}

struct RunSettings: Equatable, Sendable {
  var seed: UInt64
  var customers: Int
  var start: Day
  var replicates: Int

  static let reader = ConfigReader<RunSettings>.object("a run section") { run in
    let seed = run.required("seed", .uint64)
    // "population" is the old name of "customers": it still works, with a warning.
    let population = run.deprecated(
      "population", .int(in: 1...10_000_000), fix: "rename it to \"customers\"")
    let customers =
      run.contains("population") && !run.contains("customers")
      ? population
      : run.required(
        "customers", .int(in: 1...10_000_000), fix: "set a positive customer count")
    let start = run.required(
      "start", .string.converted(expecting: "a date as YYYY-MM-DD") { Day(parsing: $0) })
    let replicates = run.optional("replicates", .int(in: 1...100), default: 1)

    guard let seed, let customers, let start else { return nil }
    return RunSettings(seed: seed, customers: customers, start: start, replicates: replicates)
  }
}

struct Item: Equatable, Sendable {
  var id: String
  var price: Double
  var conversion: Double
  var channel: Channel

  static let reader = ConfigReader<Item>.object("an item") { item in
    let id = item.required("id", .nonEmptyString)
    let price = item.required("price", .double(in: 0...))
    let conversion = item.required("conversion", .probability)
    let channel = item.optional("channel", .oneOf(Channel.self), default: .email)

    guard let id, let price, let conversion else { return nil }
    return Item(id: id, price: price, conversion: conversion, channel: channel)
  }
}

struct Demo: Equatable, Sendable {
  var name: String
  var run: RunSettings
  var items: [Item]

  static let reader = ConfigReader<Demo>.object("a scenario") { scenario in
    scenario.declareKnown("extends")
    let name = scenario.required("name", .nonEmptyString)
    let run = scenario.required("run", RunSettings.reader)
    let items = scenario.required("items", .array(of: Item.reader, count: 1...))

    guard let name, let run, let items else { return nil }
    if items.count > run.customers {
      scenario.error(
        "more items than customers", key: "items", found: "\(items.count) items",
        fix: "raise run.customers or remove items")
    }
    return Demo(name: name, run: run, items: items)
  }
}

/// Parses `text` and reads it as a `Demo`, returning the result and the diagnostics.
private func readDemo(_ text: String, file: String = "demo.json5") throws -> (
  Demo?, Diagnostics
) {
  let root = try JSON5.parse(text, file: file)
  let diagnostics = Diagnostics()
  let demo = diagnostics.read(root, as: Demo.reader)
  return (demo, diagnostics)
}

@Suite("Config readers")
struct ConfigReaderTests {
  @Test func validConfigurationReads() throws {
    let (demo, diagnostics) = try readDemo(
      """
      // A valid configuration.
      {
        name: 'demo',
        run: {seed: 18446744073709551615, customers: 5e3, start: '2025-01-31',},
        items: [
          {id: 'a', price: 49.5, conversion: .12, channel: 'sms'},
          {id: 'b', price: 0, conversion: 1},
        ],
      }
      """)
    #expect(diagnostics.all.isEmpty)
    let start = try #require(Day(parsing: "2025-01-31"))
    let expected = Demo(
      name: "demo",
      run: RunSettings(
        seed: UInt64.max, customers: 5000, start: start, replicates: 1),
      items: [
        Item(id: "a", price: 49.5, conversion: 0.12, channel: .sms),
        Item(id: "b", price: 0, conversion: 1, channel: .email),
      ])
    #expect(demo == expected)
    #expect(throws: Never.self) { try diagnostics.throwIfErrors() }
  }

  @Test func manyErrorsInOnePassInLocationOrder() throws {
    let text = """
      {
        name: 'demo',
        run: {
          seed: 'abc',
          customers: -5,
          seeed: 1,
        },
        items: [
          {id: 'a', price: 10, conversion: 1.5, channel: 'email'},
          {id: 'b', price: 'free', conversion: 0.2, channel: 'emial'},
        ],
        extra: true,
      }
      """
    let (demo, diagnostics) = try readDemo(text)
    #expect(demo == nil)
    #expect(diagnostics.errorCount == 8)

    let error = try #require(throws: ConfigValidationError.self) {
      try diagnostics.throwIfErrors()
    }
    let expected = """
      demo.json5:3:8: error: run.start: missing required field "start" in the object that \
      starts here. Fix: add "start" with a date as YYYY-MM-DD.
      demo.json5:4:11: error: run.seed: expected an unsigned 64-bit integer \
      (0 to 18446744073709551615), found a string "abc". Fix: set run.seed to an unsigned \
      64-bit integer (0 to 18446744073709551615).
      demo.json5:5:16: error: run.customers: expected an integer from 1 to 10000000, found -5. \
      Fix: set a positive customer count.
      demo.json5:6:5: error: run.seeed: unknown field. Fix: did you mean "seed"?
      demo.json5:9:38: error: items[0].conversion: expected a probability from 0 to 1, \
      found 1.5. Fix: set items[0].conversion to a probability from 0 to 1.
      demo.json5:10:22: error: items[1].price: expected a number of at least 0, found a string \
      "free". Fix: set items[1].price to a number of at least 0.
      demo.json5:10:56: error: items[1].channel: expected one of "email", "sms", "push", \
      found "emial". Fix: did you mean "email"?
      demo.json5:12:3: error: extra: unknown field. Fix: remove it, or use one of the known \
      fields: "extends", "name", "run", "items".
      """
    #expect(error.description == expected)
    #expect(error.diagnostics.map { $0.location?.line } == [3, 4, 5, 6, 9, 10, 10, 12])
  }

  @Test func diagnosticNamesFileLinePathValueAndFix() throws {
    let (_, diagnostics) = try readDemo(
      "{name: 'x', run: {seed: 1, start: '2025-01-01',\n  customers: 0}, items: [{id: 'a', price: 1, conversion: 0}]}",
      file: "scenario.json5")
    let diagnostic = try #require(diagnostics.errors.first)
    #expect(diagnostics.errors.count == 1)
    #expect(diagnostic.file == "scenario.json5")
    #expect(diagnostic.location?.line == 2)
    #expect(diagnostic.location?.column == 14)
    #expect(diagnostic.path == ["run", "customers"])
    #expect(diagnostic.found == "0")
    #expect(diagnostic.fix == "set a positive customer count")
    #expect(
      diagnostic.description
        == "scenario.json5:2:14: error: run.customers: expected an integer from 1 to 10000000, "
        + "found 0. Fix: set a positive customer count.")
  }

  @Test func missingFieldPointsAtEnclosingObject() throws {
    let (_, diagnostics) = try readDemo(
      "{\n  name: 'x',\n  items: [{id: 'a', price: 1, conversion: 0}],\n}")
    let diagnostic = try #require(diagnostics.errors.first)
    #expect(diagnostics.errors.count == 1)
    #expect(diagnostic.path == ["run"])
    #expect(diagnostic.location?.line == 1)
    #expect(diagnostic.location?.column == 1)
    #expect(diagnostic.problem == "missing required field \"run\" in the object that starts here")
    #expect(diagnostic.fix == "add \"run\" with a run section")
  }

  @Test func wrongTypeNamesWhatWasFound() throws {
    let root = try JSON5.parse("{a: 'abc', b: [1, 2], c: {x: 1}, d: null, e: true}", file: "t")
    let diagnostics = Diagnostics()
    let reader = ConfigReader<Int>.object { object in
      _ = object.required("a", .int)
      _ = object.required("b", .int)
      _ = object.required("c", .string)
      _ = object.required("d", .bool)
      _ = object.required("e", .double)
      return 0
    }
    _ = diagnostics.read(root, as: reader)
    #expect(
      diagnostics.all.map(\.found) == [
        "a string \"abc\"", "an array of 2 elements", "an object with 1 member", "null",
        "a boolean true",
      ])
    #expect(
      diagnostics.all.map(\.problem) == [
        "expected an integer", "expected an integer", "expected a string",
        "expected a boolean (true or false)", "expected a finite number",
      ])
  }

  @Test func unknownKeySuggestions() throws {
    let root = try JSON5.parse(
      "{Customers: 1, custmers: 2, cusotmers: 3, zzz: 4, id: 5, Id: 6}", file: "t")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(
      root,
      as: .object { object in
        _ = object.optional("customers", .int)
        _ = object.optional("seed", .uint64)
        _ = object.optional("id", .int)
        return 0
      })
    #expect(
      diagnostics.errors.map(\.path) == [
        ["Customers"], ["custmers"], ["cusotmers"], ["zzz"], ["Id"],
      ])
    #expect(
      diagnostics.errors.map(\.fix) == [
        "did you mean \"customers\"?", "did you mean \"customers\"?",
        "did you mean \"customers\"?",
        "remove it, or use one of the known fields: \"customers\", \"seed\", \"id\"",
        "did you mean \"id\"?",
      ])
  }

  @Test func objectWithoutFieldsRejectsAll() throws {
    let root = try JSON5.parse("{a: 1}", file: "t")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(root, as: .object { _ in 0 })
    #expect(diagnostics.errors.first?.fix == "remove it, because this object has no fields")
  }

  @Test func optionalFieldsAndNull() throws {
    let root = try JSON5.parse("{a: null, b: 7}", file: "t")
    let diagnostics = Diagnostics()
    let values = diagnostics.read(
      root,
      as: .object { object in
        [
          object.optional("a", .int, default: 1),
          object.optional("b", .int, default: 1),
          object.optional("c", .int, default: 1),
          object.optional("a", .int) ?? -1,
        ]
      })
    #expect(values == [1, 7, 1, -1])
    #expect(diagnostics.all.isEmpty)
  }

  @Test func requiredNullIsAnError() throws {
    let root = try JSON5.parse("{a: null}", file: "t")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(root, as: .object { $0.required("a", .int) })
    #expect(
      diagnostics.errors.map(\.description) == [
        "t:1:5: error: a: expected an integer, found null. Fix: set a to an integer."
      ])
  }

  @Test func invalidOptionalGivesDefaultAndError() throws {
    let root = try JSON5.parse("{replicates: 0}", file: "t")
    let diagnostics = Diagnostics()
    let replicates = diagnostics.read(
      root, as: .object { $0.optional("replicates", .int(in: 1...100), default: 1) })
    #expect(replicates == 1)
    #expect(diagnostics.hasErrors)
  }

  @Test func deprecatedFieldWarns() throws {
    let text =
      "{name: 'x', run: {seed: 1, population: 20, start: '2025-01-01'}, items: [{id: 'a', price: 1, conversion: 0}]}"
    let (demo, diagnostics) = try readDemo(text)
    #expect(demo?.run.customers == 20)
    #expect(!diagnostics.hasErrors)
    #expect(diagnostics.warnings.count == 1)
    #expect(
      diagnostics.warnings.first?.description
        == "demo.json5:1:28: warning: run.population: deprecated field. "
        + "Fix: rename it to \"customers\".")
    #expect(throws: Never.self) { try diagnostics.throwIfErrors() }
  }

  @Test func warningsAreListedWithErrors() throws {
    let text =
      "{name: '', run: {seed: 1, population: 20, start: '2025-01-01'}, items: [{id: 'a', price: 1, conversion: 0}]}"
    let (_, diagnostics) = try readDemo(text)
    let error = try #require(throws: ConfigValidationError.self) {
      try diagnostics.throwIfErrors()
    }
    #expect(error.diagnostics.map(\.severity) == [.error, .warning])
    #expect(error.diagnostics.first?.problem == "expected a non-empty string")
  }

  @Test func crossFieldErrorIsReported() throws {
    let text =
      "{name: 'x', run: {seed: 1, customers: 1, start: '2025-01-01'}, items: [{id: 'a', price: 1, conversion: 0}, {id: 'b', price: 1, conversion: 0}]}"
    let (demo, diagnostics) = try readDemo(text)
    #expect(demo != nil)
    let diagnostic = try #require(diagnostics.errors.first)
    #expect(diagnostic.path == ["items"])
    #expect(diagnostic.location?.column == 71)
    #expect(diagnostic.found == "2 items")
  }

  @Test func arrayElementCount() throws {
    let root = try JSON5.parse("{a: [], b: [1, 2, 3], c: [1]}", file: "t")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(
      root,
      as: .object { object in
        _ = object.required("a", .array(of: .int, count: 1...))
        _ = object.required("b", .array(of: .int, count: 1...2))
        _ = object.required("c", .array(of: .int, count: 1...1))
        return 0
      })
    #expect(
      diagnostics.errors.map(\.problem) == [
        "expected an array of at least 1 element", "expected an array of 1 to 2 elements",
      ])
    #expect(
      diagnostics.errors.map(\.found) == ["an array of 0 elements", "an array of 3 elements"])
  }

  @Test func arrayReportsEveryBadElement() throws {
    let root = try JSON5.parse("[1, 'x', 3, true]", file: "t")
    let diagnostics = Diagnostics()
    let values = diagnostics.read(root, as: .array(of: .int))
    #expect(values == nil)
    #expect(diagnostics.errors.map(\.path) == [[1], [3]])
  }

  @Test func numericRanges() throws {
    let root = try JSON5.parse(
      "{a: 0, b: 1, c: -1, d: 1.5, e: Infinity, f: NaN, g: 0x10, h: 9007199254740993, i: 1e19}",
      file: "t")
    let diagnostics = Diagnostics()
    let values = diagnostics.read(
      root,
      as: .object { object in
        (
          object.required("a", .double(greaterThan: 0)),
          object.required("b", .double(in: 0..<1)),
          object.required("c", .int(in: ...0)),
          object.required("d", .int),
          object.required("e", .double(in: 0...)),
          object.required("f", .double),
          object.required("g", .uint64(in: 1...16)),
          object.required("h", .int),
          object.required("i", .int)
        )
      })
    #expect(values?.2 == -1)
    #expect(values?.6 == 16)
    #expect(values?.7 == 9_007_199_254_740_993)
    #expect(
      diagnostics.errors.map(\.problem) == [
        "expected a number greater than 0", "expected a number of at least 0 and below 1",
        "expected an integer", "expected a number of at least 0", "expected a finite number",
        "expected an integer",
      ])
    #expect(diagnostics.errors.map(\.path) == [["a"], ["b"], ["d"], ["e"], ["f"], ["i"]])
  }

  @Test func customReaderFailureIsAlwaysReported() throws {
    let root = try JSON5.parse("{delay: '2x'}", file: "t")
    let diagnostics = Diagnostics()
    let silent = ConfigReader<Int>(expecting: "a duration such as \"2h\"") { _, _, _ in nil }
    _ = diagnostics.read(root, as: .object { $0.required("delay", silent) })
    #expect(
      diagnostics.errors.map(\.description) == [
        "t:1:9: error: delay: expected a duration such as \"2h\", found a string \"2x\". "
          + "Fix: set delay to a duration such as \"2h\"."
      ])
  }

  @Test func fixOverrideAppliesToItsFieldOnly() throws {
    let root = try JSON5.parse("{run: {seed: -1, extra: 1}}", file: "t")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(
      root,
      as: .object { object in
        object.required("run", .object { $0.required("seed", .uint64) }, fix: "see the run docs")
      })
    #expect(
      diagnostics.errors.map(\.fix) == [
        "set run.seed to an unsigned 64-bit integer (0 to 18446744073709551615)",
        "remove it, or use one of the known fields: \"seed\"",
      ])
  }

  @Test func overriddenValueErrorPointsAtSetArgument() throws {
    let base = try JSON5.parse(
      "{name: 'x', run: {seed: 1, customers: 10, start: '2025-01-01'}, items: [{id: 'a', price: 1, conversion: 0}]}",
      file: "demo.json5")
    let root = try base.applying([try ConfigOverride(parsing: "run.customers=many")])
    let diagnostics = Diagnostics()
    _ = diagnostics.read(root, as: Demo.reader)
    #expect(
      diagnostics.errors.map(\.description) == [
        "--set run.customers:1:1: error: run.customers: expected an integer from 1 to 10000000, "
          + "found a string \"many\". Fix: set a positive customer count."
      ])
  }

  @Test func diagnosticsFromSeveralFilesSortByFile() throws {
    let base = try JSON5.parse(
      "{\n\n  name: 'x', run: {seed: 1, customers: 10, start: '2025-01-01'},\n  items: [{id: 'a', price: -1, conversion: 0}]}",
      file: "b.json5")
    let override = try JSON5.parse("{run: {seed: -1}}", file: "a.json5")
    let diagnostics = Diagnostics()
    _ = diagnostics.read(base.merged(with: override), as: Demo.reader)
    #expect(
      diagnostics.sorted.map { $0.location?.description } == ["a.json5:1:14", "b.json5:4:28"])
  }

  @Test func diagnosticWithoutLocation() {
    let diagnostic = Diagnostic(
      severity: .error, file: "scenario.json5", path: ["run"], problem: "invalid",
      fix: "check it")
    #expect(diagnostic.description == "scenario.json5: error: run: invalid. Fix: check it.")
    let diagnostics = Diagnostics()
    diagnostics.report(diagnostic)
    diagnostics.report(
      Diagnostic(
        severity: .error, at: SourceLocation(file: "scenario.json5", line: 9, column: 1, offset: 0),
        path: [], problem: "expected an object"))
    #expect(diagnostics.sorted.map(\.location?.line) == [9, nil])
  }
}

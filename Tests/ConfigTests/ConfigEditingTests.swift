import Config
import Foundation
import Testing

private func parse(_ text: String, file: String = "base.json5") throws -> ConfigNode {
  try JSON5.parse(text, file: file)
}

private func valueNode(_ text: String, file: String = "--set") throws -> ConfigNode {
  try JSON5.parse(text, file: file)
}

struct SettingCase: Sendable, CustomTestStringConvertible {
  var name: String
  var base: String
  var path: FieldPath
  var value: String
  var expected: Tree

  var testDescription: String { name }
}

let settingCases: [SettingCase] = [
  SettingCase(
    name: "replace a member", base: "{run: {customers: 10, seed: 1}}", path: ["run", "customers"],
    value: "5000", expected: ["run": ["customers": 5000, "seed": 1]]),
  SettingCase(
    name: "add a member at the end", base: "{run: {seed: 1}}", path: ["run", "customers"],
    value: "5", expected: ["run": ["seed": 1, "customers": 5]]),
  SettingCase(
    name: "create intermediate objects", base: "{}", path: ["a", "b", "c"], value: "true",
    expected: ["a": ["b": ["c": true]]]),
  SettingCase(
    name: "create an array before an index", base: "{}", path: ["items", 0, "price"],
    value: "9", expected: ["items": [["price": 9]]]),
  SettingCase(
    name: "replace an element", base: "{w: [{d: '1h'}, {d: '2h'}]}", path: ["w", 1, "d"],
    value: "'3h'", expected: ["w": [["d": "1h"], ["d": "3h"]]]),
  SettingCase(
    name: "append an element", base: "{w: [1, 2]}", path: ["w", 2], value: "3",
    expected: ["w": [1, 2, 3]]),
  SettingCase(
    name: "replace a whole object", base: "{run: {seed: 1}}", path: ["run"], value: "{x: 1}",
    expected: ["run": ["x": 1]]),
  SettingCase(
    name: "replace the whole tree", base: "{run: {seed: 1}}", path: [], value: "[1]",
    expected: [1]),
]

struct CanonicalCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: String
  var expected: String

  var testDescription: String { name }
}

let canonicalCases: [CanonicalCase] = [
  CanonicalCase(
    name: "scalars", input: "[null, true, false]", expected: "[\n  null,\n  true,\n  false\n]"),
  CanonicalCase(
    name: "empty containers", input: "{a: [], b: {}}", expected: "{\n  \"a\": [],\n  \"b\": {}\n}"),
  CanonicalCase(name: "empty object at top", input: "{}", expected: "{}"),
  CanonicalCase(name: "hex becomes decimal", input: "0x1F", expected: "31"),
  CanonicalCase(name: "exponent integer becomes digits", input: "5e3", expected: "5000"),
  CanonicalCase(name: "integral decimal becomes digits", input: "5000.0", expected: "5000"),
  CanonicalCase(name: "explicit plus is dropped", input: "+7", expected: "7"),
  CanonicalCase(name: "negative zero becomes zero", input: "-0", expected: "0"),
  CanonicalCase(
    name: "max UInt64 stays exact", input: "18446744073709551615", expected: "18446744073709551615"),
  CanonicalCase(
    name: "min Int64 stays exact", input: "-9223372036854775808", expected: "-9223372036854775808"),
  CanonicalCase(
    name: "2^53 + 1 stays exact", input: "9007199254740993", expected: "9007199254740993"),
  CanonicalCase(name: "leading point", input: ".5", expected: "0.5"),
  CanonicalCase(name: "shortest round trip", input: "0.10000000000000000555", expected: "0.1"),
  CanonicalCase(name: "small exponent", input: "1E-7", expected: "1e-07"),
  CanonicalCase(name: "beyond 64 bits", input: "1e20", expected: "1e+20"),
  CanonicalCase(
    name: "integral double below 2^64", input: "9007199254740993.5", expected: "9007199254740994"),
  CanonicalCase(name: "underflow to zero", input: "1e-400", expected: "0"),
  CanonicalCase(
    name: "string escapes", input: #"'q\" b\\ \n\r\t\b\f \x01 \x7F é😀 /'"#,
    expected: #""q\" b\\ \n\r\t\b\f \u0001 \#u{7F} é😀 /""#),
  CanonicalCase(
    name: "keys in source order and escaped", input: "{z: 1, 'a\"b': 2, m: [3, {n: 4}]}",
    expected: """
      {
        "z": 1,
        "a\\"b": 2,
        "m": [
          3,
          {
            "n": 4
          }
        ]
      }
      """),
]

@Suite("Editing and canonical JSON")
struct ConfigEditingTests {
  @Test("Setting a value", arguments: settingCases)
  func setting(_ testCase: SettingCase) throws {
    let base = try parse(testCase.base)
    let value = try valueNode(testCase.value)
    let result = try base.setting(testCase.path, to: value)
    #expect(Tree(result) == testCase.expected)
    #expect(result[testCase.path] == value)
  }

  @Test func settingKeepsOtherLocations() throws {
    let base = try parse("{\n  run: {seed: 1, customers: 2},\n}")
    let result = try base.setting(["run", "customers"], to: try valueNode("9", file: "--set x"))
    #expect(result.location == base.location)
    #expect(result[["run"]]?.location == base[["run"]]?.location)
    #expect(result[["run", "seed"]]?.location == base[["run", "seed"]]?.location)
    #expect(result[["run", "customers"]]?.location.file == "--set x")
  }

  @Test func settingIntoScalarFails() throws {
    let base = try parse("{\n  run: {customers: 5000},\n}")
    let error = try #require(throws: ConfigEditError.self) {
      try base.setting(["run", "customers", "x"], to: try valueNode("1"))
    }
    #expect(error.path == ["run", "customers", "x"])
    #expect(error.location.line == 2)
    #expect(error.location.column == 20)
    #expect(
      error.description
        == "base.json5:2:20: error: cannot set run.customers.x: run.customers is a number 5000, "
        + "not an object. Fix: set run.customers itself, or check the path.")
  }

  @Test func indexIntoObjectFails() throws {
    let base = try parse("{run: {seed: 1}}")
    let error = try #require(throws: ConfigEditError.self) {
      try base.setting(["run", 0], to: try valueNode("1"))
    }
    #expect(error.problem == "run is an object with 1 member, not an array")
  }

  @Test func keyIntoTopLevelArrayFails() throws {
    let base = try parse("[1]")
    let error = try #require(throws: ConfigEditError.self) {
      try base.setting(["a"], to: try valueNode("1"))
    }
    #expect(error.problem == "the top-level value is an array of 1 element, not an object")
  }

  @Test func indexBeyondEndFails() throws {
    let base = try parse("{w: [1, 2, 3]}")
    let error = try #require(throws: ConfigEditError.self) {
      try base.setting(["w", 5], to: try valueNode("1"))
    }
    #expect(error.problem == "w has 3 elements, so the index 5 is out of range")
    #expect(error.fix == "use an index below 3 to replace an element, or 3 to append one")
  }

  @Test func negativeIndexFails() throws {
    let base = try parse("[1]")
    #expect(throws: ConfigEditError.self) {
      try base.setting([-1], to: try valueNode("1"))
    }
  }

  @Test func overrideArgumentParsesPathAndValue() throws {
    let override = try ConfigOverride(parsing: "workflows[0].delay=2h")
    #expect(override.path == ["workflows", 0, "delay"])
    #expect(Tree(override.value) == "2h")
    #expect(override.value.location.file == "--set workflows[0].delay")
  }

  @Test func overrideValueKinds() throws {
    #expect(Tree(try ConfigOverride(parsing: "run.customers=5000").value) == 5000)
    #expect(Tree(try ConfigOverride(parsing: "name=hello").value) == "hello")
    #expect(Tree(try ConfigOverride(parsing: "name=hello world").value) == "hello world")
    #expect(Tree(try ConfigOverride(parsing: "name=").value) == "")
    #expect(Tree(try ConfigOverride(parsing: "x={a:1}").value) == ["a": 1])
    #expect(Tree(try ConfigOverride(parsing: "x=[1, 2,]").value) == [1, 2])
    #expect(Tree(try ConfigOverride(parsing: "x='5000'").value) == "5000")
    #expect(Tree(try ConfigOverride(parsing: "x=true").value) == true)
    #expect(Tree(try ConfigOverride(parsing: "x=null").value) == nil)
    #expect(Tree(try ConfigOverride(parsing: "start=2025-01-01").value) == "2025-01-01")
    #expect(Tree(try ConfigOverride(parsing: "expr=a=b").value) == "a=b")
    let quotedKey = try ConfigOverride(parsing: #"labels["a=b"]=1"#)
    #expect(quotedKey.path == ["labels", "a=b"])
    #expect(Tree(quotedKey.value) == 1)
  }

  @Test func overrideValueKeepsExactSeed() throws {
    let override = try ConfigOverride(parsing: "run.seed=18446744073709551615")
    guard case .number(let seed) = override.value.value else {
      Issue.record("expected a number, found \(Tree(override.value))")
      return
    }
    #expect(seed.uint64 == UInt64.max)
  }

  @Test func overrideWithoutEqualsFails() throws {
    let error = try #require(throws: FieldPathError.self) {
      try ConfigOverride(parsing: "run.customers")
    }
    #expect(error.column == 14)
    #expect(error.found == "end of input")
    #expect(error.expected == "'=' after the field path")
  }

  @Test func overrideWithBadPathFails() throws {
    let error = try #require(throws: FieldPathError.self) {
      try ConfigOverride(parsing: "run..customers=5")
    }
    #expect(error.column == 5)
  }

  @Test func applyingOverridesInOrder() throws {
    let base = try parse("{run: {customers: 10, seed: 1}}")
    let overrides = [
      try ConfigOverride(parsing: "run.customers=20"),
      try ConfigOverride(parsing: "run.customers=30"),
      try ConfigOverride(parsing: "name=demo"),
    ]
    let result = try base.applying(overrides)
    #expect(Tree(result) == ["run": ["customers": 30, "seed": 1], "name": "demo"])
  }

  @Test func mergeCombinesObjectsAndReplacesOthers() throws {
    let base = try parse(
      """
      {
        name: 'base',
        run: {seed: 1, customers: 100, start: '2025-01-01'},
        catalog: [{id: 'a'}, {id: 'b'}],
        tags: {x: 1},
      }
      """)
    let override = try parse(
      """
      {
        run: {customers: 5000, end: '2025-02-01'},
        catalog: [{id: 'c'}],
        tags: 'none',
        extra: true,
      }
      """, file: "override.json5")
    let merged = base.merged(with: override)
    let expected: Tree = [
      "name": "base",
      "run": ["seed": 1, "customers": 5000, "start": "2025-01-01", "end": "2025-02-01"],
      "catalog": [["id": "c"]],
      "tags": "none",
      "extra": true,
    ]
    #expect(Tree(merged) == expected)

    // Values from the override keep its locations, and the rest keep the base's.
    #expect(merged.location.file == "override.json5")
    #expect(merged[["run"]]?.location.file == "override.json5")
    #expect(merged[["run", "customers"]]?.location.file == "override.json5")
    #expect(merged[["run", "seed"]]?.location.file == "base.json5")
    #expect(merged[["catalog", 0]]?.location.file == "override.json5")
    #expect(merged[["name"]]?.location.file == "base.json5")
    guard case .object(let object) = merged.value else {
      Issue.record("expected an object")
      return
    }
    #expect(object.member(forKey: "run")?.keyLocation.file == "override.json5")
    #expect(object.member(forKey: "name")?.keyLocation.file == "base.json5")
  }

  @Test func mergeWithNonObjectReplaces() throws {
    let base = try parse("{a: 1}")
    let override = try parse("[2]", file: "o")
    #expect(base.merged(with: override) == override)
    #expect(override.merged(with: base) == base)
  }

  @Test("Canonical JSON rendering", arguments: canonicalCases)
  func canonicalJSON(_ testCase: CanonicalCase) throws {
    let node = try parse(testCase.input)
    let rendered = try node.canonicalJSON()
    #expect(rendered == testCase.expected)
    let reparsed = try JSON5.parse(rendered, file: "rendered.json")
    #expect(try reparsed.canonicalJSON() == rendered)
  }

  @Test func canonicalJSONIsStandardJSON() throws {
    let node = try parse(
      "{run: {seed: 0xFFFFFFFFFFFFFFFF, rate: .25, name: 'x\\u2028y'}, list: [1, 2.5e-3, 'é']}")
    let rendered = try node.canonicalJSON()
    let parsed = try JSONSerialization.jsonObject(with: Data(rendered.utf8))
    #expect(parsed is [String: Any])
  }

  @Test(arguments: ["Infinity", "-Infinity", "NaN"])
  func canonicalJSONRejectsNonFinite(_ literal: String) throws {
    let node = try parse("{run: {\n  rate: \(literal)}}")
    let error = try #require(throws: CanonicalJSONError.self) {
      try node.canonicalJSON()
    }
    #expect(error.path == ["run", "rate"])
    #expect(error.location.line == 2)
    #expect(error.location.column == 9)
    #expect(error.literal == literal)
    #expect(
      error.description.hasPrefix("base.json5:2:9: error: run.rate: \(literal) has no JSON form."))
  }
}

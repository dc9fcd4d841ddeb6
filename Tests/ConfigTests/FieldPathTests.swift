import Config
import Testing

struct PathCase: Sendable, CustomTestStringConvertible {
  var text: String
  var path: FieldPath

  var testDescription: String { text }
}

let pathCases: [PathCase] = [
  PathCase(text: "run", path: ["run"]),
  PathCase(text: "run.customers", path: ["run", "customers"]),
  PathCase(text: "workflows[0].delay", path: ["workflows", 0, "delay"]),
  PathCase(text: "matrix[10][2]", path: ["matrix", 10, 2]),
  PathCase(text: "[3]", path: [3]),
  PathCase(text: "labels[\"odd key\"].x", path: ["labels", "odd key", "x"]),
  PathCase(text: "[\"a.b\"][\"c=d\"]", path: ["a.b", "c=d"]),
  PathCase(text: "[\"\"]", path: [""]),
  PathCase(text: "[\"quote \\\" and \\\\\"]", path: ["quote \" and \\"]),
  PathCase(text: "[\"tab\\t\"]", path: ["tab\t"]),
  PathCase(text: "$id._x.café", path: ["$id", "_x", "café"]),
  PathCase(text: "[\"1st\"]", path: ["1st"]),
]

struct BadPathCase: Sendable, CustomTestStringConvertible {
  var text: String
  var column: Int
  var found: String

  var testDescription: String { text }
}

let badPathCases: [BadPathCase] = [
  BadPathCase(text: "", column: 1, found: "end of input"),
  BadPathCase(text: ".a", column: 1, found: "'.'"),
  BadPathCase(text: "a.", column: 3, found: "end of input"),
  BadPathCase(text: "a..b", column: 3, found: "'.'"),
  BadPathCase(text: "a[", column: 3, found: "end of input"),
  BadPathCase(text: "a[x]", column: 3, found: "'x'"),
  BadPathCase(text: "a[-1]", column: 3, found: "'-'"),
  BadPathCase(text: "a[01]", column: 3, found: "'01'"),
  BadPathCase(text: "a[1", column: 4, found: "end of input"),
  BadPathCase(text: "a[99999999999999999999]", column: 3, found: "'99999999999999999999'"),
  BadPathCase(text: "a b", column: 2, found: "character U+0020"),
  BadPathCase(text: "my-key", column: 3, found: "'-'"),
  BadPathCase(text: "a[\"open", column: 3, found: "end of input"),
  BadPathCase(text: "a=1", column: 2, found: "'='"),
]

@Suite("Field paths")
struct FieldPathTests {
  @Test("Parse and render round trip", arguments: pathCases)
  func roundTrip(_ testCase: PathCase) throws {
    let parsed = try FieldPath(parsing: testCase.text)
    #expect(parsed == testCase.path)
    #expect(testCase.path.description == testCase.text)
    #expect(try FieldPath(parsing: testCase.path.description) == testCase.path)
  }

  @Test("Invalid paths name the bad text", arguments: badPathCases)
  func invalidPath(_ testCase: BadPathCase) {
    do {
      let path = try FieldPath(parsing: testCase.text)
      Issue.record("parsed without error: \(path.components)")
    } catch {
      #expect(error.text == testCase.text)
      #expect(error.column == testCase.column)
      #expect(error.found == testCase.found)
      #expect(error.description.hasPrefix("error: invalid field path \""))
    }
  }

  @Test func componentCountIsLimited() throws {
    let limit = JSON5.defaultMaxDepth
    let longest = Array(repeating: "a", count: limit).joined(separator: ".")
    #expect(try FieldPath(parsing: longest).components.count == limit)
    let error = try #require(throws: FieldPathError.self) {
      try FieldPath(parsing: longest + ".a")
    }
    #expect(error.column == 2 * limit)
    #expect(error.expected == "at most \(limit) components in a field path")
  }

  @Test func singleQuotedKeysParse() throws {
    #expect(try FieldPath(parsing: "a['b c']") == ["a", "b c"])
  }

  @Test func emptyPathRendersEmpty() {
    #expect(FieldPath().description == "")
    #expect(FieldPath().isEmpty)
  }

  @Test func appendingBuildsPaths() {
    let path = FieldPath().appending(key: "catalog").appending(index: 3).appending(key: "price")
    #expect(path.description == "catalog[3].price")
  }

  @Test func errorMessageHasCaret() throws {
    let error = try #require(throws: FieldPathError.self) {
      try FieldPath(parsing: "workflows[x].delay")
    }
    let expected = """
      error: invalid field path "workflows[x].delay" at column 11: \
      expected an index or a quoted key after '[', found 'x'
        workflows[x].delay
                  ^
      """
    #expect(error.description == expected)
  }
}

import Config
import Testing

struct ValidInput: Sendable, CustomTestStringConvertible {
  var name: String
  var text: String
  var expected: Tree

  init(_ name: String, _ text: String, _ expected: Tree) {
    self.name = name
    self.text = text
    self.expected = expected
  }

  var testDescription: String { name }
}

let validInputs: [ValidInput] = [
  // Literals.
  ValidInput("null", "null", nil),
  ValidInput("true", "true", true),
  ValidInput("false", "false", false),
  // Numbers, kept by literal.
  ValidInput("zero", "0", .number("0")),
  ValidInput("negative zero", "-0", .number("-0")),
  ValidInput("integer", "42", 42),
  ValidInput("explicit plus", "+7", .number("+7")),
  ValidInput("hex", "0x1F", .number("0x1F")),
  ValidInput("hex upper X and mixed case", "0XfF", .number("0XfF")),
  ValidInput("negative hex", "-0x10", .number("-0x10")),
  ValidInput("leading point", ".5", .number(".5")),
  ValidInput("trailing point", "5.", .number("5.")),
  ValidInput("exponent", "1.5e3", .number("1.5e3")),
  ValidInput("negative exponent", "1E-2", .number("1E-2")),
  ValidInput("signed point and exponent", "+.5e+2", .number("+.5e+2")),
  ValidInput("Infinity", "Infinity", .number("Infinity")),
  ValidInput("negative Infinity", "-Infinity", .number("-Infinity")),
  ValidInput("positive Infinity", "+Infinity", .number("+Infinity")),
  ValidInput("NaN", "NaN", .number("NaN")),
  ValidInput("negative NaN", "-NaN", .number("-NaN")),
  ValidInput("tiny number reads as zero", "1e-999", .number("1e-999")),
  // Strings.
  ValidInput("single quotes", "'single'", "single"),
  ValidInput("double quotes", #""double""#, "double"),
  ValidInput("escaped single quote", #"'it\'s'"#, "it's"),
  ValidInput("escaped double quote", #""a\"b""#, "a\"b"),
  ValidInput("double quote inside single", #"'"'"#, "\""),
  ValidInput("single quote inside double", #""'""#, "'"),
  ValidInput("short escapes", #""\b\f\n\r\t\v\0\\\/""#, "\u{08}\u{0C}\n\r\t\u{0B}\u{00}\\/"),
  ValidInput("hex escapes", #""\x41\x7e\xE9""#, "A~é"),
  ValidInput("unicode escapes", #""\u00e9\u4E2D""#, "é中"),
  ValidInput("surrogate pair", #""\uD83D\uDE00""#, "😀"),
  ValidInput("other characters escape to themselves", #""\q\a\é""#, "qaé"),
  ValidInput("line continuation LF", "\"ab\\\ncd\"", "abcd"),
  ValidInput("line continuation CRLF", "\"ab\\\r\ncd\"", "abcd"),
  ValidInput("line continuation U+2028", "\"ab\\\u{2028}cd\"", "abcd"),
  ValidInput("raw U+2028 and U+2029", "'a\u{2028}b\u{2029}c'", "a\u{2028}b\u{2029}c"),
  ValidInput("raw tab and non-ASCII", "'a\tb é中😀'", "a\tb é中😀"),
  ValidInput("empty string", "''", ""),
  // Comments and whitespace.
  ValidInput("line comment before value", "// note\n1", 1),
  ValidInput("block comments around value", "/* a */ 1 /* b */", 1),
  ValidInput("multi-line block comment", "/* one\n two * / still\n*/ [1]", [1]),
  ValidInput("comment at end without newline", "[1] // end", [1]),
  ValidInput("comment with stars", "/*** x ***/ 2", 2),
  ValidInput(
    "JSON5 whitespace", "\t\u{0B}\u{0C} \u{A0}\u{FEFF}\u{2003}\u{3000}[\r\n1,\r2\n]", [1, 2]),
  ValidInput("byte order mark", "\u{FEFF}{a: 1}", ["a": 1]),
  // Arrays and objects.
  ValidInput("empty array", "[]", []),
  ValidInput("empty object", "{}", [:]),
  ValidInput("nested empty arrays", "[[[]]]", [[[]]]),
  ValidInput("nested objects", "{a:{b:{}}}", ["a": ["b": [:]]]),
  ValidInput("array trailing comma", "[1, 2,]", [1, 2]),
  ValidInput("object trailing comma", "{a: 1,}", ["a": 1]),
  ValidInput("members keep source order", "{z: 1, a: 2, m: 3}", ["z": 1, "a": 2, "m": 3]),
  ValidInput(
    "identifier keys", "{$id: 1, _x: 2, a1: 3, café: 4, 中文: 5, x\u{0301}: 6}",
    ["$id": 1, "_x": 2, "a1": 3, "café": 4, "中文": 5, "x\u{0301}": 6]),
  ValidInput("escaped identifier key", #"{\u0061b: 1, a\u0062c: 2}"#, ["ab": 1, "abc": 2]),
  ValidInput(
    "reserved words as keys", "{true: 1, null: 2, Infinity: 3}",
    ["true": 1, "null": 2, "Infinity": 3]),
  ValidInput("quoted keys", #"{'a b': 1, "c-d": 2, "": 3}"#, ["a b": 1, "c-d": 2, "": 3]),
  ValidInput("mixed array", "[null, true, 'x', -1, {}, []]", [nil, true, "x", -1, [:], []]),
  // A scenario fragment as an analyst would write it.
  ValidInput(
    "scenario fragment",
    """
    // Abandoned-cart campaign, small population.
    {
      name: 'abandoned-cart',
      run: {
        seed: 18446744073709551615, // the largest seed
        customers: 5e3,
        start: "2025-01-01",
      },
      /* Two courses; the second is on sale. */
      catalog: [
        {id: 'swift-101', price: 49.00, conversion: .12,},
        {id: 'sim-201', price: 0x4F, conversion: 0.08},
      ],
      workflows: [{trigger: 'cart_abandoned', delay: '2h', holdout: 0.1,},],
    }
    """,
    [
      "name": "abandoned-cart",
      "run": [
        "seed": .number("18446744073709551615"), "customers": .number("5e3"),
        "start": "2025-01-01",
      ],
      "catalog": [
        ["id": "swift-101", "price": .number("49.00"), "conversion": .number(".12")],
        ["id": "sim-201", "price": .number("0x4F"), "conversion": .number("0.08")],
      ],
      "workflows": [["trigger": "cart_abandoned", "delay": "2h", "holdout": .number("0.1")]],
    ]),
]

@Suite("JSON5 parsing")
struct JSON5ParsingTests {
  @Test("Valid input gives the expected tree", arguments: validInputs)
  func validInput(_ input: ValidInput) throws {
    let node = try JSON5.parse(input.text, file: "test.json5")
    #expect(Tree(node) == input.expected)
  }

  @Test func locationsOfValuesAndKeys() throws {
    let text = "{\n  a: [1, 'x'],\n\t\"é中\": true,\n}"
    let root = try JSON5.parse(text, file: "s.json5")
    #expect(root.location == SourceLocation(file: "s.json5", line: 1, column: 1, offset: 0))
    guard case .object(let object) = root.value else {
      Issue.record("expected an object, found \(root.value)")
      return
    }

    let a = try #require(object.member(forKey: "a"))
    #expect(a.keyLocation == SourceLocation(file: "s.json5", line: 2, column: 3, offset: 4))
    #expect(a.value.location == SourceLocation(file: "s.json5", line: 2, column: 6, offset: 7))
    let x = try #require(root[["a", 1]])
    #expect(x.location == SourceLocation(file: "s.json5", line: 2, column: 10, offset: 11))

    // Columns count Unicode scalars, so the tab is one column and "é中" three columns wide
    // with its quotes, while the offset counts UTF-8 bytes.
    let wide = try #require(object.member(forKey: "é中"))
    #expect(wide.keyLocation == SourceLocation(file: "s.json5", line: 3, column: 2, offset: 18))
    #expect(wide.value.location == SourceLocation(file: "s.json5", line: 3, column: 8, offset: 27))
  }

  @Test func locationsAfterCRLFAndByteOrderMark() throws {
    let text = "\u{FEFF}[\r\n  1,\r\n  2]"
    let root = try JSON5.parse(text, file: "crlf.json5")
    #expect(root.location.line == 1)
    #expect(root.location.column == 1)
    #expect(root.location.offset == 3)
    let second = try #require(root[[1]])
    #expect(second.location.line == 3)
    #expect(second.location.column == 3)
    #expect(second.location.offset == 14)
  }

  @Test func locationsAfterMultiLineStringAndComment() throws {
    let text = "[/* a\n b */ 'x\\\ny', 7]"
    let root = try JSON5.parse(text, file: "t")
    let seven = try #require(root[[1]])
    #expect(seven.location.line == 3)
    #expect(seven.location.column == 5)
  }

  @Test func nestingUpToTheLimitParses() throws {
    let depth = JSON5.defaultMaxDepth
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    let root = try JSON5.parse(text, file: "deep")
    var levels = 0
    var node = root
    while case .array(let elements) = node.value {
      levels += 1
      guard let first = elements.first else { break }
      node = first
    }
    #expect(levels == depth)
  }

  @Test func customDepthLimit() throws {
    #expect(throws: JSON5SyntaxError.self) {
      try JSON5.parse("[[1]]", file: "t", maxDepth: 1)
    }
    let node = try JSON5.parse("[1]", file: "t", maxDepth: 1)
    #expect(Tree(node) == [1])
  }

  @Test func parsesUTF8Bytes() throws {
    let node = try JSON5.parse(utf8: [0xEF, 0xBB, 0xBF] + Array("{k: 'é'}".utf8), file: "b")
    #expect(Tree(node) == ["k": "é"])
  }
}

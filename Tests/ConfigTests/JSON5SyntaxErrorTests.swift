import Config
import Testing

struct InvalidInput: Sendable, CustomTestStringConvertible {
  var name: String
  var bytes: [UInt8]
  var line: Int
  var column: Int
  var found: String

  init(_ name: String, _ text: String, _ line: Int, _ column: Int, found: String) {
    self.init(name, bytes: Array(text.utf8), line, column, found: found)
  }

  init(_ name: String, bytes: [UInt8], _ line: Int, _ column: Int, found: String) {
    self.name = name
    self.bytes = bytes
    self.line = line
    self.column = column
    self.found = found
  }

  var testDescription: String { name }
}

let tooDeep = String(repeating: "[", count: JSON5.defaultMaxDepth + 1)

let invalidInputs: [InvalidInput] = [
  InvalidInput("empty input", "", 1, 1, found: "end of input (the input contains no value)"),
  InvalidInput(
    "only whitespace", "  \n   ", 2, 4, found: "end of input (the input contains no value)"),
  InvalidInput(
    "only a comment", "// nothing", 1, 11, found: "end of input (the input contains no value)"),
  InvalidInput("unterminated string at end", #"["abc"#, 1, 2, found: "end of input"),
  InvalidInput("unterminated string at line break", "['abc\n']", 1, 2, found: "a line break"),
  InvalidInput("mismatched quotes", #"'abc""#, 1, 1, found: "end of input"),
  InvalidInput("missing comma in object", "{a: 1 b: 2}", 1, 7, found: "'b'"),
  InvalidInput("missing comma in array", "[1 2]", 1, 4, found: "'2'"),
  InvalidInput("missing colon", "{a 1}", 1, 4, found: "'1'"),
  InvalidInput("dash in unquoted key", "{a-b: 1}", 1, 3, found: "'-'"),
  InvalidInput("number as key", "{1: 2}", 1, 2, found: "'1'"),
  InvalidInput("missing value", "{a:}", 1, 4, found: "'}'"),
  InvalidInput("unclosed object", "{a: 1", 1, 6, found: "end of input"),
  InvalidInput("unclosed array", "[", 1, 2, found: "end of input"),
  InvalidInput("leading comma in array", "[,]", 1, 2, found: "','"),
  InvalidInput("leading comma in object", "{,}", 1, 2, found: "','"),
  InvalidInput("double comma", "[1,,]", 1, 4, found: "','"),
  InvalidInput("bad hex escape", #""\x4G""#, 1, 2, found: #"'\x4G'"#),
  InvalidInput("short unicode escape", #""\u12""#, 1, 2, found: #"'\u12' followed by '"'"#),
  InvalidInput("digit escape", #""\1""#, 1, 2, found: #"'\1'"#),
  InvalidInput("zero escape before digit", #""\01""#, 1, 2, found: #"'\01'"#),
  InvalidInput("bad escape in key", #"{\x61: 1}"#, 1, 2, found: #"'\' in a key"#),
  InvalidInput(
    "escape of a space in key", #"{\u0020: 1}"#, 1, 2, found: #"'\u0020'"#),
  InvalidInput("trailing garbage", "1 2", 1, 3, found: "'2'"),
  InvalidInput("trailing garbage after object", "{}\n x", 2, 2, found: "'x'"),
  InvalidInput(
    "duplicate key", "{a: 1, a: 2}", 1, 8, found: "duplicate key \"a\""),
  InvalidInput(
    "duplicate key quoted differently", #"{"a": 1, 'a': 2}"#, 1, 10,
    found: "duplicate key \"a\""),
  InvalidInput("lone high surrogate", #""\uD83D""#, 1, 2, found: #"lone surrogate '\uD83D'"#),
  InvalidInput(
    "high surrogate before letter", #""x\uD83Dy""#, 1, 3, found: #"lone surrogate '\uD83D'"#),
  InvalidInput(
    "high surrogate before non-surrogate", #""\uD83D\u0041""#, 1, 2,
    found: #"lone surrogate '\uD83D'"#),
  InvalidInput("lone low surrogate", #""\uDE00""#, 1, 2, found: #"lone surrogate '\uDE00'"#),
  InvalidInput("unclosed comment", "/* open", 1, 1, found: "end of input"),
  InvalidInput("unclosed comment after value", "[1, /* open\n", 1, 5, found: "end of input"),
  InvalidInput("lone slash", "[/]", 1, 2, found: "'/'"),
  InvalidInput("number overflow", "1e999", 1, 1, found: "'1e999'"),
  InvalidInput("negative number overflow", "[-1e999]", 1, 2, found: "'-1e999'"),
  InvalidInput("leading zero", "012", 1, 1, found: "'012'"),
  InvalidInput("negative leading zero", "-012", 1, 1, found: "'-012'"),
  InvalidInput("hex without digits", "0x", 1, 3, found: "end of input"),
  InvalidInput("hex over 64 bits", "0x1FFFFFFFFFFFFFFFF", 1, 1, found: "'0x1FFFFFFFFFFFFFFFF'"),
  InvalidInput("exponent without digits", "1e", 1, 3, found: "end of input"),
  InvalidInput("point alone", ".", 1, 2, found: "end of input"),
  InvalidInput("minus alone", "-", 1, 2, found: "end of input"),
  InvalidInput("plus before word", "+x", 1, 2, found: "'x'"),
  InvalidInput("two points", "1.2.3", 1, 4, found: "'.'"),
  InvalidInput("truncated keyword", "tru", 1, 1, found: "'tru'"),
  InvalidInput("unknown word", "[undefined]", 1, 2, found: "'undefined'"),
  InvalidInput("keyword with suffix", "nullx", 1, 1, found: "'nullx'"),
  InvalidInput("lowercase infinity", "infinity", 1, 1, found: "'infinity'"),
  InvalidInput("control character", "\u{01}", 1, 1, found: "character U+0001"),
  InvalidInput("zero-width space", "[\u{200B}1]", 1, 2, found: "character U+200B"),
  InvalidInput(
    "nesting too deep", tooDeep, 1, JSON5.defaultMaxDepth + 1,
    found: "'[' at nesting depth 513"),
  InvalidInput(
    "error on a later line", "{\n  a: 1,\n  b: 2\n  c: 3\n}", 4, 3, found: "'c'"),
  InvalidInput("error after CRLF lines", "{\r\n  a: 1\r\n  b: 2\r\n}", 3, 3, found: "'b'"),
  InvalidInput("error after CR alone", "[1\r2]", 2, 1, found: "'2'"),
  InvalidInput("error after U+2028", "[1\u{2028}2]", 2, 1, found: "'2'"),
  InvalidInput("error after tab", "{\n\ta: 1\n\tb: 2}", 3, 2, found: "'b'"),
  InvalidInput("column counts scalars", "{\"é中\": 1 x}", 1, 10, found: "'x'"),
  InvalidInput(
    "error after byte order mark", bytes: [0xEF, 0xBB, 0xBF] + Array("x".utf8), 1, 1,
    found: "'x'"),
  InvalidInput(
    "invalid UTF-8 in string", bytes: [0x22, 0x61, 0xFF, 0x22], 1, 3,
    found: "invalid UTF-8 byte 0xFF"),
  InvalidInput(
    "truncated UTF-8 sequence", bytes: [0x22, 0xC3], 1, 2, found: "invalid UTF-8 byte 0xC3"),
  InvalidInput(
    "overlong UTF-8", bytes: [0x5B, 0xC0, 0xAF, 0x5D], 1, 2, found: "invalid UTF-8 byte 0xC0"),
  InvalidInput(
    "UTF-8 encoded surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2,
    found: "invalid UTF-8 byte 0xED"),
  InvalidInput(
    "invalid UTF-8 in comment", bytes: Array("// a".utf8) + [0xFE] + Array("\n1".utf8), 1, 5,
    found: "invalid UTF-8 byte 0xFE"),
  InvalidInput(
    "UTF-16 byte order mark", bytes: [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], 1, 1,
    found: "a UTF-16 byte order mark"),
]

@Suite("JSON5 syntax errors")
struct JSON5SyntaxErrorTests {
  @Test("Invalid input gives an error at the expected place", arguments: invalidInputs)
  func invalidInput(_ input: InvalidInput) {
    do {
      let node = try JSON5.parse(utf8: input.bytes, file: "bad.json5")
      Issue.record("parsed without error: \(Tree(node))")
    } catch {
      #expect(error.location.file == "bad.json5")
      #expect(error.location.line == input.line)
      #expect(error.location.column == input.column)
      #expect(error.found == input.found)
      #expect(!error.expected.isEmpty)
    }
  }

  @Test func renderedMessageShowsExcerptAndCaret() {
    let text = "{\n  run: {seed: 42 x},\n}"
    #expect {
      try JSON5.parse(text, file: "scenario.json5")
    } throws: { error in
      guard let error = error as? JSON5SyntaxError else { return false }
      let expected = """
        scenario.json5:2:18: error: expected ',' or '}' after an object member, found 'x'
            run: {seed: 42 x},
                           ^
        """
      #expect(error.description == expected)
      return true
    }
  }

  @Test func caretFollowsTabs() throws {
    let error = try #require(throws: JSON5SyntaxError.self) {
      try JSON5.parse("{\n\t\ta: 1 ?}", file: "t")
    }
    #expect(error.description.hasSuffix("\n  \t\ta: 1 ?}\n  \t\t     ^"))
  }

  @Test func duplicateKeyNamesBothPositions() throws {
    let error = try #require(throws: JSON5SyntaxError.self) {
      try JSON5.parse("{\n  seed: 1,\n  seed: 2,\n}", file: "dup.json5")
    }
    #expect(error.location.line == 3)
    #expect(error.note?.location.line == 2)
    #expect(error.note?.location.column == 3)
    #expect(error.description.contains("dup.json5:3:3: error: expected a key not already used"))
    #expect(error.description.contains("dup.json5:2:3: note: the first \"seed\" is here"))
  }

  @Test func unterminatedStringPointsAtOpeningQuote() throws {
    let error = try #require(throws: JSON5SyntaxError.self) {
      try JSON5.parse("{name: 'abc,\n seed: 1}", file: "t")
    }
    #expect(error.location.column == 8)
    #expect(
      error.message == "expected \"'\" to close the string that starts here, found a line break")
  }

  @Test func longLineExcerptIsCut() throws {
    let text = "[" + String(repeating: "1, ", count: 100) + "?]"
    let error = try #require(throws: JSON5SyntaxError.self) {
      try JSON5.parse(text, file: "t")
    }
    let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3)
    #expect(lines[1].hasPrefix("  …"))
    #expect(lines[1].unicodeScalars.count <= 2 + 1 + 120 + 1)
    // The caret is under the '?' in the cut line.
    let caretColumn = lines[2].unicodeScalars.count
    let questionColumn = Array(lines[1].unicodeScalars).firstIndex(of: "?").map { $0 + 1 }
    #expect(caretColumn == questionColumn)
  }

  @Test func missingFileNamesPathAndCause() {
    let path = "/nonexistent-loopsim-dir/scenario.json5"
    #expect(throws: ConfigFileError.unreadable(path: path, reason: "No such file or directory")) {
      try JSON5.parse(contentsOfFile: path)
    }
  }

  @Test func directoryIsUnreadable() throws {
    let error = try #require(throws: ConfigFileError.self) {
      try JSON5.parse(contentsOfFile: "/")
    }
    #expect(
      error.description
        == "/: error: cannot read the file: Is a directory. Fix: check the path and that the "
        + "file is readable.")
  }
}

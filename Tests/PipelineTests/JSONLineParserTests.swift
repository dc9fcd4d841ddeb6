import Foundation
import Testing

@testable import Pipeline

private func parse(_ text: String) throws(JSONLineSyntaxError) -> JSONLineValue {
  try JSONLineParser.parse(Array(text.utf8))
}

@Test func parserReadsScalars() throws {
  #expect(try parse("null") == .null)
  #expect(try parse(" true ") == .bool(true))
  #expect(try parse("false") == .bool(false))
  #expect(try parse("0") == .integer(0))
  #expect(try parse("-0") == .integer(0))
  #expect(try parse("9223372036854775807") == .integer(.max))
  #expect(try parse("-9223372036854775808") == .integer(.min))
  #expect(try parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
  #expect(try parse("120.0") == .number(120))
  #expect(try parse("-1.5e-3") == .number(-0.0015))
  #expect(try parse("2E+2") == .number(200))
  #expect(try parse(#""plain""#) == .string("plain"))
}

@Test func parserDecodesEscapes() throws {
  #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
  #expect(try parse(#""caf\u00e9 \u20AC""#) == .string("café €"))
  #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
  #expect(try parse(#""\u0000""#) == .string("\u{0}"))
  #expect(try parse("\"naïve 😀\"") == .string("naïve 😀"))
}

@Test func parserKeepsMemberOrderAndSizes() throws {
  let value = try parse(#"{ "b" : [1, "x"], "a":{"c":null} ,"d":"é"}"#)
  guard case .object(let members) = value else {
    Issue.record("expected an object, got \(value)")
    return
  }
  #expect(members.map(\.key) == ["b", "a", "d"])
  #expect(members.map(\.byteCount) == [8, 10, 4])
  #expect(members[key: "a"] == .object([JSONLineMember(key: "c", value: .null, byteCount: 4)]))
  #expect(members[key: "missing"] == nil)
}

@Test func parserRendersCompactJSON() throws {
  let value = try parse(#"{ "list": [1, 2.5, true, null, "\u00e9\n"], "empty": {} }"#)
  #expect(value.compactJSON == #"{"list":[1,2.5,true,null,"é\n"],"empty":{}}"#)
  // A number with a fraction or an exponent stays one, even when its value is whole.
  #expect(try parse("[1e3, 1.0, -0.0]").compactJSON == "[1000.0,1.0,-0.0]")
}

@Test func parserAcceptsMaximumDepth() throws {
  let depth = JSONLineParser.maximumDepth
  let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
  #expect(throws: Never.self) { try parse(text) }
}

private let syntaxErrors: [(text: String, problem: String, column: Int)] = [
  ("", "unexpected end of the line", 1),
  ("   ", "unexpected end of the line", 4),
  (#"{"a":1,}"#, "expected a quoted key", 8),
  ("{'a':1}", "expected a quoted key", 2),
  ("{a:1}", "expected a quoted key", 2),
  (#"{"a" 1}"#, "expected ':' after a key", 6),
  (#"{"a":1 "b":2}"#, "expected ',' or '}' in an object", 8),
  ("[1 2]", "expected ',' or ']' in an array", 4),
  ("[1,]", "unexpected character ']'", 4),
  ("01", "a number may not have a leading zero", 2),
  ("-", "expected a digit in a number", 2),
  ("-a", "expected a digit in a number", 2),
  ("1.", "expected a digit after the decimal point", 3),
  (".5", "unexpected character '.'", 1),
  ("1e", "expected a digit in the exponent", 3),
  ("1e+", "expected a digit in the exponent", 4),
  ("+1", "unexpected character '+'", 1),
  ("1e999", "number 1e999 is out of the range of a double", 1),
  ("NaN", "unexpected character 'N'", 1),
  ("tru", "unexpected character 't'", 1),
  ("nul", "unexpected character 'n'", 1),
  (#""abc"#, "unterminated string", 5),
  ("\"a\u{01}\"", "control character 0x01 in a string", 3),
  ("\"a\tb\"", "control character 0x09 in a string", 3),
  (#""\x""#, "invalid escape in a string", 2),
  (#""\u12G4""#, #"expected four hex digits after \u"#, 6),
  (#""\u12""#, #"expected four hex digits after \u"#, 4),
  (#""\ud800""#, "lone UTF-16 surrogate escape", 2),
  (#""\udc00""#, "lone UTF-16 surrogate escape", 2),
  (#""\ud800\u0041""#, "lone UTF-16 surrogate escape", 2),
  (#"{"a":1,"a":2}"#, #"repeated key "a""#, 8),
  ("{} {}", "unexpected text after the JSON value", 4),
  ("/* comment */ {}", "unexpected character '/'", 1),
  ("\u{FEFF}{}", "unexpected character 0xEF", 1),
]

@Test(arguments: syntaxErrors)
func parserRejectsInvalidJSON(text: String, problem: String, column: Int) {
  do {
    let value = try parse(text)
    Issue.record("parsed \(value)")
  } catch {
    #expect(error.problem == problem)
    #expect(error.column == column)
  }
}

@Test func parserRejectsDeepNesting() {
  let depth = JSONLineParser.maximumDepth + 1
  let text =
    String(repeating: #"{"a":"#, count: depth - 1) + "[]"
    + String(repeating: "}", count: depth - 1)
  do {
    _ = try parse(text)
    Issue.record("parsed \(depth) levels")
  } catch {
    #expect(error.problem == "nesting deeper than \(JSONLineParser.maximumDepth) levels")
  }
}

/// A million levels would overflow the stack of a parser without a depth limit.
@Test func parserSurvivesMillionBrackets() {
  let text = String(repeating: "[", count: 1_000_000)
  #expect(throws: JSONLineSyntaxError.self) { try parse(text) }
}

private let utf8Cases: [(bytes: [UInt8], invalidAt: Int?)] = [
  (Array("plain ASCII".utf8), nil),
  (Array("é € 😀 \u{10FFFF}".utf8), nil),
  ([0x80], 0),
  ([0x61, 0xFF], 1),
  ([0xC0, 0x80], 0),
  ([0xC1, 0xBF], 0),
  ([0xE0, 0x80, 0x80], 0),
  ([0xED, 0xA0, 0x80], 0),
  ([0xF0, 0x80, 0x80, 0x80], 0),
  ([0xF4, 0x90, 0x80, 0x80], 0),
  ([0xF5, 0x80, 0x80, 0x80], 0),
  ([0x61, 0x62, 0xE2, 0x82], 2),
  ([0xE2, 0x82, 0x61], 0),
]

@Test(arguments: utf8Cases)
func utf8ValidationFindsFirstInvalidByte(bytes: [UInt8], invalidAt: Int?) {
  #expect(JSONLineParser.firstInvalidUTF8Byte(in: bytes) == invalidAt)
}

/// The validator agrees with the standard library's UTF-8 validation on random bytes drawn
/// mostly from the ranges where the rules are subtle.
@Test func utf8ValidationMatchesStandardLibrary() {
  var generator = SystemRandomNumberGenerator()
  let interesting: [UInt8] = [
    0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
  ]
  for _ in 0..<20_000 {
    let count = Int.random(in: 0...6, using: &generator)
    let bytes = (0..<count).map { _ in interesting.randomElement(using: &generator) ?? 0 }
    let valid = String(validating: bytes, as: UTF8.self) != nil
    #expect((JSONLineParser.firstInvalidUTF8Byte(in: bytes) == nil) == valid, "\(bytes)")
  }
}

/// Random lines from a JSON-like alphabet never trap, and every line that parses renders to
/// compact JSON that parses back to the same value.
@Test func parserFuzzRoundTrips() throws {
  var generator = SystemRandomNumberGenerator()
  let pieces = [
    "{", "}", "[", "]", ",", ":", "\"", "\"k\"", "\"v\"", "1", "-", "0", ".5", "e3", "true",
    "null", " ", "\\", "\\u00e9", "\\ud83d", "\\ude00", "\"a\":", "\"b\":",
  ]
  var parsed = 0
  for _ in 0..<20_000 {
    let count = Int.random(in: 1...12, using: &generator)
    let text = (0..<count).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
    guard let value = try? parse(text) else { continue }
    parsed += 1
    #expect(try parse(value.compactJSON) == value, "\(text)")
  }
  #expect(parsed > 100)
}

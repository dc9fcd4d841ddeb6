import Config
import Foundation
import Testing

@Test func writerKeepsKeyOrderAndNests() {
  var writer = JSONWriter()
  writer.beginObject()
  writer.member("zeta", 1)
  writer.member("alpha", "a\"b\\c\n")
  writer.key("list")
  writer.beginArray()
  writer.number(0.1)
  writer.bool(true)
  writer.null()
  writer.beginObject()
  writer.endObject()
  writer.endArray()
  writer.member("missing", nil as Double?)
  writer.endObject()
  #expect(
    writer.text
      == #"{"zeta":1,"alpha":"a\"b\\c\n","list":[0.1,true,null,{}],"missing":null}"#)
}

@Test func writerPrettyIndentsTwoSpaces() {
  var writer = JSONWriter(pretty: true)
  writer.beginObject()
  writer.member("a", 1)
  writer.key("b")
  writer.beginArray()
  writer.integer(2)
  writer.integer(3)
  writer.endArray()
  writer.key("empty")
  writer.beginArray()
  writer.endArray()
  writer.endObject()
  #expect(writer.text == "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"empty\": []\n}")
}

@Test(arguments: [
  (3.0, "3"), (-0.5, "-0.5"), (1e-7, "1e-07"), (0.1 + 0.2, "0.30000000000000004"),
  (1e300, "1e+300"), (.nan, "null"), (.infinity, "null"),
])
func writerRendersDoubles(value: Double, expected: String) {
  var writer = JSONWriter()
  writer.number(value)
  #expect(writer.text == expected)
}

/// Output parses with Foundation's JSON reader, control characters included.
@Test func writerOutputIsValidJSON() throws {
  var writer = JSONWriter()
  writer.beginObject()
  writer.member("control", "\u{01}\u{1F}\u{2028}é😀")
  writer.endObject()
  let parsed = try JSONSerialization.jsonObject(with: Data(writer.text.utf8)) as? [String: String]
  #expect(parsed?["control"] == "\u{01}\u{1F}\u{2028}é😀")
}

import Config
import Testing

/// Bytes that JSON5 gives meaning to, plus bytes that start, continue or break UTF-8.
private let interestingBytes: [UInt8] =
  Array("{}[]:,'\"\\/*\n\r\t 0123456789.eExX+-abcfnrtuvINal$_é\u{2028}".utf8)
  + [0x00, 0x0B, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xFE, 0xFF]

private let seedDocument = Array(
  """
  // Scenario fragment for mutation.
  {
    name: 'abandoned-cart', "quoted key": "x\\u00e9\\n",
    run: {seed: 18446744073709551615, customers: 5e3, rate: -.5e-3, hex: 0x1F, inf: -Infinity},
    /* block */ items: [{id: 'a', price: 49.00,}, [null, true, false, NaN],],
    nested: {a: {b: {c: [[[]]]}}},
  }
  """.utf8)

/// Parses `bytes` and checks that the result is a tree or a well-formed syntax error. A tree
/// that renders to canonical JSON must render the same after a round trip.
private func checkParse(_ bytes: [UInt8]) {
  do {
    let node = try JSON5.parse(utf8: bytes, file: "fuzz.json5")
    guard let rendered = try? node.canonicalJSON() else { return }
    do {
      let again = try JSON5.parse(rendered, file: "rendered.json").canonicalJSON()
      #expect(again == rendered)
    } catch {
      Issue.record("canonical JSON did not read back: \(error)\n\(rendered)")
    }
  } catch {
    #expect(error.location.line >= 1)
    #expect(error.location.column >= 1)
    #expect((0...bytes.count).contains(error.location.offset))
    #expect(!error.found.isEmpty)
    #expect(!error.expected.isEmpty)
    #expect(error.description.hasPrefix("fuzz.json5:"))
  }
}

private func randomByte(using generator: inout SplitMix64) -> UInt8 {
  if Bool.random(using: &generator) {
    return interestingBytes[Int.random(in: 0..<interestingBytes.count, using: &generator)]
  }
  return UInt8.random(in: 0...255, using: &generator)
}

@Suite("JSON5 fuzzing")
struct JSON5FuzzTests {
  @Test func randomBytesGiveTreeOrError() {
    var generator = SplitMix64(state: 0x5EED_0001)
    for _ in 0..<3000 {
      let length = Int.random(in: 0...48, using: &generator)
      let bytes = (0..<length).map { _ in randomByte(using: &generator) }
      checkParse(bytes)
    }
  }

  @Test func seedDocumentIsValid() throws {
    _ = try JSON5.parse(utf8: seedDocument, file: "seed.json5")
  }

  @Test func mutatedDocumentGivesTreeOrError() {
    var generator = SplitMix64(state: 0x5EED_0002)
    for _ in 0..<3000 {
      var bytes = seedDocument
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let position = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
          bytes[position] = randomByte(using: &generator)
        case 1:
          bytes.insert(randomByte(using: &generator), at: position)
        case 2 where bytes.count > 1:
          bytes.remove(at: position)
        case 3:
          let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
          bytes.insert(contentsOf: bytes[position..<end], at: position)
        default:
          bytes.removeSubrange(position...)
          bytes.append(randomByte(using: &generator))
        }
      }
      checkParse(bytes)
    }
  }

  @Test func hostileNestingEndsInError() throws {
    for opener in ["[", "{a:", "[{a:"] {
      let text = String(repeating: opener, count: 100_000)
      let error = try #require(throws: JSON5SyntaxError.self) {
        try JSON5.parse(text, file: "deep.json5")
      }
      #expect(error.found.contains("nesting depth 513"))
    }
  }
}

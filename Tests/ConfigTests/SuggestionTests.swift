import Testing

@testable import Config

struct SuggestionCase: Sendable, CustomTestStringConvertible {
  var word: String
  var candidates: [String]
  var expected: String?

  var testDescription: String { "\(word) among \(candidates)" }
}

let suggestionCases: [SuggestionCase] = [
  SuggestionCase(word: "custmers", candidates: ["seed", "customers"], expected: "customers"),
  SuggestionCase(word: "cusotmers", candidates: ["customers"], expected: "customers"),
  SuggestionCase(word: "CUSTOMERS", candidates: ["customers"], expected: "customers"),
  SuggestionCase(word: "sed", candidates: ["seed", "start"], expected: "seed"),
  SuggestionCase(word: "Id", candidates: ["id"], expected: "id"),
  SuggestionCase(word: "ix", candidates: ["id"], expected: nil),
  SuggestionCase(word: "a", candidates: ["b"], expected: nil),
  SuggestionCase(word: "zzz", candidates: ["seed", "customers"], expected: nil),
  SuggestionCase(word: "start_date", candidates: ["startDate"], expected: "startDate"),
  SuggestionCase(word: "emial", candidates: ["email", "sms"], expected: "email"),
  SuggestionCase(word: "seat", candidates: ["seed", "sent"], expected: "sent"),
  SuggestionCase(word: "seed", candidates: ["seed"], expected: nil),
  SuggestionCase(word: "", candidates: ["ab"], expected: nil),
  SuggestionCase(word: "workflow", candidates: [], expected: nil),
]

@Suite("Suggestions")
struct SuggestionTests {
  @Test("Closest candidate", arguments: suggestionCases)
  func closest(_ testCase: SuggestionCase) {
    #expect(Suggestion.closest(to: testCase.word, among: testCase.candidates) == testCase.expected)
  }

  @Test func editDistanceCounts() {
    func distance(_ a: String, _ b: String) -> Int {
      Suggestion.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
    #expect(distance("", "abc") == 3)
    #expect(distance("abc", "") == 3)
    #expect(distance("abc", "abc") == 0)
    #expect(distance("abc", "acb") == 1)
    #expect(distance("kitten", "sitting") == 3)
    #expect(distance("ca", "abc") == 3)
    #expect(distance("é", "e") == 1)
  }
}

import Foundation
import Testing

@testable import Measure

struct InvalidArm: CustomTestStringConvertible, Sendable {
  let name: String
  let successes: Int
  let trials: Int
  let expectedError: ProportionError

  var testDescription: String { name }
}

private let invalidArms = [
  InvalidArm(name: "no trials", successes: 0, trials: 0, expectedError: .noTrials),
  InvalidArm(name: "negative trials", successes: 0, trials: -3, expectedError: .negativeTrials(-3)),
  InvalidArm(
    name: "negative successes", successes: -1, trials: 10, expectedError: .negativeSuccesses(-1)),
  InvalidArm(
    name: "successes exceed trials", successes: 11, trials: 10,
    expectedError: .successesExceedTrials(successes: 11, trials: 10)),
  InvalidArm(
    name: "minimum Int successes", successes: .min, trials: 10,
    expectedError: .negativeSuccesses(.min)),
  InvalidArm(
    name: "minimum Int trials", successes: 0, trials: .min, expectedError: .negativeTrials(.min)),
]

@Test(arguments: invalidArms)
func armRejectsInvalidCounts(_ arm: InvalidArm) {
  #expect(throws: arm.expectedError) {
    try BinomialArm(successes: arm.successes, trials: arm.trials)
  }
}

@Test func armErrorDescriptionsNameTheValues() {
  #expect(ProportionError.negativeTrials(-3).description.contains("-3"))
  #expect(
    ProportionError.successesExceedTrials(successes: 11, trials: 10).description.contains("11"))
  #expect(ProportionError.invalidConfidenceLevel(1.5).description.contains("1.5"))
}

@Test func armRateAndFailures() throws {
  let arm = try BinomialArm(successes: 3, trials: 8)
  #expect(arm.rate == 0.375)
  #expect(arm.failures == 5)
  #expect(arm.failureRate == 0.625)
}

@Test func armAcceptsBoundaryCounts() throws {
  let none = try BinomialArm(successes: 0, trials: 1)
  #expect(none.rate == 0)
  let all = try BinomialArm(successes: Int.max, trials: Int.max)
  #expect(all.rate == 1)
  #expect(all.failures == 0)
}

@Test func armJSONRoundTrip() throws {
  let arm = try BinomialArm(successes: 42, trials: 1_000)
  let data = try JSONEncoder().encode(arm)
  let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  #expect(object["successes"] as? Int == 42)
  #expect(object["trials"] as? Int == 1_000)
  #expect(object["rate"] as? Double == 0.042)
  #expect(try JSONDecoder().decode(BinomialArm.self, from: data) == arm)
}

@Test func armDecodingRejectsInvalidCounts() {
  let json = Data(#"{"successes": 5, "trials": 4}"#.utf8)
  #expect(throws: DecodingError.self) {
    try JSONDecoder().decode(BinomialArm.self, from: json)
  }
}

import Testing

@testable import Simulation

/// Weights that `DiscreteDistribution` must reject, and the error it must throw.
struct InvalidWeights: Sendable, CustomTestStringConvertible {
  let name: String
  let weights: [Double]
  let matches: @Sendable (DiscreteDistributionError) -> Bool

  var testDescription: String { name }
}

let invalidWeights: [InvalidWeights] = [
  InvalidWeights(name: "empty", weights: []) {
    if case .empty = $0 { true } else { false }
  },
  InvalidWeights(name: "negative", weights: [1, -0.5, 2]) {
    if case .negativeWeight(index: 1, value: -0.5) = $0 { true } else { false }
  },
  InvalidWeights(name: "negative zero total", weights: [0, -1]) {
    if case .negativeWeight(index: 1, value: -1) = $0 { true } else { false }
  },
  InvalidWeights(name: "NaN", weights: [1, 2, .nan]) {
    if case .nonFiniteWeight(index: 2, let value) = $0 { value.isNaN } else { false }
  },
  InvalidWeights(name: "infinity", weights: [.infinity, 1]) {
    if case .nonFiniteWeight(index: 0, value: .infinity) = $0 { true } else { false }
  },
  InvalidWeights(name: "negative infinity", weights: [1, -.infinity]) {
    if case .nonFiniteWeight(index: 1, value: -.infinity) = $0 { true } else { false }
  },
  InvalidWeights(name: "all zero", weights: [0, 0, 0]) {
    if case .zeroTotal(count: 3) = $0 { true } else { false }
  },
  InvalidWeights(name: "total overflows", weights: [1e308, 1e308]) {
    if case .infiniteTotal(count: 2) = $0 { true } else { false }
  },
]

@Suite("DiscreteDistribution")
struct DiscreteDistributionTests {
  @Test("rejects invalid weights", arguments: invalidWeights)
  func rejectsInvalidWeights(invalid: InvalidWeights) {
    #expect {
      _ = try DiscreteDistribution(weights: invalid.weights)
    } throws: { error in
      guard let error = error as? DiscreteDistributionError else { return false }
      return invalid.matches(error)
    }
  }

  @Test("error message names the weight")
  func errorMessageNamesWeight() {
    let error = DiscreteDistributionError.negativeWeight(index: 1, value: -0.5)

    #expect(
      error.description
        == "invalid discrete distribution: weight 1 is -0.5; weights must be finite numbers ≥ 0")
  }

  @Test("probabilities are normalized weights")
  func probabilitiesAreNormalizedWeights() throws {
    let distribution = try DiscreteDistribution(weights: [1, 0, 3, 4])

    #expect(distribution.count == 4)
    #expect(distribution.weights == [1, 0, 3, 4])
    #expect(abs(distribution.probability(of: 0) - 0.125) < 1e-15)
    #expect(distribution.probability(of: 1) == 0)
    #expect(abs(distribution.probability(of: 2) - 0.375) < 1e-15)
    #expect(abs(distribution.probability(of: 3) - 0.5) < 1e-15)
  }

  @Test("single outcome always drawn")
  func singleOutcomeAlwaysDrawn() throws {
    let distribution = try DiscreteDistribution(weights: [2.5])
    var stream = RandomStream(key: 1, customer: 1, occurrence: 0)

    for _ in 0..<1000 {
      #expect(stream.discrete(distribution) == 0)
    }
  }

  @Test("subnormal weights accepted")
  func subnormalWeightsAccepted() throws {
    let tiny = Double.leastNonzeroMagnitude
    let distribution = try DiscreteDistribution(weights: [tiny, 0, tiny])

    #expect(abs(distribution.probability(of: 0) - 0.5) < 1e-15)
    #expect(distribution.probability(of: 1) == 0)
  }
}

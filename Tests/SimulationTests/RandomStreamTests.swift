import Testing

@testable import Simulation

/// Word use of the samplers as their documentation states, copies and range bounds.
@Suite("RandomStream")
struct RandomStreamTests {
  /// Returns the next word of `stream` after `draw`, and the word at the given offset of
  /// an untouched copy, so that equal words show how far `draw` advanced.
  private func nextWords(
    after draw: (inout RandomStream) -> Void, offset: Int
  ) -> (afterDraw: UInt32, atOffset: UInt32) {
    var stream = RandomStream(key: 0x5eed, customer: 12, occurrence: 0)
    var reference = stream

    draw(&stream)
    for _ in 0..<offset {
      _ = reference.nextWord()
    }
    return (stream.nextWord(), reference.nextWord())
  }

  @Test("uniform takes two words")
  func uniformTakesTwoWords() {
    let words = nextWords(after: { _ = $0.uniform() }, offset: 2)

    #expect(words.afterDraw == words.atOffset)
  }

  @Test("exponential takes one uniform")
  func exponentialTakesOneUniform() {
    let words = nextWords(after: { _ = $0.exponential(mean: 3) }, offset: 2)

    #expect(words.afterDraw == words.atOffset)
  }

  @Test("discrete takes one uniform")
  func discreteTakesOneUniform() throws {
    let distribution = try DiscreteDistribution(weights: [1, 2, 3, 4, 5])
    let words = nextWords(after: { _ = $0.discrete(distribution) }, offset: 2)

    #expect(words.afterDraw == words.atOffset)
  }

  @Test("bernoulli compares one uniform")
  func bernoulliComparesOneUniform() {
    var stream = RandomStream(key: 0x5eed, customer: 12, occurrence: 0)
    var reference = stream

    for probability in stride(from: 0.0, through: 1.0, by: 0.05) {
      let expected = reference.uniform() < probability

      #expect(stream.bernoulli(probability) == expected)
    }
  }

  @Test("copy continues identically")
  func copyContinuesIdentically() {
    var stream = RandomStream(key: 7, customer: 99, occurrence: 3)
    _ = stream.uniform()
    _ = stream.nextWord()
    var copy = stream

    for _ in 0..<50 {
      #expect(copy.gamma(shape: 0.7, scale: 2) == stream.gamma(shape: 0.7, scale: 2))
    }
  }

  @Test("uniform in range stays half-open")
  func uniformInRangeStaysHalfOpen() {
    // A range one ulp wide: every draw must be its lower bound.
    let lower = 1.0
    let upper = lower.nextUp
    var stream = RandomStream(key: 7, customer: 1, occurrence: 0)

    for _ in 0..<1000 {
      #expect(stream.uniform(in: lower..<upper) == lower)
    }
  }
}

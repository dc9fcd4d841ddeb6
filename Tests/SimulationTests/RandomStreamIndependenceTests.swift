import Testing

@testable import Simulation

/// Two streams, or two draws, whose uniforms must be independent.
enum StreamPair: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case purposes = "two purposes, same customer"
  case neighbouringCustomers = "customers 2i and 2i + 1"
  case occurrences = "occurrences 0 and 1"
  case seeds = "seeds s and s + 1"
  case successiveDraws = "successive draws of one stream"

  var testDescription: String { rawValue }
}

/// Chi-square tests of independence between streams.
///
/// The seed is fixed, so each p-value is the same on every run. Under independence a
/// p-value is approximately uniform on (0, 1), so the threshold 1e-4 would reject a
/// correct generator with probability about 1e-4 per test if the seed were drawn at
/// random.
@Suite("RandomStream independence")
struct RandomStreamIndependenceTests {
  static let seed: UInt64 = 20_240_601
  static let sampleSize = 100_000
  static let bins = 10

  @Test("pairs uniform on a 10×10 grid", arguments: StreamPair.allCases)
  func pairsUniformOnGrid(pair: StreamPair) throws {
    let streams = RandomStreams(seed: Self.seed)
    let trailer = try streams.purpose("journey.trailer")
    let open = try streams.purpose("email.open")
    let trailerNextSeed = try RandomStreams(seed: Self.seed + 1).purpose("journey.trailer")

    let pairs: [(Double, Double)] = (0..<UInt64(Self.sampleSize)).map { i in
      switch pair {
      case .purposes:
        return (uniformAt(trailer, i), uniformAt(open, i))
      case .neighbouringCustomers:
        return (uniformAt(trailer, 2 * i), uniformAt(trailer, 2 * i + 1))
      case .occurrences:
        return (uniformAt(trailer, i, occurrence: 0), uniformAt(trailer, i, occurrence: 1))
      case .seeds:
        return (uniformAt(trailer, i), uniformAt(trailerNextSeed, i))
      case .successiveDraws:
        var stream = trailer.stream(customer: i)
        return (stream.uniform(), stream.uniform())
      }
    }
    let test = ChiSquare(pairs: pairs, bins: Self.bins)

    #expect(test.degreesOfFreedom == 99)
    #expect(test.pValue > 1e-4, "chi-square \(test.statistic), p = \(test.pValue)")
  }

  @Test("chi-square detects dependent pairs")
  func chiSquareDetectsDependentPairs() throws {
    // A control: the second value is the first shifted by a tenth, so each row of the
    // grid fills only one or two columns and the test must reject.
    let trailer = try RandomStreams(seed: Self.seed).purpose("journey.trailer")
    let pairs: [(Double, Double)] = (0..<UInt64(Self.sampleSize)).map { i in
      let u = uniformAt(trailer, i)
      return (u, (u + 0.1).truncatingRemainder(dividingBy: 1))
    }

    #expect(ChiSquare(pairs: pairs, bins: Self.bins).pValue < 1e-4)
  }

  /// Returns the first uniform of one customer's stream.
  private func uniformAt(
    _ purpose: RandomPurpose, _ customer: UInt64, occurrence: UInt32 = 0
  ) -> Double {
    var stream = purpose.stream(customer: customer, occurrence: occurrence)
    return stream.uniform()
  }
}

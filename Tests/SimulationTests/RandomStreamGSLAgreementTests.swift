import CGSL
import Testing

@testable import Simulation

/// The draws that `RandomStream` computes in Swift against GSL's samplers on the same
/// stream: every value must have the same bits, and the stream must end at the same word.
@Suite("RandomStream agrees with GSL")
struct RandomStreamGSLAgreementTests {
  /// Keys of several shapes: zero, small, all ones, and derived purposes.
  static let keys: [UInt64] = [
    0, 1, 0x5eed, 0xffff_ffff, 0xffff_ffff_ffff_ffff, 0x8000_0000_0000_0000,
    0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210,
  ]

  /// Streams over the keys, several customers (with high bits set) and occurrences.
  static func streams(key: UInt64) -> [RandomStream] {
    var streams: [RandomStream] = []
    for customer: UInt64 in [0, 1, 7, 199_999, 0xffff_ffff, 0x1_0000_0000, .max] {
      for occurrence: UInt32 in [0, 1, 5, .max] {
        streams.append(RandomStream(key: key, customer: customer, occurrence: occurrence))
      }
    }
    return streams
  }

  /// Draws `count` values with `direct` from one copy of `stream` and with `throughGSL`
  /// from another, and checks the values and the words that follow.
  private func expectSameDraws<Value: Equatable>(
    _ stream: RandomStream, count: Int, direct: (inout RandomStream) -> Value,
    throughGSL: (UnsafePointer<gsl_rng>) -> Value
  ) {
    var ours = stream
    var theirs = stream
    for draw in 0..<count {
      let value = direct(&ours)
      let expected = theirs.withGenerator(throughGSL)
      #expect(value == expected, "draw \(draw)")
    }
    #expect(ours.nextWord() == theirs.nextWord(), "the streams must end at the same word")
  }

  @Test("uniform", arguments: keys)
  func uniform(key: UInt64) {
    for stream in Self.streams(key: key) {
      expectSameDraws(stream, count: 9, direct: { $0.uniform() }, throughGSL: gsl_rng_uniform)
    }
  }

  @Test("uniformPositive", arguments: keys)
  func uniformPositive(key: UInt64) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 9, direct: { $0.uniformPositive() }, throughGSL: gsl_rng_uniform_pos)
    }
  }

  @Test("nextWord", arguments: keys)
  func nextWord(key: UInt64) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 13, direct: { $0.nextWord() },
        throughGSL: { UInt32(truncatingIfNeeded: gsl_rng_get($0)) })
    }
  }

  @Test(
    "uniformInteger",
    arguments: keys, [1, 2, 3, 10, 1_000, 65_537, 0x7fff_ffff, 0x8000_0001, 0xffff_ffff])
  func uniformInteger(key: UInt64, bound: Int) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 9, direct: { $0.uniformInteger(below: bound) },
        throughGSL: { Int(gsl_rng_uniform_int($0, UInt(bound))) })
    }
  }

  @Test("bernoulli", arguments: keys, [0.0, 1e-9, 0.05, 0.3, 0.5, 0.999, 1.0])
  func bernoulli(key: UInt64, probability: Double) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 9, direct: { $0.bernoulli(probability) },
        throughGSL: { gsl_ran_bernoulli($0, probability) == 1 })
    }
  }

  @Test("exponential", arguments: keys, [1e-6, 1.0, 600_000, 7_200_000, 1e15])
  func exponential(key: UInt64, mean: Double) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 9, direct: { $0.exponential(mean: mean).bitPattern },
        throughGSL: { gsl_ran_exponential($0, mean).bitPattern })
    }
  }

  /// A Bernoulli draw and its delay from one stream, as a model decision takes them.
  @Test("a decision's draws", arguments: keys)
  func decision(key: UInt64) {
    for stream in Self.streams(key: key) {
      expectSameDraws(
        stream, count: 4,
        direct: { stream -> [UInt64] in
          let happens = stream.bernoulli(0.4)
          return [happens ? 1 : 0, stream.exponential(mean: 3_600_000).bitPattern]
        },
        throughGSL: { generator -> [UInt64] in
          let happens = gsl_ran_bernoulli(generator, 0.4)
          return [UInt64(happens), gsl_ran_exponential(generator, 3_600_000).bitPattern]
        })
    }
  }
}

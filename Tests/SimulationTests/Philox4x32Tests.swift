import CRandom
import Testing

@testable import Simulation

/// One Philox4x32-10 known answer: counter and key in, block out.
struct PhiloxVector: Sendable, CustomTestStringConvertible {
  let name: String
  let counter: (UInt32, UInt32, UInt32, UInt32)
  let key: (UInt32, UInt32)
  let block: (UInt32, UInt32, UInt32, UInt32)

  var testDescription: String { name }
}

/// The three "philox4x32 10" lines of the kat_vectors file in the Random123 distribution,
/// as DEShawResearch/Random123-Boost copies them into libs/random/test/test_philox.cpp
/// (test_kat_philox4x32, commit 916db91ae4c6fd8324ef054a518851321ab41f91). Each line gives
/// the counter (4 words), the key (2 words) and the expected block (4 words), in hex.
let random123Vectors: [PhiloxVector] = [
  PhiloxVector(
    name: "all zeros",
    counter: (0x0000_0000, 0x0000_0000, 0x0000_0000, 0x0000_0000),
    key: (0x0000_0000, 0x0000_0000),
    block: (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
  PhiloxVector(
    name: "all ones",
    counter: (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff),
    key: (0xffff_ffff, 0xffff_ffff),
    block: (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
  PhiloxVector(
    name: "digits of pi",
    counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
    key: (0xa409_3822, 0x299f_31d0),
    block: (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
]

/// Vectors with one counter or key bit set, which pin the order of words. From the
/// "philox4x32 10" lines of examples/kat_vectors in girving/random123-manual (commit
/// 61e8479252c42f0f8c0490dec55237d7c01bf509), a larger file generated for Random123.
let singleBitVectors: [PhiloxVector] = [
  PhiloxVector(
    name: "counter word 0, key word 0",
    counter: (0x0000_0001, 0x0000_0000, 0x0000_0000, 0x0000_0000),
    key: (0x0000_0001, 0x0000_0000),
    block: (0xac08_141b, 0xdfc5_ccbe, 0x79c0_7a47, 0xa7f6_6093)),
  PhiloxVector(
    name: "counter word 3, key word 1",
    counter: (0x0000_0000, 0x0000_0000, 0x0000_0000, 0x0000_0001),
    key: (0x0000_0000, 0x0000_0001),
    block: (0x96b2_7e8c, 0x2882_6d0f, 0x66d9_58ef, 0x0815_09dc)),
  PhiloxVector(
    name: "counter word 1 high bit, key word 1 high bit",
    counter: (0x0000_0000, 0x8000_0000, 0x0000_0000, 0x0000_0000),
    key: (0x0000_0000, 0x8000_0000),
    block: (0x1b89_d963, 0x0def_e9af, 0x60c9_d3fb, 0x3cfa_e97d)),
]

@Suite("Philox4x32-10")
struct Philox4x32Tests {
  @Test("Random123 known answers", arguments: random123Vectors)
  func random123KnownAnswers(vector: PhiloxVector) {
    let block = Philox4x32.block(counter: vector.counter, key: vector.key)

    #expect(block.0 == vector.block.0)
    #expect(block.1 == vector.block.1)
    #expect(block.2 == vector.block.2)
    #expect(block.3 == vector.block.3)
  }

  @Test("single-bit known answers", arguments: singleBitVectors)
  func singleBitKnownAnswers(vector: PhiloxVector) {
    let block = Philox4x32.block(counter: vector.counter, key: vector.key)

    #expect(block.0 == vector.block.0)
    #expect(block.1 == vector.block.1)
    #expect(block.2 == vector.block.2)
    #expect(block.3 == vector.block.3)
  }

  @Test("stream words follow counter layout")
  func streamWordsFollowCounterLayout() {
    let key: UInt64 = 0x0123_4567_89ab_cdef
    let customer: UInt64 = 0xfedc_ba98_7654_3210
    let occurrence: UInt32 = 7
    var stream = RandomStream(key: key, customer: customer, occurrence: occurrence)

    // Word 0 is the block index, word 1 the occurrence, words 2 and 3 the customer id
    // (low, high). The key's low half is key word 0.
    var expected: [UInt32] = []
    for blockIndex: UInt32 in 0..<3 {
      let block = Philox4x32.block(
        counter: (blockIndex, occurrence, 0x7654_3210, 0xfedc_ba98),
        key: (0x89ab_cdef, 0x0123_4567))
      expected += [block.0, block.1, block.2, block.3]
    }
    let words = (0..<12).map { _ in stream.nextWord() }

    #expect(words == expected)
  }

  @Test("uniform joins 27 and 26 bits")
  func uniformJoinsBits() {
    var stream = RandomStream(key: 42, customer: 3, occurrence: 0)
    var copy = stream

    for _ in 0..<100 {
      let high = UInt64(copy.nextWord() >> 5)
      let low = UInt64(copy.nextWord() >> 6)
      let expected = Double((high << 26) | low) * 0x1.0p-53

      #expect(stream.uniform() == expected)
    }
  }
}

/// The batch of first blocks, with vector instructions where the processor has them and
/// without, against the streams of `RandomPurpose.stream(customer:)`.
@Suite("Philox first-block batches")
struct PhiloxBatchTests {
  static let starts: [UInt64] = [0, 1, 7, 1_000_003, 0xffff_fffc, 0xffff_ffff, .max - 7]
  static let keys: [UInt64] = [0, 0x5eed, 0xffff_ffff_ffff_ffff, 0x0123_4567_89ab_cdef]

  @Test("vector and scalar batches agree with single blocks", arguments: keys, starts)
  func batchesAgree(key: UInt64, start: UInt64) {
    var vector = loopsim_philox_batch()
    var scalar = loopsim_philox_batch()
    loopsim_philox_first_blocks(key, start, 0, &vector)
    loopsim_philox_first_blocks_scalar(key, start, 0, &scalar)
    for lane in 0..<8 {
      let customer = start &+ UInt64(lane)
      let expected = Philox4x32.block(
        counter: (0, 0, UInt32(truncatingIfNeeded: customer), UInt32(truncatingIfNeeded: customer >> 32)),
        key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
      let expectedWords = [expected.0, expected.1, expected.2, expected.3]
      #expect(words(of: vector, lane: lane) == expectedWords, "lane \(lane)")
      #expect(words(of: scalar, lane: lane) == expectedWords, "lane \(lane)")
    }
  }

  @Test("sequential streams draw what single streams draw", arguments: keys)
  func sequentialStreamsAgree(key: UInt64) {
    let purpose = RandomPurpose(name: "test", key: key)
    var streams = SequentialStreams(purpose)
    // In order, with gaps, backwards and across batch edges.
    for customer: UInt64 in [0, 1, 2, 7, 8, 9, 30, 5, 5, 1_000, 1_001, 1_008, 999, .max] {
      var batched = streams.stream(customer: customer)
      var single = purpose.stream(customer: customer)
      for _ in 0..<10 {
        #expect(batched.nextWord() == single.nextWord(), "customer \(customer)")
      }
    }
  }

  @Test("first uniform from the batch is the stream's first", arguments: keys)
  func firstUniformAgrees(key: UInt64) {
    let purpose = RandomPurpose(name: "test", key: key)
    var streams = SequentialStreams(purpose)
    for customer: UInt64 in [0, 3, 8, 17, 16, 1_000_000, .max - 1] {
      var single = purpose.stream(customer: customer)
      let expected = single.uniform()
      #expect(streams.firstUniform(customer: customer) == expected, "customer \(customer)")
    }
  }

  private func words(of batch: loopsim_philox_batch, lane: Int) -> [UInt32] {
    withUnsafeBytes(of: batch.words) { raw in
      let words = raw.bindMemory(to: UInt32.self)
      return (0..<4).map { words[$0 * 8 + lane] }
    }
  }
}

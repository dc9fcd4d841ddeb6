import Testing

@testable import Simulation

/// Returns the first `count` uniforms of a stream.
func uniforms(_ stream: RandomStream, count: Int) -> [Double] {
  var stream = stream
  return (0..<count).map { _ in stream.uniform() }
}

/// One purpose key computed outside Swift.
struct KeyDerivationVector: Sendable, CustomTestStringConvertible {
  let seed: UInt64
  let purpose: String
  let key: UInt64

  var testDescription: String { "seed \(seed), \"\(purpose)\"" }
}

/// Keys computed with Python 3.11's hashlib, which follows the derivation documented on
/// `RandomStreams.purpose(_:)`:
///
///     m = b"loopsim.random-stream.v1\x00" + seed.to_bytes(8, "big") + name.encode()
///     key = int.from_bytes(hashlib.sha256(m).digest()[:8], "big")
let keyDerivationVectors: [KeyDerivationVector] = [
  KeyDerivationVector(seed: 42, purpose: "journey.trailer", key: 0xb5da_83b2_5c16_f8bf),
  KeyDerivationVector(seed: 42, purpose: "email.open", key: 0xab8e_b4a4_7088_3f6e),
  KeyDerivationVector(seed: 0, purpose: "", key: 0x53eb_5889_595c_8dfd),
  KeyDerivationVector(seed: .max, purpose: "journey.trailer", key: 0x837d_bca4_21a4_989d),
]

@Suite("RandomStreams")
struct RandomStreamsTests {
  @Test("purpose key matches derivation", arguments: keyDerivationVectors)
  func purposeKeyMatchesDerivation(vector: KeyDerivationVector) throws {
    let purpose = try RandomStreams(seed: vector.seed).purpose(vector.purpose)

    #expect(purpose.key == vector.key)
    #expect(purpose.name == vector.purpose)
  }

  @Test("same key gives same sequence")
  func sameKeyGivesSameSequence() throws {
    let first = try RandomStreams(seed: 2024).purpose("journey.trailer")
    let second = try RandomStreams(seed: 2024).purpose("journey.trailer")

    #expect(first == second)
    #expect(
      uniforms(first.stream(customer: 17), count: 100)
        == uniforms(second.stream(customer: 17), count: 100))
    #expect(
      uniforms(first.stream(customer: 17, occurrence: 4), count: 100)
        == uniforms(second.stream(customer: 17, occurrence: 4), count: 100))
  }

  @Test("different seed changes sequence")
  func differentSeedChangesSequence() throws {
    let purpose = try RandomStreams(seed: 2024).purpose("journey.trailer")
    let other = try RandomStreams(seed: 2025).purpose("journey.trailer")

    #expect(purpose.key != other.key)
    #expect(
      uniforms(purpose.stream(customer: 17), count: 100)
        != uniforms(other.stream(customer: 17), count: 100))
  }

  @Test("different purpose changes sequence")
  func differentPurposeChangesSequence() throws {
    let streams = RandomStreams(seed: 2024)
    let trailer = try streams.purpose("journey.trailer")
    let open = try streams.purpose("email.open")

    #expect(trailer.key != open.key)
    #expect(
      uniforms(trailer.stream(customer: 17), count: 100)
        != uniforms(open.stream(customer: 17), count: 100))
  }

  @Test("next occurrence changes sequence")
  func nextOccurrenceChangesSequence() throws {
    let purpose = try RandomStreams(seed: 2024).purpose("email.open")

    for occurrence: UInt32 in [0, 1, 2, 1000, UInt32.max - 1] {
      #expect(
        uniforms(purpose.stream(customer: 5, occurrence: occurrence), count: 20)
          != uniforms(purpose.stream(customer: 5, occurrence: occurrence + 1), count: 20))
    }
  }

  @Test("high customer bits select stream")
  func highCustomerBitsSelectStream() throws {
    let purpose = try RandomStreams(seed: 2024).purpose("email.open")
    let low = uniforms(purpose.stream(customer: 1), count: 20)

    #expect(low != uniforms(purpose.stream(customer: 1 | (1 << 32)), count: 20))
    #expect(low != uniforms(purpose.stream(customer: 1 | (1 << 63)), count: 20))
    #expect(low != uniforms(purpose.stream(customer: 2), count: 20))
  }

  @Test("draws independent of call order")
  func drawsIndependentOfCallOrder() throws {
    let streams = RandomStreams(seed: 99)
    let purposes = try ["journey.trailer", "email.open", "email.click", "cart.abandon"].map {
      try streams.purpose($0)
    }
    var keys: [(purpose: Int, customer: UInt64, occurrence: UInt32)] = []
    for purpose in purposes.indices {
      for customer: UInt64 in 0..<50 {
        for occurrence: UInt32 in 0..<3 {
          keys.append((purpose, customer, occurrence))
        }
      }
    }
    let drawsPerStream = 6

    // Order 1: each stream drawn to the end before the next one starts.
    var inOrder = [[Double]](repeating: [], count: keys.count)
    for (index, key) in keys.enumerated() {
      var stream = purposes[key.purpose].stream(customer: key.customer, occurrence: key.occurrence)
      inOrder[index] = (0..<drawsPerStream).map { _ in stream.uniform() }
    }

    // Order 2: the streams in a shuffled order, drawn round-robin so that draws of
    // different streams interleave. The shuffle uses a stream of its own purpose.
    var shuffler = try streams.purpose("test.shuffle").stream(customer: 0)
    var order = Array(keys.indices)
    for position in stride(from: order.count - 1, to: 0, by: -1) {
      order.swapAt(position, shuffler.uniformInteger(below: position + 1))
    }
    var open = order.map { index in
      purposes[keys[index].purpose].stream(
        customer: keys[index].customer, occurrence: keys[index].occurrence)
    }
    var interleaved = [[Double]](repeating: [], count: keys.count)
    for _ in 0..<drawsPerStream {
      for (slot, index) in order.enumerated() {
        interleaved[index].append(open[slot].uniform())
      }
    }

    #expect(order != Array(keys.indices))
    #expect(interleaved == inOrder)
  }

  @Test("shards reproduce the whole run", arguments: [2, 3, 7])
  func shardsReproduceWholeRun(shardCount: Int) throws {
    let customers: [UInt64] = Array(0..<300)
    let whole = try customers.map { customer in
      var stream = try RandomStreams(seed: 5).purpose("journey.trailer").stream(customer: customer)
      return stream.exponential(mean: 2)
    }

    // Each shard derives its purpose afresh, as a separate process would.
    var merged = [Double](repeating: .nan, count: customers.count)
    for shard in 1...shardCount {
      let purpose = try RandomStreams(seed: 5).purpose("journey.trailer")
      for customer in customers where Int(customer % UInt64(shardCount)) == shard - 1 {
        var stream = purpose.stream(customer: customer)
        merged[Int(customer)] = stream.exponential(mean: 2)
      }
    }

    #expect(merged == whole)
  }

  @Test("concurrent draws match sequential")
  func concurrentDrawsMatchSequential() async throws {
    let purpose = try RandomStreams(seed: 11).purpose("email.open")
    let sequential = (0..<64).map { customer in
      uniforms(purpose.stream(customer: UInt64(customer)), count: 32)
    }

    let concurrent = await withTaskGroup(of: (Int, [Double]).self) { group in
      for customer in 0..<64 {
        group.addTask {
          (customer, uniforms(purpose.stream(customer: UInt64(customer)), count: 32))
        }
      }
      var results = [[Double]](repeating: [], count: 64)
      for await (customer, draws) in group {
        results[customer] = draws
      }
      return results
    }

    #expect(concurrent == sequential)
  }

  @Test("purpose description shows key")
  func purposeDescriptionShowsKey() throws {
    let purpose = try RandomStreams(seed: 42).purpose("journey.trailer")

    #expect(purpose.description == "journey.trailer (key b5da83b25c16f8bf)")
    #expect(
      RandomPurpose(name: "small", key: 0xab).description == "small (key 00000000000000ab)")
  }
}

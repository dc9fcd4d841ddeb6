/// The source of every random stream of one run, made from the scenario seed.
///
/// A draw is keyed by (seed, purpose, customer id, occurrence), never by the order of
/// events. Derive each purpose once, when a stage is set up, then make one stream per
/// customer and decision:
///
/// ```swift
/// let streams = RandomStreams(seed: scenario.seed)
/// let trailer = try streams.purpose("journey.trailer")
/// var stream = trailer.stream(customer: customerID, occurrence: 0)
/// let watches = stream.bernoulli(0.35)
/// ```
///
/// Streams of different purposes, seeds, customers or occurrences share no state: each
/// is Philox4x32-10 at its own key or counter.
public struct RandomStreams: Sendable, Hashable {
  /// The scenario seed.
  public let seed: UInt64

  /// Creates the streams of a run with the given scenario seed.
  public init(seed: UInt64) {
    GSL.setErrorHandlerOff()
    self.seed = seed
  }

  /// Derives the streams of one purpose, such as `"journey.trailer"` or `"email.open"`.
  ///
  /// Costs one SHA-256, so derive each purpose once and keep the result.
  /// The purpose's 64-bit Philox key is the first 8 bytes, read big-endian, of
  ///
  ///     SHA-256("loopsim.random-stream.v1" ‖ 0x00 ‖ seed as 8 bytes big-endian ‖ name)
  ///
  /// with the name in UTF-8. Changing this derivation changes every result of every
  /// scenario. Because the key comes from the UTF-8 bytes, two spellings that Swift
  /// compares as equal strings (é as one scalar, or as e and a combining accent) give
  /// different streams, so purpose names should be ASCII.
  ///
  /// - Throws: `SHA256Error` when libcrypto fails.
  public func purpose(_ name: String) throws -> RandomPurpose {
    RandomPurpose(name: name, key: try RandomStreams.key(seed: seed, purpose: name))
  }

  /// A prefix that separates key-derivation inputs from other data that LoopSim hashes.
  static let keyDerivationLabel = "loopsim.random-stream.v1"

  /// Returns the Philox key of (`seed`, `purpose`), as `purpose(_:)` documents.
  static func key(seed: UInt64, purpose: String) throws -> UInt64 {
    var message = Array(keyDerivationLabel.utf8)
    message.append(0)
    withUnsafeBytes(of: seed.bigEndian) { message.append(contentsOf: $0) }
    message.append(contentsOf: purpose.utf8)

    let digest = try SHA256.hash(message)
    return digest.bytes.prefix(8).reduce(0) { ($0 << 8) | UInt64($1) }
  }
}

/// The streams of one purpose under one seed, with the purpose's Philox key cached.
///
/// Making a stream from it costs O(1) and allocates nothing.
public struct RandomPurpose: Sendable, Hashable, CustomStringConvertible {
  /// The purpose name, such as `"journey.trailer"`.
  public let name: String

  /// The 64-bit Philox key derived from the seed and `name`.
  public let key: UInt64

  init(name: String, key: UInt64) {
    self.name = name
    self.key = key
  }

  /// Returns the stream for one customer's `occurrence`-th decision of this purpose.
  ///
  /// - Parameters:
  ///   - customer: the customer id, all 64 bits of which select the stream.
  ///   - occurrence: which time, counted from 0, this customer makes this decision.
  @inlinable
  public func stream(customer: UInt64, occurrence: UInt32 = 0) -> RandomStream {
    RandomStream(key: key, customer: customer, occurrence: occurrence)
  }

  /// The name and the key as 16 hexadecimal digits.
  public var description: String {
    let digits = String(key, radix: 16)
    let padding = String(repeating: "0", count: 16 - digits.count)
    return "\(name) (key \(padding)\(digits))"
  }
}

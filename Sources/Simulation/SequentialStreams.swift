import CRandom

/// The occurrence-0 streams of one purpose for customers taken in increasing order, as an
/// arrival process or a model's per-arrival decisions take them.
///
/// It computes the first Philox block of eight consecutive customers at once, with vector
/// instructions where the processor has them, and hands out streams positioned after that
/// block, so a stream from here draws exactly what `RandomPurpose.stream(customer:)`
/// draws. A customer outside the current eight starts a new batch there: taking customers
/// out of order gives the same streams, only slower.
public struct SequentialStreams: Sendable {
  public let purpose: RandomPurpose
  @usableFromInline var firstCustomer: UInt64 = 0
  @usableFromInline var isFilled = false
  @usableFromInline var batch = loopsim_philox_batch()

  public init(_ purpose: RandomPurpose) {
    self.purpose = purpose
  }

  /// Returns the stream of `customer`'s first decision of this purpose (occurrence 0).
  @inlinable
  public mutating func stream(customer: UInt64) -> RandomStream {
    if !isFilled || customer &- firstCustomer >= 8 {
      refill(from: customer)
    }
    let lane = Int32(truncatingIfNeeded: customer &- firstCustomer)
    return withUnsafePointer(to: &batch) { batch in
      RandomStream(key: purpose.key, customer: customer, batch: batch, lane: lane)
    }
  }

  /// Returns the first `uniform()` of `customer`'s stream, read from the batch without
  /// making the stream: the 53-bit fraction of words 0 and 1 of block 0.
  @inlinable
  public mutating func firstUniform(customer: UInt64) -> Double {
    if !isFilled || customer &- firstCustomer >= 8 {
      refill(from: customer)
    }
    let lane = Int32(truncatingIfNeeded: customer &- firstCustomer)
    return withUnsafePointer(to: &batch) { loopsim_philox_batch_first_double($0, lane) }
  }

  /// Computes the first blocks of `customer` and the seven after it.
  @usableFromInline
  mutating func refill(from customer: UInt64) {
    loopsim_philox_first_blocks(purpose.key, customer, 0, &batch)
    firstCustomer = customer
    isFilled = true
  }
}

extension RandomStream {
  /// The stream of (key, customer, occurrence 0) with its block 0 taken from `lane` of
  /// `batch`.
  @inlinable
  init(
    key: UInt64, customer: UInt64, batch: UnsafePointer<loopsim_philox_batch>, lane: Int32
  ) {
    state = loopsim_philox_state()
    loopsim_philox_position_from_batch(&state, key, customer, 0, batch, lane)
  }
}

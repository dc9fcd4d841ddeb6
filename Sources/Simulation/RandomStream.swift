import CGSL
import CRandom

/// The random numbers for one decision of one customer: a Philox4x32-10 key and counter.
///
/// A stream is a pure function of (scenario seed, purpose, customer id, occurrence). It
/// never shares state with another stream, so its draws do not depend on which other
/// streams exist or in which order they are drawn. That is what lets a counterfactual run
/// reuse the same draws for the same decisions, and lets shards of the population
/// reproduce one whole run. Get a stream from `RandomPurpose.stream(customer:occurrence:)`.
///
/// The draws that take one uniform or one word (`uniform()`, `uniformPositive()`,
/// `uniformInteger(below:)`, `bernoulli(_:)`, `exponential(mean:)`) compute GSL's formula
/// in Swift on the generator of `CRandom.h`, which is inlined into the caller. They return
/// exactly the bits that GSL's sampler returns on the same stream. The other samplers wrap
/// this stream's own state in a `gsl_rng` on the stack and pass it to GSL. Either way a
/// draw allocates nothing. Draws are `mutating` because they advance the counter. A copy of a stream continues from the same
/// position, so the copy and the original return the same values.
///
/// `uniform()` and the samplers built on one uniform take two 32-bit words per draw, but
/// samplers that reject or loop (normal, lognormal, gamma, Poisson, `uniformPositive()`,
/// `uniformInteger(below:)`) take a variable number. A later draw from the same stream
/// therefore depends on the earlier ones: give each decision its own purpose or
/// occurrence when its draws must stay fixed while another decision changes.
///
/// Counter layout, as `loopsim_philox_position` sets it: word 0 is the block index, word 1
/// the occurrence, words 2 and 3 the customer id (low, high). Each block yields four
/// words.
///
/// NOTE: a stream holds 2^32 blocks (2^34 words). The block index wraps after that and the
/// stream repeats from its start. Nothing checks for this, because one decision draws a
/// few words.
public struct RandomStream: Sendable {
  @usableFromInline var state: loopsim_philox_state

  /// Positions a stream at block 0 of (key, customer, occurrence).
  @inlinable
  init(key: UInt64, customer: UInt64, occurrence: UInt32) {
    state = loopsim_philox_state()
    loopsim_philox_position(&state, key, customer, occurrence)
  }

  /// Calls `body` with a GSL generator whose state is this stream's state.
  ///
  /// The `gsl_rng` value lives on the stack for the duration of `body`, and its `state`
  /// pointer points at `self.state`, so what GSL draws advances this stream.
  @inline(__always)
  mutating func withGenerator<Result>(_ body: (UnsafePointer<gsl_rng>) -> Result) -> Result {
    withUnsafeMutablePointer(to: &state) { statePointer in
      var generator = gsl_rng(
        type: loopsim_philox_rng_type(), state: UnsafeMutableRawPointer(statePointer))
      return withUnsafePointer(to: &generator) { body($0) }
    }
  }

  /// Returns the next 32-bit word of the stream, as `gsl_rng_get` does.
  @inlinable
  mutating func nextWord() -> UInt32 {
    loopsim_philox_next_word(&state)
  }

  /// Returns the next uniform double in [0, 1), as `gsl_rng_uniform` does.
  @inlinable
  mutating func nextDouble() -> Double {
    loopsim_philox_next_double(&state)
  }
}

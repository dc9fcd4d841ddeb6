import Testing

@testable import Simulation

/// `SimDuration(roundingMilliseconds:)` rounds without libm; it must agree with
/// `Double.rounded()` (half away from zero) wherever it does not clamp.
@Suite("SimDuration rounding")
struct SimDurationRoundingTests {
  @Test(
    "agrees with rounded() at the edges",
    arguments: [
      (0.5 as Double).nextDown, 0.5, (0.5 as Double).nextUp, 1.0, (1.5 as Double).nextDown,
      1.5, 2.5, 3.5, 1e-300, 0.1,
      2_147_483_647.5, 1_000_000_000_000.5, 3_153_599_999_999.5,
      Double(SimDuration.maximum.milliseconds).nextDown, 3_600_000.499_999_999_5,
      3_600_000.5,
    ])
  func agreesAtTheEdges(value: Double) {
    #expect(SimDuration(roundingMilliseconds: value).milliseconds == Int64(value.rounded()))
  }

  @Test("agrees with rounded() on spread values", arguments: 0..<20)
  func agreesOnSpreadValues(seed: Int) {
    var stream = RandomStream(key: 0xD0_0D, customer: UInt64(seed), occurrence: 0)
    for _ in 0..<2_000 {
      // Exponential draws over many magnitudes, the shape of sampled delays.
      let value = stream.exponential(mean: 1_000) * Double(1 << (seed % 30))
      guard value > 0, value < Double(SimDuration.maximum.milliseconds) else { continue }
      #expect(SimDuration(roundingMilliseconds: value).milliseconds == Int64(value.rounded()))
    }
  }
}

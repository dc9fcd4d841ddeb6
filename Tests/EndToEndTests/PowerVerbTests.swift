import Foundation
import Testing
import TestSupport

/// The sample size for 9 % → 11 % at α 0.05 and power 0.8 is the formula
/// (1.96·√(2·0.1·0.9) + 0.8416·√(0.09·0.91 + 0.11·0.89))² / 0.02² = 3530.8, rounded up.
@Test func powerSampleSize() throws {
  let result = try TestSupport.runLoopSim(["power", "--rate", "0.09", "--mde", "0.02", "--json"])
  #expect(result.status == 0, "\(result.standardError)")
  let json = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  #expect(json["customersPerArm"] as? Int == 3531)
  #expect(json["customersTotal"] as? Int == 7062)
}

/// The detectable change for a sample size needs, by the same formula, about that sample
/// size again: the two directions of the computation agree.
@Test func powerDetectableEffectInvertsSampleSize() throws {
  let result = try TestSupport.runLoopSim(["power", "--rate", "0.09", "--customers", "3531", "--json"])
  #expect(result.status == 0, "\(result.standardError)")
  let json = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  let increase = try #require(json["increase"] as? [String: Any])
  let absolute = try #require(increase["absolute"] as? Double)
  #expect(abs(absolute - 0.02) < 0.0001, "detectable change \(absolute)")
}

@Test(arguments: [
  (["power", "--rate", "1.2", "--mde", "0.1"], "invalid rate 1.2"),
  (["power", "--rate", "0.1"], "exactly one of --mde"),
  (["power", "--rate", "0.1", "--mde", "0.1", "--customers", "100"], "exactly one of --mde"),
  (["power", "--rate", "0.1", "--mde", "0.1", "--power", "0.3"], "invalid power 0.3"),
  (["power", "--rate", "0.1", "--customers", "100", "--relative"], "--relative applies only"),
  (["power", "--rate", "abc", "--mde", "0.1"], "expected a number"),
])
func powerRejectsBadInput(arguments: [String], fragment: String) throws {
  let result = try TestSupport.runLoopSim(arguments)
  #expect(result.status == 2)
  #expect(result.standardError.contains(fragment), "\(result.standardError)")
}

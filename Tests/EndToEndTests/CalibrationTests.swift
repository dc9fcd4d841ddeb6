import Foundation
import Testing
import TestSupport
import Warehouse

/// P(X ≤ k) for X ~ Binomial(n, p), summed exactly in log space.
private func binomialCDF(_ k: Int, trials n: Int, probability p: Double) -> Double {
  guard k >= 0 else { return 0 }
  var total = 0.0
  for i in 0...min(k, n) {
    let logChoose = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
    total += exp(logChoose + Double(i) * log(p) + Double(n - i) * log1p(-p))
  }
  return min(1, total)
}

/// Replicates of a scenario without pipeline losses: the number of replicates whose 95 %
/// interval covers the true lift must be a plausible draw from Binomial(R, 0.95) (each
/// tail at least 0.001), and the mean estimate must sit within four standard errors of the
/// mean truth. Seeds are fixed, so the outcome is the same on every run.
@Test func replicateCoverageIsCalibrated() throws {
  let fixture = TestSupport.repositoryRoot.appendingPathComponent(
    "Tests/EndToEndTests/Fixtures/calibration.json5")
  let output = try TestSupport.temporaryDirectory().appendingPathComponent("run")
  let replicates = 40
  let result = try TestSupport.runLoopSim([
    "run", fixture.path, "--replicates", "\(replicates)", "--out", output.path, "--quiet",
    "--json",
  ])
  #expect(result.status == 0, "\(result.standardError)")
  let summary = try #require(
    JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
  let calibration = try #require((summary["calibration"] as? [[String: Any]])?.first)
  let used = try #require(calibration["replicates"] as? Int)
  #expect(used == replicates)
  let coverage = try #require(calibration["coverage"] as? Double)
  let covered = Int((coverage * Double(used)).rounded())

  let lowerTail = binomialCDF(covered, trials: used, probability: 0.95)
  let upperTail = 1 - binomialCDF(covered - 1, trials: used, probability: 0.95)
  #expect(lowerTail >= 0.001, "coverage \(covered)/\(used) is implausibly low")
  #expect(upperTail >= 0.001, "coverage \(covered)/\(used) is implausibly high")

  let database = try Database(
    path: output.appendingPathComponent("results.sqlite").path, mode: .readOnly)
  let errors = try database.mapRows("SELECT estimate - truth FROM replicates ORDER BY replicate") {
    try $0.double(at: 0)
  }
  #expect(errors.count == replicates)
  let mean = errors.reduce(0, +) / Double(errors.count)
  let variance = errors.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(errors.count - 1)
  let standardError = (variance / Double(errors.count)).squareRoot()
  let bias = try #require(calibration["bias"] as? Double)
  #expect(abs(bias - mean) < 1e-12)
  #expect(abs(bias) < 4 * standardError, "bias \(bias) against standard error \(standardError)")
}

@Test func replicatesRejectBadCounts() throws {
  let result = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--replicates", "0",
  ])
  #expect(result.status == 2)
  #expect(result.standardError.contains("expected an integer from 1 to 10000"))
}

import Config
import Testing

@testable import Simulation

@Test(arguments: [
  ("1500ms", Int64(1_500)), ("90s", 90_000), ("45m", 2_700_000), ("2h", 7_200_000),
  ("3d", 259_200_000), ("1w", 604_800_000), ("1.5h", 5_400_000), ("1h30m", 5_400_000),
  ("0s", 0),
])
func durationParses(text: String, milliseconds: Int64) {
  #expect(SimDuration(parsing: text)?.milliseconds == milliseconds)
}

@Test(arguments: ["", "2", "h", "2x", "-1h", "1.h", ".5h", "30m1h", "1h 30m", "2H", "1e3s", "999999w"])
func durationRejects(text: String) {
  #expect(SimDuration(parsing: text) == nil)
}

private func readDistribution(_ source: String) -> (Distribution?, [Diagnostic]) {
  let diagnostics = Diagnostics()
  guard let node = try? JSON5.parse(source, file: "test.json5") else { return (nil, []) }
  let value = diagnostics.read(node, at: FieldPath(["delay"]), as: .distribution)
  return (value, diagnostics.sorted)
}

@Test(arguments: [
  (#""1h""#, Distribution.fixed(.hours(1))),
  (#"{ fixed: "90s" }"#, .fixed(.seconds(90))),
  (#"{ exponential: { mean: "2h" } }"#, .exponential(mean: .hours(2))),
  (#"{ lognormal: { median: "2h", sigma: 0.8 } }"#, .lognormal(median: .hours(2), sigma: 0.8)),
  (#"{ gamma: { shape: 2, mean: "1h" } }"#, .gamma(shape: 2, scale: .minutes(30))),
  (#"{ gamma: { shape: 4, scale: "10m" } }"#, .gamma(shape: 4, scale: .minutes(10))),
  (#"{ uniform: { min: "1h", max: "3h" } }"#, .uniform(minimum: .hours(1), maximum: .hours(3))),
])
func distributionReads(source: String, expected: Distribution) {
  let (value, diagnostics) = readDistribution(source)
  #expect(diagnostics.isEmpty)
  #expect(value == expected)
}

@Test func empiricalDistributionReads() throws {
  let (value, diagnostics) = readDistribution(
    #"{ empirical: { values: ["1h", "1d"], weights: [3, 1] } }"#)
  #expect(diagnostics.isEmpty)
  guard case .empirical(let table)? = value else {
    Issue.record("expected an empirical distribution, got \(String(describing: value))")
    return
  }
  #expect(table.values == [.hours(1), .days(1)])
  #expect(table.weights == [3, 1])
}

@Test(arguments: [
  (#"{ exponential: { mean: 2 } }"#, "delay.exponential.mean", "write a unit after the number"),
  (#"{ exponential: { mean: "0s" } }"#, "delay.exponential.mean", "longer than 0"),
  (#"{ normal: { mean: "1h" } }"#, "delay", "exactly one of"),
  (#"{ exponentail: { mean: "1h" } }"#, "delay.exponentail", "exponential"),
  (#"{ uniform: { min: "3h", max: "1h" } }"#, "delay.uniform.max", "min"),
  (#"{ gamma: { shape: 2 } }"#, "delay.gamma", "mean or scale"),
  (#"{ gamma: { shape: 3, mean: "1ms" } }"#, "delay.gamma.mean", "at least 1ms"),
  (#"{ lognormal: { median: "1h" } }"#, "delay.lognormal.sigma", "sigma"),
  (#"{ empirical: { values: ["1h"], weights: [1, 2] } }"#, "delay.empirical.weights", "one weight per value"),
  (#"{ empirical: { values: ["1h"], weights: [0] } }"#, "delay.empirical.weights", "positive weight"),
  (#""soon""#, "delay", "unit"),
])
func distributionErrorNamesPathAndFix(source: String, path: String, fixFragment: String) {
  let (value, diagnostics) = readDistribution(source)
  #expect(value == nil)
  let errors = diagnostics.filter { $0.severity == .error }
  #expect(!errors.isEmpty)
  #expect(errors.contains { $0.path.description == path }, "paths: \(errors.map(\.path.description))")
  #expect(
    errors.contains { $0.description.contains(fixFragment) },
    "messages: \(errors.map(\.description))")
}

@Test func distributionSamplesWithinBounds() throws {
  let purpose = try RandomStreams(seed: 3).purpose("delay")
  let uniform = Distribution.uniform(minimum: .hours(1), maximum: .hours(3))
  for customer in 0..<1_000 {
    var stream = purpose.stream(customer: UInt64(customer))
    let delay = uniform.sample(&stream)
    #expect(delay >= .hours(1))
    #expect(delay <= .hours(3))
  }
  var stream = purpose.stream(customer: 0)
  #expect(Distribution.fixed(.minutes(5)).sample(&stream) == .minutes(5))
  #expect(Distribution.exponential(mean: .hours(2)).mean == .hours(2))
  #expect(Distribution.gamma(shape: 2, scale: .minutes(30)).mean == .hours(1))
}

/// Writing a distribution back out and reading it again gives the same distribution.
@Test(arguments: [
  Distribution.fixed(.minutes(90)), .exponential(mean: .hours(2)),
  .lognormal(median: .days(2), sigma: 0.8), .gamma(shape: 2.5, scale: .minutes(7)),
  .uniform(minimum: .minutes(5), maximum: .hours(1)), .fixed(.milliseconds(1_500)),
])
func distributionRoundTrips(distribution: Distribution) throws {
  let text = distribution.configValue.canonicalText()
  let node = try JSON5.parse(text, file: "round-trip")
  let diagnostics = Diagnostics()
  let read = diagnostics.read(node, as: .distribution)
  #expect(diagnostics.all.isEmpty)
  #expect(read == distribution)
}

@Test func jsonValueSortsKeys() {
  let value: JSONValue = ["zeta": 1.0.configValue, "alpha": ["b": true, "a": "x"], "list": [.null]]
  #expect(
    value.canonicalText(pretty: false) == #"{"alpha":{"a":"x","b":true},"list":[null],"zeta":1}"#)
}

import Foundation
import LoopSim
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The tolerance rules of `loopsim check`, against values worked out by hand.
struct CheckRuleCase: Sendable, CustomTestStringConvertible {
  let label: String
  let baseline: HeadlineMetric
  let now: HeadlineMetric
  let expected: MetricVerdict.Outcome
  /// The accepted range worked out by hand, or nil when the rule has none.
  let range: ClosedRange<Double>?

  var testDescription: String { label }
}

private func estimate(_ value: Double?, _ interval: ClosedRange<Double>?, reason: String? = nil)
  -> HeadlineMetric
{
  HeadlineMetric(
    name: "comparisons[x].absolute", kind: .estimate, value: value, interval: interval,
    undefinedReason: reason)
}

private func poisson(_ count: Double) -> HeadlineMetric {
  HeadlineMetric(name: "messages.emitted", kind: .poissonCount, value: count)
}

private func binomial(_ count: Double, of trials: Int) -> HeadlineMetric {
  HeadlineMetric(name: "arms[a].customers", kind: .binomialCount, value: count, trials: trials)
}

private func proportion(_ rate: Double, of trials: Int) -> HeadlineMetric {
  HeadlineMetric(
    name: "comparisons[x].trueConversionRateIfTreated", kind: .proportion, value: rate,
    trials: trials)
}

// Hand calculations, z = 3.2905267314919255 and margin 0.7:
// - interval [0.1, 0.3], width 0.2: accepted [0.1 − 0.14, 0.3 + 0.14] = [−0.04, 0.44].
// - Poisson 100 vs 160: allowance z √260 = 53.058, so [46.94, 153.06] and 160 fails;
//   100 vs 140: z √240 = 50.977, [49.02, 150.98], passes.
// - binomial 50 vs 80 of 1000: p̄ = 0.065, SE = √(0.065 × 0.935 × 0.002) = 0.0110254,
//   z SE = 0.0362780, accepted (0.05 ± 0.0362780) × 1000 = [13.72, 86.28];
//   50 vs 90: p̄ = 0.07, SE = 0.0114105, z SE = 0.0375467, [12.45, 87.55], fails.
// - proportion 0.2 of 500 vs 0.3 of 500: p̄ = 0.25, SE = √(0.25 × 0.75 × 0.004) = 0.0273861,
//   z SE = 0.0901150, accepted [0.10989, 0.29011], 0.3 fails.
// - dispersion 2 doubles the variance: Poisson 100 vs 160 allows z √520 = 75.036, so it
//   passes; binomial 50 vs 90 of 1000 allows √2 × 0.0375466 = 0.0530990, so
//   [max(0, −0.0031), 0.1030990] × 1000, and 90 passes.
let checkRuleCases: [CheckRuleCase] = [
  CheckRuleCase(
    label: "estimate inside widened interval", baseline: estimate(0.2, 0.1...0.3),
    now: estimate(0.4399, 0.3...0.5), expected: .pass, range: -0.04...0.44),
  CheckRuleCase(
    label: "estimate outside widened interval", baseline: estimate(0.2, 0.1...0.3),
    now: estimate(0.4401, 0.3...0.5), expected: .fail, range: -0.04...0.44),
  CheckRuleCase(
    label: "estimate without interval stays equal", baseline: estimate(-1, nil),
    now: estimate(-1, nil), expected: .pass, range: -1 ... -1),
  CheckRuleCase(
    label: "null stays null", baseline: estimate(nil, nil, reason: "zeroControlSuccesses"),
    now: estimate(nil, nil, reason: "zeroControlSuccesses"), expected: .pass, range: nil),
  CheckRuleCase(
    label: "null becomes defined", baseline: estimate(nil, nil, reason: "zeroControlSuccesses"),
    now: estimate(0.1, 0...0.2), expected: .fail, range: nil),
  CheckRuleCase(
    label: "defined becomes null", baseline: estimate(0.1, 0...0.2),
    now: estimate(nil, nil, reason: "emptyArm"), expected: .fail, range: nil),
  CheckRuleCase(
    label: "Poisson within z", baseline: poisson(100), now: poisson(140), expected: .pass,
    range: 100 - 50.97662...100 + 50.97662),
  CheckRuleCase(
    label: "Poisson beyond z", baseline: poisson(100), now: poisson(160), expected: .fail,
    range: 100 - 53.05806...100 + 53.05806),
  CheckRuleCase(
    label: "Poisson within dispersion",
    baseline: HeadlineMetric(
      name: "messages.emitted", kind: .poissonCount, value: 100, dispersion: 2),
    now: poisson(160), expected: .pass, range: 100 - 75.03555...100 + 75.03555),
  CheckRuleCase(
    label: "binomial within dispersion",
    baseline: HeadlineMetric(
      name: "arms[a].customers", kind: .binomialCount, value: 50, trials: 1000, dispersion: 2),
    now: binomial(90, of: 1000), expected: .pass, range: 0...103.09895),
  CheckRuleCase(
    label: "Poisson zero stays zero", baseline: poisson(0), now: poisson(0), expected: .pass,
    range: 0...0),
  CheckRuleCase(
    label: "binomial within z", baseline: binomial(50, of: 1000), now: binomial(80, of: 1000),
    expected: .pass, range: 13.72204...86.27796),
  CheckRuleCase(
    label: "binomial beyond z", baseline: binomial(50, of: 1000), now: binomial(90, of: 1000),
    expected: .fail, range: 12.45337...87.54663),
  CheckRuleCase(
    label: "proportion beyond z", baseline: proportion(0.2, of: 500),
    now: proportion(0.3, of: 500), expected: .fail, range: 0.1098850...0.2901150),
]

@Test(arguments: checkRuleCases)
func checkRule(_ rule: CheckRuleCase) throws {
  let verdicts = MetricVerdict.compare(
    baseline: [rule.baseline], now: [rule.now], margin: 0.7)
  let verdict = try #require(verdicts.first)
  #expect(verdicts.count == 1)
  #expect(verdict.outcome == rule.expected, "\(verdict.message)")
  if let expected = rule.range {
    let range = try #require(verdict.acceptedRange)
    #expect(abs(range.lowerBound - expected.lowerBound) < 1e-4)
    #expect(abs(range.upperBound - expected.upperBound) < 1e-4)
  } else {
    #expect(verdict.acceptedRange == nil)
  }
}

@Test func checkZIsTwoSidedPointOnePercent() {
  // scipy.stats.norm.ppf(0.9995); the defaults of the docs.
  #expect(abs(CheckTolerance.countZ - 3.2905267314919255) < 1e-12)
  #expect(CheckTolerance.defaultMargin == 0.7)
}

@Test func checkMissingMetricFails() throws {
  let verdicts = MetricVerdict.compare(baseline: [poisson(10)], now: [], margin: 0.7)
  let verdict = try #require(verdicts.first)
  #expect(verdict.outcome == .fail)
  #expect(verdict.message.contains("missing"))
}

@Test func checkNewMetricIsNotFailure() throws {
  let verdicts = MetricVerdict.compare(baseline: [], now: [poisson(10)], margin: 0.7)
  let verdict = try #require(verdicts.first)
  #expect(verdict.outcome == .new)
  let check = RegressionCheck(
    scenario: "s", baselinePath: "b.json", customers: 1, seed: 1, margin: 0.7,
    verdicts: verdicts, scenarioChanged: false)
  #expect(check.passed)
}

@Test func checkAbsentReasonCountsAsZero() throws {
  let reason = HeadlineMetric(
    name: "messages.dropReasons[duplicate messageId]", kind: .poissonCount, value: 3)
  let gone = MetricVerdict.compare(baseline: [reason], now: [], margin: 0.7)
  #expect(gone.first?.outcome == .pass, "3 against 0 is within 3.29 √3")
  let appeared = MetricVerdict.compare(
    baseline: [],
    now: [HeadlineMetric(name: reason.name, kind: .poissonCount, value: 40)], margin: 0.7)
  #expect(appeared.first?.outcome == .fail, "40 against 0 is beyond 3.29 √40")
}

#if canImport(FoundationXML)
  @Test func checkJUnitEscapesEveryName() throws {
    let name = "arms[a<b>&\"c'\u{1}\n].customers"
    let verdicts = MetricVerdict.compare(
      baseline: [
        HeadlineMetric(name: name, kind: .poissonCount, value: 10),
        HeadlineMetric(name: "emails.sent", kind: .poissonCount, value: 10),
      ],
      now: [
        HeadlineMetric(name: name, kind: .poissonCount, value: 100),
        HeadlineMetric(name: "emails.sent", kind: .poissonCount, value: 10),
      ],
      margin: 0.7)
    let check = RegressionCheck(
      scenario: "s&<t>", baselinePath: "x\"y.json", customers: 5, seed: 7, margin: 0.7,
      verdicts: verdicts, scenarioChanged: false)

    let document = try XMLDocument(xmlString: check.junitXML, options: [])
    let cases = try document.nodes(forXPath: "//testcase")
    #expect(cases.count == 2)
    let failures = try document.nodes(forXPath: "//testcase/failure")
    #expect(failures.count == 1)
    let failed = try #require(failures.first?.parent as? XMLElement)
    #expect(failed.attribute(forName: "name")?.stringValue == "arms[a<b>&\"c'\u{FFFD}\n].customers")
    let suite = try #require(try document.nodes(forXPath: "//testsuite").first as? XMLElement)
    #expect(suite.attribute(forName: "name")?.stringValue == "loopsim check s&<t>")
    #expect(suite.attribute(forName: "failures")?.stringValue == "1")
  }
#endif

/// Dispersion over four runs, worked out by hand.
@Test func dispersionMatchesHandValues() throws {
  let baseline = [
    HeadlineMetric(name: "events", kind: .poissonCount, value: 100),
    HeadlineMetric(name: "arms[a].customers", kind: .binomialCount, value: 50, trials: 1000),
    estimate(0.1, 0...0.2),
  ]
  let replicates = [[Double(120), 52], [80, 48], [100, 50]].map { values in
    [
      HeadlineMetric(name: "events", kind: .poissonCount, value: values[0]),
      HeadlineMetric(
        name: "arms[a].customers", kind: .binomialCount, value: values[1], trials: 1000),
    ]
  }
  let measured = Dispersion.estimate(baseline: baseline, replicates: replicates)
  // events 100, 120, 80, 100: mean 100, s² = 800 / 3 = 266.67, over the Poisson 100: 2.67.
  #expect(measured[0].dispersion == 2.67)
  // customers 50, 52, 48, 50: s² = 8 / 3 = 2.667 < 50 × 0.95 = 47.5, so no dispersion.
  #expect(measured[1].dispersion == nil)
  #expect(measured[2].dispersion == nil, "estimates get none")
  #expect(measured[0].value == 100, "the baseline's value is kept")
}

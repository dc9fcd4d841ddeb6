import Testing

@testable import LoopSim

/// Quantiles by Hyndman and Fan's type 7; the expected values are numpy.quantile's with
/// its default method ("linear").
@Test(arguments: [
  ([1.0, 2, 3, 4], 0.5, 2.5),
  ([1.0, 2, 3, 4], 0.9, 3.7),
  ([5.0], 0.9, 5),
  ([0.0, 10], 0.25, 2.5),
  ([1.0, 3, 7], 0.5, 3),
  ([1.0, 3, 7], 1, 7),
])
func reportQuantileMatchesNumpy(values: [Double], probability: Double, expected: Double) {
  #expect(abs(RunReport.quantile(values, probability) - expected) < 1e-12)
}

@Test func reportEscapeCoversQuotes() {
  #expect(HTML.escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
  #expect(HTML.escape("plain é") == "plain é")
}

@Test func reportScaleTicksAreRound() {
  let scale = LinearScale(covering: [0, 0.153], range: (100, 600))
  #expect(scale.domain.lower == 0)
  #expect(abs(scale.domain.upper - 0.2) < 1e-12)
  let ticks = scale.ticks()
  #expect(ticks.count == 5)
  #expect(abs(ticks[1] - 0.05) < 1e-12)
  #expect(scale(0) == 100)
  #expect(abs(scale(0.2) - 600) < 1e-9)
}

@Test func reportScaleWidensSingleValue() {
  let zero = LinearScale(covering: [0, 0], range: (0, 1))
  #expect(zero.domain.lower == 0)
  #expect(zero.domain.upper == 1)
  let negative = LinearScale(covering: [-0.02], range: (0, 1))
  #expect(negative.domain.lower <= -0.02)
  #expect(negative.domain.upper >= 0)
}

@Test(arguments: [
  (Int64(0), "0"), (999, "999"), (1_000, "1,000"), (226_551, "226,551"),
  (-1_234_567, "-1,234,567"),
])
func reportCountGroupsThousands(value: Int64, expected: String) {
  #expect(ReportFormat.count(value) == expected)
}

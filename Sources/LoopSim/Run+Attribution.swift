import Customers
import Measure
import Simulation
import Warehouse

extension LoopRun {
  private static let attributionLogger = Logger(label: "attribution")

  /// Cuts touchpoint paths from the warehouse in `database`, runs the counterfactual passes
  /// of the attribution truth, and scores the configured models against it.
  static func scoreAttribution(
    _ scenario: Scenario, attribution: AttributionConfig, factual: PassResult,
    database: Database, cancellation: CancellationFlag?
  ) throws -> AttributionScore {
    let paths = try database.transaction { database in
      try TouchpointPaths(
        database: database, lookback: attribution.lookback.milliseconds,
        conversionWindow: attribution.conversionWindow.milliseconds,
        end: scenario.run.end.milliseconds)
    }
    let channelCount = scenario.channels.count + 1
    attributionLogger.info(
      "attribution: \(paths.paths.count) paths; running \((1 << channelCount) - 1) "
        + "counterfactual passes over \(channelCount) channels")
    let truth = try AttributionTruth.compute(
      scenario, factual: factual, cancellation: cancellation)
    let direct = scenario.channels.first { $0.kind == .direct }?.name ?? "direct"
    return try AttributionScore(
      truth: truth, paths: paths, config: attribution, directChannel: direct)
  }
}

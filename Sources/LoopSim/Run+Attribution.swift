import Customers
import Measure
import Simulation
import Warehouse

extension LoopRun {
  private static let attributionLogger = Logger(label: "attribution")

  /// Cuts touchpoint paths from the warehouse in `database` and scores the configured
  /// models against the counterfactual `truth`.
  static func scoreAttribution(
    _ scenario: Scenario, attribution: AttributionConfig, truth: AttributionTruth,
    database: Database
  ) throws -> AttributionScore {
    let paths = try database.transaction { database in
      try TouchpointPaths(
        database: database, lookback: attribution.lookback.milliseconds,
        conversionWindow: attribution.conversionWindow.milliseconds,
        end: scenario.run.end.milliseconds)
    }
    attributionLogger.info("attribution: \(paths.paths.count) paths")
    let direct = scenario.channels.first { $0.kind == .direct }?.name ?? "direct"
    return try AttributionScore(
      truth: truth, paths: paths, config: attribution, directChannel: direct)
  }
}

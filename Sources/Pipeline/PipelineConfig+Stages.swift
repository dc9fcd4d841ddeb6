import Simulation

extension Collector {
  /// Creates the collector that the pipeline section describes: its tracking plan, dedup
  /// window and late threshold. Runs and replays both call this, so they collect alike.
  public init(pipeline: PipelineConfig, keepsMerges: Bool) {
    self.init(
      trackingPlan: pipeline.trackingPlan?.plan, dedupWindow: pipeline.dedupWindow,
      lateThreshold: pipeline.lateThreshold, keepsMerges: keepsMerges)
  }
}

extension Router {
  /// Creates the router for the pipeline section's destinations, for runs and replays alike.
  public init(pipeline: PipelineConfig, streams: RandomStreams, keepsDeadLetters: Bool) throws {
    try self.init(
      destinations: pipeline.destinations, streams: streams, keepsDeadLetters: keepsDeadLetters)
  }
}

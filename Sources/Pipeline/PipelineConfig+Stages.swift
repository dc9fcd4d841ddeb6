import Simulation

extension Collector {
  /// Collect as the scenario's pipeline section configures it: the tracking plan, the
  /// dedup window and the late threshold. Runs and replays both build it here, so the two
  /// never collect differently.
  public init(pipeline: PipelineConfig, keepsMerges: Bool) {
    self.init(
      trackingPlan: pipeline.trackingPlan?.plan, dedupWindow: pipeline.dedupWindow,
      lateThreshold: pipeline.lateThreshold, keepsMerges: keepsMerges)
  }
}

extension Router {
  /// Route as the scenario's pipeline section configures it, for runs and replays alike.
  public init(pipeline: PipelineConfig, streams: RandomStreams, keepsDeadLetters: Bool) throws {
    try self.init(
      destinations: pipeline.destinations, streams: streams, keepsDeadLetters: keepsDeadLetters)
  }
}

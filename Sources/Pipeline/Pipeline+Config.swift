import Config
import Simulation

extension PipelineConfig {
  /// Returns a reader of the `pipeline` section of the scenario file at `scenarioFile`.
  ///
  /// Every destination must be configured, because a scenario that forgot one would
  /// otherwise route nothing there without saying so. The optional `trackingPlan` names a
  /// file that is read with the section. Its path resolves against the folder of the file
  /// that names it, or of `scenarioFile` (see `TrackingPlanReference.baseFolder`).
  public static func reader(scenarioFile: String) -> ConfigReader<PipelineConfig> {
    .object("a pipeline section") { pipeline in
      let client = pipeline.optional("client", clientReader, default: .none)
      let trackingPlan = pipeline.optional(
        "trackingPlan", TrackingPlanReference.reader(scenarioFile: scenarioFile))
      let dedupWindow = pipeline.optional(
        "dedupWindow", .duration, default: PipelineConfig.defaultDedupWindow)
      let lateThreshold = pipeline.optional(
        "lateThreshold", .duration, default: PipelineConfig.defaultLateThreshold)
      let destinations = pipeline.required("destinations", destinationsReader)
      if dedupWindow > PipelineConfig.maximumDedupWindow {
        pipeline.error(
          "deduplication window longer than 30 days", key: "dedupWindow",
          found: "\(dedupWindow)",
          fix: "use a dedupWindow of at most 30d, because Collect remembers every messageId "
            + "it accepted during the window")
        return nil
      }
      guard let destinations else { return nil }
      return PipelineConfig(
        client: client, destinations: destinations, trackingPlan: trackingPlan,
        dedupWindow: dedupWindow, lateThreshold: lateThreshold)
    }
  }

  static var clientReader: ConfigReader<ClientFaults> {
    .object("a client section such as { duplicateRate: 0.01, invalidRate: 0.001 }") { client in
      let errorsBefore = client.diagnostics.errorCount
      let duplicates = client.optional("duplicateRate", .probability, default: 0)
      let invalid = client.optional("invalidRate", .probability, default: 0)
      let duplicateDelay = client.optional(
        "duplicateDelay", .distribution, default: .fixed(.zero))
      let secondDevices = client.optional("secondDeviceRate", .probability, default: 0)
      let clockSkew = client.optional("clockSkew", clockSkewReader, default: .none)
      let offlineRate = client.optional("offlineRate", .probability, default: 0)
      let offlineDelay = client.optional("offlineDelay", .distribution)
      guard client.diagnostics.errorCount == errorsBefore else { return nil }
      if offlineRate > 0, offlineDelay == nil {
        client.error(
          "offlineRate above 0 without offlineDelay", key: "offlineRate",
          found: "\(offlineRate)",
          fix: "add offlineDelay, how long the app stays offline, such as "
            + "{ exponential: { mean: \"2h\" } }")
        return nil
      }
      return ClientFaults(
        duplicateRate: duplicates, invalidRate: invalid, duplicateDelay: duplicateDelay,
        secondDeviceRate: secondDevices, clockSkew: clockSkew, offlineRate: offlineRate,
        offlineDelay: offlineDelay ?? .fixed(.zero))
    }
  }

  /// Reads `{ offset: DISTRIBUTION, behindShare: 0.5 }`.
  static var clockSkewReader: ConfigReader<ClockSkew> {
    .object(
      "a clock skew such as { offset: { exponential: { mean: \"2m\" } }, behindShare: 0.5 }"
    ) { skew in
      let offset = skew.required("offset", .distribution)
      let behind = skew.optional("behindShare", .probability, default: 0.5)
      guard let offset else { return nil }
      return ClockSkew(offset: offset, behindShare: behind)
    }
  }

  static var destinationsReader: ConfigReader<[DestinationConfig]> {
    .object("an object with analytics, warehouse and messaging destinations") { section in
      let configs = DestinationKind.allCases.map { kind in
        section.required(kind.rawValue, destinationReader(kind))
      }
      let present = configs.compactMap { $0 }
      return present.count == configs.count ? present : nil
    }
  }

  static func destinationReader(_ kind: DestinationKind) -> ConfigReader<DestinationConfig> {
    .object("a destination such as { latency: { exponential: { mean: \"30s\" } } }") {
      destination in
      let latency = destination.required("latency", .distribution)
      let events = destination.optional("events", .array(of: .oneOf(SegmentEvents.all)))
      let outages = destination.optional("outages", .array(of: outageReader), default: [])
      let retry = destination.optional("retry", retryReader, default: .default)
      let batchWindow = destination.optional("batchWindow", .positiveDuration)
      guard let latency else { return nil }
      if let batchWindow, batchWindow > DestinationConfig.maximumBatchWindow {
        destination.error(
          "batch window longer than 1 day", key: "batchWindow", found: "\(batchWindow)",
          fix: "use a batchWindow of at most 1d")
        return nil
      }
      return DestinationConfig(
        kind: kind, latency: latency, events: events.map(Set.init), outages: outages,
        retry: retry, batchWindow: batchWindow)
    }
  }

  static var outageReader: ConfigReader<OutageWindow> {
    .object("an outage such as { start: \"10d\", end: \"10d6h\" } (times from the run start)") {
      outage in
      let start = outage.required("start", .duration)
      let end = outage.required("end", .duration)
      guard let start, let end else { return nil }
      guard start < end else {
        outage.error(
          "outage ends before it starts", key: "end", found: "start \(start), end \(end)",
          fix: "make end later than start")
        return nil
      }
      return OutageWindow(
        start: SimTime(milliseconds: start.milliseconds),
        end: SimTime(milliseconds: end.milliseconds))
    }
  }

  static var retryReader: ConfigReader<RetryPolicy> {
    .object("a retry policy such as { maxAttempts: 3, backoff: \"1m\" }") { retry in
      let attempts = retry.required("maxAttempts", .int(in: 1...20))
      let backoff = retry.required("backoff", .duration)
      guard let attempts, let backoff else { return nil }
      guard backoff <= .days(7) else {
        retry.error(
          "backoff longer than 7 days", key: "backoff", found: "\(backoff)",
          fix: "use a backoff of at most 7d")
        return nil
      }
      return RetryPolicy(maxAttempts: attempts, backoff: backoff)
    }
  }
}

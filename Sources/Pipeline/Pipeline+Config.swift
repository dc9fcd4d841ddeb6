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
      let errorsBefore = destination.diagnostics.errorCount
      let latency = destination.required("latency", .distribution)
      let events = destination.optional("events", eventFilterReader, default: .all)
      let mappings = destination.optional("mappings", mappingsReader, default: [:])
      let outages = destination.optional("outages", .array(of: outageReader), default: [])
      let retry = destination.optional("retry", retryReader, default: .default)
      let batchWindow = destination.optional("batchWindow", .positiveDuration)
      guard let latency, destination.diagnostics.errorCount == errorsBefore else { return nil }
      if let batchWindow, batchWindow > DestinationConfig.maximumBatchWindow {
        destination.error(
          "batch window longer than 1 day", key: "batchWindow", found: "\(batchWindow)",
          fix: "use a batchWindow of at most 1d")
        return nil
      }
      return DestinationConfig(
        kind: kind, latency: latency, events: events, mappings: mappings, outages: outages,
        retry: retry, batchWindow: batchWindow)
    }
  }

  /// Reads an event filter: a plain list of event names, which is an allow list (the form
  /// scenarios used before deny lists), `{ allow: [...] }` or `{ deny: [...] }`.
  static var eventFilterReader: ConfigReader<EventFilter> {
    let names = ConfigReader<[String]>.array(of: .oneOf(SegmentEvents.all))
    let listObject = ConfigReader<EventFilter>.object(
      "an event filter such as { allow: [\"Product Added\"] } or { deny: [\"Email Sent\"] }"
    ) { filter in
      let allow = filter.optional("allow", names)
      let deny = filter.optional("deny", names)
      switch (allow, deny) {
      case (let allow?, nil):
        return .allow(Set(allow))
      case (nil, let deny?):
        return .deny(Set(deny))
      case (.some, .some):
        filter.error(
          "an event filter with both allow and deny", key: "deny",
          fix: "keep one list: allow names the only events that pass, deny the events that "
            + "do not")
        return nil
      case (nil, nil):
        if !filter.contains("allow") && !filter.contains("deny") {
          filter.error(
            "an event filter without allow or deny",
            fix: "write { allow: [...] } for the only events that pass, or { deny: [...] } "
              + "for the events that do not")
        }
        return nil
      }
    }
    return ConfigReader<EventFilter>(
      expecting: "a list of event names, { allow: [...] } or { deny: [...] }"
    ) { node, path, diagnostics in
      if case .array = node.value {
        return names.read(node, at: path, into: diagnostics).map { .allow(Set($0)) }
      }
      return listObject.read(node, at: path, into: diagnostics)
    }
  }

  /// Reads property renames, `{ "product_id": "sku" }`. Every new name must be unique, and
  /// none may be a property that a LoopSim message carries together with a renamed one,
  /// because two properties would then share a name on delivery.
  static var mappingsReader: ConfigReader<[String: String]> {
    let expectation = "an object of property renames such as { \"product_id\": \"sku\" }"
    return ConfigReader<[String: String]>(expecting: expectation) { node, path, diagnostics in
      guard case .object(let object) = node.value else {
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.kindAndValueDescription,
          fix: "write mappings as { property: newName }, such as { \"product_id\": \"sku\" }")
        return nil
      }
      var mappings: [String: String] = [:]
      var sourceByTarget: [String: String] = [:]
      var valid = true
      for member in object.members {
        let memberPath = path.appending(key: member.key)
        guard
          let target = diagnostics.read(member.value, at: memberPath, as: .nonEmptyString)
        else {
          valid = false
          continue
        }
        if member.key.isEmpty {
          diagnostics.error(
            "empty property name", at: member.value, path: memberPath,
            fix: "name the property to rename, such as \"product_id\"")
          valid = false
          continue
        }
        if let earlier = sourceByTarget[target] {
          diagnostics.error(
            "two properties renamed to \"\(target)\"", at: member.value, path: memberPath,
            found: "\"\(earlier)\" and \"\(member.key)\"",
            fix: "give each property its own new name")
          valid = false
          continue
        }
        sourceByTarget[target] = member.key
        mappings[member.key] = target
      }
      guard valid else { return nil }
      for member in object.members {
        guard let target = mappings[member.key],
          let event = collidingMessage(renaming: member.key, to: target, mappings: mappings)
        else { continue }
        diagnostics.error(
          "renaming \"\(member.key)\" to \"\(target)\" collides with the property "
            + "\"\(target)\" of \(event)", at: member.value,
          path: path.appending(key: member.key), found: "\"\(target)\"",
          fix: "choose a new name that \(event) does not carry, or rename \"\(target)\" too")
        valid = false
      }
      return valid ? mappings : nil
    }
  }

  /// Returns the kind of LoopSim message, such as `Product Added` or `page`, that carries
  /// both `source` and `target` where `target` is not renamed itself, or nil when none does.
  /// Kinds are checked in name order, so the result does not depend on dictionary order.
  static func collidingMessage(
    renaming source: String, to target: String, mappings: [String: String]
  ) -> String? {
    guard source != target, mappings[target] == nil else { return nil }
    for kind in SegmentEvents.properties.keys.sorted() {
      let carried = SegmentEvents.properties[kind] ?? []
      if carried.contains(source) && carried.contains(target) {
        return kind
      }
    }
    return nil
  }

  static var outageReader: ConfigReader<OutageWindow> {
    .object("an outage such as { start: \"10d\", end: \"10d6h\" } (times from the run start)") {
      outage in
      let start = outage.required("start", .duration)
      let end = outage.required("end", .duration)
      guard let start, let end else { return nil }
      guard start < end else {
        let problem =
          start == end
          ? "outage ends when it starts, so it covers no time" : "outage ends before it starts"
        outage.error(
          problem, key: "end", found: "start \(start), end \(end)",
          fix: "make end later than start")
        return nil
      }
      return OutageWindow(
        start: SimTime(milliseconds: start.milliseconds),
        end: SimTime(milliseconds: end.milliseconds))
    }
  }

  static var retryReader: ConfigReader<RetryPolicy> {
    .object("a retry policy such as { maxAttempts: 3, backoff: \"1m\", jitter: true }") {
      retry in
      let attempts = retry.required("maxAttempts", .int(in: 1...20))
      let backoff = retry.required("backoff", .duration)
      let jitter = retry.optional("jitter", .bool, default: false)
      guard let attempts, let backoff else { return nil }
      guard backoff <= .days(7) else {
        retry.error(
          "backoff longer than 7 days", key: "backoff", found: "\(backoff)",
          fix: "use a backoff of at most 7d")
        return nil
      }
      return RetryPolicy(maxAttempts: attempts, backoff: backoff, jitter: jitter)
    }
  }
}

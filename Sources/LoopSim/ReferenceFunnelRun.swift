import Config
import Customers
import Foundation
import Simulation

/// Runs a reference-funnel scenario and writes its results folder, which holds
/// `summary.json` only: the funnel runs without the warehouse, so there is no
/// `results.sqlite`.
public enum ReferenceFunnelRun {
  /// Runs `scenario` once and publishes the folder as `LoopRun.execute` does: written under
  /// a temporary name and renamed when complete.
  ///
  /// - Parameter jobs: The number of threads; the results are the same for any number.
  public static func execute(
    _ scenario: ReferenceFunnelScenario, options: RunOptions, jobs: Int = 1
  ) throws -> (directory: String, summary: ReferenceFunnelSummary) {
    let destination = try OutputDirectory.choose(
      requested: options.outputDirectory, resultsRoot: options.resultsRoot,
      scenarioName: scenario.name)
    let summary = try simulate(scenario, cancellation: options.cancellation, jobs: jobs)
    let staging = try OutputDirectory.createStaging(for: destination)
    do {
      try Data(summary.json.utf8).write(to: URL(fileURLWithPath: staging + "/summary.json"))
      let published = try OutputDirectory.publish(
        staging, as: destination, isDefault: options.outputDirectory == nil)
      return (published, summary)
    } catch {
      try? FileManager.default.removeItem(atPath: staging)
      throw error
    }
  }

  /// Simulates `scenario` on `jobs` threads and returns its summary without writing
  /// anything.
  public static func simulate(
    _ scenario: ReferenceFunnelScenario, cancellation: CancellationFlag? = nil, jobs: Int = 1
  ) throws -> ReferenceFunnelSummary {
    let simulation = try ReferenceFunnelSimulation(
      model: scenario.funnel, streams: RandomStreams(seed: scenario.run.seed))
    guard
      let counts = simulation.run(
        customers: scenario.run.customers, arrivalWindow: scenario.run.arrivalWindow,
        end: SimTime.zero + scenario.run.duration, jobs: jobs,
        shouldStop: { cancellation?.isCancelled == true })
    else { throw Interrupted() }
    return ReferenceFunnelSummary(scenario: scenario, counts: counts)
  }
}

/// The results of a reference-funnel run: events by step, and conversions and lift among
/// abandoners by arm.
public struct ReferenceFunnelSummary: Sendable {
  public static let schemaVersion = 1

  public let scenarioName: String
  public let scenarioSHA256: String
  public let seed: UInt64
  public let customers: Int
  public let channels: [String]
  public let counts: FunnelCounts

  init(scenario: ReferenceFunnelScenario, counts: FunnelCounts) {
    scenarioName = scenario.name
    scenarioSHA256 = scenario.sha256
    seed = scenario.run.seed
    customers = scenario.run.customers
    channels = scenario.funnel.channels
    self.counts = counts
  }

  /// Conversions over abandoners, or nil for an arm without abandoners.
  public var treatmentRate: Double? {
    rate(counts.treatmentConversions, of: counts.treatmentAbandoners)
  }

  public var holdoutRate: Double? {
    rate(counts.holdoutConversions, of: counts.holdoutAbandoners)
  }

  /// Treatment rate over holdout rate minus 1, or nil when either rate is undefined or the
  /// holdout rate is 0.
  public var relativeLift: Double? {
    guard let treatmentRate, let holdoutRate, holdoutRate > 0 else { return nil }
    return treatmentRate / holdoutRate - 1
  }

  private func rate(_ conversions: Int, of abandoners: Int) -> Double? {
    abandoners > 0 ? Double(conversions) / Double(abandoners) : nil
  }

  /// The summary as pretty-printed JSON with a trailing newline, keys in a fixed order.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", Self.schemaVersion)
    writer.member("model", ScenarioModel.referenceFunnel.rawValue)
    writer.member("scenario", scenarioName)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("seed", seed)
    writer.member("customers", customers)
    writer.member("events", counts.totalEvents)
    writer.member("eventsPerCustomer", Double(counts.totalEvents) / Double(customers))
    writer.member("eventsCutOffAtEnd", counts.cutOff)
    writer.key("eventsByStep")
    writer.beginObject()
    for step in FunnelEvent.Step.allCases {
      writer.member(step.name, counts.events[Int(step.rawValue)])
    }
    writer.endObject()
    writer.key("arrivalsByChannel")
    writer.beginObject()
    for (channel, arrivals) in zip(channels, counts.arrivalsByChannel) {
      writer.member(channel, arrivals)
    }
    writer.endObject()
    writer.member("checkoutPurchases", counts.checkoutPurchases)

    writer.key("arms")
    writer.beginArray()
    for (name, abandoners, conversions, rate) in [
      ("treatment", counts.treatmentAbandoners, counts.treatmentConversions, treatmentRate),
      ("holdout", counts.holdoutAbandoners, counts.holdoutConversions, holdoutRate),
    ] {
      writer.beginObject()
      writer.member("name", name)
      writer.member("abandoners", abandoners)
      writer.member("conversions", conversions)
      writer.member("conversionRate", rate)
      if rate == nil {
        writer.member("conversionRateUndefinedReason", "no abandoners in this arm")
      }
      writer.endObject()
    }
    writer.endArray()
    writer.member("relativeLift", relativeLift)
    if relativeLift == nil {
      writer.member("relativeLiftUndefinedReason", "an arm has no abandoners or no conversions")
    }
    writer.endObject()
    return writer.text + "\n"
  }

  /// The summary as a plain-text table.
  public var table: String {
    func percent(_ value: Double?) -> String {
      value.map { String(format: "%.2f%%", $0 * 100) } ?? "undefined"
    }
    let perCustomer = Double(counts.totalEvents) / Double(customers)
    var lines = [
      "model      reference-funnel, \(customers) customers, seed \(seed)",
      "events     \(counts.totalEvents) (\(String(format: "%.4f", perCustomer)) per customer), "
        + "\(counts.cutOff) cut off at the end",
      "",
      "arm        abandoners conversions rate",
    ]
    for (name, abandoners, conversions, rate) in [
      ("treatment", counts.treatmentAbandoners, counts.treatmentConversions, treatmentRate),
      ("holdout", counts.holdoutAbandoners, counts.holdoutConversions, holdoutRate),
    ] {
      lines.append(
        name.padding(toLength: 11, withPad: " ", startingAt: 0)
          + String(abandoners).padding(toLength: 11, withPad: " ", startingAt: 0)
          + String(conversions).padding(toLength: 12, withPad: " ", startingAt: 0)
          + percent(rate))
    }
    lines.append("")
    let lift =
      relativeLift.map { String(format: "%+.2f%%", $0 * 100) + " relative" } ?? "undefined"
    lines.append("Lift       \(lift)")
    return lines.joined(separator: "\n") + "\n"
  }
}

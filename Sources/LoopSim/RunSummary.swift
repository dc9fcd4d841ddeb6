import Config
import Engage
import Foundation
import Measure
import Pipeline

/// The headline results of a run, rendered as `summary.json` and as a terminal table.
/// docs/results-schema.md documents every key.
public struct RunSummary: Sendable {
  public static let schemaVersion = 1

  public let scenarioName: String
  public let scenarioSHA256: String
  public let seed: UInt64
  public let customers: Int
  public let events: Int
  public let eventsCutOff: Int
  public let workflow: String
  public let lift: LiftMeasurement
  public let collect: CollectCounts
  public let destinations: [(kind: DestinationKind, counts: DestinationCounts)]
  public let funnel: [(event: String, people: Int)]
  public let emails: EmailCounts
  public let profiles: Int

  public struct EmailCounts: Sendable {
    public let sent, delivered, bounced, opened, clicked: Int
  }

  init(scenario: Scenario, pass: PassResult, lift: LiftMeasurement) {
    scenarioName = scenario.name
    scenarioSHA256 = scenario.sha256
    seed = scenario.run.seed
    customers = scenario.run.customers
    events = pass.eventsProcessed
    eventsCutOff = pass.eventsCutOff
    workflow = scenario.workflow.name
    self.lift = lift
    collect = pass.collect
    destinations = Array(zip(pass.destinationKinds, pass.destinations))
    funnel = pass.funnel
    emails = EmailCounts(
      sent: pass.emails.count,
      delivered: pass.emails.lazy.filter { $0.deliveredAt != nil }.count,
      bounced: pass.emails.lazy.filter { $0.bouncedAt != nil }.count,
      opened: pass.emails.lazy.filter { $0.openedAt != nil }.count,
      clicked: pass.emails.lazy.filter { $0.clickedAt != nil }.count)
    profiles = pass.profiles
  }

  // MARK: summary.json

  /// The summary as pretty-printed JSON with a trailing newline. Keys are camelCase and
  /// in a fixed order; an undefined value is null with a reason beside it.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", RunSummary.schemaVersion)
    writer.member("scenario", scenarioName)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("seed", seed)
    writer.member("customers", customers)
    writer.member("events", events)
    writer.member("eventsCutOffAtEnd", eventsCutOff)
    writer.member("workflow", workflow)

    writer.key("arms")
    writer.beginArray()
    for (arm, interval) in [
      (lift.treatment, lift.treatmentRateInterval), (lift.control, lift.controlRateInterval),
    ] {
      writer.beginObject()
      writer.member("name", arm.name)
      writer.member("customers", arm.customers)
      writer.member("conversions", arm.conversions)
      writer.member("conversionRate", arm.conversionRate)
      if arm.conversionRate == nil {
        writer.member("conversionRateUndefinedReason", UndefinedReason.emptyArm.rawValue)
      }
      writeInterval("ci95", interval, undefined: .emptyArm, to: &writer)
      writer.endObject()
    }
    writer.endArray()

    writeLift(to: &writer)
    writeMessages(to: &writer)

    writer.key("funnel")
    writer.beginArray()
    for step in funnel {
      writer.beginObject()
      writer.member("event", step.event)
      writer.member("people", step.people)
      writer.endObject()
    }
    writer.endArray()

    writer.key("emails")
    writer.beginObject()
    writer.member("sent", emails.sent)
    writer.member("delivered", emails.delivered)
    writer.member("bounced", emails.bounced)
    writer.member("opened", emails.opened)
    writer.member("clicked", emails.clicked)
    writer.endObject()
    writer.member("profiles", profiles)
    writer.endObject()
    return writer.text + "\n"
  }

  private func writeLift(to writer: inout JSONWriter) {
    let comparison = lift.comparison
    writer.key("lift")
    writer.beginObject()
    writer.member("treatment", lift.treatment.name)
    writer.member("control", lift.control.name)
    writer.member("confidenceLevel", comparison?.confidenceLevel ?? 0.95)

    writeMaybe(
      "absolute",
      comparison.map { .defined($0.absoluteLift) } ?? .undefined(lift.undefinedReason ?? .emptyArm),
      to: &writer)
    writeMaybe(
      "relative", comparison?.relativeLift ?? .undefined(lift.undefinedReason ?? .emptyArm),
      to: &writer)
    let reason = lift.undefinedReason ?? .emptyArm
    writeInterval("ci95", comparison?.absoluteLiftInterval, undefined: reason, to: &writer)
    writeInterval(
      "relativeCi95", comparison?.relativeLiftInterval.value,
      undefined: comparison?.relativeLiftInterval.undefinedReason ?? reason, to: &writer)
    writeMaybe(
      "zStatistic", comparison?.zTest.statistic ?? .undefined(lift.undefinedReason ?? .emptyArm),
      to: &writer)
    writer.member("pValue", comparison?.zTest.pValue)
    if comparison == nil {
      writer.member("pValueUndefinedReason", (lift.undefinedReason ?? .emptyArm).rawValue)
    }

    writer.member("test", "two-sided pooled two-proportion z-test")
    writer.member("interval", "Newcombe hybrid score interval for the difference")

    if let truth = lift.truth {
      writeMaybe("trueAbsolute", truth.absoluteLift, to: &writer)
      writeMaybe("trueRelative", truth.relativeLift, to: &writer)
      writer.member("trueCustomers", truth.customers)
      for (key, conversions) in [
        ("trueConversionRateIfTreated", truth.conversionsIfTreated),
        ("trueConversionRateIfHeldOut", truth.conversionsIfHeldOut),
      ] {
        let value = rate(conversions, truth.customers)
        writer.member(key, value)
        if value == nil {
          writer.member(key + "UndefinedReason", UndefinedReason.emptyArm.rawValue)
        }
      }
    }
    writer.endObject()
  }

  private func writeMessages(to writer: inout JSONWriter) {
    writer.key("messages")
    writer.beginObject()
    writer.member("emitted", collect.emitted)
    writer.member("accepted", collect.accepted)
    writer.member("quarantined", collect.quarantined)
    writer.member("dropped", collect.dropped)
    writeReasons("quarantineReasons", collect.quarantineReasons, to: &writer)
    writeReasons("dropReasons", collect.dropReasons, to: &writer)
    writer.member("flagged", collect.flagged)
    writeReasons("flagReasons", collect.flagReasons, to: &writer)
    writer.member("propertiesDropped", collect.propertiesDropped)
    writeReasons("propertyDropReasons", collect.propertyDropReasons, to: &writer)
    writer.key("destinations")
    writer.beginObject()
    for (kind, counts) in destinations {
      writer.key(kind.rawValue)
      writer.beginObject()
      writer.member("routed", counts.routed)
      writer.member("delivered", counts.delivered)
      writer.member("filtered", counts.filtered)
      writer.member("deadLettered", counts.deadLettered)
      writer.member("retries", counts.retries)
      writer.endObject()
    }
    writer.endObject()
    writer.endObject()
  }

  private func writeReasons(_ key: String, _ reasons: [String: Int], to writer: inout JSONWriter) {
    writer.key(key)
    writer.beginObject()
    for reason in reasons.keys.sorted() {
      writer.member(reason, reasons[reason] ?? 0)
    }
    writer.endObject()
  }

  private func writeMaybe(_ key: String, _ value: MaybeDefined<Double>, to writer: inout JSONWriter) {
    writer.member(key, value.value)
    if let reason = value.undefinedReason {
      writer.member(key + "UndefinedReason", reason.rawValue)
    }
  }

  /// Writes `[lower, upper]`, or null with `undefined` as the reason beside it.
  private func writeInterval(
    _ key: String, _ interval: ConfidenceInterval?, undefined reason: UndefinedReason,
    to writer: inout JSONWriter
  ) {
    writer.key(key)
    guard let interval else {
      writer.null()
      writer.member(key + "UndefinedReason", reason.rawValue)
      return
    }
    writer.beginArray()
    writer.number(interval.lower)
    writer.number(interval.upper)
    writer.endArray()
  }

  private func rate(_ count: Int, _ total: Int) -> Double? {
    total > 0 ? Double(count) / Double(total) : nil
  }

  // MARK: Terminal table

  /// The summary as plain text for a terminal.
  public var table: String {
    var lines: [String] = []
    lines.append("Scenario   \(scenarioName)  (seed \(seed), \(customers) customers, \(events) events)")
    lines.append("Workflow   \(workflow)")
    lines.append("")
    lines.append(row(["arm", "customers", "conversions", "rate", "95% CI"]))
    for (arm, interval) in [
      (lift.treatment, lift.treatmentRateInterval), (lift.control, lift.controlRateInterval),
    ] {
      lines.append(
        row([
          arm.name, "\(arm.customers)", "\(arm.conversions)", percent(arm.conversionRate),
          interval.map { "\(percent($0.lower)) to \(percent($0.upper))" } ?? "undefined",
        ]))
    }
    lines.append("")
    if let comparison = lift.comparison {
      let relative = comparison.relativeLift.value.map { percent($0, signed: true) } ?? "undefined"
      lines.append(
        "Lift       \(percentPoints(comparison.absoluteLift)) absolute "
          + "(95% CI \(percentPoints(comparison.absoluteLiftInterval.lower)) to "
          + "\(percentPoints(comparison.absoluteLiftInterval.upper))), \(relative) relative")
      let z = comparison.zTest.statistic.value.map { String(format: "%.3f", $0) } ?? "undefined"
      lines.append("Test       z = \(z), p = \(formatP(comparison.zTest.pValue)) (two-sided)")
    } else {
      lines.append("Lift       undefined: \(lift.undefinedReason?.description ?? "")")
    }
    if let truth = lift.truth {
      let absolute = truth.absoluteLift.value.map { percentPoints($0) } ?? "undefined"
      let relative = truth.relativeLift.value.map { percent($0, signed: true) } ?? "undefined"
      lines.append("True lift  \(absolute) absolute, \(relative) relative (\(truth.customers) customers in both arms)")
    }
    lines.append("")
    lines.append(
      "Messages   emitted \(collect.emitted) = accepted \(collect.accepted) + quarantined "
        + "\(collect.quarantined) + dropped \(collect.dropped); flagged \(collect.flagged)")
    for (kind, counts) in destinations {
      lines.append(
        "  \(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) routed "
          + "\(counts.routed) = delivered \(counts.delivered) + filtered \(counts.filtered) + "
          + "dead-lettered \(counts.deadLettered)")
    }
    lines.append(
      "Emails     sent \(emails.sent), delivered \(emails.delivered), bounced \(emails.bounced), "
        + "opened \(emails.opened), clicked \(emails.clicked)")
    return lines.joined(separator: "\n") + "\n"
  }

  private func row(_ cells: [String]) -> String {
    let widths = [10, 10, 12, 8, 20]
    return zip(cells, widths).map { cell, width in
      cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
    }.joined().trimmingCharacters(in: .whitespaces)
  }

  private func percent(_ value: Double?, signed: Bool = false) -> String {
    guard let value else { return "undefined" }
    let text = String(format: signed ? "%+.2f%%" : "%.2f%%", value * 100)
    return text
  }

  private func percentPoints(_ value: Double) -> String {
    String(format: "%+.2f pp", value * 100)
  }

  private func formatP(_ value: Double) -> String {
    value < 0.0001 ? String(format: "%.2e", value) : String(format: "%.4f", value)
  }
}

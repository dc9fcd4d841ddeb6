import Config
import Engage
import Foundation
import Pipeline

/// The headline results of a replay, rendered as `summary.json` and as a terminal table.
/// docs/results-schema.md documents every key.
///
/// The counts reconcile: `lines = emptyLines + skipped + fromFile.emitted`, each origin's
/// `emitted = accepted + quarantined + dropped`, the totals are the sums of the two origins,
/// and each destination's `routed = delivered + filtered + deadLettered`. A replay measures
/// no lift, because the customers' purchases come from the file and so cannot respond to
/// the emails the replayed engine sends.
public struct ReplaySummary: Sendable {
  public let scenarioName: String
  public let scenarioSHA256: String
  public let seed: UInt64
  public let fileName: String
  public let fileSHA256: String
  public let lines: Int
  public let emptyLines: Int
  public let skipReasons: [String: Int]
  public let events: Int
  public let eventsCutOff: Int
  /// Lines that reached the collector after the end of the run, collected when the
  /// workflow had stopped.
  public let linesAfterEnd: Int
  /// The workflows' names, in the order written.
  public let workflows: [String]
  public let collect: CollectCounts
  public let fromFile: OriginCounts
  public let fromEngine: OriginCounts
  public let destinations: [(kind: DestinationKind, counts: DestinationCounts)]
  /// Users per arm at their first split, in the order of `armNames`.
  public let assignments: [(arm: String, customers: Int)]
  /// Enrollments in every workflow.
  public let enrolled: Int
  /// Finished enrollments of every workflow by exit reason, with `completed` for those
  /// that ran past the last step.
  public let exitReasons: [String: Int]
  public let sends: SendCounts
  public let funnel: [(event: String, people: Int)]
  public let emails: RunSummary.EmailCounts
  public let profiles: Int

  public var skipped: Int { skipReasons.values.reduce(0, +) }

  init(scenario: Scenario, input: ReplayInput, result: ReplayResult) {
    scenarioName = scenario.name
    scenarioSHA256 = scenario.sha256
    seed = scenario.run.seed
    fileName = input.fileName
    fileSHA256 = input.sha256
    lines = input.lineCount
    emptyLines = input.emptyLines
    skipReasons = input.skipReasons
    events = result.eventsProcessed
    eventsCutOff = result.eventsCutOff
    linesAfterEnd = result.collectedAfterEnd
    workflows = scenario.workflows.map(\.name)
    collect = result.collect
    fromFile = result.fromFile
    fromEngine = result.fromEngine
    destinations = Array(zip(result.destinationKinds, result.destinations))

    // The arms the split can assign, in the order of a run's `arms`: the experiment's arms,
    // the holdout, then the global control when it has a share.
    var armNames: [String] = []
    if scenario.engage.hasSplit, let experiment = scenario.engage.experiment {
      armNames = experiment.arms.map(\.name) + [ExperimentConfig.holdoutArm]
      if experiment.globalControl > 0 {
        armNames.append(ExperimentConfig.globalControlArm)
      }
    }
    var perArm: [String: Int] = [:]
    var exits: [String: Int] = [:]
    for assignment in result.assignments {
      perArm[assignment.arm, default: 0] += 1
    }
    for enrollment in result.enrollments where enrollment.finishedAt != nil {
      exits[enrollment.exitReason ?? WorkflowSummary.completed, default: 0] += 1
    }
    sends = SendCounts(
      result.skippedSends, sent: result.emails.count, counts: result.workflowCounts)
    assignments = armNames.map { ($0, perArm[$0] ?? 0) }
    enrolled = result.enrollments.count
    exitReasons = exits

    emails = RunSummary.EmailCounts(emails: result.emails, skipped: result.skippedEmails.count)
    funnel = result.funnel
    profiles = result.profiles
  }

  /// `summary.json`: keys in a fixed order, indented by two spaces, with a final line break.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", RunSummary.schemaVersion)
    writer.member("scenario", scenarioName)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("seed", seed)

    writer.key("replay")
    writer.beginObject()
    writer.member("file", fileName)
    writer.member("fileSha256", fileSHA256)
    writer.member("lines", lines)
    writer.member("emptyLines", emptyLines)
    writer.member("linesAfterEnd", linesAfterEnd)
    writer.endObject()

    writer.member("events", events)
    writer.member("eventsCutOffAtEnd", eventsCutOff)
    writer.key("workflows")
    writer.beginArray()
    for name in workflows { writer.string(name) }
    writer.endArray()
    writeMessages(to: &writer)

    writer.key("assignments")
    writer.beginObject()
    writer.member("enrolled", enrolled)
    writer.key("arms")
    writer.beginObject()
    for (arm, customers) in assignments {
      writer.member(arm, customers)
    }
    writer.endObject()
    writeCounts("exitReasons", exitReasons, to: &writer)
    writer.endObject()

    writer.key("funnel")
    writer.beginArray()
    for (event, people) in funnel {
      writer.beginObject()
      writer.member("event", event)
      writer.member("people", people)
      writer.endObject()
    }
    writer.endArray()
    emails.write(to: &writer)
    sends.write(to: &writer)
    writer.member("profiles", profiles)
    writer.endObject()
    return writer.text + "\n"
  }

  private func writeMessages(to writer: inout JSONWriter) {
    writer.key("messages")
    writer.beginObject()
    writer.member("emitted", collect.emitted)
    writer.member("accepted", collect.accepted)
    writer.member("quarantined", collect.quarantined)
    writer.member("dropped", collect.dropped)
    writer.member("skipped", skipped)
    writeCounts("quarantineReasons", collect.quarantineReasons, to: &writer)
    writeCounts("dropReasons", collect.dropReasons, to: &writer)
    writeCounts("skipReasons", skipReasons, to: &writer)
    writer.member("flagged", collect.flagged)
    writeCounts("flagReasons", collect.flagReasons, to: &writer)
    writer.member("propertiesDropped", collect.propertiesDropped)
    writeCounts("propertyDropReasons", collect.propertyDropReasons, to: &writer)
    writer.member("late", collect.late)
    writer.member("merges", collect.merges)

    for (key, counts) in [("fromFile", fromFile), ("fromEngine", fromEngine)] {
      writer.key(key)
      writer.beginObject()
      writer.member("emitted", counts.emitted)
      writer.member("accepted", counts.accepted)
      writer.member("quarantined", counts.quarantined)
      writer.member("dropped", counts.dropped)
      writer.member("flagged", counts.flagged)
      writer.endObject()
    }

    writer.destinations(destinations)
    writer.endObject()
  }

  private func writeCounts(_ key: String, _ counts: [String: Int], to writer: inout JSONWriter) {
    writer.counts(key, counts)
  }

  /// The summary as plain text for a terminal.
  public var table: String {
    var lines: [String] = []
    lines.append(
      "Replay     \(fileName): \(self.lines) lines, \(emptyLines) empty, \(skipped) skipped "
        + "as the engine's own")
    lines.append("Scenario   \(scenarioName)  (seed \(seed), \(events) events)")
    lines.append("")
    for (label, counts) in [("From file", fromFile), ("From engine", fromEngine)] {
      lines.append(
        label.padding(toLength: 13, withPad: " ", startingAt: 0)
          + "emitted \(counts.emitted) = accepted \(counts.accepted) + quarantined "
          + "\(counts.quarantined) + dropped \(counts.dropped); flagged \(counts.flagged)")
    }
    lines.append(
      "  accepted: late \(collect.late); identity merges \(collect.merges); properties "
        + "removed \(collect.propertiesDropped); collected after the end \(linesAfterEnd)")
    for reason in collect.quarantineReasons.keys.sorted() {
      lines.append("  quarantined \(collect.quarantineReasons[reason] ?? 0): \(reason)")
    }
    for reason in collect.dropReasons.keys.sorted() {
      lines.append("  dropped \(collect.dropReasons[reason] ?? 0): \(reason)")
    }
    for reason in skipReasons.keys.sorted() {
      lines.append("  skipped \(skipReasons[reason] ?? 0): \(reason)")
    }
    for (kind, counts) in destinations {
      lines.append(
        "  \(kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) routed "
          + "\(counts.routed) = delivered \(counts.delivered) + filtered \(counts.filtered) + "
          + "dead-lettered \(counts.deadLettered); retries \(counts.retries)")
    }
    lines.append("")
    var workflowLine = "Workflows  \(workflows.joined(separator: ", ")): \(enrolled) enrolled"
    if !assignments.isEmpty {
      workflowLine +=
        "; "
        + assignments.map { "\($0.arm) \($0.customers)" }
        .joined(separator: ", ")
    }
    lines.append(workflowLine)
    lines.append(
      "Emails     \(emails.line)")
    return lines.joined(separator: "\n") + "\n"
  }
}

import Config
import Engage
import Foundation
import Pipeline

/// The counts of the factual pass that `summary.json` reports, as named counters.
///
/// Every counter is a sum over customers, so the totals of disjoint customer shards add up
/// to the totals of the whole run. `shard.json` carries them from a shard run to the merge.
/// Counter names are dotted paths, such as `collect.emitted` or `workflow.0.exits.goal`.
struct PassTotals: Equatable, Sendable {
  private(set) var counters: [String: Int] = [:]
  /// The funnel's steps, in order; their people are the `funnel.N` counters.
  private(set) var funnelEvents: [String] = []

  init() {}

  init(_ pass: PassResult, workflows: [WorkflowConfig], truthUnmatched: Int) {
    add("events", pass.eventsProcessed)
    add("eventsCutOff", pass.eventsCutOff)
    add("profiles", pass.profiles)
    add("truthUnmatched", truthUnmatched)

    let collect = pass.collect
    for (name, value) in [
      ("emitted", collect.emitted), ("accepted", collect.accepted),
      ("quarantined", collect.quarantined), ("dropped", collect.dropped),
      ("flagged", collect.flagged), ("propertiesDropped", collect.propertiesDropped),
      ("late", collect.late), ("duplicatesOutsideWindow", collect.duplicatesOutsideWindow),
      ("merges", collect.merges),
    ] {
      add("collect.\(name)", value)
    }
    for (group, reasons) in [
      ("quarantineReasons", collect.quarantineReasons), ("dropReasons", collect.dropReasons),
      ("flagReasons", collect.flagReasons), ("propertyDropReasons", collect.propertyDropReasons),
    ] {
      for (reason, count) in reasons { add("collect.\(group).\(reason)", count) }
    }
    for (index, counts) in pass.destinations.enumerated() {
      for (name, value) in [
        ("routed", counts.routed), ("delivered", counts.delivered),
        ("filtered", counts.filtered), ("deadLettered", counts.deadLettered),
        ("retries", counts.retries),
      ] {
        add("destination.\(index).\(name)", value)
      }
    }
    funnelEvents = pass.funnel.map(\.event)
    for (index, step) in pass.funnel.enumerated() { add("funnel.\(index)", step.people) }

    for (position, workflow) in workflows.enumerated() {
      let prefix = "workflow.\(position)"
      let enrollments = pass.enrollments.filter { $0.workflow == position }
      add("\(prefix).enrollments", enrollments.count)
      add("\(prefix).active", enrollments.lazy.filter { $0.finishedAt == nil }.count)
      for enrollment in enrollments where enrollment.finishedAt != nil {
        add("\(prefix).exits.\(enrollment.exitReason ?? WorkflowSummary.completed)", 1)
      }
      if pass.workflowCounts.indices.contains(position) {
        let counts = pass.workflowCounts[position]
        for (reason, count) in counts.entriesRejected {
          add("\(prefix).entriesRejected.\(reason.rawValue)", count)
        }
        add("\(prefix).sendsDelayed", counts.sendsDelayed)
      }
      for skip in pass.skippedSends where skip.workflow == workflow.name {
        add("\(prefix).skipped.\(skip.reason.rawValue)", 1)
      }
      add("\(prefix).sent", pass.emails.lazy.filter { $0.workflow == workflow.name }.count)
    }
    for skip in pass.skippedSends { add("sends.skipped.\(skip.reason.rawValue)", 1) }
    add("sends.sent", pass.emails.count)
    add("sends.delayed", pass.workflowCounts.reduce(0) { $0 + $1.sendsDelayed })

    for email in pass.emails {
      if let arm = email.arm { add("emailsSent.\(arm)", 1) }
    }
    let emails = RunSummary.EmailCounts(emails: pass.emails, skipped: pass.skippedEmails.count)
    for (name, value) in emails.fields { add("emails.\(name)", value) }
  }

  /// Returns the counter `name`; zero when nothing was counted under it.
  subscript(name: String) -> Int { counters[name] ?? 0 }

  /// Returns the counters under `prefix.`, keyed by the rest of their names.
  func group(_ prefix: String) -> [String: Int] {
    let start = prefix + "."
    var found: [String: Int] = [:]
    for (name, value) in counters where name.hasPrefix(start) {
      found[String(name.dropFirst(start.count))] = value
    }
    return found
  }

  private mutating func add(_ name: String, _ value: Int) {
    counters[name, default: 0] += value
  }

  /// Adds another shard's totals to these.
  mutating func add(_ other: PassTotals) throws {
    if counters.isEmpty && funnelEvents.isEmpty {
      funnelEvents = other.funnelEvents
    } else if funnelEvents != other.funnelEvents {
      throw InputError(
        "the shards' funnels list different steps (\(funnelEvents) and \(other.funnelEvents)). "
          + "Fix: merge shards of one scenario run by one loopsim version.")
    }
    for (name, value) in other.counters {
      let (sum, overflow) = self[name].addingReportingOverflow(value)
      guard !overflow else {
        throw InputError(
          "the shards' counter \(name) adds up past the largest integer. Fix: merge the "
            + "folders that `loopsim run --shard i/N` wrote, unchanged.")
      }
      counters[name] = sum
    }
  }

  // MARK: Summary parts

  var collect: CollectCounts {
    var counts = CollectCounts()
    counts.emitted = self["collect.emitted"]
    counts.accepted = self["collect.accepted"]
    counts.quarantined = self["collect.quarantined"]
    counts.dropped = self["collect.dropped"]
    counts.flagged = self["collect.flagged"]
    counts.propertiesDropped = self["collect.propertiesDropped"]
    counts.late = self["collect.late"]
    counts.duplicatesOutsideWindow = self["collect.duplicatesOutsideWindow"]
    counts.merges = self["collect.merges"]
    counts.quarantineReasons = group("collect.quarantineReasons")
    counts.dropReasons = group("collect.dropReasons")
    counts.flagReasons = group("collect.flagReasons")
    counts.propertyDropReasons = group("collect.propertyDropReasons")
    return counts
  }

  func destinations(count: Int) -> [DestinationCounts] {
    (0..<count).map { index in
      var counts = DestinationCounts()
      counts.routed = self["destination.\(index).routed"]
      counts.delivered = self["destination.\(index).delivered"]
      counts.filtered = self["destination.\(index).filtered"]
      counts.deadLettered = self["destination.\(index).deadLettered"]
      counts.retries = self["destination.\(index).retries"]
      return counts
    }
  }

  var funnel: [(event: String, people: Int)] {
    funnelEvents.enumerated().map { index, event in (event, self["funnel.\(index)"]) }
  }

  func workflowSummaries(_ workflows: [WorkflowConfig]) -> [WorkflowSummary] {
    workflows.enumerated().map { position, workflow in
      let prefix = "workflow.\(position)"
      let rejected = group("\(prefix).entriesRejected")
      return WorkflowSummary(
        name: workflow.name, trigger: workflow.trigger.kind,
        enrollments: self["\(prefix).enrollments"], active: self["\(prefix).active"],
        exits: group("\(prefix).exits"),
        entriesRejected: EntryRejection.allCases.map { ($0, rejected[$0.rawValue] ?? 0) },
        sends: SendCounts(
          skipped: group("\(prefix).skipped"), sent: self["\(prefix).sent"],
          delayedByQuietHours: self["\(prefix).sendsDelayed"]))
    }
  }

  var sends: SendCounts {
    SendCounts(
      skipped: group("sends.skipped"), sent: self["sends.sent"],
      delayedByQuietHours: self["sends.delayed"])
  }

  var emails: RunSummary.EmailCounts { RunSummary.EmailCounts(fields: group("emails")) }

  // MARK: shard.json

  /// Writes the totals as a JSON object with the counters in name order.
  func write(to writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("funnelEvents")
    writer.beginArray()
    for event in funnelEvents { writer.string(event) }
    writer.endArray()
    writer.key("counters")
    writer.beginObject()
    for name in counters.keys.sorted() { writer.member(name, counters[name] ?? 0) }
    writer.endObject()
    writer.endObject()
  }

  /// The largest value a counter read from `shard.json` may have: more than any run
  /// counts, and small enough that 65,536 shards add up without overflow.
  static let largestCounter = 1 << 46

  /// Reads totals written by `write(to:)`.
  ///
  /// - Throws: the field at fault and what is wrong with it, when `object` does not have
  ///   the shape of totals or a counter is not an integer from 0 to `largestCounter`.
  init(json object: Any) throws(FieldProblem) {
    guard let object = object as? [String: Any] else {
      throw FieldProblem(field: "totals", problem: "is missing or not an object")
    }
    guard let events = object["funnelEvents"] as? [String] else {
      throw FieldProblem(field: "totals.funnelEvents", problem: "is missing or not strings")
    }
    guard let counters = object["counters"] as? [String: Any] else {
      throw FieldProblem(field: "totals.counters", problem: "is missing or not an object")
    }
    funnelEvents = events
    for (name, value) in counters {
      guard let number = value as? Int, (0...Self.largestCounter).contains(number)
      else {
        throw FieldProblem(
          field: "totals.counters[\"\(name)\"]",
          problem: "is \(value), not an integer from 0 to \(Self.largestCounter)")
      }
      self.counters[name] = number
    }
  }
}

/// A field of a JSON file that is missing or has a bad value, and what is wrong with it.
struct FieldProblem: Error {
  let field: String
  let problem: String
}

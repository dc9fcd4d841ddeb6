import Config
import Engage
import Pipeline
import Simulation
import Warehouse

/// Writes a replay's tables into `results.sqlite` (the messages table fills during the
/// replay), in a fixed order, so two replays of the same file and scenario have identical
/// table contents.
struct ReplayResultsWriter {
  let database: Database
  let clock: ScenarioClock

  func write(
    scenario: Scenario, input: ReplayInput, result: ReplayResult, summary: ReplaySummary
  ) throws {
    try writeMetadata(scenario, input: input)
    try writeQuarantine(result.quarantine)
    let shared = ResultsWriter(database: database, clock: clock)
    try shared.writeMerges(result.merges)
    try shared.writeDeadLetters(result.deadLetters)
    try shared.writeAssignments(result.enrollments, emails: result.emails)
    try EmailTables.write(
      result.emails, skipped: result.skippedEmails, relevanceKnown: false, clock: clock,
      into: database)
    try SkippedSendsWriter(database: database, clock: clock).write(result.skippedSends)
    try writeCounts(summary)
  }

  private func writeMetadata(_ scenario: Scenario, input: ReplayInput) throws {
    var rows: [(String, String)] = [
      ("schemaVersion", "\(ReplaySchema.version)"),
      ("kind", "replay"),
      ("scenario", scenario.name),
      ("scenarioSha256", scenario.sha256),
      ("seed", "\(scenario.run.seed)"),
      ("start", clock.iso8601(.zero)),
      ("prePeriod", "\(scenario.run.prePeriod)"),
      ("experimentStart", clock.iso8601(scenario.run.experimentStart)),
      ("duration", "\(scenario.run.duration)"),
      ("loopsimVersion", LoopSimVersion.current),
      ("resolvedScenario", scenario.resolvedJSON),
      ("replayFile", input.fileName),
      ("replayFileSha256", input.sha256),
    ]
    if let plan = scenario.pipeline.trackingPlan {
      let text = plan.plan.configValue.canonicalText()
      rows += [
        ("trackingPlan", text),
        ("trackingPlanSha256", try SHA256.hash(text).hexString),
      ]
    }
    for (key, value) in rows {
      try database.run(
        "INSERT INTO run_metadata (key, value) VALUES (?, ?)", binding: [key, value])
    }
  }

  private func writeQuarantine(_ rows: [ReplayQuarantineRow]) throws {
    for row in rows {
      let message = row.message
      try database.run(
        """
        INSERT INTO quarantine (line, message_id, type, event, reason, detail, timestamp, message)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        binding: [
          row.line, message?.messageId?.description, message?.type.rawValue, message?.event,
          row.reason, row.detail, message.map { clock.iso8601($0.timestamp) },
          message?.segmentJSON(clock: clock) ?? row.text ?? "",
        ])
    }
  }

  /// Writes the counts of `summary.json` as rows: stage `replay` for the lines, `collect`
  /// for the totals, `file` and `engine` for each origin, `route` per destination.
  private func writeCounts(_ summary: ReplaySummary) throws {
    let insert =
      "INSERT INTO pipeline_counts (stage, destination, counter, value) VALUES (?, ?, ?, ?)"
    func row(_ stage: String, _ destination: String?, _ counter: String, _ value: Int) throws {
      try database.run(insert, binding: [stage, destination, counter, value])
    }

    try row("replay", nil, "lines", summary.lines)
    try row("replay", nil, "emptyLines", summary.emptyLines)
    try row("replay", nil, "skipped", summary.skipped)
    try row("replay", nil, "linesAfterEnd", summary.linesAfterEnd)
    let collect = summary.collect
    for (counter, value) in [
      ("emitted", collect.emitted), ("accepted", collect.accepted),
      ("quarantined", collect.quarantined), ("dropped", collect.dropped),
      ("flagged", collect.flagged), ("propertiesDropped", collect.propertiesDropped),
      ("late", collect.late), ("merges", collect.merges),
    ] {
      try row("collect", nil, counter, value)
    }
    for (stage, counts) in [("file", summary.fromFile), ("engine", summary.fromEngine)] {
      for (counter, value) in [
        ("emitted", counts.emitted), ("accepted", counts.accepted),
        ("quarantined", counts.quarantined), ("dropped", counts.dropped),
        ("flagged", counts.flagged),
      ] {
        try row(stage, nil, counter, value)
      }
    }
    for (kind, counts) in summary.destinations {
      for (counter, value) in [
        ("routed", counts.routed), ("delivered", counts.delivered),
        ("filtered", counts.filtered), ("deadLettered", counts.deadLettered),
        ("retries", counts.retries),
      ] {
        try row("route", kind.rawValue, counter, value)
      }
    }
    for (step, entry) in summary.funnel.enumerated() {
      try database.run(
        "INSERT INTO funnel (step, event, people) VALUES (?, ?, ?)",
        binding: [step + 1, entry.event, entry.people])
    }
  }
}

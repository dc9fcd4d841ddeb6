import Config
import Engage
import Measure
import Pipeline
import Simulation
import Warehouse

/// Writes a run's tables into `results.sqlite` (the messages table fills during the run).
/// Rows go in a fixed order, so two runs of the same scenario and seed have identical
/// table contents.
struct ResultsWriter {
  let database: Database
  let clock: ScenarioClock

  /// Writes the factual pass's records and the ground truth: the rows that a merge of
  /// shards copies from each shard.
  func writeRecords(pass: PassResult, truth: GroundTruthTable) throws {
    try writeQuarantine(pass.quarantine)
    try writeMerges(pass.merges)
    try writeDeadLetters(pass.deadLetters)
    try writeAssignments(pass.enrollments, emails: pass.emails)
    try EmailTables.write(
      pass.emails, skipped: pass.skippedEmails, relevanceKnown: true, clock: clock,
      into: database)
    try SkippedSendsWriter(database: database, clock: clock).write(pass.skippedSends)
    try writeGroundTruth(truth)
  }

  /// Writes what the summary derives from the records: the metadata, the pipeline counts,
  /// the funnel and the metrics.
  func writeDerived(
    scenario: Scenario, summary: RunSummary, metadata extra: [(String, String)] = []
  ) throws {
    try writeMetadata(scenario, summary: summary, extra: extra)
    try writeCounts(summary)
    try writeMetrics(summary)
  }

  private func writeMetadata(
    _ scenario: Scenario, summary: RunSummary, extra: [(String, String)]
  ) throws {
    var rows: [(String, String)] = [
      ("schemaVersion", "\(ResultsSchema.version)"),
      ("scenario", scenario.name),
      ("scenarioSha256", scenario.sha256),
      ("seed", "\(scenario.run.seed)"),
      ("customers", "\(scenario.run.customers)"),
      ("start", clock.iso8601(.zero)),
      ("prePeriod", "\(scenario.run.prePeriod)"),
      ("experimentStart", clock.iso8601(scenario.run.experimentStart)),
      ("duration", "\(scenario.run.duration)"),
      ("loopsimVersion", LoopSimVersion.current),
      ("resolvedScenario", scenario.resolvedJSON),
    ]
    if let shard = summary.shard {
      rows.append(("shard", shard.description))
    }
    if !summary.missingShards.isEmpty {
      rows.append(("missingShards", summary.missingShards.map(String.init).joined(separator: ",")))
    }
    rows += extra
    if let plan = scenario.pipeline.trackingPlan {
      let text = plan.plan.configValue.canonicalText()
      rows += [
        ("trackingPlan", text),
        ("trackingPlanSha256", try SHA256.hash(text).hexString),
      ]
    }
    for (key, value) in rows {
      try database.run("INSERT INTO run_metadata (key, value) VALUES (?, ?)", binding: [key, value])
    }
  }

  private func writeQuarantine(_ quarantine: [(message: Message, reason: String)]) throws {
    for (message, reason) in quarantine {
      try database.run(
        """
        INSERT INTO quarantine (message_id, type, event, reason, timestamp, message)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        binding: [
          message.messageId?.description, message.type.rawValue, message.event, reason,
          clock.iso8601(message.timestamp), message.segmentJSON(clock: clock),
        ])
    }
  }

  func writeMerges(_ merges: [IdentityMerge]) throws {
    for merge in merges {
      try database.run(
        """
        INSERT INTO merges (merged_at, kind, merged_id, user_id, message_id, message_type)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        binding: [
          clock.iso8601(merge.time), merge.kind.rawValue, merge.mergedId, merge.userId,
          merge.messageId?.description, merge.messageType.rawValue,
        ])
    }
  }

  func writeDeadLetters(_ deadLetters: [DeadLetter]) throws {
    for letter in deadLetters {
      try database.run(
        """
        INSERT INTO dead_letters (message_id, destination, attempts, reason, last_attempt_at)
        VALUES (?, ?, ?, ?, ?)
        """,
        binding: [
          letter.messageId?.description, letter.destination.rawValue, letter.attempts,
          letter.reason, clock.iso8601(letter.lastAttempt),
        ])
    }
  }

  func writeAssignments(
    _ enrollments: [Enrollment], emails: [EmailRecord]
  ) throws {
    for enrollment in enrollments {
      try database.run(
        """
        INSERT INTO assignments (user_id, workflow, class_id, entered_at, arm, assigned_at,
                                 exit_reason, finished_at, email_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        binding: [
          enrollment.userId, enrollment.workflowName, enrollment.classId,
          clock.iso8601(enrollment.enteredAt),
          enrollment.arm, enrollment.assignedAt.map(clock.iso8601),
          enrollment.exitReason, enrollment.finishedAt.map(clock.iso8601),
          enrollment.email.map { emails[$0].id },
        ])
    }
  }

  private func writeGroundTruth(_ truth: GroundTruthTable) throws {
    for row in truth.rows {
      try database.run(
        "INSERT INTO ground_truth (customer, user_id, arm, converted) VALUES (?, ?, ?, ?)",
        binding: [Int64(row.customer), row.userId, row.arm, row.converted])
      for arm in truth.arms {
        try database.run(
          "INSERT INTO potential_outcomes (customer, arm, converted, revenue) VALUES (?, ?, ?, ?)",
          binding: [
            Int64(row.customer), arm, row.outcomes[arm] ?? false,
            Double(row.revenues[arm] ?? 0) / 100,
          ])
      }
    }
  }

  private func writeCounts(_ summary: RunSummary) throws {
    let insert = "INSERT INTO pipeline_counts (stage, destination, counter, value) VALUES (?, ?, ?, ?)"
    let collect = summary.collect
    for (counter, value) in [
      ("emitted", collect.emitted), ("accepted", collect.accepted),
      ("quarantined", collect.quarantined), ("dropped", collect.dropped),
      ("flagged", collect.flagged), ("propertiesDropped", collect.propertiesDropped),
      ("late", collect.late), ("duplicatesOutsideWindow", collect.duplicatesOutsideWindow),
      ("merges", collect.merges),
    ] {
      try database.run(insert, binding: ["collect", nil as String?, counter, value])
    }
    for (kind, counts) in summary.destinations {
      for (counter, value) in [
        ("routed", counts.routed), ("delivered", counts.delivered),
        ("filtered", counts.filtered), ("deadLettered", counts.deadLettered),
        ("retries", counts.retries),
      ] {
        try database.run(insert, binding: ["route", kind.rawValue, counter, value])
      }
    }
    for (step, entry) in summary.funnel.enumerated() {
      try database.run(
        "INSERT INTO funnel (step, event, people) VALUES (?, ?, ?)",
        binding: [step + 1, entry.event, entry.people])
    }
  }

  private func writeMetrics(_ summary: RunSummary) throws {
    let insert = "INSERT INTO metrics (name, value, lower, upper, note) VALUES (?, ?, ?, ?, ?)"
    func metric(
      _ name: String, _ value: Double?, _ interval: ConfidenceInterval? = nil,
      note: String? = nil
    ) throws {
      try database.run(
        insert, binding: [name, value, interval?.lower, interval?.upper, note])
    }

    let emptyArm = UndefinedReason.emptyArm.rawValue
    for arm in summary.arms {
      let outcome = arm.outcome
      let note = outcome.customers == 0 ? emptyArm : nil
      try metric("conversionRate.\(outcome.name)", outcome.conversionRate, arm.interval, note: note)
      if summary.metrics.contains(.revenuePerCustomer) {
        try metric("revenuePerCustomer.\(outcome.name)", outcome.revenuePerCustomer, note: note)
      }
    }

    for lift in summary.comparisons {
      let comparison = lift.comparison
      let prefix = "lift.\(lift.treatment.name)"
      try metric(
        "\(prefix).absolute", comparison?.absoluteLift, comparison?.absoluteLiftInterval,
        note: lift.undefinedReason?.rawValue)
      try metric(
        "\(prefix).relative", comparison?.relativeLift.value,
        comparison?.relativeLiftInterval.value,
        note: comparison?.relativeLift.undefinedReason?.rawValue
          ?? comparison?.relativeLiftInterval.undefinedReason.map { "interval: \($0.rawValue)" }
          ?? lift.undefinedReason?.rawValue)
      try metric(
        "\(prefix).pValue", comparison?.zTest.pValue, note: lift.undefinedReason?.rawValue)
      if let truth = lift.truth {
        try metric(
          "\(prefix).trueAbsolute", truth.absoluteLift.value,
          note: truth.absoluteLift.undefinedReason?.rawValue)
        try metric(
          "\(prefix).trueRelative", truth.relativeLift.value,
          note: truth.relativeLift.undefinedReason?.rawValue)
      }
    }
  }
}

/// Writes the `skipped_sends` table, in the order the sends were skipped.
struct SkippedSendsWriter {
  let database: Database
  let clock: ScenarioClock

  func write(_ skippedSends: [SkippedSend]) throws {
    for skip in skippedSends {
      try database.run(
        """
        INSERT INTO skipped_sends (user_id, workflow, step, template, arm, reason, detail,
                                   skipped_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        binding: [
          skip.userId, skip.workflow, skip.step, skip.template, skip.arm, skip.reason.rawValue,
          skip.detail, clock.iso8601(skip.time),
        ])
    }
  }
}

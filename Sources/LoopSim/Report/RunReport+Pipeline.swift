import Foundation

extension RunReport {
  static func emailSection(_ input: ReportInput) -> String? {
    let totals = input.summary["emails"]
    let engagement = input.emailEngagement
    guard totals.isObject || engagement != nil else { return nil }
    var html = ""

    if let engagement, !engagement.arms.isEmpty {
      let stages = ["sent"] + engagement.stages
      let armLabel = { (arm: String) in arm.isEmpty ? "(no arm)" : arm }
      let groups = engagement.arms.map { arm in
        BarGroup(
          label: armLabel(arm.arm),
          values: [1] + arm.counts.map { arm.sent > 0 ? Double($0) / Double(arm.sent) : 0 })
      }
      let chart = SVGChart.bars(
        id: "email", title: "Email engagement per arm, as a share of emails sent",
        series: stages, groups: groups, format: { ReportFormat.percent($0, decimals: 1) })
      html += chart.figure(
        caption: "For each arm, the share of its emails that reached each stage, from the "
          + "emails table. Arms without an email (the holdout) are not shown.")
      let rows = engagement.arms.map { arm in
        [armLabel(arm.arm), ReportFormat.count(arm.sent)]
          + arm.counts.map { count in
            let share = arm.sent > 0 ? Double(count) / Double(arm.sent) : 0
            return "\(ReportFormat.count(count)) (\(ReportFormat.percent(share, decimals: 1)))"
          }
      }
      html += HTML.table(
        headers: ["arm"] + stages, rows: rows,
        numericColumns: Set(1...max(1, stages.count)))
    } else if engagement != nil {
      html += HTML.paragraph("No email was sent in this run.", className: "note")
    }

    let totalRows = totals.members.filter { $0.value.isScalar }.map {
      [$0.key, ReportFormat.scalar($0.value)]
    }
    if !totalRows.isEmpty {
      html += HTML.table(
        headers: ["emails", "count"], rows: totalRows, numericColumns: [1],
        caption: "All emails of the workflow")
    }
    return html
  }

  static func pipelineSection(_ summary: SummaryNode) -> String? {
    let messages = summary["messages"]
    guard messages.isObject else { return nil }
    var html = ""
    let destinations = messages["destinations"].members.filter { $0.value.isObject }

    let collectSegments = ["accepted", "quarantined", "dropped"]
    let destinationSegments = ["delivered", "filtered", "deadLettered"]
    var rows: [BarGroup] = []
    if collectSegments.contains(where: { messages[$0].double != nil }) {
      rows.append(
        BarGroup(
          label: "Collect",
          values: collectSegments.map { messages[$0].double } + [nil, nil]))
    }
    for (name, counts) in destinations {
      let values = destinationSegments.map { counts[$0].double }
      rows.append(BarGroup(label: name, values: [values[0], nil, nil, values[1], values[2]]))
    }
    if rows.contains(where: { $0.values.contains { ($0 ?? 0) > 0 } }) {
      let chart = SVGChart.stackedShares(
        id: "pipeline", title: "Where the messages went",
        segments: ["accepted or delivered", "quarantined", "dropped", "filtered", "dead-lettered"],
        rows: rows)
      html += chart.figure(
        caption: "Collect: the messages emitted, split into accepted, quarantined and "
          + "dropped. Each destination: the messages routed to it, split into delivered, "
          + "filtered and dead-lettered.")
    }

    let collectRows = messages.members.filter { $0.value.isScalar }.map {
      [$0.key, ReportFormat.scalar($0.value)]
    }
    html += HTML.table(
      headers: ["Collect", "messages"], rows: collectRows, numericColumns: [1],
      caption: "Collect")
    html += balanceNote(
      messages, total: "emitted", parts: collectSegments, stage: "Collect")

    for (key, reasons) in messages.members
    where reasons.isObject && key != "destinations" && !reasons.members.isEmpty {
      let reasonRows = reasons.members.map { [$0.key, ReportFormat.scalar($0.value)] }
      html += HTML.table(
        headers: ["reason", "messages"], rows: reasonRows, numericColumns: [1], caption: key)
    }

    if !destinations.isEmpty {
      html += objectTable(
        destinations.map(\.value), names: ("destination", destinations.map(\.key)),
        caption: "Route, per destination")
      for (name, counts) in destinations {
        html += balanceNote(
          counts, total: "routed", parts: destinationSegments, stage: name)
      }
    }
    return html
  }

  /// States whether `total` equals the sum of `parts`, when all are present.
  private static func balanceNote(
    _ counts: SummaryNode, total: String, parts: [String], stage: String
  ) -> String {
    guard let expected = counts[total].int else { return "" }
    let values = parts.compactMap { counts[$0].int }
    guard values.count == parts.count else { return "" }
    let sum = values.reduce(0, +)
    let equation = "\(total) \(ReportFormat.count(expected)) "
      + (sum == expected ? "=" : "≠") + " " + parts.joined(separator: " + ")
      + " \(ReportFormat.count(sum))"
    return sum == expected
      ? HTML.paragraph("\(stage) reconciles: \(equation).", className: "note")
      : HTML.paragraph(
        "\(stage) does not reconcile: \(equation). Messages were lost without a count.",
        className: "warning")
  }
}

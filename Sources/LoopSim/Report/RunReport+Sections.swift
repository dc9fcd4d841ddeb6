import Foundation

/// A formatter of one number for a table cell or a chart label.
typealias NumberFormat = @Sendable (Double) -> String

extension RunReport {
  static let percent: NumberFormat = { ReportFormat.percent($0) }

  /// Formats of the members of `arms`.
  static let armFormats: [String: NumberFormat] = [
    "conversionRate": percent, "ci95": percent,
    "meanHoursToConversion": hours, "medianHoursToConversion": hours,
    "revenue": dollars, "revenuePerCustomer": dollars,
  ]

  /// Formats of the members of a comparison.
  static let comparisonFormats: [String: NumberFormat] = [
    "absolute": ReportFormat.points, "ci95": ReportFormat.points,
    "trueAbsolute": ReportFormat.points,
    "relative": percent, "relativeCi95": percent, "trueRelative": percent,
    "trueConversionRateIfTreated": percent, "trueConversionRateIfHeldOut": percent,
  ]

  /// Formats of a comparison's `revenue` object, in dollars per customer.
  static let revenueFormats: [String: NumberFormat] = [
    "meanDifference": dollars, "ci95": dollars, "bootstrapPercentileCi95": dollars,
    "bootstrapBcaCi95": dollars,
  ]

  /// Formats of a comparison's `cuped` object.
  static let cupedFormats: [String: NumberFormat] = [
    "adjustedDifference": ReportFormat.points, "ci95": ReportFormat.points,
    "varianceReduction": percent,
  ]

  static func hours(_ value: Double) -> String {
    String(format: "%.1f h", value)
  }

  static func dollars(_ value: Double) -> String {
    value < 0 ? String(format: "-$%.2f", -value) : String(format: "$%.2f", value)
  }

  /// A table of objects with one column per scalar or interval member, in the order first
  /// seen, so members that a newer summary adds appear without code for them. A null's
  /// reason (`keyUndefinedReason`) goes in the value's cell, not a column of its own.
  /// The first column contains `names`, and their key, `nameKey`, gets no column of its own. A
  /// table of more than seven members is turned, with one row per member and one column
  /// per object.
  static func objectTable(
    _ objects: [SummaryNode], names: (header: String, values: [String]),
    nameKey: String? = nil, formats: [String: NumberFormat] = [:], caption: String? = nil
  ) -> String {
    var keys: [String] = []
    for object in objects {
      for (key, value) in object.members
      where (value.isScalar || value.interval != nil) && !keys.contains(key)
        && !key.hasSuffix("UndefinedReason") && key != nameKey
      {
        keys.append(key)
      }
    }
    let cells = objects.map { object in keys.map { cell(object, $0, format: formats[$0]) } }

    if keys.count > 7 {
      let rows = keys.indices.map { index in [keys[index]] + cells.map { $0[index] } }
      return HTML.table(
        headers: [names.header] + names.values, rows: rows,
        numericColumns: Set(1...max(1, names.values.count)), caption: caption)
    }
    let numeric = keys.indices.filter { index in
      objects.contains { $0[keys[index]].double != nil || $0[keys[index]].interval != nil }
    }
    return HTML.table(
      headers: [names.header] + keys,
      rows: zip(names.values, cells).map { [$0] + $1 },
      numericColumns: Set(numeric.map { $0 + 1 }), caption: caption)
  }

  /// Returns the text of `object[key]` for a table cell, formatted by `format` when it is a
  /// number or an interval.
  private static func cell(_ object: SummaryNode, _ key: String, format: NumberFormat?) -> String {
    let value = object[key]
    if value.interval != nil {
      return ReportFormat.interval(object, key, format: format ?? ReportFormat.number)
    }
    guard value.double != nil || value.isNull else { return ReportFormat.scalar(value, key: key) }
    if let format {
      return ReportFormat.value(object, key, format: format)
    }
    if value.double != nil { return ReportFormat.scalar(value, key: key) }
    return ReportFormat.value(object, key, format: ReportFormat.number)
  }

  static func overviewSection(_ input: ReportInput) -> String? {
    let summary = input.summary
    var rows = summary.members.filter { $0.value.isScalar }.map { member in
      [member.key, ReportFormat.scalar(member.value, key: member.key)]
    }
    let shown = Set(rows.map { $0[0] })
    for (key, value) in input.metadata where !shown.contains(key) {
      rows.append([key, value])
    }
    var html = HTML.table(headers: ["item", "value"], rows: rows)
    let warnings = summary["warnings"].elements.compactMap(\.string)
    if !warnings.isEmpty {
      html += "<ul class=\"warning\">"
      for warning in warnings { html += "<li>\(HTML.escape(warning))</li>" }
      html += "</ul>\n"
    }
    return html
  }

  static func funnelSection(_ summary: SummaryNode) -> String? {
    let steps = summary["funnel"].elements.compactMap { step -> (String, Double)? in
      guard let event = step["event"].string, let people = step["people"].double else {
        return nil
      }
      return (event, people)
    }
    guard !steps.isEmpty else { return nil }
    let chart = SVGChart.bars(
      id: "funnel", title: "Distinct people per funnel step", series: ["people"],
      groups: steps.map { BarGroup(label: $0.0, values: [$0.1]) }, format: ReportFormat.number)

    var rows: [[String]] = []
    for (index, step) in steps.enumerated() {
      let previous = index > 0 ? steps[index - 1].1 : step.1
      rows.append([
        "\(index + 1)", step.0, ReportFormat.number(step.1),
        previous > 0 ? ReportFormat.percent(step.1 / previous, decimals: 1) : "",
        steps[0].1 > 0 ? ReportFormat.percent(step.1 / steps[0].1, decimals: 1) : "",
      ])
    }
    return chart.figure(
      caption: "People in the analytics store who reached each step, in funnel order.")
      + HTML.table(
        headers: ["step", "event", "people", "of previous step", "of first step"], rows: rows,
        numericColumns: [0, 2, 3, 4])
  }

  static func conversionSection(_ summary: SummaryNode) -> String? {
    let arms = summary["arms"].elements.filter { $0["name"].string != nil }
    guard !arms.isEmpty else { return nil }
    let rows = arms.map { arm in
      IntervalRow(
        label: arm["name"].string ?? "", estimate: arm["conversionRate"].double,
        interval: arm["ci95"].interval, truth: nil)
    }
    var html = ""
    if rows.contains(where: { $0.estimate != nil }) {
      let chart = SVGChart.intervals(
        id: "conversion", title: "Conversion rate per arm with 95% interval", rows: rows,
        showZero: true, format: { ReportFormat.percent($0, decimals: 1) })
      html += chart.figure(
        caption: "Share of each arm's customers who converted, with the Wilson score "
          + "interval, as measured from the warehouse.")
    }
    html += objectTable(
      arms, names: ("arm", arms.map { $0["name"].string ?? "" }), nameKey: "name",
      formats: armFormats)
    let ratio = summary["sampleRatio"]
    if let pValue = ratio["pValue"].double {
      let mismatch = ratio["mismatch"].bool == true
      html += HTML.paragraph(
        "Sample ratio: chi-squared test of the arms' sizes against the designed split, "
          + "p = \(ReportFormat.number(pValue))"
          + (mismatch ? ", a mismatch: the assignment or the tracking lost customers." : "."),
        className: mismatch ? "warning" : "note")
    }
    return html
  }

  /// Returns the comparisons of the summary, or its single `lift` when it lists none.
  static func comparisons(_ summary: SummaryNode) -> [SummaryNode] {
    let listed = summary["comparisons"].elements.filter(\.isObject)
    if !listed.isEmpty { return listed }
    return summary["lift"].isObject ? [summary["lift"]] : []
  }

  static func liftSection(_ summary: SummaryNode) -> String? {
    let comparisons = comparisons(summary)
    guard !comparisons.isEmpty else { return nil }
    let rows = comparisons.map { comparison in
      IntervalRow(
        label: comparison["treatment"].string ?? "", estimate: comparison["absolute"].double,
        interval: comparison["ci95"].interval, truth: comparison["trueAbsolute"].double)
    }
    var html = ""
    if rows.contains(where: { $0.estimate != nil || $0.truth != nil }) {
      let control = comparisons[0]["control"].string ?? "the control"
      let chart = SVGChart.intervals(
        id: "lift", title: "Absolute lift per arm against \(control)", rows: rows,
        showZero: true, format: ReportFormat.points)
      html += chart.figure(
        caption: "Estimated absolute lift over \(control) in percentage points, with the "
          + "Newcombe interval, beside the true lift from the simulator's forced passes.")
    }
    html += objectTable(
      comparisons, names: ("treatment", comparisons.map { $0["treatment"].string ?? "" }),
      nameKey: "treatment", formats: comparisonFormats, caption: "Lift and tests")
    let revenue = comparisons.filter { $0["revenue"].isObject }
    if !revenue.isEmpty {
      html += objectTable(
        revenue.map { $0["revenue"] },
        names: ("treatment", revenue.map { $0["treatment"].string ?? "" }),
        formats: revenueFormats,
        caption: "Revenue per customer: difference and tests")
    }
    let cuped = comparisons.filter { $0["cuped"].isObject }
    if !cuped.isEmpty {
      html += objectTable(
        cuped.map { $0["cuped"] },
        names: ("treatment", cuped.map { $0["treatment"].string ?? "" }),
        formats: cupedFormats, caption: "CUPED-adjusted lift")
    }
    return html
  }

  static func timeToConversionSection(_ input: ReportInput) -> String? {
    guard let arms = input.hoursToConversion else { return nil }
    let converters = arms.reduce(0) { $0 + $1.hours.count }
    guard converters > 0 else {
      return HTML.paragraph("No conversions were counted in this run.", className: "note")
    }
    let series = arms.filter { !$0.hours.isEmpty }.map { arm in
      let count = Double(arm.hours.count)
      return StepSeries(
        name: arm.arm,
        points: arm.hours.enumerated().map { ($1, Double($0 + 1) / count) })
    }
    let chart = SVGChart.steps(
      id: "time-to-conversion", title: "Share of converters converted by hours since assignment",
      series: series, xFormat: { String(format: "%.0f h", $0) },
      yFormat: { ReportFormat.percent($0, decimals: 0) })
    let rows = arms.map { arm -> [String] in
      let hours = arm.hours
      guard !hours.isEmpty else { return [arm.arm, "0", "", "", ""] }
      return [
        arm.arm, ReportFormat.count(Int64(hours.count)),
        Self.hours(hours.reduce(0, +) / Double(hours.count)),
        Self.hours(quantile(hours, 0.5)), Self.hours(quantile(hours, 0.9)),
      ]
    }
    return chart.figure(
      caption: "Cumulative share of each arm's converters by the time from assignment "
        + "(the first Experiment Viewed) to their first counted order, from the "
        + "conversions table.")
      + HTML.table(
        headers: ["arm", "converters", "mean", "median", "90th percentile"], rows: rows,
        numericColumns: [1, 2, 3, 4])
  }

  /// Renders the calibration table of a replicate run: per arm, the mean estimate, the mean true
  /// lift, the bias and the coverage of the intervals.
  static func calibrationSection(_ summary: SummaryNode) -> String? {
    let arms = summary["calibration"].elements.filter { $0["arm"].string != nil }
    guard !arms.isEmpty else { return nil }
    return objectTable(
      arms, names: ("arm", arms.map { $0["arm"].string ?? "" }), nameKey: "arm",
      formats: [
        "meanEstimate": ReportFormat.points, "meanTruth": ReportFormat.points,
        "bias": ReportFormat.points, "coverage": percent, "coverageCi99": percent,
      ])
  }

  /// Returns the quantile of sorted values by linear interpolation between order statistics
  /// (Hyndman and Fan's type 7, the default of R and numpy). The median of an even count
  /// is the mean of the two middle values.
  static func quantile(_ sorted: [Double], _ probability: Double) -> Double {
    let position = probability * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let weight = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
  }
}

import Config
import Foundation

extension SweepResults {
  /// The absolute lift of one treatment at one grid point, over the point's replicates.
  public struct PointLift: Sendable {
    public let point: Int
    /// The point's grid values, one per axis.
    public let values: [ConfigNode]
    public let treatment: String
    /// Replicates with a defined estimate.
    public let replicates: Int
    public let meanEstimate: Double?
    public let meanTruth: Double?
    /// Replicates whose z-test rejects no lift at the two-sided 5 % level.
    public let significant: Int
  }

  /// The absolute lift of each treatment at each point, averaged over the replicates, in
  /// point order and then the order of the comparisons in the summaries.
  public var pointLifts: [PointLift] {
    var order: [String] = []
    var groups: [String: (point: Int, values: [ConfigNode], treatment: String, rows: [Row])] =
      [:]
    for row in rows {
      let name = row.metric.name
      guard name.hasPrefix("comparisons["), name.hasSuffix("].absolute") else { continue }
      let run = plan.runs[row.run]
      let treatment = String(name.dropFirst("comparisons[".count).dropLast("].absolute".count))
      let key = "\(run.point)\u{0}\(treatment)"
      if groups[key] == nil {
        order.append(key)
        groups[key] = (run.point, run.values, treatment, [])
      }
      groups[key]?.rows.append(row)
    }
    let sorted = order.enumerated().sorted { left, right in
      let leftPoint = groups[left.element]?.point ?? 0
      let rightPoint = groups[right.element]?.point ?? 0
      return leftPoint != rightPoint ? leftPoint < rightPoint : left.offset < right.offset
    }
    return sorted.compactMap { _, key in
      guard let group = groups[key] else { return nil }
      let estimates = group.rows.compactMap(\.metric.value)
      let truths = group.rows.compactMap(\.trueValue)
      return PointLift(
        point: group.point, values: group.values, treatment: group.treatment,
        replicates: estimates.count, meanEstimate: Self.mean(estimates),
        meanTruth: Self.mean(truths),
        significant: group.rows.filter { ($0.pValue ?? 1) < 0.05 }.count)
    }
  }

  private static func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// The sweep as plain text: its size, then per point and treatment the mean absolute
  /// lift, the mean true lift and the replicates with p < 0.05.
  public var table: String {
    var lines = [
      "Sweep      \(plan.scenario): \(plan.points) "
        + (plan.points == 1 ? "point" : "points") + " × \(plan.replicates) "
        + (plan.replicates == 1 ? "replicate" : "replicates") + " from seed \(plan.seed), "
        + "\(plan.runs.count - missingRuns.count) of \(plan.runs.count) runs, "
        + "\(rows.count) metric rows"
    ]
    if !missingRuns.isEmpty {
      lines.append("Missing    \(Self.listed(missingRuns))")
    }
    lines.append("")
    var table: [[String]] = [
      ["point"] + plan.axes.map(\.path)
        + ["treatment", "replicates", "mean lift", "mean true lift", "p < 0.05"]
    ]
    func points(_ value: Double?) -> String {
      value.map { String(format: "%+.2f pp", $0 * 100) } ?? "undefined"
    }
    for lift in pointLifts {
      table.append(
        [String(lift.point)] + lift.values.map(SweepValue.csvText)
          + [
            lift.treatment, String(lift.replicates), points(lift.meanEstimate),
            points(lift.meanTruth), "\(lift.significant) of \(lift.replicates)",
          ])
    }
    let widths = (0..<table[0].count).map { column in
      table.map { $0[column].count }.max() ?? 0
    }
    for row in table {
      lines.append(
        zip(row, widths).map { $0.padding(toLength: $1 + 2, withPad: " ", startingAt: 0) }
          .joined().trimmingCharacters(in: .whitespaces))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Renders the sweep's size and per-point lifts as JSON for `--json`, keys in a fixed
  /// order.
  public func json(directory: String) -> String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("directory", directory)
    writer.member("scenario", plan.scenario)
    writer.member("seed", plan.seed)
    writer.member("replicates", plan.replicates)
    writer.member("points", plan.points)
    writer.member("runs", plan.runs.count)
    writer.member("rows", rows.count)

    writer.key("missingRuns")
    writer.beginArray()
    for id in missingRuns { writer.string(id) }
    writer.endArray()

    writer.key("lifts")
    writer.beginArray()
    for lift in pointLifts {
      writer.beginObject()
      writer.member("point", lift.point)
      writer.key("values")
      writer.beginObject()
      for (axis, value) in zip(plan.axes, lift.values) {
        writer.key(axis.path)
        writer.raw((try? SweepValue.compactJSON(value)) ?? "null")
      }
      writer.endObject()
      writer.member("treatment", lift.treatment)
      writer.member("replicates", lift.replicates)
      writer.member("meanAbsolute", lift.meanEstimate)
      if lift.meanEstimate == nil { writer.member("meanAbsoluteUndefinedReason", "noEstimate") }
      writer.member("meanTrueAbsolute", lift.meanTruth)
      if lift.meanTruth == nil { writer.member("meanTrueAbsoluteUndefinedReason", "noTruth") }
      writer.member("significantAt005", lift.significant)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }
}

import Foundation

/// One row of an interval chart: an estimate with its confidence interval, and optionally
/// the true value beside it.
struct IntervalRow {
  let label: String
  let estimate: Double?
  let interval: (lower: Double, upper: Double)?
  let truth: Double?
}

/// One group of a bar chart: a category and one value per series (nil draws no bar).
struct BarGroup {
  let label: String
  let values: [Double?]
}

/// One series of a step chart: points sorted by x.
struct StepSeries {
  let name: String
  let points: [(x: Double, y: Double)]
}

extension SVGChart {
  private static let labelWidth = 180.0
  private static let rightMargin = 80.0

  /// Draws dots with error bars, one row per category, and a diamond at the true value when it is
  /// known. A dashed line marks zero when `showZero` is set.
  static func intervals(
    id: String, title: String, rows: [IntervalRow], showZero: Bool,
    format: (Double) -> String
  ) -> SVGChart {
    let hasTruth = rows.contains { $0.truth != nil }
    let top = 30.0
    let rowHeight = 32.0
    let axisY = top + rowHeight * Double(rows.count)
    var chart = SVGChart(id: id, title: title, height: axisY + 30)

    var values = rows.flatMap { row in
      [row.estimate, row.interval?.lower, row.interval?.upper, row.truth].compactMap { $0 }
    }
    if showZero { values.append(0) }
    let scale = LinearScale(
      covering: values, range: (labelWidth, width - rightMargin))

    chart.legend(
      hasTruth ? ["estimate with 95% interval", "true value"] : ["estimate with 95% interval"],
      colours: [colour(0), colour(5)])
    chart.horizontalAxis(scale, y: axisY, top: top, format: format)
    if showZero, scale.domain.lower < 0 {
      let x = scale(0)
      chart.decorate(
        "<line class=\"zero\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(axisY))\"/>")
    }

    for (index, row) in rows.enumerated() {
      let y = top + rowHeight * (Double(index) + 0.5)
      chart.text(shortened(row.label), x: labelWidth - 10, y: y + 4, anchor: "end")
      if let interval = row.interval {
        let x1 = scale(interval.lower)
        let x2 = scale(interval.upper)
        chart.mark(
          "path",
          "d=\"M\(f(x1)) \(f(y - 6))V\(f(y + 6))M\(f(x1)) \(f(y))H\(f(x2))M\(f(x2)) \(f(y - 6))"
            + "V\(f(y + 6))\" stroke=\"\(colour(0))\" fill=\"none\" stroke-width=\"2\"",
          label: "\(row.label): 95% interval \(format(interval.lower)) to \(format(interval.upper))")
      }
      if let estimate = row.estimate {
        chart.mark(
          "circle", "cx=\"\(f(scale(estimate)))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(colour(0))\"",
          label: "\(row.label): estimate \(format(estimate))")
      }
      if let truth = row.truth {
        let x = scale(truth)
        chart.mark(
          "path",
          "d=\"M\(f(x)) \(f(y - 7))L\(f(x + 6)) \(f(y))L\(f(x)) \(f(y + 7))L\(f(x - 6)) \(f(y))Z\" "
            + "fill=\"\(colour(5))\"",
          label: "\(row.label): true value \(format(truth))")
      }
    }
    return chart
  }

  /// Draws horizontal bars, one group per category and one bar per series in each group.
  /// `colours` gives each series its colour, by default the palette in order.
  static func bars(
    id: String, title: String, series: [String], groups: [BarGroup],
    format: (Double) -> String, colours: [String]? = nil
  ) -> SVGChart {
    let colours = colours ?? series.indices.map(colour)
    let legendHeight = series.count > 1 ? 26.0 : 8.0
    let barHeight = 14.0
    let groupHeight = barHeight * Double(series.count) + 12
    let axisY = legendHeight + groupHeight * Double(groups.count)
    var chart = SVGChart(id: id, title: title, height: axisY + 30)

    let values: [Double] = groups.flatMap { group in group.values.compactMap { $0 } } + [0]
    let scale = LinearScale(covering: values, range: (labelWidth, width - rightMargin))
    if series.count > 1 {
      chart.legend(series, colours: colours)
    }
    chart.horizontalAxis(scale, y: axisY, top: legendHeight, format: format)

    for (groupIndex, group) in groups.enumerated() {
      let groupTop = legendHeight + groupHeight * Double(groupIndex) + 6
      chart.text(
        shortened(group.label), x: labelWidth - 10,
        y: groupTop + barHeight * Double(series.count) / 2 + 4, anchor: "end")
      for (seriesIndex, value) in group.values.enumerated() {
        guard let value else { continue }
        let y = groupTop + barHeight * Double(seriesIndex)
        let x0 = scale(min(0, value))
        let x1 = scale(max(0, value))
        let name = series.count > 1 ? "\(group.label), \(series[seriesIndex])" : group.label
        chart.mark(
          "rect",
          "x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(x1 - x0))\" height=\"\(f(barHeight - 2))\" "
            + "fill=\"\(colours[seriesIndex % colours.count])\"",
          label: "\(name): \(format(value))")
        chart.text(format(value), x: x1 + 4, y: y + barHeight - 4, className: "value")
      }
    }
    return chart
  }

  /// Draws horizontal bars split into segments, each row scaled to its own total, so every row
  /// spans 0 to 100 %.
  static func stackedShares(
    id: String, title: String, segments: [String], rows: [BarGroup]
  ) -> SVGChart {
    let top = 30.0
    let rowHeight = 28.0
    let axisY = top + rowHeight * Double(rows.count)
    var chart = SVGChart(id: id, title: title, height: axisY + 30)
    let scale = LinearScale(covering: [0, 1], range: (labelWidth, width - rightMargin))
    chart.legend(segments, colours: segments.indices.map(colour))
    chart.horizontalAxis(scale, y: axisY, top: top, format: { ReportFormat.percent($0, decimals: 0) })

    for (rowIndex, row) in rows.enumerated() {
      let y = top + rowHeight * Double(rowIndex) + 6
      chart.text(shortened(row.label), x: labelWidth - 10, y: y + 12, anchor: "end")
      let total = row.values.compactMap { $0 }.reduce(0, +)
      guard total > 0 else { continue }
      var start = 0.0
      for (index, value) in row.values.enumerated() {
        guard let value, value > 0 else { continue }
        let share = value / total
        let x0 = scale(start)
        let x1 = scale(start + share)
        chart.mark(
          "rect",
          "x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(x1 - x0))\" height=\"16\" "
            + "fill=\"\(colour(index))\"",
          label: "\(row.label), \(segments[index]): \(ReportFormat.number(value)) "
            + "(\(ReportFormat.percent(share)))")
        start += share
      }
    }
    return chart
  }

  /// Draws step lines, one per series, such as the cumulative share of converters by time.
  static func steps(
    id: String, title: String, series: [StepSeries], xFormat: (Double) -> String,
    yFormat: (Double) -> String
  ) -> SVGChart {
    let top = 30.0
    let plotHeight = 220.0
    let axisY = top + plotHeight
    var chart = SVGChart(id: id, title: title, height: axisY + 30)
    let xs: [Double] = series.flatMap { line in line.points.map { $0.x } } + [0]
    let xScale = LinearScale(covering: xs, range: (70, width - 30))
    let yScale = LinearScale(covering: [0, 1], range: (axisY, top))

    chart.legend(series.map(\.name), colours: series.indices.map(colour))
    chart.horizontalAxis(xScale, y: axisY, top: top, format: xFormat)
    for tick in yScale.ticks() {
      let y = yScale(tick)
      chart.decorate(
        "<line class=\"grid\" x1=\"70\" y1=\"\(f(y))\" x2=\"\(f(width - 30))\" y2=\"\(f(y))\"/>")
      chart.text(yFormat(tick), x: 64, y: y + 4, anchor: "end", className: "tick")
    }

    for (index, line) in series.enumerated() where !line.points.isEmpty {
      var path = "M\(f(xScale(0))) \(f(yScale(0)))"
      var previousY = 0.0
      for point in line.points {
        path += "H\(f(xScale(point.x)))V\(f(yScale(point.y)))"
        previousY = point.y
      }
      path += "H\(f(xScale(xScale.domain.upper)))"
      chart.mark(
        "path",
        "d=\"\(path)\" fill=\"none\" stroke=\"\(colour(index))\" stroke-width=\"2\"",
        label: "\(line.name): \(line.points.count) points, reaching \(yFormat(previousY))")
    }
    return chart
  }
}

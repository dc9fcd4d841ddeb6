import Foundation

/// Number formats of the `loopsim lift` table and messages.
enum LiftFormat {
  /// Formats a p-value with 4 decimals, or with 3 significant digits in scientific notation
  /// below 0.001, so that a small p-value keeps its digits.
  static func pValue(_ value: Double) -> String {
    value < 0.001 ? String(format: "%.2e", value) : String(format: "%.4f", value)
  }

  /// Formats a number with 4 significant digits, in scientific notation outside
  /// 0.0001 ≤ |value| < 10⁹; `signed` writes a + before a positive value.
  static func number(_ value: Double, signed: Bool = false) -> String {
    guard value.isFinite else { return "undefined" }
    let sign = signed && value > 0 ? "+" : ""
    guard value != 0 else { return "0" }
    let magnitude = Int(log10(abs(value)).rounded(.down))
    if magnitude < -4 || magnitude >= 9 {
      return sign + String(format: "%.3e", value)
    }
    let decimals = max(0, 3 - magnitude)
    return sign + String(format: "%.\(decimals)f", value)
  }

  /// Formats a fraction as a percentage with 2 decimals, such as 18.28%.
  static func percent(_ value: Double, signed: Bool = false) -> String {
    String(format: signed ? "%+.2f%%" : "%.2f%%", value * 100)
  }

  /// Formats a difference of rates in percentage points, such as +7.66 pp.
  static func percentPoints(_ value: Double) -> String {
    String(format: "%+.2f pp", value * 100)
  }

  /// Formats an interval with a formatter for its limits, such as "+7.00 pp to +8.32 pp".
  static func interval(_ lower: Double, _ upper: Double, _ format: (Double) -> String) -> String {
    "\(format(lower)) to \(format(upper))"
  }

  /// Lays out rows of cells in left-aligned columns two spaces apart, without trailing spaces.
  static func columns(_ rows: [[String]], indent: String = "") -> [String] {
    let count = rows.map(\.count).max() ?? 0
    let widths = (0..<count).map { column in
      rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    return rows.map { cells in
      let padded = cells.enumerated().map { column, cell in
        cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
      }
      var line = indent + padded.joined()
      while line.last == " " { line.removeLast() }
      return line
    }
  }
}

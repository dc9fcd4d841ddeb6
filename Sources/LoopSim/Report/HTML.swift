import Foundation

/// HTML text building for the report. Every value that comes from a results folder passes
/// through `escape(_:)` before it is placed in the document.
enum HTML {
  /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is safe as element content and as a
  /// quoted attribute value.
  static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.unicodeScalars.append(character)
      }
    }
    return escaped
  }

  /// Renders a `<table>` with a header row. Cells are escaped here, and `numericColumns`
  /// are right-aligned.
  static func table(
    headers: [String], rows: [[String]], numericColumns: Set<Int> = [], caption: String? = nil
  ) -> String {
    var html = "<div class=\"table\"><table>"
    if let caption {
      html += "<caption>\(escape(caption))</caption>"
    }
    html += "<thead><tr>"
    for (index, header) in headers.enumerated() {
      html += numericColumns.contains(index) ? "<th class=\"num\">" : "<th>"
      html += escape(header) + "</th>"
    }
    html += "</tr></thead><tbody>"
    for row in rows {
      html += "<tr>"
      for (index, cell) in row.enumerated() {
        html += numericColumns.contains(index) ? "<td class=\"num\">" : "<td>"
        html += escape(cell) + "</td>"
      }
      html += "</tr>"
    }
    return html + "</tbody></table></div>\n"
  }

  /// Renders a paragraph of escaped text.
  static func paragraph(_ text: String, className: String? = nil) -> String {
    let attribute = className.map { " class=\"\(escape($0))\"" } ?? ""
    return "<p\(attribute)>\(escape(text))</p>\n"
  }
}

/// Number formatting for the report: fixed decimal points whatever the locale.
enum ReportFormat {
  /// Formats an integer with thousands separated by commas: `226,551`.
  static func count(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (offset, digit) in digits.enumerated() {
      if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "," }
      grouped.append(digit)
    }
    return value < 0 ? "-" + grouped : grouped
  }

  /// Formats a fraction as a percentage with two decimals: `0.1117` as `11.17%`.
  static func percent(_ fraction: Double, decimals: Int = 2) -> String {
    String(format: "%.\(decimals)f%%", fraction * 100)
  }

  /// Formats a difference of fractions in percentage points with a sign: `+2.05 pp`.
  static func points(_ difference: Double) -> String {
    String(format: "%+.2f pp", difference * 100)
  }

  /// Formats an integral value with separators, any other with four significant digits.
  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
      return count(Int64(value))
    }
    return String(format: "%.4g", value)
  }

  /// Formats a scalar of the summary for a generic table: numbers as `number(_:)`, strings as
  /// they are, booleans as `yes` or `no`, and an empty cell for a missing value.
  /// Integers are grouped by thousands unless `key` names a seed or a version.
  static func scalar(_ node: SummaryNode, key: String = "") -> String {
    if let integer = node.int {
      let lowered = key.lowercased()
      let isIdentifier = lowered.contains("seed") || lowered.contains("version")
      return isIdentifier ? String(integer) : count(integer)
    }
    if let value = node.double { return number(value) }
    if let text = node.string { return text }
    if let flag = node.bool { return flag ? "yes" : "no" }
    if let interval = node.interval {
      return "\(number(interval.lower)) to \(number(interval.upper))"
    }
    if node.isNull { return "null" }
    return ""
  }

  /// Formats an optional value of `object[key]`: the formatted value, or, for a null
  /// with a reason beside it (`keyUndefinedReason`), `undefined (reason)`.
  static func value(
    _ object: SummaryNode, _ key: String, format: (Double) -> String
  ) -> String {
    if let value = object[key].double { return format(value) }
    if let reason = object[key + "UndefinedReason"].string { return "undefined (\(reason))" }
    return object[key].isNull ? "undefined" : ""
  }

  /// Formats an interval as `lower to upper`, or gives the reason it is undefined.
  static func interval(
    _ object: SummaryNode, _ key: String, format: (Double) -> String
  ) -> String {
    if let interval = object[key].interval {
      return "\(format(interval.lower)) to \(format(interval.upper))"
    }
    if let reason = object[key + "UndefinedReason"].string { return "undefined (\(reason))" }
    return object[key].isNull ? "undefined" : ""
  }
}

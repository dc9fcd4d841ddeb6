import Config
import Foundation
import Simulation
import Warehouse

/// The result of `loopsim check`: a scenario rerun at its baseline's customer count and seed,
/// every headline metric judged against the baseline.
public struct RegressionCheck: Sendable {
  public let scenario: String
  public let baselinePath: String
  public let customers: Int
  public let seed: UInt64
  public let margin: Double
  public let verdicts: [MetricVerdict]
  /// Whether the resolved scenario differs from the one that made the baseline.
  public let scenarioChanged: Bool

  public init(
    scenario: String, baselinePath: String, customers: Int, seed: UInt64, margin: Double,
    verdicts: [MetricVerdict], scenarioChanged: Bool
  ) {
    self.scenario = scenario
    self.baselinePath = baselinePath
    self.customers = customers
    self.seed = seed
    self.margin = margin
    self.verdicts = verdicts
    self.scenarioChanged = scenarioChanged
  }

  public var failures: [MetricVerdict] { verdicts.filter { $0.outcome == .fail } }
  public var passed: Bool { failures.isEmpty }

  // MARK: Table

  /// The verdicts as a plain-text table with a closing line.
  public var table: String { table(changesOnly: false) }

  /// Renders the verdicts as a plain-text table with a closing line.
  ///
  /// - Parameter changesOnly: List only the metrics whose value or interval differs from
  ///   the baseline's, or that fail, for reviewing a baseline update.
  public func table(changesOnly: Bool) -> String {
    var lines = [
      "Check      \(scenario) against \(baselinePath)",
      "           seed \(seed), \(customers) customers; intervals widened by "
        + "\(JSONWriter.render(margin)) of their width per side; counts at z = "
        + String(format: "%.2f", CheckTolerance.countZ),
    ]
    if scenarioChanged {
      lines.append(
        "Note       the resolved scenario differs from the one that made the baseline")
    }
    lines.append("")

    let listed = changesOnly ? verdicts.filter(\.isChange) : verdicts
    let rows =
      listed.isEmpty ? [] : [["metric", "baseline", "now", "tolerance", "verdict"]] + listed.map(cells)
    if listed.isEmpty {
      lines.append("No metric changed.")
    }
    let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      var text = ""
      for (column, cell) in row.enumerated() {
        text += column < 4 ? cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0) : cell
      }
      lines.append(text)
    }
    lines.append("")

    let failed = failures
    let new = verdicts.filter { $0.outcome == .new }.count
    var closing =
      failed.isEmpty
      ? "Result     pass: \(verdicts.count - new) metrics within tolerance"
      : "Result     FAIL: \(failed.count) of \(verdicts.count - new) metrics outside tolerance"
    if new > 0 {
      closing += "; \(new) new, not in the baseline"
    }
    lines.append(closing)
    for verdict in failed {
      lines.append("  \(verdict.name): \(verdict.message)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func cells(_ verdict: MetricVerdict) -> [String] {
    let kind = verdict.baseline?.kind ?? verdict.now?.kind ?? .estimate
    var tolerance = verdict.acceptedRange.map { MetricVerdict.format($0, kind) }
      ?? (verdict.outcome == .pass ? "stays undefined" : "-")
    if verdict.acceptedRange != nil, let dispersion = verdict.baseline?.dispersion {
      tolerance += " (φ \(JSONWriter.render(dispersion)))"
    }
    var outcome = verdict.outcome.rawValue
    if verdict.outcome == .fail {
      outcome = "FAIL"
    }
    return [
      verdict.name, Self.describe(verdict.baseline), Self.describe(verdict.now), tolerance,
      outcome,
    ]
  }

  /// Describes a metric's value for the table: the value and its interval,
  /// `undefined (reason)`, or `missing`.
  static func describe(_ metric: HeadlineMetric?) -> String {
    guard let metric else { return "missing" }
    guard let value = metric.value else {
      return "undefined" + (metric.undefinedReason.map { " (\($0))" } ?? "")
    }
    var text = MetricVerdict.format(value, metric.kind)
    if let interval = metric.interval {
      text += " [\(MetricVerdict.format(interval.lowerBound, .estimate)), "
        + "\(MetricVerdict.format(interval.upperBound, .estimate))]"
    }
    return text
  }

  // MARK: JSON

  /// The verdicts as JSON for `--json`, keys in a fixed order.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("scenario", scenario)
    writer.member("baseline", baselinePath)
    writer.member("customers", customers)
    writer.member("seed", seed)
    writer.member("margin", margin)
    writer.member("countZ", CheckTolerance.countZ)
    writer.member("scenarioChanged", scenarioChanged)
    writer.member("passed", passed)
    writer.key("metrics")
    writer.beginArray()
    for verdict in verdicts {
      writer.beginObject()
      writer.member("name", verdict.name)
      writer.member("kind", (verdict.baseline?.kind ?? verdict.now?.kind)?.rawValue)
      writer.member("verdict", verdict.outcome.rawValue)
      writer.member("baseline", verdict.baseline?.value)
      writer.member("now", verdict.now?.value)
      writer.key("acceptedRange")
      if let range = verdict.acceptedRange {
        writer.beginArray()
        writer.number(range.lowerBound)
        writer.number(range.upperBound)
        writer.endArray()
      } else {
        writer.null()
      }
      writer.member("message", verdict.message)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  // MARK: JUnit XML

  /// The verdicts as JUnit XML: one test suite named after the scenario, one test case per
  /// metric, a `failure` element for each failed metric and `skipped` for a new one. Every
  /// attribute and text is XML-escaped, and characters that XML 1.0 does not allow are
  /// replaced with U+FFFD.
  public var junitXML: String {
    let failed = failures.count
    let skipped = verdicts.filter { $0.outcome == .new }.count
    let suite = "loopsim check \(scenario)"
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"loopsim check\" tests=\"\(verdicts.count)\" "
      + "failures=\"\(failed)\" errors=\"0\" skipped=\"\(skipped)\">\n"
    xml += "  <testsuite name=\"\(XMLText.escape(suite))\" tests=\"\(verdicts.count)\" "
      + "failures=\"\(failed)\" errors=\"0\" skipped=\"\(skipped)\">\n"
    xml += "    <properties>\n"
    for (name, value) in [
      ("baseline", baselinePath), ("seed", "\(seed)"), ("customers", "\(customers)"),
      ("margin", JSONWriter.render(margin)), ("countZ", JSONWriter.render(CheckTolerance.countZ)),
    ] {
      xml += "      <property name=\"\(name)\" value=\"\(XMLText.escape(value))\"/>\n"
    }
    xml += "    </properties>\n"
    for verdict in verdicts {
      let open =
        "    <testcase classname=\"\(XMLText.escape(suite))\" "
        + "name=\"\(XMLText.escape(verdict.name))\""
      let detail =
        "baseline \(Self.describe(verdict.baseline)), now \(Self.describe(verdict.now))"
        + (verdict.acceptedRange.map {
          ", accepted \(MetricVerdict.format($0, verdict.baseline?.kind ?? .estimate))"
        } ?? "")
      switch verdict.outcome {
      case .pass:
        xml += open + "/>\n"
      case .fail:
        xml += open + ">\n"
        xml += "      <failure message=\"\(XMLText.escape(verdict.message))\" "
          + "type=\"regression\">\(XMLText.escape(detail))</failure>\n"
        xml += "    </testcase>\n"
      case .new:
        xml += open + ">\n"
        xml += "      <skipped message=\"\(XMLText.escape(verdict.message))\"/>\n"
        xml += "    </testcase>\n"
      }
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }
}

extension MetricVerdict {
  /// Whether the run's value or interval differs from the baseline's, or the metric fails.
  var isChange: Bool {
    outcome != .pass || baseline?.value != now?.value || baseline?.interval != now?.interval
  }
}

/// Escaping of text for XML 1.0 attributes and element content.
public enum XMLText {
  /// Returns `text` with `&`, `<`, `>`, `"` and `'` as entity references. Tab, line feed
  /// and carriage return become character references, so attribute values keep them. Every
  /// character that XML 1.0 forbids (other control characters, U+FFFE, U+FFFF) becomes
  /// U+FFFD.
  public static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&apos;"
      case "\t": output += "&#9;"
      case "\n": output += "&#10;"
      case "\r": output += "&#13;"
      default:
        let value = scalar.value
        if value < 0x20 || value == 0xFFFE || value == 0xFFFF {
          output += "\u{FFFD}"
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    return output
  }
}

extension LoopRun {
  /// Runs `scenario` with its warehouse in an in-memory database and returns the text of
  /// its `summary.json`, writing no folder. `check` and `compare` use it.
  public static func summaryText(
    _ scenario: Scenario, cancellation: CancellationFlag?,
    progress: (@Sendable (ProgressUpdate) -> Void)?
  ) throws -> String {
    let database = try Database.inMemory()
    try database.execute(ResultsSchema.sql)
    return try compute(
      scenario, database: database, cancellation: cancellation, progress: progress
    ).measuredSummary().json
  }
}

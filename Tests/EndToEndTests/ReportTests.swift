import Foundation
import TestSupport
import Testing
import Warehouse

/// A run of the personalization-strategies scenario, made once and shared by the report
/// tests. Tests that change files work on a copy.
enum ReportFixture {
  static let scenario = TestSupport.repositoryRoot
    .appendingPathComponent("Scenarios/personalization-strategies.json5").path

  private static let run: Result<URL, any Error> = Result {
    let output = try TestSupport.temporaryDirectory("loopsim-report").appendingPathComponent("run")
    let result = try TestSupport.runLoopSim(
      ["run", scenario, "--customers", "4000", "--out", output.path, "--quiet"])
    guard result.status == 0 else {
      throw InputFailure(message: "loopsim run failed: \(result.standardError)")
    }
    return output
  }

  static func folder() throws -> URL {
    try run.get()
  }

  /// Copies the shared run into a new folder and returns the copy.
  static func copy() throws -> URL {
    let copy = try TestSupport.temporaryDirectory("loopsim-report").appendingPathComponent("run")
    try FileManager.default.copyItem(at: try folder(), to: copy)
    return copy
  }

  static func summary(in folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func writeSummary(_ summary: [String: Any], in folder: URL) throws {
    let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    try data.write(to: folder.appendingPathComponent("summary.json"))
  }

  static func report(in folder: URL) throws -> String {
    try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
  }

  struct InputFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }
}

/// Returns the value of the `data-marks` attribute of the chart `id`, or nil without that chart.
func chartMarks(_ html: String, id: String) -> Int? {
  guard let range = html.range(of: "id=\"chart-\(id)\" data-marks=\"") else { return nil }
  let digits = html[range.upperBound...].prefix { $0.isNumber }
  return Int(digits)
}

@Test func reportWrittenByRun() throws {
  let folder = try ReportFixture.folder()
  let html = try ReportFixture.report(in: folder)
  let summary = try ReportFixture.summary(in: folder)
  let arms = try #require(summary["arms"] as? [[String: Any]])

  for section in ["funnel", "conversion", "lift", "time-to-conversion", "email", "pipeline"] {
    #expect(html.contains("<section id=\"\(section)\">"), "section \(section) is missing")
  }
  #expect(!html.contains("<section id=\"attribution\">"), "attribution without its section")
  #expect(chartMarks(html, id: "funnel") == 5)
  // One dot and one error bar per arm.
  #expect(chartMarks(html, id: "conversion") == 2 * arms.count)
  // Per treatment arm: a dot, an error bar and the true lift.
  #expect(chartMarks(html, id: "lift") == 3 * (arms.count - 1))
  #expect((chartMarks(html, id: "time-to-conversion") ?? 0) >= 1)
  #expect((chartMarks(html, id: "email") ?? 0) >= 5)
  #expect((chartMarks(html, id: "pipeline") ?? 0) >= 4)
  for arm in arms {
    let name = try #require(arm["name"] as? String)
    let rate = try #require(arm["conversionRate"] as? Double)
    #expect(html.contains(">\(name)<"))
    #expect(html.contains(String(format: "%.2f%%", rate * 100)), "rate of \(name)")
  }
}

@Test func reportSelfContained() throws {
  let html = try ReportFixture.report(in: try ReportFixture.folder())
  #expect(html.contains("http-equiv=\"Content-Security-Policy\""))
  #expect(html.contains("script-src 'none'"))
  #expect(!html.lowercased().contains("<script"))
  #expect(!html.contains("src="))
  #expect(!html.contains("@import"))
  #expect(!html.contains("url("))
  // The SVG namespace is the only absolute URL.
  let urls = html.components(separatedBy: "http://").count
    + html.components(separatedBy: "https://").count - 2
  let namespaces = html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1
  #expect(urls == namespaces)
}

/// Hours to conversion come from the conversions table; their mean and median per arm
/// must agree with the summary's, which the lift measurement computed separately.
@Test func reportTimeToConversionMatchesSummary() throws {
  let folder = try ReportFixture.folder()
  let html = try ReportFixture.report(in: folder)
  let start = try #require(html.range(of: "<section id=\"time-to-conversion\">"))
  let section = html[start.upperBound...].components(separatedBy: "</section>")[0]
  let summary = try ReportFixture.summary(in: folder)
  for arm in try #require(summary["arms"] as? [[String: Any]]) {
    guard let mean = arm["meanHoursToConversion"] as? Double,
      let median = arm["medianHoursToConversion"] as? Double,
      let name = arm["name"] as? String, let conversions = arm["conversions"] as? Int
    else { continue }
    let row = "<td>\(name)</td><td class=\"num\">\(conversions)</td>"
      + String(format: "<td class=\"num\">%.1f h</td><td class=\"num\">%.1f h</td>", mean, median)
    #expect(section.contains(row), "row of \(name): \(row)")
  }
}

@Test func reportVerbRewritesSameBytes() throws {
  let folder = try ReportFixture.copy()
  let written = try Data(contentsOf: folder.appendingPathComponent("report.html"))
  try FileManager.default.removeItem(at: folder.appendingPathComponent("report.html"))

  let result = try TestSupport.runLoopSim(["report", folder.path])
  #expect(result.status == 0, "\(result.standardError)")
  #expect(result.standardOutput == "Report     \(folder.path)/report.html\n")
  let again = try Data(contentsOf: folder.appendingPathComponent("report.html"))
  #expect(again == written)
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  #expect(files == ["report.html", "results.sqlite", "summary.json"])
}

/// A broken results folder, made from a copy of the shared run.
struct BrokenFolder: CustomTestStringConvertible, Sendable {
  let name: String
  /// The path given to `loopsim report`, relative to the copy.
  let argument: String
  let expected: String
  let damage: @Sendable (URL) throws -> Void

  var testDescription: String { name }

  static let all: [BrokenFolder] = [
    BrokenFolder(name: "missing folder", argument: "nope", expected: "no such folder") { _ in },
    BrokenFolder(name: "a file", argument: "summary.json", expected: "not a folder") { _ in },
    BrokenFolder(name: "no summary.json", argument: "", expected: "summary.json: missing") {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("summary.json"))
    },
    BrokenFolder(name: "truncated summary.json", argument: "", expected: "not valid JSON") {
      let file = $0.appendingPathComponent("summary.json")
      let data = try Data(contentsOf: file)
      try data.prefix(data.count / 2).write(to: file)
    },
    BrokenFolder(name: "summary.json an array", argument: "", expected: "expected a JSON object")
    {
      try Data("[1, 2]\n".utf8).write(to: $0.appendingPathComponent("summary.json"))
    },
    BrokenFolder(name: "no results.sqlite", argument: "", expected: "results.sqlite: missing") {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("results.sqlite"))
    },
    BrokenFolder(
      name: "results.sqlite not SQLite", argument: "", expected: "not an SQLite database"
    ) {
      try Data("not a database, just text\n".utf8).write(
        to: $0.appendingPathComponent("results.sqlite"))
    },
    BrokenFolder(
      name: "another SQLite database", argument: "", expected: "not a LoopSim results database"
    ) {
      let path = $0.appendingPathComponent("results.sqlite")
      try FileManager.default.removeItem(at: path)
      let database = try Database(path: path.path)
      try database.execute("CREATE TABLE notes (text TEXT)")
    },
  ]
}

@Test(arguments: BrokenFolder.all)
func reportRejectsBadFolder(_ broken: BrokenFolder) throws {
  let folder = try ReportFixture.copy()
  try FileManager.default.removeItem(at: folder.appendingPathComponent("report.html"))
  try broken.damage(folder)
  let target = broken.argument.isEmpty
    ? folder.path : folder.appendingPathComponent(broken.argument).path

  let result = try TestSupport.runLoopSim(["report", target])
  #expect(result.status == 2, "\(result.standardError)")
  #expect(result.standardError.contains(broken.expected), "\(result.standardError)")
  #expect(result.standardError.contains("Fix:"), "\(result.standardError)")
  #expect(result.standardOutput.isEmpty)
  let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
  #expect(!files.contains { $0.contains("report") }, "left behind: \(files)")
}

@Test func reportEscapesValues() throws {
  let folder = try ReportFixture.copy()
  var summary = try ReportFixture.summary(in: folder)
  let hostile = "<script>alert('x')</script>&\""
  summary["scenario"] = hostile
  summary["warnings"] = ["<img src=x onerror=alert(1)>"]
  var arms = try #require(summary["arms"] as? [[String: Any]])
  arms[0]["name"] = hostile
  summary["arms"] = arms
  try ReportFixture.writeSummary(summary, in: folder)

  let result = try TestSupport.runLoopSim(["report", folder.path])
  #expect(result.status == 0, "\(result.standardError)")
  let html = try ReportFixture.report(in: folder)
  #expect(!html.contains("<script"))
  #expect(!html.contains("<img"))
  #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
  #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
}

/// A summary with only some keys gives a report without the other sections, not an error.
@Test func reportSkipsMissingSections() throws {
  let folder = try ReportFixture.copy()
  try ReportFixture.writeSummary(["schemaVersion": 2, "scenario": "bare"], in: folder)
  let database = try Database(path: folder.appendingPathComponent("results.sqlite").path)
  try database.execute("DROP TABLE conversions; DROP TABLE emails")

  let result = try TestSupport.runLoopSim(["report", folder.path])
  #expect(result.status == 0, "\(result.standardError)")
  let html = try ReportFixture.report(in: folder)
  #expect(html.contains("<section id=\"overview\">"))
  for section in ["funnel", "conversion", "lift", "time-to-conversion", "email", "pipeline"] {
    #expect(!html.contains("<section id=\"\(section)\">"), "section \(section) without data")
  }
  #expect(!html.contains("<figure"))
}

@Test func reportChartsAttributionWithTruth() throws {
  let folder = try ReportFixture.copy()
  var summary = try ReportFixture.summary(in: folder)
  summary["attribution"] = [
    "channels": ["paid-social", "email"],
    "models": [
      [
        "model": "last", "meanAbsoluteError": 0.1, "spearman": 1,
        "credits": [
          ["channel": "paid-social", "conversionShare": 0.6, "trueShare": 0.7],
          ["channel": "email", "conversionShare": 0.4, "trueShare": 0.3],
        ],
      ],
      [
        "model": "linear", "meanAbsoluteError": 0.05, "spearman": 1,
        "credits": [
          ["channel": "paid-social", "conversionShare": 0.65, "trueShare": 0.7],
          ["channel": "email", "conversionShare": 0.35, "trueShare": 0.3],
        ],
      ],
    ],
  ]
  try ReportFixture.writeSummary(summary, in: folder)

  let result = try TestSupport.runLoopSim(["report", folder.path])
  #expect(result.status == 0, "\(result.standardError)")
  let html = try ReportFixture.report(in: folder)
  #expect(html.contains("<section id=\"attribution\">"))
  // Two channels, each with a bar for both models and the truth.
  #expect(chartMarks(html, id: "attribution") == 6)
  #expect(html.contains("meanAbsoluteError"))
  #expect(html.contains("70.0%"))
}

@Test func reportListsUnknownAttributionLayout() throws {
  let folder = try ReportFixture.copy()
  var summary = try ReportFixture.summary(in: folder)
  summary["attribution"] = ["removalTruth": ["search": 12, "email": 3]]
  try ReportFixture.writeSummary(summary, in: folder)

  let result = try TestSupport.runLoopSim(["report", folder.path])
  #expect(result.status == 0, "\(result.standardError)")
  let html = try ReportFixture.report(in: folder)
  #expect(html.contains("<section id=\"attribution\">"))
  #expect(chartMarks(html, id: "attribution") == nil)
  #expect(html.contains("attribution.removalTruth.search"))
}

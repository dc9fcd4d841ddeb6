import Foundation
import Warehouse

/// `report.html`: a run's results as one self-contained page of tables and inline SVG
/// charts, which a browser shows offline.
///
/// The page loads nothing: it has no script, font, style sheet or image from a file or the
/// network, and its Content-Security-Policy forbids them, so a value that escaping missed
/// still could not run. The same folder gives the same bytes.
public enum RunReport {
  public static let fileName = "report.html"

  /// Reads the results folder at `directory` and writes `report.html` into it, replacing an
  /// earlier one. Returns the report's path.
  ///
  /// The page is written to a temporary file in the folder and renamed over `report.html`,
  /// so a failure leaves the old report or none, never half of one.
  ///
  /// - Throws: `InputError` (exit status 2) for a folder that is not a run's results, and
  ///   `RuntimeFailure` (exit status 3) when the file cannot be written.
  @discardableResult
  public static func write(directory: String) throws -> String {
    var directory = directory
    while directory.count > 1, directory.hasSuffix("/") {
      directory.removeLast()
    }
    let input: ReportInput
    do {
      input = try ReportInput.load(directory: directory)
    } catch let error as SQLiteError where error.code == .corrupt || error.code == .notADatabase {
      throw InputError(
        "\(directory)/results.sqlite: the database is damaged (\(error.message)). Fix: give "
          + "the folder of a finished run, or run the scenario again.")
    }
    let html = render(input)
    let path = directory + "/" + fileName
    let temporary = directory + "/.\(fileName).partial-\(getpid())"
    do {
      try Data(html.utf8).write(to: URL(fileURLWithPath: temporary))
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw RuntimeFailure(
        "cannot write \(path): \(error.localizedDescription). Fix: check that the folder is "
          + "writable and the disk has space.")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw RuntimeFailure("cannot move the report to \(path): \(reason)")
    }
    return path
  }

  /// Renders the page for `input`. A section whose data the folder lacks is left out.
  static func render(_ input: ReportInput) -> String {
    let sections: [(id: String, title: String, html: String?)] = [
      ("overview", "Run", overviewSection(input)),
      ("funnel", "Funnel", funnelSection(input.summary)),
      ("conversion", "Conversion per arm", conversionSection(input.summary)),
      ("lift", "Lift per arm", liftSection(input.summary)),
      ("time-to-conversion", "Time to conversion", timeToConversionSection(input)),
      ("email", "Email engagement", emailSection(input)),
      ("pipeline", "Pipeline reconciliation", pipelineSection(input.summary)),
      ("attribution", "Attribution against the truth", attributionSection(input.summary)),
      ("calibration", "Calibration over replicates", calibrationSection(input.summary)),
    ]
    let present = sections.compactMap { section in
      section.html.map { (section.id, section.title, $0) }
    }
    let name = input.summary["scenario"].string ?? "run"

    var page = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>LoopSim report: \(HTML.escape(name))</title>
      <style>\(styleSheet)</style>
      </head>
      <body>
      <h1>LoopSim report: \(HTML.escape(name))</h1>
      <nav><ul>
      """
    for (id, title, _) in present {
      page += "<li><a href=\"#\(id)\">\(HTML.escape(title))</a></li>"
    }
    page += "</ul></nav>\n"
    for (id, title, html) in present {
      page += "<section id=\"\(id)\">\n<h2>\(HTML.escape(title))</h2>\n\(html)</section>\n"
    }
    page += "</body>\n</html>\n"
    return page
  }

  /// Forbids every load and every script; only the inline style sheet and style attributes
  /// apply.
  static let contentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; base-uri 'none'; "
    + "form-action 'none'"

  private static let styleSheet = """
    body { font-family: sans-serif; color: #222; margin: 2em auto; max-width: 60em; \
    padding: 0 1em; line-height: 1.4; }
    h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
    nav ul { list-style: none; padding: 0; } nav li { display: inline; margin-right: 1em; }
    div.table { overflow-x: auto; }
    table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
    caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
    th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; \
    vertical-align: top; }
    th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; \
    white-space: nowrap; }
    figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
    figcaption { font-size: 0.85em; color: #555; }
    svg text { font-family: sans-serif; font-size: 12px; fill: #222; }
    svg text.tick, svg text.value { font-size: 11px; fill: #555; }
    svg .grid { stroke: #e4e4e4; } svg .axis { stroke: #888; }
    svg .zero { stroke: #444; stroke-dasharray: 4 3; }
    .note { color: #555; } .warning { color: #a33; }
    """
}

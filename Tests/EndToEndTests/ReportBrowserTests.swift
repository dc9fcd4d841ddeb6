import Foundation
import Glibc
import TestSupport
import Testing

/// Checks that report.html renders in a real browser: headless Chromium, from Debian's
/// `chromium` package, which `make deps` installs.
enum Chromium {
  /// The browser: `LOOPSIM_CHROMIUM` when set, else `chromium` on the PATH.
  static var executable: String? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["LOOPSIM_CHROMIUM"] { return path }
    for folder in (environment["PATH"] ?? "").split(separator: ":") {
      let candidate = "\(folder)/chromium"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Runs the browser headless on `page` with `arguments`, stopped after 120 seconds by
  /// coreutils' `timeout`, so a hung browser fails the test rather than stalling the suite.
  static func run(
    _ executable: String, page: URL, profile: URL, arguments: [String]
  ) throws -> (status: Int32, output: String, error: String) {
    var browserArguments = [
      "--headless", "--disable-gpu", "--user-data-dir=\(profile.path)",
      "--enable-logging=stderr", "--log-level=0", "--hide-scrollbars",
    ]
    // Chromium's sandbox refuses to start as root.
    if getuid() == 0 { browserArguments.append("--no-sandbox") }
    let scratch = try TestSupport.temporaryDirectory("loopsim-chromium")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outputURL = scratch.appendingPathComponent("stdout")
    let errorURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let command: [String] = ["timeout", "-k", "10", "120", executable]
    process.arguments = command + browserArguments + arguments + [page.absoluteString]
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    process.waitUntilExit()
    return (
      process.terminationStatus, try String(contentsOf: outputURL, encoding: .utf8),
      try String(contentsOf: errorURL, encoding: .utf8)
    )
  }

  /// A script added to a copy of the report: for each chart, it counts the data marks that
  /// the browser rendered and those with a size, and writes the counts into the page.
  static let checkScript = """
    <script>
    window.addEventListener('error', function (event) {
      document.getElementById('loopsim-errors').textContent += event.message + '\\n';
    });
    (function () {
      var lines = [];
      document.querySelectorAll('figure.chart').forEach(function (figure) {
        var marks = figure.querySelectorAll('.mark');
        var sized = 0;
        marks.forEach(function (mark) {
          var box = mark.getBBox();
          if (box.width > 0 || box.height > 0) { sized += 1; }
        });
        lines.push(figure.id + ' ' + figure.dataset.marks + ' ' + marks.length + ' ' + sized);
      });
      document.getElementById('loopsim-check').textContent = lines.join('\\n');
      console.log('loopsim-check: ' + lines.length + ' charts');
    })();
    </script>
    """
}

/// Returns the text content of the `<pre>` with `id` in a DOM that Chromium dumped.
private func preText(_ dom: String, id: String) -> String? {
  guard let start = dom.range(of: "<pre id=\"\(id)\">") else { return nil }
  return dom[start.upperBound...].components(separatedBy: "</pre>").first
}

@Test(.timeLimit(.minutes(5)))
func reportRendersInChromium() throws {
  guard let chromium = Chromium.executable else {
    let message =
      "chromium was not found on the PATH, so report.html cannot be checked in a browser. "
      + "Fix: run `make deps`, which installs Debian's chromium package, or set "
      + "LOOPSIM_CHROMIUM to a Chromium binary."
    Issue.record(Comment(rawValue: message))
    return
  }
  let html = try ReportFixture.report(in: try ReportFixture.folder())
  let charts = html.components(separatedBy: "<figure class=\"chart\"").count - 1
  #expect(charts == 6)

  // The copy allows inline scripts, so that the check script can run.
  let scratch = try TestSupport.temporaryDirectory("loopsim-browser")
  let page = scratch.appendingPathComponent("page.html")
  let checked = html
    .replacingOccurrences(of: "script-src 'none'", with: "script-src 'unsafe-inline'")
    .replacingOccurrences(
      of: "</body>",
      with: "<pre id=\"loopsim-errors\"></pre><pre id=\"loopsim-check\"></pre>\n"
        + Chromium.checkScript + "\n</body>")
  try checked.write(to: page, atomically: true, encoding: .utf8)
  let profile = scratch.appendingPathComponent("profile")

  let dump = try Chromium.run(chromium, page: page, profile: profile, arguments: ["--dump-dom"])
  #expect(dump.status == 0, "chromium exited with \(dump.status): \(dump.error.suffix(2_000))")
  #expect(dump.error.contains("loopsim-check: \(charts) charts"), "\(dump.error.suffix(2_000))")
  #expect(!dump.error.contains("Uncaught"), "\(dump.error.suffix(2_000))")
  #expect(!dump.error.contains("Refused to"), "\(dump.error.suffix(2_000))")
  #expect(preText(dump.output, id: "loopsim-errors") == "")

  let rows = (preText(dump.output, id: "loopsim-check") ?? "").split(separator: "\n")
  #expect(rows.count == charts, "\(rows)")
  for row in rows {
    let fields = row.split(separator: " ")
    try #require(fields.count == 4, "\(row)")
    let (id, declared, rendered, sized) = (fields[0], Int(fields[1]), Int(fields[2]), Int(fields[3]))
    #expect(declared == rendered, "\(id): data-marks \(fields[1]), rendered \(fields[2])")
    #expect((sized ?? 0) > 0, "\(id) has no mark with a size")
  }

  // The screenshot is of the report as written, scripts forbidden.
  let screenshot = scratch.appendingPathComponent("report.png")
  let shot = try Chromium.run(
    chromium, page: try ReportFixture.folder().appendingPathComponent("report.html"),
    profile: profile,
    arguments: [
      "--screenshot=\(screenshot.path)", "--window-size=1000,7000",
      "--force-device-scale-factor=0.5",
    ])
  #expect(shot.status == 0, "chromium exited with \(shot.status): \(shot.error.suffix(2_000))")
  let attributes = try FileManager.default.attributesOfItem(atPath: screenshot.path)
  let bytes = try #require(attributes[.size] as? Int)
  #expect(bytes > 20_000, "the screenshot has only \(bytes) bytes")

  let pixels = try pngColours(screenshot, counting: ["0072b2", "e69f00"])
  #expect(pixels.width == 500)
  #expect(pixels.height == 3_500)
  #expect(pixels.distinctColours > 16, "only \(pixels.distinctColours) colours")
  #expect(pixels.nonWhiteShare > 0.01)
  #expect(pixels.nonWhiteShare < 0.9)
  // The palette's blue and orange fill the conversion, lift and email charts.
  #expect((pixels.counts["0072b2"] ?? 0) > 1_000)
  #expect((pixels.counts["e69f00"] ?? 0) > 100)
}

/// The size and colours of a PNG file, read by a standard-library Python script.
private struct PNGColours: Decodable {
  let width: Int
  let height: Int
  let distinctColours: Int
  let nonWhiteShare: Double
  let counts: [String: Int]
}

private func pngColours(_ file: URL, counting colours: [String]) throws -> PNGColours {
  let script = TestSupport.repositoryRoot
    .appendingPathComponent("Tests/EndToEndTests/Fixtures/png_colours.py").path
  let output = try TestSupport.temporaryDirectory("loopsim-png").appendingPathComponent("out")
  _ = FileManager.default.createFile(atPath: output.path, contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", script, file.path] + colours
  process.standardOutput = try FileHandle(forWritingTo: output)
  try process.run()
  process.waitUntilExit()
  try #require(process.terminationStatus == 0, "png_colours.py failed")
  return try JSONDecoder().decode(PNGColours.self, from: Data(contentsOf: output))
}

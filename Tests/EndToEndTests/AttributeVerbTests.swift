import Foundation
import TestSupport
import Testing

/// `loopsim attribute` on small files in both formats, and on input it must reject with exit
/// status 2 and a message that names the file, line or option and the fix.
struct AttributeVerbTests {
  /// Writes `text` to a new file named `name` and returns its path.
  static func write(_ text: String, named name: String = "paths.csv") throws -> String {
    let url = try TestSupport.temporaryDirectory("loopsim-attribute").appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Runs `loopsim attribute --json` and returns the parsed report.
  static func report(_ arguments: [String]) throws -> [String: Any] {
    let result = try TestSupport.runLoopSim(["attribute"] + arguments + ["--json"])
    #expect(result.status == 0, "stderr: \(result.standardError)")
    return try LiftJSON.object(result.standardOutput)
  }

  /// Runs `loopsim attribute` and expects exit status 2, nothing on standard output, and one
  /// error message; returns the message.
  static func expectRejected(_ arguments: [String]) throws -> String {
    let result = try TestSupport.runLoopSim(["attribute"] + arguments)
    #expect(result.status == 2, "stderr: \(result.standardError)")
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError.contains("error:"), "\(result.standardError)")
    return result.standardError
  }

  /// Returns a model's credits by channel, for conversions or value.
  static func credits(
    _ report: [String: Any], _ model: String, _ key: String = "conversions"
  ) throws -> [String: Double] {
    let models = try #require(report["models"] as? [[String: Any]])
    let entry = try #require(models.first { $0["model"] as? String == model }, "no \(model)")
    let credits = try #require(entry["credits"] as? [[String: Any]])
    var result: [String: Double] = [:]
    for credit in credits {
      let channel = try #require(credit["channel"] as? String)
      result[channel] = try #require((credit[key] as? NSNumber)?.doubleValue)
    }
    return result
  }

  static func expectCredits(
    _ actual: [String: Double], _ expected: [String: Double],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(Set(actual.keys) == Set(expected.keys), sourceLocation: sourceLocation)
    for (channel, value) in expected {
      let credit = actual[channel] ?? .nan
      #expect(
        abs(credit - value) <= 1e-12 * max(1, abs(value)), "\(channel): \(credit), expected \(value)",
        sourceLocation: sourceLocation)
    }
  }

  /// Events of three users, out of order in the file. u1 converts after email and search,
  /// then gets a display touch without converting. u2's search row is also its conversion,
  /// and u3 never converts.
  static let events = """
    user,timestamp,channel,conversion,value
    u1,2000,search,0,
    u2,500,search,1,20
    u1,1000,email,0,
    u1,4000,display,0,
    u3,100,social,0,
    u1,3000,,1,50

    """

  // MARK: Formats

  @Test func attributeEventFormatBuildsPaths() throws {
    let file = try Self.write(Self.events, named: "events.csv")
    let report = try Self.report([file, "--half-life", "1s"])
    #expect(report["format"] as? String == "events")
    #expect(report["rows"] as? Int == 6)
    #expect(report["paths"] as? Int == 4)
    #expect(report["channels"] as? [String] == ["display", "email", "search", "social"])
    let zero = ["display": 0.0, "social": 0.0]
    Self.expectCredits(
      try Self.credits(report, "first"), zero.merging(["email": 1, "search": 1]) { $1 })
    Self.expectCredits(
      try Self.credits(report, "last"), zero.merging(["email": 0, "search": 2]) { $1 })
    Self.expectCredits(
      try Self.credits(report, "last", "value"), zero.merging(["email": 0, "search": 70]) { $1 })
    // Ages 2 s and 1 s at the conversion with a half-life of 1 s: weights 1/4 and 1/2.
    Self.expectCredits(
      try Self.credits(report, "time-decay"),
      zero.merging(["email": 1.0 / 3, "search": 1 + 2.0 / 3]) { $1 })
  }

  @Test func attributeIsoTimestampsMatchMilliseconds() throws {
    let iso = Self.events
      .replacingOccurrences(of: ",2000,", with: ",2024-05-01T00:00:02Z,")
      .replacingOccurrences(of: ",500,", with: ",2024-05-01T00:00:00.500Z,")
      .replacingOccurrences(of: ",1000,", with: ",2024-05-01T00:00:01Z,")
      .replacingOccurrences(of: ",4000,", with: ",2024-05-01T00:00:04Z,")
      .replacingOccurrences(of: ",100,", with: ",2024-05-01T00:00:00.100Z,")
      .replacingOccurrences(of: ",3000,", with: ",2024-05-01T00:00:03Z,")
    let millisecondsReport = try Self.report([
      try Self.write(Self.events, named: "ms.csv"), "--half-life", "1s",
    ])
    let isoReport = try Self.report([try Self.write(iso, named: "iso.csv"), "--half-life", "1s"])
    for model in ["first", "last", "linear", "time-decay", "markov", "shapley"] {
      #expect(try Self.credits(isoReport, model) == Self.credits(millisecondsReport, model))
    }
  }

  @Test func attributePathFormatSumsRowsAndQuotes() throws {
    let text = """
      path,total_conversions,total_conversion_value,total_null\r
      "email, weekly > search",1,10,2\r
      email, weekly > search,2,5.5,1\r
      search,0.5,1,0\r
      ,3,30,4\r
      """
    // The second row's unquoted comma makes five fields, so it must be rejected; the file
    // is valid once it is quoted.
    let invalid = try Self.expectRejected([try Self.write(text)])
    #expect(invalid.contains(":3: error:"), "\(invalid)")
    let fixed = text.replacingOccurrences(
      of: "\r\nemail, weekly > search,2", with: "\r\n\"email, weekly > search\",2")
    let report = try Self.report([try Self.write(fixed)])
    #expect(report["format"] as? String == "paths")
    #expect(report["rows"] as? Int == 4)
    #expect(report["paths"] as? Int == 3)
    #expect(report["emptyPaths"] as? Int == 1)
    let totals = try #require(report["totals"] as? [String: Any])
    #expect((totals["conversions"] as? NSNumber)?.doubleValue == 3.5)
    #expect((totals["unattributedConversions"] as? NSNumber)?.doubleValue == 3)
    #expect((totals["unattributedValue"] as? NSNumber)?.doubleValue == 30)
    Self.expectCredits(try Self.credits(report, "first"), ["email, weekly": 3, "search": 0.5])
    Self.expectCredits(
      try Self.credits(report, "linear", "value"), ["email, weekly": 7.75, "search": 8.75])
  }

  @Test func attributeTableNamesEverySection() throws {
    let file = try Self.write(Self.events, named: "events.csv")
    let result = try TestSupport.runLoopSim(["attribute", file])
    #expect(result.status == 0, "\(result.standardError)")
    for fragment in [
      "File        ", "(events format, 6 rows, 4 paths)", "Totals      2.00 conversions",
      "Time decay  half-life 7d", "Position    40.00% first", "Markov      order 1",
      "dense LU", "Shapley     v(S) = conversions", "Conversions credited", "Value credited",
      "Markov removal effects", "time-decay", "last-non-direct",
    ] {
      #expect(result.standardOutput.contains(fragment), "missing \(fragment)")
    }
  }

  @Test func attributeListedInHelp() throws {
    let result = try TestSupport.runLoopSim(["--help"])
    #expect(result.standardOutput.contains("attribute"))
    let help = try TestSupport.runLoopSim(["attribute", "--help"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("--keep-repeats"))
  }

  @Test func attributeShapleyOverTwelveChannels() throws {
    let rows = (1...13).map { "c\($0),1,0,1" }.joined(separator: "\n")
    let file = try Self.write("path,total_conversions,total_conversion_value,total_null\n" + rows)
    // By default Shapley is skipped with a note.
    let report = try Self.report([file])
    let skipped = try #require(report["skipped"] as? [[String: Any]])
    #expect(skipped.first?["model"] as? String == "shapley")
    #expect((skipped.first?["reason"] as? String)?.contains("at most 12 channels") == true)
    // Asked for, it is an error.
    let message = try Self.expectRejected([file, "--models", "linear,shapley"])
    #expect(message.contains("at most 12 channels, and the paths have 13"), "\(message)")
  }

  @Test func attributeOptionsChangeModels() throws {
    let file = try Self.write(
      """
      path,total_conversions,total_conversion_value,total_null
      a > b > c > typein,1,0,0

      """)
    let report = try Self.report([
      file, "--position-shares", "0.5,0.3", "--direct", "typein", "--models",
      "position,last-non-direct,markov", "--order", "2", "--keep-repeats",
    ])
    let models = try #require(report["models"] as? [[String: Any]])
    #expect(models.map { $0["model"] as? String } == ["position", "last-non-direct", "markov"])
    Self.expectCredits(
      try Self.credits(report, "position"), ["a": 0.5, "b": 0.1, "c": 0.1, "typein": 0.3])
    Self.expectCredits(
      try Self.credits(report, "last-non-direct"), ["a": 0, "b": 0, "c": 1, "typein": 0])
    let parameters = try #require(models[2]["parameters"] as? [String: Any])
    #expect(parameters["order"] as? Int == 2)
    #expect(parameters["keepRepeats"] as? Bool == true)
  }

  // MARK: Invalid input

  @Test(arguments: [
    ("negative count", "path,total_conversions\na,1\nb,-2\n", ":3:", "not a number of at least 0"),
    ("not a number", "path,total_conversions\na,one\n", ":2:", "\"one\""),
    ("empty channel", "path,total_conversions\na > > b,1\n", ":2:", "empty channel name"),
    ("value without conversions", "path,total_conversions,total_conversion_value\na,0,5\n",
     ":2:", "total_conversions is 0"),
    ("no known header", "channel,count\na,1\n", ":1:", "neither a \"path\" column"),
    ("header only", "path,total_conversions\n", ":2:", "no data rows"),
    ("empty file", "", ":1:", "the file is empty"),
    ("missing conversions", "path,total_null\na,1\n", ":1:", "needs a column \"total_conversions\""),
    ("mixed timestamps", "user,timestamp,channel,conversion\nu,1000,a,0\nu,2024-05-01T00:00:00Z,,1\n",
     ":3:", "earlier rows use integer milliseconds"),
    ("bad timestamp", "user,timestamp,channel,conversion\nu,yesterday,a,0\n", ":2:",
     "neither an integer number of milliseconds nor an ISO 8601 date-time"),
    ("neither touch nor conversion", "user,timestamp,channel,conversion\nu,1,,0\n", ":2:",
     "neither a touch"),
    ("empty user", "user,timestamp,channel,conversion\n,1,a,0\n", ":2:", "the user is empty"),
  ])
  func attributeRejectsInvalidFile(
    _ name: String, _ text: String, _ location: String, _ fragment: String
  ) throws {
    let file = try Self.write(text)
    let message = try Self.expectRejected([file])
    #expect(message.contains(file + location), "\(name): \(message)")
    #expect(message.contains(fragment), "\(name): \(message)")
    #expect(message.contains("Fix:"), "\(name): \(message)")
  }

  @Test(arguments: [
    (["--models", "linear,markof"], "Did you mean 'markov'?"),
    (["--models", "linear,linear"], "given twice"),
    (["--order", "5"], "expected an integer from 1 to 4"),
    (["--half-life", "0s"], "expected a duration above 0"),
    (["--half-life", "7"], "expected a duration above 0"),
    (["--position-shares", "0.7,0.5"], "sum to at most 1"),
    (["--shapley-game", "ratio"], "expected conversions or rate"),
    (["--direct", ""], "expected a channel name"),
  ])
  func attributeRejectsInvalidOption(_ options: [String], _ fragment: String) throws {
    let file = try Self.write("path,total_conversions\na,1\n")
    let message = try Self.expectRejected([file] + options)
    #expect(message.contains(fragment), "\(message)")
  }

  @Test func attributeMissingFile() throws {
    let message = try Self.expectRejected(["/nonexistent/paths.csv"])
    #expect(message.contains("cannot read the file: No such file or directory"), "\(message)")
  }

  @Test func attributeInvalidUTF8NamesLine() throws {
    let url = try TestSupport.temporaryDirectory("loopsim-attribute")
      .appendingPathComponent("latin1.csv")
    try Data("path,total_conversions\na,1\n".utf8 + [0x63, 0xE9, 0x2C, 0x31, 0x0A]).write(to: url)
    let message = try Self.expectRejected([url.path])
    #expect(message.contains(url.path + ":3:"), "\(message)")
  }
}

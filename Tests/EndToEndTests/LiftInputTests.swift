import Foundation
import LoopSim
import TestSupport
import Testing

/// `loopsim lift` on CSV files that stretch the reader, and on input it must reject with
/// exit status 2 and a message that names the file, line or option and the fix.
struct LiftInputTests {
  static let smallFixture = TestSupport.repositoryRoot
    .appendingPathComponent("Tests/EndToEndTests/Fixtures/lift-small.csv").path

  /// The options that analyse every column of the small fixture.
  static let smallOptions = [
    "--arm", "arm", "--control", "control", "--outcome", "converted", "--outcome", "revenue",
    "--covariate", "past_revenue", "--resamples", "200",
  ]

  /// Writes `text` to a new file named `name` and returns its path.
  static func write(_ text: String, named name: String = "export.csv") throws -> String {
    let url = try TestSupport.temporaryDirectory("loopsim-lift").appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Runs `loopsim lift` and expects exit status 2, nothing on standard output, and one
  /// error message; returns the message.
  static func expectRejected(_ arguments: [String]) throws -> String {
    let result = try TestSupport.runLoopSim(["lift"] + arguments)
    #expect(result.status == 2, "stderr: \(result.standardError)")
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError.contains("error:"), "\(result.standardError)")
    return result.standardError
  }

  // MARK: Reading

  @Test func liftLineEndsGiveSameReport() throws {
    let text = try String(contentsOfFile: Self.smallFixture, encoding: .utf8)
    #expect(!text.contains("\r"), "the fixture should have LF line ends")
    let lf = try Self.write(text, named: "lf.csv")
    let crlf = try Self.write(text.replacingOccurrences(of: "\n", with: "\r\n"), named: "crlf.csv")

    let lfResult = try TestSupport.runLoopSim(["lift", lf] + Self.smallOptions + ["--json"])
    let crlfResult = try TestSupport.runLoopSim(["lift", crlf] + Self.smallOptions + ["--json"])
    #expect(lfResult.status == 0, "\(lfResult.standardError)")
    #expect(crlfResult.status == 0, "\(crlfResult.standardError)")
    // Only the file name differs.
    let lfReport = lfResult.standardOutput.replacingOccurrences(of: lf, with: "FILE")
    let crlfReport = crlfResult.standardOutput.replacingOccurrences(of: crlf, with: "FILE")
    #expect(lfReport == crlfReport)
    #expect(lfReport.contains("\"file\": \"FILE\""))
  }

  @Test func liftQuotedFieldsWithCommas() throws {
    let result = try TestSupport.runLoopSim(
      ["lift", Self.smallFixture] + Self.smallOptions + ["--json"])
    #expect(result.status == 0, "\(result.standardError)")
    let report = try LiftJSON.object(result.standardOutput)
    let arms = try #require(report["arms"] as? [[String: Any]])
    #expect(arms.map { $0["arm"] as? String } == ["control", "email long", "email, short"])
    #expect(arms.map { $0["rows"] as? Int } == [6, 6, 6])

    let outcomes = try #require(report["outcomes"] as? [[String: Any]])
    let revenue = try #require(outcomes.first { $0["column"] as? String == "revenue" })
    #expect(revenue["kind"] as? String == "continuous")
    let revenueArms = try #require(revenue["arms"] as? [[String: Any]])
    // "email long" has the quoted value "60.0": (50 + 45 + 0 + 60 + 0 + 30) / 6.
    let mean = try #require(revenueArms[1]["mean"] as? Double)
    #expect(abs(mean - 185.0 / 6) < 1e-12)
  }

  @Test func liftTableNamesEverySection() throws {
    let result = try TestSupport.runLoopSim(["lift", Self.smallFixture] + Self.smallOptions)
    #expect(result.status == 0, "\(result.standardError)")
    let table = result.standardOutput
    for fragment in [
      "Control       control", "Sample ratio  chi-squared", "converted: binary",
      "revenue: continuous", "email long vs control", "Absolute", "Relative",
      "Fisher's exact test: p = ", "Welch's t-test: t = ", "Bootstrap   percentile 95% CI",
      "CUPED       θ = ", "Holm p = ", "Warnings",
    ] {
      #expect(table.contains(fragment), "missing \(fragment) in:\n\(table)")
    }
    #expect(result.standardError.isEmpty)
  }

  @Test func liftSameSeedSameReport() throws {
    let first = try TestSupport.runLoopSim(
      ["lift", Self.smallFixture] + Self.smallOptions + ["--json", "--seed", "7"])
    let second = try TestSupport.runLoopSim(
      ["lift", Self.smallFixture] + Self.smallOptions + ["--json", "--seed", "7"])
    let other = try TestSupport.runLoopSim(
      ["lift", Self.smallFixture] + Self.smallOptions + ["--json", "--seed", "8"])
    #expect(first.status == 0)
    #expect(first.standardOutput == second.standardOutput)
    #expect(first.standardOutput != other.standardOutput)
  }

  @Test func liftSampleRatioMismatchIsFlagged() throws {
    var text = "arm,converted\n"
    text += String(repeating: "a,0\n", count: 500) + String(repeating: "a,1\n", count: 100)
    text += String(repeating: "b,0\n", count: 400) + String(repeating: "b,1\n", count: 80)
    let file = try Self.write(text)
    let base = ["lift", file, "--arm", "arm", "--control", "a", "--outcome", "converted", "--json"]

    let equal = try TestSupport.runLoopSim(base)
    #expect(equal.status == 0, "\(equal.standardError)")
    let equalReport = try LiftJSON.object(equal.standardOutput)
    let equalRatio = try #require(equalReport["sampleRatio"] as? [String: Any])
    #expect(equalRatio["mismatch"] as? Bool == true)
    let warnings = try #require(equalReport["warnings"] as? [[String: Any]])
    #expect(warnings.contains { $0["code"] as? String == "sampleRatioMismatch" })
    #expect(equal.standardError.contains("warning: sample ratio mismatch"))

    let matching = try TestSupport.runLoopSim(
      base + ["--expected-shares", "a=0.555556,b=0.444444"])
    #expect(matching.status == 0, "\(matching.standardError)")
    let matchingRatio = try #require(
      try LiftJSON.object(matching.standardOutput)["sampleRatio"] as? [String: Any])
    #expect(matchingRatio["mismatch"] as? Bool == false)
  }

  // MARK: Rejected files

  @Test func liftMissingFile() throws {
    let path = try TestSupport.temporaryDirectory().appendingPathComponent("nope.csv").path
    let message = try Self.expectRejected([path] + Self.smallOptions)
    #expect(message.contains("\(path): error: cannot read the file"), "\(message)")
    #expect(message.contains("No such file or directory"))
    #expect(message.contains("Fix:"))
  }

  @Test func liftEmptyFile() throws {
    let file = try Self.write("")
    let message = try Self.expectRejected([file] + Self.smallOptions)
    #expect(message.contains("\(file):1: error: the file is empty"), "\(message)")
    #expect(message.contains("Fix: give a header line"))
  }

  @Test func liftHeaderWithoutRows() throws {
    let file = try Self.write("arm,converted\r\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "converted",
    ])
    #expect(
      message.contains("\(file):2: error: the file has a header but no data rows"), "\(message)")
  }

  @Test func liftUnterminatedQuote() throws {
    let file = try Self.write("arm,converted\na,1\n\"b,0\nb,1\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "converted",
    ])
    #expect(message.contains("\(file):3: error: a quoted field is never closed"), "\(message)")
    #expect(message.contains("Fix: add the closing double quote"))
  }

  @Test func liftMissingColumnSuggestsClosest() throws {
    let message = try Self.expectRejected([
      Self.smallFixture, "--arm", "arm", "--control", "control", "--outcome", "revenu",
    ])
    #expect(
      message.contains("\(Self.smallFixture):1: error: --outcome names column \"revenu\""),
      "\(message)")
    #expect(message.contains("did you mean \"revenue\"?"))
  }

  @Test func liftMissingArmColumn() throws {
    let message = try Self.expectRejected([
      Self.smallFixture, "--arm", "segment", "--control", "control", "--outcome", "revenue",
    ])
    #expect(message.contains("--arm names column \"segment\""), "\(message)")
    #expect(message.contains("customer_id, arm, converted, revenue, past_revenue"))
  }

  @Test func liftNonNumericOutcomeNamesLine() throws {
    let file = try Self.write("arm,revenue\na,1.5\nb,2\nb,n/a\na,3\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "revenue",
    ])
    #expect(message.contains("\(file):4: error: column \"revenue\" has \"n/a\""), "\(message)")
    #expect(message.contains("which is not a number"))
    #expect(message.contains("Fix:"))
  }

  @Test func liftNonNumericCovariateNamesLine() throws {
    let file = try Self.write("arm,revenue,past\na,1.5,2\nb,2,\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "revenue", "--covariate", "past",
    ])
    #expect(message.contains("\(file):3: error: column \"past\" has \"\""), "\(message)")
  }

  @Test func liftUnknownControlListsValues() throws {
    let message = try Self.expectRejected([
      Self.smallFixture, "--arm", "arm", "--control", "contrl", "--outcome", "revenue",
    ])
    #expect(
      message.contains(
        "\(Self.smallFixture): error: --control \"contrl\" does not occur in column \"arm\""),
      "\(message)")
    #expect(message.contains("did you mean \"control\"?"))
    #expect(message.contains("\"email, short\" (6 rows)"))
  }

  @Test func liftSingleArm() throws {
    let file = try Self.write("arm,converted\na,1\na,0\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "converted",
    ])
    #expect(message.contains("\(file): error: column \"arm\" has one value, \"a\""), "\(message)")
    #expect(message.contains("no treatment arm"))
    #expect(message.contains("Fix:"))
  }

  @Test func liftEmptyArmNamesLine() throws {
    let file = try Self.write("arm,converted\na,1\n,0\nb,1\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "converted",
    ])
    #expect(message.contains("\(file):3: error: column \"arm\" is empty"), "\(message)")
  }

  @Test func liftTooManyArms() throws {
    let rows = (0...CSVLift.maximumArmCount).map { "\($0),1\n" }.joined()
    let file = try Self.write("arm,converted\n" + rows)
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "0", "--outcome", "converted",
    ])
    #expect(message.contains("more than \(CSVLift.maximumArmCount) distinct values"), "\(message)")
  }

  @Test func liftInvalidUTF8NamesLine() throws {
    let url = try TestSupport.temporaryDirectory("loopsim-lift").appendingPathComponent(
      "latin1.csv")
    try Data("arm,converted\na,1\n".utf8 + [0x62, 0xE9, 0x2C, 0x30, 0x0A]).write(to: url)
    let message = try Self.expectRejected([
      url.path, "--arm", "arm", "--control", "a", "--outcome", "converted",
    ])
    #expect(
      message.contains("\(url.path):3: error: the file is not valid UTF-8 text"), "\(message)")
  }

  @Test func liftHugeValuesAreRejected() throws {
    let file = try Self.write("arm,revenue\na,1e307\na,-1e307\nb,1e307\nb,1e300\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "revenue",
    ])
    #expect(message.contains("the values of column \"revenue\" are too large"), "\(message)")
  }

  // MARK: Rejected options

  @Test(arguments: [
    ([], "missing FILE"),
    (["x.csv", "--control", "a", "--outcome", "y"], "missing option '--arm COLUMN'"),
    (["x.csv", "--arm", "a", "--outcome", "y"], "missing option '--control VALUE'"),
    (["x.csv", "--arm", "a", "--control", "b"], "missing option '--outcome COLUMN'"),
    (
      ["x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--outcome", "y"],
      "--outcome 'y' is given twice"
    ),
    (
      ["x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--seed", "-1"],
      "invalid value '-1' for '--seed'"
    ),
    (
      ["x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--resamples", "0"],
      "invalid value '0' for '--resamples'"
    ),
    (
      ["x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--expected-shares", "a0.5"],
      "invalid item 'a0.5' in '--expected-shares'"
    ),
    (
      ["x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--expected-shares", "a=half"],
      "invalid share 'half' for arm 'a'"
    ),
    (
      [
        "x.csv", "--arm", "a", "--control", "b", "--outcome", "y", "--expected-shares", "a=.5,a=.5",
      ],
      "arm 'a' is given twice"
    ),
    (["x.csv", "--arm", "a", "--control", "b", "--outcom", "y"], "Did you mean '--outcome'?"),
  ])
  func liftUsageErrors(arguments: [String], fragment: String) throws {
    let message = try Self.expectRejected(arguments)
    #expect(message.contains(fragment), "\(message)")
    #expect(message.contains("See 'loopsim lift --help'."))
  }

  @Test(arguments: [
    ("control=0.5,email long=0.5", "--expected-shares gives no share for arm \"email, short\""),
    (
      "control=0.3,email long=0.3,email short=0.4",
      "--expected-shares names arm \"email short\", which does not occur"
    ),
    ("control=0.3,email long=0.3,email, short=0.3", "invalid item 'email' in '--expected-shares'"),
  ])
  func liftExpectedSharesMustMatchArms(shares: String, fragment: String) throws {
    let message = try Self.expectRejected([
      Self.smallFixture, "--arm", "arm", "--control", "control", "--outcome", "revenue",
      "--expected-shares", shares,
    ])
    #expect(message.contains(fragment), "\(message)")
  }

  @Test func liftExpectedSharesMustSumToOne() throws {
    let file = try Self.write("arm,converted\na,1\nb,0\n")
    let message = try Self.expectRejected([
      file, "--arm", "arm", "--control", "a", "--outcome", "converted", "--expected-shares",
      "a=0.5,b=0.4",
    ])
    #expect(message.contains("--expected-shares sum to 0.9"), "\(message)")
    #expect(message.contains("such as a=0.5,b=0.5"))
  }

  @Test func liftHelpDescribesOptions() throws {
    let result = try TestSupport.runLoopSim(["lift", "--help"])
    #expect(result.status == 0)
    for fragment in ["USAGE: loopsim lift FILE", "--expected-shares", "--covariate", "Holm"] {
      #expect(result.standardOutput.contains(fragment), "missing \(fragment)")
    }
  }
}

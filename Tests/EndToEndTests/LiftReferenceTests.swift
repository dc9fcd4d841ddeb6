import Foundation
import TestSupport
import Testing

/// `loopsim lift` on the public Hillstrom e-mail campaign data, against the values that
/// Fixtures/make_hillstrom_reference.py computed with statsmodels 0.15.0, scipy 1.17.1 and
/// numpy 2.4.6.
///
/// Every deterministic value must agree to a relative 1e-9. The bootstrap limits are random
/// in both implementations, so each must lie within the tolerance the script wrote beside
/// it: 4 √2 times the Monte Carlo standard error of scipy's limit.
struct LiftReferenceTests {
  static let relativeTolerance = 1e-9

  static let hillstrom = TestSupport.repositoryRoot
    .appendingPathComponent("../shared/data/hillstrom.csv").standardizedFileURL.path

  static let reference = TestSupport.repositoryRoot
    .appendingPathComponent("Tests/EndToEndTests/Fixtures/hillstrom_reference.json").path

  /// The report's JSON text, from one run of the binary shared by every test here.
  static let reportText: Result<String, any Error> = Result {
    let result = try TestSupport.runLoopSim([
      "lift", hillstrom, "--arm", "segment", "--control", "No E-Mail", "--outcome", "visit",
      "--outcome", "conversion", "--outcome", "spend", "--covariate", "history", "--json",
    ])
    guard result.status == 0 else {
      throw LiftTestFailure("loopsim lift exited with \(result.status): \(result.standardError)")
    }
    return result.standardOutput
  }

  /// The report and the reference, both parsed.
  var documents: (report: [String: Any], reference: [String: Any]) {
    get throws {
      let report = try LiftJSON.object(Self.reportText.get())
      let reference = try LiftJSON.object(String(contentsOfFile: Self.reference, encoding: .utf8))
      return (report, reference)
    }
  }

  /// Counts the values compared, so that a test cannot pass by comparing nothing.
  final class Comparisons {
    var count = 0
  }

  func expectClose(
    _ actual: Any?, _ expected: Any?, _ label: String, _ comparisons: Comparisons,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    if let expectedPair = expected as? [Any] {
      guard let actualPair = actual as? [Any], actualPair.count == expectedPair.count else {
        Issue.record(
          "\(label): \(String(describing: actual)), expected \(expectedPair)",
          sourceLocation: sourceLocation)
        return
      }
      for (index, (actualLimit, expectedLimit)) in zip(actualPair, expectedPair).enumerated() {
        expectClose(
          actualLimit, expectedLimit, "\(label)[\(index)]", comparisons,
          sourceLocation: sourceLocation)
      }
      return
    }
    guard let actual = (actual as? NSNumber)?.doubleValue,
      let expected = (expected as? NSNumber)?.doubleValue
    else {
      Issue.record(
        "\(label): \(String(describing: actual)), expected \(String(describing: expected))",
        sourceLocation: sourceLocation)
      return
    }
    comparisons.count += 1
    let scale = max(abs(actual), abs(expected))
    #expect(
      abs(actual - expected) <= Self.relativeTolerance * scale,
      "\(label): \(actual), expected \(expected)", sourceLocation: sourceLocation)
  }

  /// Returns the report's outcome object for `column`.
  func outcome(_ column: String, in report: [String: Any]) throws -> [String: Any] {
    let outcomes = try #require(report["outcomes"] as? [[String: Any]])
    return try #require(outcomes.first { $0["column"] as? String == column }, "no \(column)")
  }

  /// Returns the object in `list` whose `key` is `value`.
  func entry(_ list: Any?, _ key: String, _ value: String) throws -> [String: Any] {
    let objects = try #require(list as? [[String: Any]])
    return try #require(objects.first { $0[key] as? String == value }, "no \(key) \(value)")
  }

  @Test func liftHillstromArmsAndSampleRatio() throws {
    let (report, reference) = try documents
    let comparisons = Comparisons()
    #expect(report["rows"] as? Int == reference["rows"] as? Int)
    #expect(report["control"] as? String == "No E-Mail")
    let arms = try #require(report["arms"] as? [[String: Any]])
    #expect(arms.map { $0["arm"] as? String } == ["Mens E-Mail", "No E-Mail", "Womens E-Mail"])
    for expected in try #require(reference["arms"] as? [[String: Any]]) {
      let arm = try entry(arms, "arm", try #require(expected["arm"] as? String))
      #expect(arm["rows"] as? Int == expected["rows"] as? Int)
    }

    let ratio = try #require(report["sampleRatio"] as? [String: Any])
    let expectedRatio = try #require(reference["sampleRatio"] as? [String: Any])
    for key in ["statistic", "degreesOfFreedom", "pValue"] {
      expectClose(ratio[key], expectedRatio[key], "sampleRatio.\(key)", comparisons)
    }
    #expect(ratio["mismatch"] as? Bool == false)
    #expect(comparisons.count == 3)
  }

  @Test(arguments: ["visit", "conversion"])
  func liftHillstromBinary(column: String) throws {
    let (report, reference) = try documents
    let comparisons = Comparisons()
    let lift = try outcome(column, in: report)
    let expected = try #require((reference["binary"] as? [String: Any])?[column] as? [String: Any])
    #expect(lift["kind"] as? String == "binary")

    for expectedArm in try #require(expected["arms"] as? [[String: Any]]) {
      let name = try #require(expectedArm["arm"] as? String)
      let arm = try entry(lift["arms"], "arm", name)
      #expect(arm["rows"] as? Int == expectedArm["rows"] as? Int)
      #expect(arm["successes"] as? Int == expectedArm["successes"] as? Int)
      for key in ["rate", "rateCi95"] {
        expectClose(arm[key], expectedArm[key], "\(column) \(name) \(key)", comparisons)
      }
    }
    for expectedComparison in try #require(expected["comparisons"] as? [[String: Any]]) {
      let name = try #require(expectedComparison["treatment"] as? String)
      let comparison = try entry(lift["comparisons"], "treatment", name)
      #expect(comparison["test"] as? String == "pooled two-proportion z-test")
      for key in [
        "absoluteLift", "absoluteLiftCi95", "relativeLift", "relativeLiftCi95", "zStatistic",
        "pValue", "pValueHolm",
      ] {
        expectClose(
          comparison[key], expectedComparison[key], "\(column) \(name) \(key)", comparisons)
      }
    }
    // 3 arms × 3 numbers, 2 comparisons × 9 numbers.
    #expect(comparisons.count == 27)
  }

  @Test func liftHillstromContinuous() throws {
    let (report, reference) = try documents
    let comparisons = Comparisons()
    let lift = try outcome("spend", in: report)
    let expected = try #require(
      (reference["continuous"] as? [String: Any])?["spend"] as? [String: Any])
    #expect(lift["kind"] as? String == "continuous")

    for expectedArm in try #require(expected["arms"] as? [[String: Any]]) {
      let name = try #require(expectedArm["arm"] as? String)
      let arm = try entry(lift["arms"], "arm", name)
      #expect(arm["rows"] as? Int == expectedArm["rows"] as? Int)
      for key in ["mean", "standardDeviation"] {
        expectClose(arm[key], expectedArm[key], "spend \(name) \(key)", comparisons)
      }
    }
    for expectedComparison in try #require(expected["comparisons"] as? [[String: Any]]) {
      let name = try #require(expectedComparison["treatment"] as? String)
      let comparison = try entry(lift["comparisons"], "treatment", name)
      for key in [
        "meanDifference", "tStatistic", "degreesOfFreedom", "pValue", "ci95", "pValueHolm",
      ] {
        expectClose(comparison[key], expectedComparison[key], "spend \(name) \(key)", comparisons)
      }
    }
    // 3 arms × 2 numbers, 2 comparisons × 7 numbers.
    #expect(comparisons.count == 20)
  }

  @Test(arguments: ["visit", "conversion", "spend"])
  func liftHillstromCUPED(column: String) throws {
    let (report, reference) = try documents
    let comparisons = Comparisons()
    let lift = try outcome(column, in: report)
    let expected = try #require((reference["cuped"] as? [String: Any])?[column] as? [[String: Any]])

    for expectedComparison in expected {
      let name = try #require(expectedComparison["treatment"] as? String)
      let comparison = try entry(lift["comparisons"], "treatment", name)
      let cuped = try #require(comparison["cuped"] as? [String: Any])
      #expect(cuped["covariate"] as? String == "history")
      for key in [
        "theta", "adjustedTreatmentMean", "adjustedControlMean", "adjustedDifference",
        "tStatistic", "degreesOfFreedom", "pValue", "ci95", "varianceReduction", "pValueHolm",
      ] {
        expectClose(cuped[key], expectedComparison[key], "\(column) \(name) \(key)", comparisons)
      }
    }
    // 2 comparisons × 11 numbers.
    #expect(comparisons.count == 22)
  }

  @Test func liftHillstromBootstrap() throws {
    let (report, reference) = try documents
    let lift = try outcome("spend", in: report)
    let expected = try #require(
      (reference["bootstrap"] as? [String: Any])?["spend"] as? [[String: Any]])
    #expect((report["bootstrap"] as? [String: Any])?["resamples"] as? Int == 2000)
    var checked = 0

    for expectedComparison in expected {
      let name = try #require(expectedComparison["treatment"] as? String)
      let comparison = try entry(lift["comparisons"], "treatment", name)
      for (key, referenceKey) in [
        ("bootstrapPercentileCi95", "percentile"), ("bootstrapBcaCi95", "bca"),
      ] {
        let actual = try #require(comparison[key] as? [Double], "\(name) \(key)")
        let limits = try #require(expectedComparison[referenceKey + "Ci95"] as? [Double])
        let tolerances = try #require(expectedComparison[referenceKey + "Tolerance"] as? [Double])
        #expect(actual.count == 2)
        for index in 0..<min(2, actual.count) {
          #expect(
            abs(actual[index] - limits[index]) <= tolerances[index],
            "\(name) \(key)[\(index)]: \(actual[index]), scipy \(limits[index]) ± \(tolerances[index])"
          )
          checked += 1
        }
      }
    }
    #expect(checked == 8)
  }
}

/// A failure of a test's setup, with its message.
struct LiftTestFailure: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) {
    self.description = description
  }
}

/// JSON parsing for the lift tests.
enum LiftJSON {
  /// Parses a JSON object.
  static func object(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    guard let object = value as? [String: Any] else {
      throw LiftTestFailure("not a JSON object: \(text.prefix(200))")
    }
    return object
  }
}

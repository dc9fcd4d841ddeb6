import Foundation
import TestSupport
import Testing

/// `loopsim attribute` on ChannelAttribution's example path data, against the values that
/// Fixtures/make_pathdata_reference.py computed with ChannelAttribution 2.2.5 and numpy.
///
/// The first, last and linear credits and the exact Markov chain (orders 1 to 3) must agree
/// to a relative 1e-9. ChannelAttribution's Markov model simulates random walks, so its run
/// with seed 0 must lie within 5 standard deviations of LoopSim's exact values. The mean of
/// 20 independent runs must lie within 5 standard errors. Both tolerances add a floor of 5
/// over the number of converting walks per fold, for the rarest channels.
struct AttributeReferenceTests {
  static let relativeTolerance = 1e-9

  static let pathData = TestSupport.repositoryRoot
    .appendingPathComponent("../shared/data/channelattribution_pathdata.csv").standardizedFileURL
    .path

  static let referencePath = TestSupport.repositoryRoot
    .appendingPathComponent("Tests/EndToEndTests/Fixtures/pathdata_reference.json").path

  /// The report text of `loopsim attribute --json` at each Markov order, from one run each.
  static let reportTexts: Result<[Int: String], any Error> = Result {
    var reports: [Int: String] = [:]
    for order in [1, 2, 3] {
      let result = try TestSupport.runLoopSim([
        "attribute", pathData, "--json", "--order", "\(order)", "--models",
        "first,last,linear,markov",
      ])
      guard result.status == 0 else {
        throw LiftTestFailure("loopsim attribute exited with \(result.status): \(result.standardError)")
      }
      reports[order] = result.standardOutput
    }
    return reports
  }

  /// The reference, parsed.
  static var reference: [String: Any] {
    get throws { try LiftJSON.object(String(contentsOfFile: referencePath, encoding: .utf8)) }
  }

  /// Returns the report at a Markov order, parsed.
  static func report(order: Int) throws -> [String: Any] {
    try LiftJSON.object(try #require(try reportTexts.get()[order]))
  }

  /// Returns the model's credits as arrays in the order of the report's channels.
  func credits(_ report: [String: Any], model: String, key: String) throws -> [Double] {
    let models = try #require(report["models"] as? [[String: Any]])
    let entry = try #require(models.first { $0["model"] as? String == model }, "no \(model)")
    let credits = try #require(entry["credits"] as? [[String: Any]])
    return try credits.map { try number($0[key], "\(model) \(key)") }
  }

  /// Returns a JSON number as a double, whether it was written as an integer or not.
  func number(_ value: Any?, _ label: String) throws -> Double {
    try #require((value as? NSNumber)?.doubleValue, "\(label): \(String(describing: value))")
  }

  func numbers(_ value: Any?) throws -> [Double] {
    let array = try #require(value as? [Any])
    return try array.map { try number($0, "array element") }
  }

  func expectClose(
    _ actual: [Double], _ expected: [Double], _ label: String, absolute: Double = 0,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(label)", sourceLocation: sourceLocation)
    for (index, (value, reference)) in zip(actual, expected).enumerated() {
      let scale = max(abs(value), abs(reference))
      #expect(
        abs(value - reference) <= max(Self.relativeTolerance * scale, absolute),
        "\(label)[\(index)]: \(value), expected \(reference)", sourceLocation: sourceLocation)
    }
  }

  @Test func attributePathDataTotals() throws {
    let reference = try Self.reference
    let report = try Self.report(order: 1)
    #expect(report["channels"] as? [String] == reference["channels"] as? [String])
    #expect(report["rows"] as? Int == 10_000)
    #expect(report["paths"] as? Int == 5_408)
    let totals = try #require(report["totals"] as? [String: Any])
    let expected = try #require(reference["totals"] as? [String: Any])
    for key in ["conversions", "value", "nulls"] {
      expectClose([try number(totals[key], key)], [try number(expected[key], key)], key)
    }
  }

  @Test(arguments: ["first", "last", "linear"])
  func attributeHeuristicsMatchChannelAttribution(model: String) throws {
    let reference = try Self.reference
    let report = try Self.report(order: 1)
    let heuristic = try #require((reference["heuristic"] as? [String: Any])?[model] as? [String: Any])
    expectClose(
      try credits(report, model: model, key: "conversions"), try numbers(heuristic["conversions"]),
      "\(model) conversions")
    expectClose(
      try credits(report, model: model, key: "value"), try numbers(heuristic["value"]),
      "\(model) value")
  }

  @Test(arguments: [1, 2, 3])
  func attributeMarkovMatchesExactSolve(order: Int) throws {
    let reference = try Self.reference
    let report = try Self.report(order: order)
    let exact = try #require(
      (reference["exactMarkov"] as? [String: Any])?["\(order)"] as? [String: Any])
    let total = try number((reference["totals"] as? [String: Any])?["conversions"], "total")
    for (key, absolute) in [
      ("removalEffect", 1e-12), ("valueRemovalEffect", 1e-12), ("conversions", 1e-12 * total),
      ("value", 1e-12 * total),
    ] {
      let referenceKey =
        switch key {
        case "removalEffect": "removalEffects"
        case "valueRemovalEffect": "valueRemovalEffects"
        default: key
        }
      expectClose(
        try credits(report, model: "markov", key: key), try numbers(exact[referenceKey]),
        "order \(order) \(key)", absolute: absolute)
    }
    let models = try #require(report["models"] as? [[String: Any]])
    let markov = try #require(models.first { $0["model"] as? String == "markov" })
    let detail = try #require(markov["markov"] as? [String: Any])
    #expect(detail["states"] as? Int == exact["states"] as? Int)
    #expect(detail["solver"] as? String == (order <= 2 ? "denseLU" : "sparseGMRES"))
    let residual = try number(detail["maximumRelativeResidual"], "residual")
    #expect(residual <= 1e-12)
    expectClose(
      [try number(detail["conversionProbability"], "P")],
      [try number(exact["conversionProbability"], "P")], "P(conversion)")
  }

  @Test(arguments: [1, 2, 3])
  func attributeMarkovWithinSimulationNoise(order: Int) throws {
    let reference = try Self.reference
    let report = try Self.report(order: order)
    let simulated = try #require(
      (reference["channelAttributionMarkov"] as? [String: Any])?["\(order)"] as? [String: Any])
    let walks = try number(simulated["convertingWalksPerFold"], "walks")
    let totals = try #require(reference["totals"] as? [String: Any])
    let conversions = try number(totals["conversions"], "conversions")
    let value = try number(totals["value"], "value")
    let floor = 5 / walks
    let runs = try number(
      (reference["simulation"] as? [String: Any])?["seeds"], "the number of runs")

    for (key, referenceKey, scale) in [
      ("removalEffect", "removalEffects", 1.0),
      ("valueRemovalEffect", "valueRemovalEffects", 1.0),
      ("conversions", "conversions", conversions), ("value", "value", value),
    ] {
      let actual = try credits(report, model: "markov", key: key)
      let entry = try #require(simulated[referenceKey] as? [String: Any])
      let seed0 = try numbers(entry["seed0"])
      let mean = try numbers(entry["mean"])
      let sd = try numbers(entry["sd"])
      #expect(actual.count == seed0.count)
      for index in actual.indices {
        let tolerance = 5 * sd[index] + floor * scale
        let message =
          "order \(order) \(key)[\(index)]: LoopSim \(actual[index]), ChannelAttribution "
          + "\(seed0[index]), tolerance \(tolerance)"
        #expect(abs(actual[index] - seed0[index]) <= tolerance, "\(message)")

        // The mean of the independent runs has a standard error of sd / √runs.
        let meanTolerance = 5 * sd[index] / Double(runs).squareRoot() + floor * scale
        let meanMessage =
          "order \(order) \(key)[\(index)]: LoopSim \(actual[index]), mean of ChannelAttribution "
          + "\(mean[index]), tolerance \(meanTolerance)"
        #expect(abs(actual[index] - mean[index]) <= meanTolerance, "\(meanMessage)")
      }
    }
  }
}

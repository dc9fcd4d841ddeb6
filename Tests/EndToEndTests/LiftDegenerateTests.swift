import Foundation
import TestSupport
import Testing

/// `loopsim lift` on data at the edges of the statistics: empty counts, rates of 0 and 1,
/// an arm of one row and constant values. Each must give a report (exit 0) in which an
/// undefined value is null with its reason, never NaN.
struct LiftDegenerateTests {
  /// Builds a CSV export with columns arm, converted and revenue from per-arm rows.
  static func export(_ arms: [(arm: String, converted: [Int], revenue: [Double])]) -> String {
    var text = "arm,converted,revenue\n"
    for arm in arms {
      for (converted, revenue) in zip(arm.converted, arm.revenue) {
        text += "\(arm.arm),\(converted),\(revenue)\n"
      }
    }
    return text
  }

  /// Runs `loopsim lift --json` with control "control" on `text`, expects exit status 0,
  /// and returns the comparison of `treatment` for `outcome` and the outcome itself.
  static func compare(
    _ text: String, outcome: String, treatment: String = "treatment"
  ) throws -> (comparison: [String: Any], outcome: [String: Any], report: [String: Any]) {
    let file = try LiftInputTests.write(text)
    let result = try TestSupport.runLoopSim([
      "lift", file, "--arm", "arm", "--control", "control", "--outcome", outcome,
      "--resamples", "500", "--json",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(!result.standardOutput.lowercased().contains("nan"))
    #expect(!result.standardOutput.contains("inf"))
    let report = try LiftJSON.object(result.standardOutput)
    let outcomes = try #require(report["outcomes"] as? [[String: Any]])
    let lift = try #require(outcomes.first)
    let comparisons = try #require(lift["comparisons"] as? [[String: Any]])
    let comparison = try #require(comparisons.first { $0["treatment"] as? String == treatment })
    return (comparison, lift, report)
  }

  @Test func liftZeroConversionsInTreatment() throws {
    let text = Self.export([
      (
        "control", Array(repeating: 0, count: 45) + Array(repeating: 1, count: 5),
        Array(repeating: 0, count: 50)
      ),
      ("treatment", Array(repeating: 0, count: 50), Array(repeating: 0, count: 50)),
    ])
    let (comparison, _, _) = try Self.compare(text, outcome: "converted")
    #expect(comparison["absoluteLift"] as? Double == -0.1)
    #expect(comparison["relativeLift"] as? Double == -1)
    #expect(comparison["relativeLiftCi95"] is NSNull)
    #expect(comparison["relativeLiftCi95UndefinedReason"] as? String == "zeroTreatmentSuccesses")
    let interval = try #require(comparison["absoluteLiftCi95"] as? [Double])
    #expect(interval[0] < -0.1)
    #expect(interval[1] > -0.1)
    #expect(comparison["test"] as? String == "Fisher's exact test")
  }

  @Test func liftEveryCustomerConverts() throws {
    let text = Self.export([
      ("control", Array(repeating: 1, count: 40), Array(repeating: 0, count: 40)),
      ("treatment", Array(repeating: 1, count: 40), Array(repeating: 0, count: 40)),
    ])
    let (comparison, lift, _) = try Self.compare(text, outcome: "converted")
    let arms = try #require(lift["arms"] as? [[String: Any]])
    #expect(arms.map { $0["rate"] as? Double } == [1, 1])
    #expect(comparison["absoluteLift"] as? Double == 0)
    #expect(comparison["relativeLift"] as? Double == 0)
    #expect(comparison["zStatistic"] is NSNull)
    #expect(comparison["zStatisticUndefinedReason"] as? String == "zeroPooledVariance")
    #expect(comparison["test"] as? String == "Fisher's exact test")
    #expect(comparison["pValue"] as? Double == 1)
    #expect(comparison["pValueHolm"] as? Double == 1)
  }

  @Test func liftControlRateZero() throws {
    let text = Self.export([
      ("control", Array(repeating: 0, count: 30), Array(repeating: 0, count: 30)),
      ("treatment", Array(repeating: 0, count: 27) + [1, 1, 1], Array(repeating: 0, count: 30)),
    ])
    let (comparison, _, _) = try Self.compare(text, outcome: "converted")
    #expect(comparison["relativeLift"] is NSNull)
    #expect(comparison["relativeLiftUndefinedReason"] as? String == "zeroControlSuccesses")
    #expect(comparison["relativeLiftCi95UndefinedReason"] as? String == "zeroControlSuccesses")
    #expect(comparison["absoluteLift"] as? Double == 0.1)
  }

  @Test func liftArmOfOneCustomer() throws {
    let text = Self.export([
      ("control", [0, 1, 0, 0, 1, 0], [0, 12, 0, 0, 30, 0]),
      ("treatment", [1], [25]),
    ])
    let binary = try Self.compare(text, outcome: "converted")
    #expect(binary.comparison["test"] as? String == "Fisher's exact test")
    #expect(binary.comparison["fisherPValue"] as? Double == binary.comparison["pValue"] as? Double)

    let (comparison, lift, report) = try Self.compare(text, outcome: "revenue")
    let arms = try #require(lift["arms"] as? [[String: Any]])
    #expect(arms[1]["rows"] as? Int == 1)
    #expect(arms[1]["mean"] as? Double == 25)
    #expect(arms[1]["standardDeviationUndefinedReason"] as? String == "tooFewValues")
    #expect(comparison["meanDifference"] as? Double == 18)
    for key in [
      "pValue", "pValueHolm", "tStatistic", "ci95", "bootstrapPercentileCi95", "bootstrapBcaCi95",
    ] {
      #expect(comparison[key] is NSNull, "\(key)")
      #expect(comparison[key + "UndefinedReason"] as? String == "tooFewValues", "\(key)")
    }
    let warnings = try #require(report["warnings"] as? [[String: Any]])
    #expect(
      warnings.contains {
        $0["code"] as? String == "smallArm" && $0["arm"] as? String == "treatment"
      })
  }

  @Test func liftSameConstantRevenue() throws {
    let text = Self.export([
      ("control", Array(repeating: 1, count: 40), Array(repeating: 19.99, count: 40)),
      ("treatment", Array(repeating: 1, count: 45), Array(repeating: 19.99, count: 45)),
    ])
    let (comparison, lift, _) = try Self.compare(text, outcome: "revenue")
    #expect(lift["kind"] as? String == "continuous")
    #expect(comparison["meanDifference"] as? Double == 0)
    #expect(comparison["pValue"] as? Double == 1)
    #expect(comparison["pValueHolm"] as? Double == 1)
    #expect(comparison["tStatistic"] is NSNull)
    #expect(comparison["tStatisticUndefinedReason"] as? String == "zeroVariance")
    #expect(comparison["ci95UndefinedReason"] as? String == "zeroVariance")
    #expect(comparison["bootstrapPercentileCi95"] as? [Double] == [0, 0])
    #expect(comparison["bootstrapBcaCi95"] as? [Double] == [0, 0])
  }

  @Test func liftConstantCovariateAdjustsNothing() throws {
    let file = try LiftInputTests.write(
      "arm,revenue,past\ncontrol,1,5\ncontrol,3,5\ncontrol,2,5\ntreatment,4,5\ntreatment,6,5\n")
    let result = try TestSupport.runLoopSim([
      "lift", file, "--arm", "arm", "--control", "control", "--outcome", "revenue",
      "--covariate", "past", "--resamples", "100", "--json",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let report = try LiftJSON.object(result.standardOutput)
    let outcome = try #require((report["outcomes"] as? [[String: Any]])?.first)
    let comparison = try #require((outcome["comparisons"] as? [[String: Any]])?.first)
    let cuped = try #require(comparison["cuped"] as? [String: Any])
    #expect(cuped["thetaUndefinedReason"] as? String == "zeroCovariateVariance")
    #expect(cuped["adjustedDifference"] as? Double == comparison["meanDifference"] as? Double)
    #expect(cuped["pValue"] as? Double == comparison["pValue"] as? Double)
  }

  /// Holm's adjustment over three treatment arms, one of them with an undefined p-value.
  @Test func liftHolmWithUndefinedPValue() throws {
    let text = Self.export([
      ("control", [0, 0, 0, 0], [1, 2, 3, 4]),
      ("a", [0, 0, 0, 0], [2, 3, 4, 5]),
      ("b", [0, 0, 0, 0], [9, 9, 9, 9]),
      ("c", [0], [7]),
    ])
    let (comparisonA, lift, _) = try Self.compare(text, outcome: "revenue", treatment: "a")
    let comparisons = try #require(lift["comparisons"] as? [[String: Any]])
    #expect(comparisons.count == 3)
    let rawA = try #require(comparisonA["pValue"] as? Double)
    let adjustedA = try #require(comparisonA["pValueHolm"] as? Double)
    // The undefined p-value of arm c enters as 1, so arm a's is multiplied by at least 2.
    #expect(adjustedA >= min(1, 2 * rawA))
    let c = try #require(comparisons.first { $0["treatment"] as? String == "c" })
    #expect(c["pValueHolmUndefinedReason"] as? String == "tooFewValues")
  }
}

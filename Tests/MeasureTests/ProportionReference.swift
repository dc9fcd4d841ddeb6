import Foundation
import Testing

/// The statsmodels reference values in Fixtures/proportion_reference.json, written by
/// Fixtures/make_proportion_reference.py.
struct ProportionReference: Decodable, Sendable {
  struct Generator: Decodable, Sendable {
    let script: String
    let command: String
    let python: String
    let statsmodels: String
    let scipy: String
    let numpy: String
  }

  struct Counts: Decodable, Sendable {
    let successes: Int
    let trials: Int
  }

  /// An interval, or null limits with the error statsmodels raised.
  struct Interval: Decodable, Sendable {
    let lower: Double?
    let upper: Double?
    let error: String?
  }

  /// `proportions_ztest` output, or nulls with the error statsmodels raised.
  struct ZTest: Decodable, Sendable {
    let statistic: Double?
    let pValueTwoSided: Double?
    let pValueLarger: Double?
    let pValueSmaller: Double?
    let error: String?
  }

  struct Statsmodels: Decodable, Sendable {
    let zTest: ZTest
    let wilsonTreatment: Interval
    let wilsonControl: Interval
    let newcombeDifference: Interval
    let logRatio: Interval
  }

  /// Lifts from exact rational arithmetic, rounded once to a double.
  struct Exact: Decodable, Sendable {
    let absoluteLift: Double
    let relativeLift: Double?
  }

  struct Case: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let treatment: Counts
    let control: Counts
    let confidenceLevel: Double
    let statsmodels: Statsmodels
    let exact: Exact

    var testDescription: String { name }
  }

  let generator: Generator
  let cases: [Case]

  /// Loads the committed fixture from the test bundle.
  static func load() throws -> ProportionReference {
    guard
      let url = Bundle.module.url(
        forResource: "proportion_reference", withExtension: "json", subdirectory: "Fixtures")
    else {
      throw CocoaError(
        .fileNoSuchFile,
        userInfo: [NSDebugDescriptionErrorKey: "Fixtures/proportion_reference.json not found"])
    }
    return try JSONDecoder().decode(ProportionReference.self, from: Data(contentsOf: url))
  }
}

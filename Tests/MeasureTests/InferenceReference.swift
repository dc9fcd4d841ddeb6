import Foundation
import Testing

/// The reference values in Fixtures/inference_reference.json, written by
/// Fixtures/make_inference_reference.py from scipy, statsmodels, numpy and exact rational
/// arithmetic.
struct InferenceReference: Decodable, Sendable {
  struct Generator: Decodable, Sendable {
    let script: String
    let python: String
    let statsmodels: String
    let scipy: String
    let numpy: String
    let powerRootNMonotoneGrids: Int
  }

  struct Counts: Decodable, Sendable {
    let successes: Int
    let trials: Int
  }

  struct FisherPValues: Decodable, Sendable {
    let pValueTwoSided: Double
    let pValueGreater: Double
    let pValueLess: Double
  }

  struct FisherCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let treatment: Counts
    let control: Counts
    let needsExactTest: Bool
    let scipy: FisherPValues

    var testDescription: String { name }
  }

  /// scipy's P(T > t), and for one degree of freedom the exact Cauchy tail
  /// atan2(1, t) / π, which the tests prefer because scipy's loses digits near t = 0.
  struct StudentTTail: Decodable, Sendable, CustomTestStringConvertible {
    let t: Double
    let degreesOfFreedom: Double
    let upperTail: Double
    let closedForm: Double?

    var testDescription: String { "t = \(t), df = \(degreesOfFreedom)" }
  }

  struct StudentTQuantile: Decodable, Sendable, CustomTestStringConvertible {
    let upperTail: Double
    let degreesOfFreedom: Double
    let quantile: Double

    var testDescription: String { "tail \(upperTail), df = \(degreesOfFreedom)" }
  }

  struct StudentT: Decodable, Sendable {
    let tails: [StudentTTail]
    let quantiles: [StudentTQuantile]
  }

  /// Means and variances from exact rational arithmetic, rounded once.
  struct WelchExact: Decodable, Sendable {
    let treatmentMean: Double
    let treatmentVariance: Double
    let controlMean: Double
    let controlVariance: Double
    let meanDifference: Double
  }

  /// `ttest_ind(equal_var=False)`, or nulls with the reason when scipy returns NaN or
  /// infinity; `imprecise` says why scipy's values are not a 1e-9 reference for a case.
  struct WelchScipy: Decodable, Sendable {
    let statistic: Double?
    let pValueTwoSided: Double?
    let pValueGreater: Double?
    let pValueLess: Double?
    let error: String?
    let imprecise: String?
  }

  /// The Welch formulas on the exact moments; all nil, with `error`, when both variances
  /// are 0.
  struct WelchFormula: Decodable, Sendable {
    let degreesOfFreedom: Double?
    let standardError: Double?
    let statistic: Double?
    let pValueTwoSided: Double?
    let pValueGreater: Double?
    let pValueLess: Double?
    let lower: Double?
    let upper: Double?
    let error: String?
  }

  struct WelchCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let treatment: [Double]
    let control: [Double]
    let confidenceLevel: Double
    let exact: WelchExact
    let scipy: WelchScipy
    let formula: WelchFormula

    var testDescription: String { name }
  }

  struct HolmCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let pValues: [Double]
    let statsmodels: [Double]

    var testDescription: String { name }
  }

  struct ChiSquare: Decodable, Sendable {
    let statistic: Double
    let pValue: Double
  }

  struct SampleRatioCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let counts: [Int]
    let expectedShares: [Double]
    let scipy: ChiSquare

    var testDescription: String { name }
  }

  struct UnroundedSampleSize: Decodable, Sendable {
    let unroundedPerArm: Double
  }

  struct FormulaSampleSize: Decodable, Sendable {
    let unroundedPerArm: Double
    let perArm: Int
  }

  struct SampleSizeCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let baselineRate: Double
    let treatmentRate: Double
    let alpha: Double
    let power: Double
    let arms: Int
    let formula: FormulaSampleSize
    let statsmodelsCohensH: UnroundedSampleSize

    var testDescription: String { name }
  }

  struct DetectableRate: Decodable, Sendable {
    let treatmentRate: Double
    let absolute: Double
  }

  struct MinimumDetectableEffectCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let baselineRate: Double
    let sampleSizePerArm: Int
    let alpha: Double
    let power: Double
    let arms: Int
    let direction: String
    let brentq: DetectableRate

    var testDescription: String { name }
  }

  struct CUPEDNumpy: Decodable, Sendable {
    let theta: Double?
    let covariateMean: Double
    let treatmentMean: Double
    let controlMean: Double
    let adjustedTreatmentMean: Double
    let adjustedControlMean: Double
    let varianceReduction: Double?
  }

  struct CUPEDScipy: Decodable, Sendable {
    let statistic: Double?
    let pValue: Double?
    let degreesOfFreedom: Double?
    let error: String?
  }

  struct CUPEDCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let outcomes: [Double]
    let covariates: [Double]
    let arms: [String]
    let numpy: CUPEDNumpy
    let scipy: CUPEDScipy

    var testDescription: String { name }
  }

  let generator: Generator
  let fisher: [FisherCase]
  let studentT: StudentT
  let welch: [WelchCase]
  let holm: [HolmCase]
  let srm: [SampleRatioCase]
  let powerSampleSize: [SampleSizeCase]
  let powerMinimumDetectableEffect: [MinimumDetectableEffectCase]
  let cuped: [CUPEDCase]

  /// Loads the committed fixture from the test bundle.
  static func load() throws -> InferenceReference {
    guard
      let url = Bundle.module.url(
        forResource: "inference_reference", withExtension: "json", subdirectory: "Fixtures")
    else {
      throw CocoaError(
        .fileNoSuchFile,
        userInfo: [NSDebugDescriptionErrorKey: "Fixtures/inference_reference.json not found"])
    }
    return try JSONDecoder().decode(InferenceReference.self, from: Data(contentsOf: url))
  }
}

/// The fixture, decoded once for all test files.
let inferenceReference = Result { try InferenceReference.load() }

/// The relative tolerance for agreement with the inference reference.
///
/// Both sides evaluate the same definitions in double precision, through different
/// libraries (GSL 2.7 here; scipy's Boost-based distributions and numpy in the reference). A
/// formula error shows up by the fourth digit, and 1e-9 leaves room for other platforms'
/// libm. Tests that need a looser bound say why where they use it.
let inferenceTolerance = 1e-9

/// Records an issue unless `actual` agrees with a reference value to `inferenceTolerance`
/// (or to an explicit relative tolerance).
func expectMatches(
  _ actual: Double?, _ expected: Double?, _ label: String,
  relativeTolerance: Double = inferenceTolerance,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let expected else {
    Issue.record("\(label): the reference has no value", sourceLocation: sourceLocation)
    return
  }
  guard let actual else {
    Issue.record("\(label): no value, reference \(expected)", sourceLocation: sourceLocation)
    return
  }
  #expect(
    isClose(actual, expected, relativeTolerance: relativeTolerance),
    "\(label): \(actual) vs reference \(expected)", sourceLocation: sourceLocation)
}

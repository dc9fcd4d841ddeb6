import Measure

/// Computes the lifts of one outcome column from its values and the rows of each arm.
struct OutcomeAnalysis: Sendable {
  let column: String
  /// The outcome's value in each row of the file.
  let values: [Double]
  /// The covariate's value in each row, or nil without CUPED.
  let covariate: [Double]?
  /// The covariate column's name, or nil without CUPED.
  let covariateColumn: String?
  let grouping: ArmGrouping
  let file: String

  /// Whether every value is 0 or 1, which makes the outcome binary.
  var isBinary: Bool { values.allSatisfy { $0 == 0 || $0 == 1 } }

  /// Returns the outcome's values in one arm's rows, in file order.
  func armValues(_ arm: Int) -> [Double] {
    grouping.rowIndices[arm].map { values[$0] }
  }

  // MARK: Binary

  /// Compares every treatment arm's rate with the control's.
  func binary() throws -> BinaryOutcomeLift {
    var arms: [BinomialArm] = []
    var intervals: [ConfidenceInterval] = []
    do {
      for index in grouping.values.indices {
        let rows = grouping.rowIndices[index]
        let successes = rows.reduce(0) { $0 + (values[$1] == 1 ? 1 : 0) }
        let arm = try BinomialArm(successes: successes, trials: rows.count)
        arms.append(arm)
        intervals.append(try arm.wilsonInterval(confidenceLevel: CSVLift.confidenceLevel))
      }
    } catch {
      throw RuntimeFailure("cannot compare the rates of column \"\(column)\": \(error)")
    }

    let treatments = grouping.treatmentIndices
    var proportions: [ProportionComparison] = []
    for treatment in treatments {
      do {
        proportions.append(
          try ProportionComparison(
            treatment: arms[treatment], control: arms[grouping.controlIndex],
            confidenceLevel: CSVLift.confidenceLevel))
      } catch {
        throw RuntimeFailure("cannot compare the rates of column \"\(column)\": \(error)")
      }
    }
    let pValues = proportions.map {
      LiftValue<Double>.defined($0.fisherExactTest?.pValue ?? $0.zTest.pValue)
    }
    let adjusted = try Self.holm(pValues)
    let cuped = try cupedComparisons()

    let comparisons = treatments.indices.map { position in
      BinaryLiftComparison(
        treatment: grouping.values[treatments[position]], proportions: proportions[position],
        pValueHolm: adjusted[position].value ?? 1, cuped: cuped?[position])
    }
    return BinaryOutcomeLift(
      column: column, arms: arms, rateIntervals: intervals, comparisons: comparisons)
  }

  // MARK: Continuous

  /// Compares every treatment arm's mean with the control's, with the bootstraps computed
  /// already, one per treatment arm.
  func continuous(bootstraps: [LiftValue<Bootstrap>]) throws -> ContinuousOutcomeLift {
    let summaries = try grouping.values.indices.map { try summary(armValues($0)) }
    let treatments = grouping.treatmentIndices
    let control = summaries[grouping.controlIndex]

    var tests: [LiftValue<WelchTTest>] = []
    for treatment in treatments {
      let summary = summaries[treatment]
      guard let treatmentSample = summary.sample, let controlSample = control.sample else {
        tests.append(.undefined(.tooFewValues))
        continue
      }
      do {
        tests.append(
          .defined(
            try WelchTTest(
              treatment: treatmentSample, control: controlSample,
              confidenceLevel: CSVLift.confidenceLevel)))
      } catch {
        throw failure(error)
      }
    }
    let pValues = tests.map { test in test.flatMap { LiftValue($0.pValue) } }
    let adjusted = try Self.holm(pValues)
    let cuped = try cupedComparisons()

    let comparisons = treatments.indices.map { position in
      ContinuousLiftComparison(
        treatment: grouping.values[treatments[position]],
        meanDifference: tests[position].value?.meanDifference
          ?? summaries[treatments[position]].summary.mean - control.summary.mean,
        welch: tests[position], pValueHolm: adjusted[position],
        bootstrap: position < bootstraps.count ? bootstraps[position] : .undefined(.tooFewValues),
        cuped: cuped?[position])
    }
    return ContinuousOutcomeLift(
      column: column, arms: summaries.map(\.summary), comparisons: comparisons)
  }

  /// Runs the bootstrap of the difference of means of one treatment arm and the control.
  func bootstrap(treatment: Int, seed: UInt64, resamples: Int) throws -> LiftValue<Bootstrap> {
    let treatmentValues = armValues(treatment)
    let controlValues = armValues(grouping.controlIndex)
    guard treatmentValues.count >= 2, controlValues.count >= 2 else {
      return .undefined(.tooFewValues)
    }
    do {
      return .defined(
        try Bootstrap(
          treatment: treatmentValues, control: controlValues, seed: seed, resamples: resamples,
          confidenceLevel: CSVLift.confidenceLevel))
    } catch {
      throw failure(error)
    }
  }

  /// An arm's summary for the report, and its `SampleSummary` when it has two values or more.
  private struct ArmSample {
    let summary: ContinuousArmSummary
    let sample: SampleSummary?
  }

  private func summary(_ values: [Double]) throws -> ArmSample {
    guard values.count >= 2 else {
      // Arms come from rows, so an arm has at least one value.
      let summary = ContinuousArmSummary(
        count: values.count, mean: values.first ?? 0,
        standardDeviation: .undefined(.tooFewValues), skewness: .undefined(.tooFewValues))
      return ArmSample(summary: summary, sample: nil)
    }
    let sample: SampleSummary
    do {
      sample = try SampleSummary(values, name: "\(column)")
    } catch {
      throw failure(error)
    }
    let summary = ContinuousArmSummary(
      count: sample.count, mean: sample.mean, standardDeviation: .defined(sample.standardDeviation),
      skewness: Self.skewness(values, mean: sample.mean))
    return ArmSample(summary: summary, sample: sample)
  }

  /// Returns the sample skewness m₃ / m₂^(3/2), or undefined when the values are constant.
  ///
  /// The deviations are divided by their largest magnitude first, which leaves the ratio
  /// unchanged (both moments scale by the same power) and keeps the cubes finite.
  static func skewness(_ values: [Double], mean: Double) -> LiftValue<Double> {
    let scale = values.reduce(0) { max($0, abs($1 - mean)) }
    guard scale > 0, scale.isFinite else { return .undefined(.statistic(.zeroOutcomeVariance)) }
    var squares = 0.0
    var cubes = 0.0
    for value in values {
      let deviation = (value - mean) / scale
      squares += deviation * deviation
      cubes += deviation * deviation * deviation
    }
    let n = Double(values.count)
    let m2 = squares / n
    let m3 = cubes / n
    return .defined(m3 / (m2 * m2.squareRoot()))
  }

  // MARK: CUPED

  /// Runs CUPED for every treatment arm against the control, with Holm-adjusted p-values,
  /// or returns nil without a covariate.
  private func cupedComparisons() throws -> [CUPEDLift]? {
    guard let covariate, let covariateColumn else { return nil }
    let control = grouping.rowIndices[grouping.controlIndex]
    var results: [LiftValue<CUPED>] = []
    for treatment in grouping.treatmentIndices {
      let rows = grouping.rowIndices[treatment]
      guard rows.count >= 2, control.count >= 2 else {
        results.append(.undefined(.tooFewValues))
        continue
      }
      // Both arms' rows in file order, so θ's sums do not depend on the arms' order.
      let pairRows = (rows + control).sorted()
      let treatmentRows = Set(rows)
      do {
        results.append(
          .defined(
            try CUPED(
              outcomes: pairRows.map { values[$0] }, covariates: pairRows.map { covariate[$0] },
              arms: pairRows.map { treatmentRows.contains($0) ? .treatment : .control },
              confidenceLevel: CSVLift.confidenceLevel)))
      } catch {
        throw failure(error, columns: "columns \"\(column)\" and \"\(covariateColumn)\"")
      }
    }
    let adjusted = try Self.holm(
      results.map { result in result.flatMap { LiftValue($0.test.pValue) } })
    return zip(results, adjusted).map { CUPEDLift(result: $0, pValueHolm: $1) }
  }

  // MARK: Support

  /// Adjusts p-values by Holm's method. An undefined p-value enters the adjustment as 1, which
  /// can only raise the others, and its adjusted value stays undefined with the same reason.
  static func holm(_ pValues: [LiftValue<Double>]) throws -> [LiftValue<Double>] {
    let raw = pValues.map { min(1, max(0, $0.value ?? 1)) }
    let adjusted: [Double]
    do {
      adjusted = try HolmCorrection.adjust(raw)
    } catch {
      throw RuntimeFailure("the Holm adjustment failed: \(error)")
    }
    return zip(pValues, adjusted).map { pValue, adjusted in pValue.map { _ in adjusted } }
  }

  /// Turns a statistic's error into the error to report: values too large to sum are a
  /// problem with the file, and anything else a failure of the statistic. `columns` names
  /// the columns whose values the statistic read.
  private func failure(_ error: any Error, columns: String? = nil) -> any Error {
    let columns = columns ?? "column \"\(column)\""
    if let error = error as? SampleError, case .valuesTooLarge = error {
      return CSVLiftError(
        file: file, line: nil,
        problem: "the values of \(columns) are too large in magnitude to sum without overflow",
        fix: "rescale the values, for example to thousands")
    }
    return RuntimeFailure("cannot analyse \(columns): \(error)")
  }
}

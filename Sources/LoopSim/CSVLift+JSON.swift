import Config
import Measure

extension CSVLift {
  /// The report as pretty-printed JSON with a trailing newline. Keys are camelCase and in a
  /// fixed order, intervals are `[lower, upper]`, and an undefined value is null with its
  /// reason's code beside it under the key plus `UndefinedReason`.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", Self.schemaVersion)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("file", file)
    writer.member("rows", rowCount)
    writer.member("armColumn", request.armColumn)
    writer.member("control", arms[controlIndex].value)
    writer.member("covariate", request.covariate)
    writer.member("confidenceLevel", Self.confidenceLevel)
    writer.member("alternative", "twoSided")
    writer.key("bootstrap")
    writer.beginObject()
    writer.member("resamples", request.resamples)
    writer.member("seed", request.seed)
    writer.endObject()

    writer.key("arms")
    writer.beginArray()
    for arm in arms {
      writer.beginObject()
      writer.member("arm", arm.value)
      writer.member("rows", arm.rows)
      writer.member("isControl", arm.isControl)
      writer.member("expectedShare", arm.expectedShare)
      writer.endObject()
    }
    writer.endArray()

    writer.key("sampleRatio")
    writer.beginObject()
    writer.member("test", "Pearson's chi-squared goodness-of-fit test")
    writer.member("statistic", sampleRatio.statistic)
    writer.member("degreesOfFreedom", sampleRatio.degreesOfFreedom)
    writer.member("pValue", sampleRatio.pValue)
    writer.member("threshold", SampleRatioMismatch.threshold)
    writer.member("mismatch", sampleRatio.isMismatch)
    writer.endObject()

    writer.key("outcomes")
    writer.beginArray()
    for outcome in outcomes {
      switch outcome {
      case .binary(let lift): writeBinary(lift, to: &writer)
      case .continuous(let lift): writeContinuous(lift, to: &writer)
      }
    }
    writer.endArray()

    writer.key("warnings")
    writer.beginArray()
    for warning in warnings {
      writer.beginObject()
      writer.member("code", warning.code)
      writer.member("outcome", warning.outcome)
      writer.member("arm", warning.arm)
      writer.member("message", warning.message)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  private func writeBinary(_ lift: BinaryOutcomeLift, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.member("column", lift.column)
    writer.member("kind", "binary")
    writer.key("arms")
    writer.beginArray()
    for (arm, (counts, interval)) in zip(arms, zip(lift.arms, lift.rateIntervals)) {
      writer.beginObject()
      writer.member("arm", arm.value)
      writer.member("rows", counts.trials)
      writer.member("successes", counts.successes)
      writer.member("rate", counts.rate)
      writer.interval("rateCi95", .defined(interval))
      writer.endObject()
    }
    writer.endArray()

    writer.key("comparisons")
    writer.beginArray()
    for comparison in lift.comparisons {
      let proportions = comparison.proportions
      writer.beginObject()
      writer.member("treatment", comparison.treatment)
      writer.member("control", arms[controlIndex].value)
      writer.member("absoluteLift", proportions.absoluteLift)
      writer.interval("absoluteLiftCi95", .defined(proportions.absoluteLiftInterval))
      writer.maybe("relativeLift", LiftValue(proportions.relativeLift))
      writer.interval("relativeLiftCi95", LiftValue(proportions.relativeLiftInterval))
      writer.member("test", comparison.test)
      writer.member("pValue", comparison.pValue)
      writer.member("pValueHolm", comparison.pValueHolm)
      writer.maybe("zStatistic", LiftValue(proportions.zTest.statistic))
      writer.member("zTestPValue", proportions.zTest.pValue)
      writer.member("smallSample", proportions.smallSampleWarning)
      writer.maybe(
        "fisherPValue",
        proportions.fisherExactTest.map { .defined($0.pValue) } ?? .undefined(.exactTestNotNeeded))
      if let cuped = comparison.cuped {
        writeCUPED(cuped, to: &writer)
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
  }

  private func writeContinuous(_ lift: ContinuousOutcomeLift, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.member("column", lift.column)
    writer.member("kind", "continuous")
    writer.key("arms")
    writer.beginArray()
    for (arm, summary) in zip(arms, lift.arms) {
      writer.beginObject()
      writer.member("arm", arm.value)
      writer.member("rows", summary.count)
      writer.member("mean", summary.mean)
      writer.maybe("standardDeviation", summary.standardDeviation)
      writer.maybe("skewness", summary.skewness)
      writer.member("smallSample", summary.isTooSmallForNormalApproximation)
      writer.endObject()
    }
    writer.endArray()

    writer.key("comparisons")
    writer.beginArray()
    for comparison in lift.comparisons {
      let welch = comparison.welch
      let bootstrap = comparison.bootstrap
      writer.beginObject()
      writer.member("treatment", comparison.treatment)
      writer.member("control", arms[controlIndex].value)
      writer.member("meanDifference", comparison.meanDifference)
      writer.member("test", "Welch's t-test")
      writer.maybe("pValue", comparison.pValue)
      writer.maybe("pValueHolm", comparison.pValueHolm)
      writer.maybe("tStatistic", welch.flatMap { LiftValue($0.statistic) })
      writer.maybe("degreesOfFreedom", welch.flatMap { LiftValue($0.degreesOfFreedom) })
      writer.maybe("standardError", welch.map(\.standardError))
      writer.interval("ci95", welch.flatMap { LiftValue($0.interval) })
      writer.interval("bootstrapPercentileCi95", bootstrap.map(\.percentileInterval))
      writer.interval("bootstrapBcaCi95", bootstrap.flatMap { LiftValue($0.bcaInterval) })
      writer.maybe("bootstrapBiasCorrection", bootstrap.flatMap { LiftValue($0.biasCorrection) })
      writer.maybe("bootstrapAcceleration", bootstrap.flatMap { LiftValue($0.acceleration) })
      if let cuped = comparison.cuped {
        writeCUPED(cuped, to: &writer)
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
  }

  private func writeCUPED(_ cuped: CUPEDLift, to writer: inout JSONWriter) {
    let result = cuped.result
    writer.key("cuped")
    writer.beginObject()
    writer.member("covariate", request.covariate)
    writer.maybe("theta", result.flatMap { LiftValue($0.theta) })
    writer.maybe("covariateMean", result.map(\.covariateMean))
    writer.maybe("adjustedTreatmentMean", result.map(\.adjustedTreatmentMean))
    writer.maybe("adjustedControlMean", result.map(\.adjustedControlMean))
    writer.maybe("adjustedDifference", result.map(\.test.meanDifference))
    writer.maybe("pValue", cuped.pValue)
    writer.maybe("pValueHolm", cuped.pValueHolm)
    writer.maybe("tStatistic", result.flatMap { LiftValue($0.test.statistic) })
    writer.maybe("degreesOfFreedom", result.flatMap { LiftValue($0.test.degreesOfFreedom) })
    writer.interval("ci95", result.flatMap { LiftValue($0.test.interval) })
    writer.maybe("varianceReduction", result.flatMap { LiftValue($0.varianceReduction) })
    writer.endObject()
  }
}

extension JSONWriter {
  /// Writes a value, or null with the reason's code under `name` + `UndefinedReason`.
  fileprivate mutating func maybe(_ name: String, _ value: LiftValue<Double>) {
    member(name, value.value)
    if let reason = value.undefinedReason {
      member(name + "UndefinedReason", reason.code)
    }
  }

  /// Writes `[lower, upper]`, or null with the reason's code under `name` + `UndefinedReason`.
  fileprivate mutating func interval(_ name: String, _ value: LiftValue<ConfidenceInterval>) {
    key(name)
    guard let interval = value.value else {
      null()
      member(name + "UndefinedReason", value.undefinedReason?.code ?? "")
      return
    }
    beginArray()
    number(interval.lower)
    number(interval.upper)
    endArray()
  }
}

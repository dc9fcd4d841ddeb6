import Config
import Engage
import Foundation
import Measure
import Pipeline

/// The headline results of a run, rendered as `summary.json` and as a terminal table.
/// docs/results-schema.md documents every key.
public struct RunSummary: Sendable {
  public static let schemaVersion = 3

  /// One arm as measured from the warehouse, with its Wilson interval.
  public struct ArmSummary: Sendable {
    public let outcome: ArmOutcome
    public let interval: ConfidenceInterval?
    /// Each user's revenue from counted orders, in dollars.
    public let revenues: [Double]
    /// Hours from assignment to the first counted order, per converter, sorted.
    public let hoursToConversion: [Double]
    /// Emails sent after a split to customers of this arm, by every workflow, from the
    /// engine's records.
    public let emailsSent: Int
    /// The workflow's sends, unsubscribes and spam complaints of the arm's users, as the
    /// warehouse shows them.
    let emailEvents: WarehouseLift.EmailEventCounts
    /// The arm's true effect against the true-effect control. It is nil for that control
    /// itself and for an arm without a forced pass, with the reason in
    /// `trueEffectUndefinedReason`.
    public let trueEffect: TrueEffect?
    public let trueEffectUndefinedReason: String?

    /// Mean hours to the first conversion; nil with no converter.
    public var meanHoursToConversion: Double? {
      hoursToConversion.isEmpty
        ? nil : hoursToConversion.reduce(0, +) / Double(hoursToConversion.count)
    }

    /// Median hours to the first conversion; nil with no converter.
    public var medianHoursToConversion: Double? {
      let count = hoursToConversion.count
      guard count > 0 else { return nil }
      return count % 2 == 1
        ? hoursToConversion[count / 2]
        : (hoursToConversion[count / 2 - 1] + hoursToConversion[count / 2]) / 2
    }
  }

  /// An arm's effect against the true-effect control, over every experiment customer,
  /// from the passes that forced everyone into each arm.
  public struct TrueEffect: Sendable {
    /// The arm compared against: the first `no-email` arm, or the holdout.
    public let control: String
    public let truth: GroundTruth
    /// The mean difference in counted revenue per customer, in dollars; nil with no
    /// customers.
    public let revenuePerCustomerDifference: Double?
  }

  public let scenarioName: String
  public let scenarioSHA256: String
  public let seed: UInt64
  public let customers: Int
  public let events: Int
  public let eventsCutOff: Int
  /// The experiment's name (`experiment_id`); nil without a split.
  public let experiment: String?
  /// Each workflow's enrollments, exits and sends, in the order written.
  public let workflows: [WorkflowSummary]
  /// The sends of all workflows.
  public let sends: SendCounts
  public let metrics: [MeasurementConfig.Metric]
  /// Arms in the order the experiment lists them, then the holdout, then the global
  /// control when it has a share.
  public let arms: [ArmSummary]
  /// Every experiment arm against the holdout, in the experiment's order.
  public let comparisons: [LiftMeasurement]
  /// Why there are no comparisons, when there are none.
  public let comparisonsUndefinedReason: UndefinedReason?
  /// Per comparison, in the same order: Holm, revenue and CUPED statistics.
  let details: [ComparisonDetail]
  /// The arm counts against the designed split; nil without an experiment.
  public let sampleRatio: SampleRatioMismatch?
  public let sampleRatioArms: [String]
  /// Why `sampleRatio` is nil: `noExperiment`, `singleDesignedArm` or `noAssignments`.
  public let sampleRatioUndefinedReason: String?
  /// Plain-language warnings about the measurement, such as a small arm or a broken split.
  public let warnings: [String]
  public let collect: CollectCounts
  public let destinations: [(kind: DestinationKind, counts: DestinationCounts)]
  public let funnel: [(event: String, people: Int)]
  public let emails: EmailCounts
  public let profiles: Int
  /// The attribution models scored against the counterfactual truth; nil unless the
  /// scenario's attribution section is enabled.
  public internal(set) var attribution: AttributionScore? = nil
  /// The arm that every arm's true effect is measured against: the experiment's first arm
  /// with the `no-email` strategy, or the holdout when it has none.
  public let trueEffectControl: String
  /// The customer shard this run simulated (`--shard i/N`); nil for a whole run.
  public internal(set) var shard: Shard? = nil
  /// Shards absent from a merge made with `--allow-partial`, by index; empty otherwise.
  public internal(set) var missingShards: [Int] = []

  /// The primary comparison: the experiment's first arm against the holdout.
  public var lift: LiftMeasurement? { comparisons.first }

  init(
    scenario: Scenario, totals: PassTotals, measured armData: [String: WarehouseLift.ArmData],
    truth: GroundTruthTable, covariates: [String: Double]?
  ) throws {
    let measured = armData.mapValues(\.outcome)
    scenarioName = scenario.name
    scenarioSHA256 = scenario.sha256
    seed = scenario.run.seed
    customers = scenario.run.customers
    events = totals["events"]
    eventsCutOff = totals["eventsCutOff"]
    metrics = scenario.measurement.metrics
    workflows = totals.workflowSummaries(scenario.workflows)
    sends = totals.sends

    let experiment = scenario.engage.hasSplit ? scenario.engage.experiment : nil
    self.experiment = experiment?.name
    let trueEffectControl =
      experiment?.arms.first { $0.strategy == .noEmail }?.name ?? ExperimentConfig.holdoutArm
    self.trueEffectControl = trueEffectControl
    var names = (experiment?.arms.map(\.name) ?? [])
    if experiment != nil {
      names.append(ExperimentConfig.holdoutArm)
    }
    if let experiment, experiment.globalControl > 0 {
      names.append(ExperimentConfig.globalControlArm)
    }
    names += measured.keys.filter { !names.contains($0) }.sorted()
    arms = try names.map { name in
      let outcome = measured[name] ?? ArmOutcome(name: name, customers: 0, conversions: 0)
      let interval =
        outcome.customers > 0
        ? try BinomialArm(successes: outcome.conversions, trials: outcome.customers)
          .wilsonInterval() : nil
      let data = armData[name]
      let effect = Self.trueEffect(
        of: name, control: trueEffectControl, truth: truth)
      return ArmSummary(
        outcome: outcome, interval: interval, revenues: data?.revenues ?? [],
        hoursToConversion: (data?.timesToConversion ?? []).map { $0 / 3_600_000 }.sorted(),
        emailsSent: totals["emailsSent.\(name)"],
        emailEvents: data?.emailEvents ?? WarehouseLift.EmailEventCounts(),
        trueEffect: effect.value, trueEffectUndefinedReason: effect.reason)
    }

    let control = measured[ExperimentConfig.holdoutArm]
      ?? ArmOutcome(name: ExperimentConfig.holdoutArm, customers: 0, conversions: 0)
    comparisons = try (experiment?.arms ?? []).map { arm in
      try LiftMeasurement(
        treatment: measured[arm.name] ?? ArmOutcome(name: arm.name, customers: 0, conversions: 0),
        control: control,
        truth: truth.truth(treatment: arm.name, control: ExperimentConfig.holdoutArm))
    }
    comparisonsUndefinedReason = comparisons.isEmpty ? .noExperiment : nil

    var notes: [String] = []
    // Holm adjusts the p-value each comparison reports: Fisher's when the sample is small,
    // else the z-test's. An undefined p-value enters as 1, which is conservative, and its
    // adjusted value stays undefined.
    let reported = comparisons.map { lift in
      lift.comparison.map { $0.fisherExactTest?.pValue ?? $0.zTest.pValue }
    }
    let holm = try? HolmCorrection.adjust(reported.map { $0 ?? 1 })
    let adjusted = holm.map { values in zip(values, reported).map { $1 == nil ? nil : $0 } }
    details = comparisons.enumerated().map { index, lift in
      if lift.comparison?.smallSampleWarning == true {
        notes.append(
          "\(lift.treatment.name) vs \(lift.control.name): an expected cell count is below 5, "
            + "so the normal approximation is doubtful; see fisherPValue")
      }
      return ComparisonDetail.make(
        lift: lift, holmPValue: adjusted?[index] ?? nil,
        treatment: armData[lift.treatment.name],
        control: armData[lift.control.name],
        revenueListed: scenario.measurement.metrics.contains(.revenuePerCustomer),
        covariates: covariates, seed: scenario.run.seed)
    }

    if let experiment {
      var designed: [(String, Double)] = []
      let kept = 1 - experiment.globalControl
      for arm in experiment.arms { designed.append((arm.name, arm.share * kept)) }
      designed.append((ExperimentConfig.holdoutArm, experiment.holdout * kept))
      if experiment.globalControl > 0 {
        designed.append((ExperimentConfig.globalControlArm, experiment.globalControl))
      }
      let positive = designed.filter { $0.1 > 0 }
      let total = positive.reduce(0) { $0 + $1.1 }
      sampleRatioArms = positive.map(\.0)
      let counts = positive.map { measured[$0.0]?.customers ?? 0 }
      // Without an assigned customer there is no split to test, rather than a perfect one.
      sampleRatio =
        positive.count >= 2 && counts.contains(where: { $0 > 0 })
        ? try? SampleRatioMismatch(counts: counts, expectedShares: positive.map { $0.1 / total })
        : nil
      sampleRatioUndefinedReason =
        sampleRatio != nil ? nil : positive.count < 2 ? "singleDesignedArm" : "noAssignments"
      if sampleRatio?.isMismatch == true {
        notes.append(
          "sample ratio mismatch: the arm counts do not fit the designed split "
            + "(chi-square p < 0.001); the assignment or the pipeline lost customers unevenly")
      }
    } else {
      sampleRatio = nil
      sampleRatioArms = []
      sampleRatioUndefinedReason = "noExperiment"
    }
    warnings = notes

    collect = totals.collect
    let kinds = scenario.pipeline.destinations.map(\.kind)
    destinations = Array(zip(kinds, totals.destinations(count: kinds.count)))
    funnel = totals.funnel
    emails = totals.emails
    profiles = totals["profiles"]
  }

  /// Returns `arm`'s true effect against `control`, or nil with the reason: `isControl`
  /// for the control itself, `notInGroundTruth` for an arm no pass forced (the global
  /// control).
  private static func trueEffect(
    of arm: String, control: String, truth: GroundTruthTable
  ) -> (value: TrueEffect?, reason: String?) {
    guard arm != control else { return (nil, "isControl") }
    guard let groundTruth = truth.truth(treatment: arm, control: control) else {
      return (nil, "notInGroundTruth")
    }
    return (
      TrueEffect(
        control: control, truth: groundTruth,
        revenuePerCustomerDifference: truth.revenueDifference(treatment: arm, control: control)),
      nil
    )
  }

  // MARK: summary.json

  /// The summary as pretty-printed JSON with a trailing newline. Keys are camelCase and
  /// in a fixed order; an undefined value is null with a reason beside it.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", RunSummary.schemaVersion)
    writer.member("scenario", scenarioName)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("seed", seed)
    writer.member("customers", customers)
    if let shard {
      writer.member("shard", shard.description)
    }
    if !missingShards.isEmpty {
      writer.key("missingShards")
      writer.beginArray()
      for index in missingShards { writer.integer(index) }
      writer.endArray()
    }
    writer.member("events", events)
    writer.member("eventsCutOffAtEnd", eventsCutOff)
    writer.member("experiment", experiment)
    if experiment == nil {
      writer.member("experimentUndefinedReason", UndefinedReason.noExperiment.rawValue)
    }

    writer.key("arms")
    writer.beginArray()
    for arm in arms {
      writeArm(arm, to: &writer)
    }
    writer.endArray()

    writer.key("lift")
    if let lift, let detail = details.first {
      writeComparison(lift, detail, to: &writer)
    } else {
      writer.null()
      writer.member("liftUndefinedReason", (comparisonsUndefinedReason ?? .noExperiment).rawValue)
    }
    writer.key("comparisons")
    writer.beginArray()
    for (comparison, detail) in zip(comparisons, details) {
      writeComparison(comparison, detail, to: &writer)
    }
    writer.endArray()

    writeSampleRatio(to: &writer)
    writer.key("warnings")
    writer.beginArray()
    for warning in warnings {
      writer.string(warning)
    }
    writer.endArray()

    writeMessages(to: &writer)

    writer.key("funnel")
    writer.beginArray()
    for step in funnel {
      writer.beginObject()
      writer.member("event", step.event)
      writer.member("people", step.people)
      writer.endObject()
    }
    writer.endArray()

    emails.write(to: &writer)
    sends.write(to: &writer)
    writer.key("workflows")
    writer.beginArray()
    for workflow in workflows {
      workflow.write(to: &writer)
    }
    writer.endArray()
    writer.member("profiles", profiles)
    if let attribution {
      writer.key("attribution")
      attribution.write(to: &writer)
    }
    writer.endObject()
    return writer.text + "\n"
  }

  private func writeArm(_ arm: ArmSummary, to writer: inout JSONWriter) {
    let outcome = arm.outcome
    writer.beginObject()
    writer.member("name", outcome.name)
    writer.member("customers", outcome.customers)
    writer.member("conversions", outcome.conversions)
    writer.member("conversionRate", outcome.conversionRate)
    if outcome.conversionRate == nil {
      writer.member("conversionRateUndefinedReason", UndefinedReason.emptyArm.rawValue)
    }
    writeInterval("ci95", arm.interval, undefined: .emptyArm, to: &writer)
    writer.member("emailsSent", arm.emailsSent)
    writer.member("meanHoursToConversion", arm.meanHoursToConversion)
    writer.member("medianHoursToConversion", arm.medianHoursToConversion)
    if arm.meanHoursToConversion == nil {
      writer.member("meanHoursToConversionUndefinedReason", "noConversions")
      writer.member("medianHoursToConversionUndefinedReason", "noConversions")
    }
    if metrics.contains(.revenuePerCustomer) {
      writer.member("revenue", outcome.revenue)
      writer.member("revenuePerCustomer", outcome.revenuePerCustomer)
      if outcome.revenuePerCustomer == nil {
        writer.member("revenuePerCustomerUndefinedReason", UndefinedReason.emptyArm.rawValue)
      }
    }
    writer.member("unsubscribes", arm.emailEvents.unsubscribes)
    writer.member("spamComplaints", arm.emailEvents.spamComplaints)
    writeTrueEffect(arm, to: &writer)
    writer.endObject()
  }

  private func writeTrueEffect(_ arm: ArmSummary, to writer: inout JSONWriter) {
    writer.key("trueEffect")
    guard let effect = arm.trueEffect else {
      writer.null()
      writer.member("trueEffectUndefinedReason", arm.trueEffectUndefinedReason ?? "")
      return
    }
    let truth = effect.truth
    writer.beginObject()
    writer.member("control", effect.control)
    writer.member("customers", truth.customers)
    writeMaybe("absolute", truth.absoluteLift, to: &writer)
    writeMaybe("relative", truth.relativeLift, to: &writer)
    for (key, conversions) in [
      ("conversionRateInArm", truth.conversionsIfTreated),
      ("conversionRateInControl", truth.conversionsIfHeldOut),
    ] {
      let value = rate(conversions, truth.customers)
      writer.member(key, value)
      if value == nil {
        writer.member(key + "UndefinedReason", UndefinedReason.emptyArm.rawValue)
      }
    }
    writer.member("revenuePerCustomerDifference", effect.revenuePerCustomerDifference)
    if effect.revenuePerCustomerDifference == nil {
      writer.member(
        "revenuePerCustomerDifferenceUndefinedReason", UndefinedReason.emptyArm.rawValue)
    }
    writer.endObject()
  }

  private func writeComparison(
    _ lift: LiftMeasurement, _ detail: ComparisonDetail, to writer: inout JSONWriter
  ) {
    let comparison = lift.comparison
    let reason = lift.undefinedReason ?? .emptyArm
    writer.beginObject()
    writer.member("treatment", lift.treatment.name)
    writer.member("control", lift.control.name)
    writer.member("confidenceLevel", comparison?.confidenceLevel ?? 0.95)

    writeMaybe(
      "absolute", comparison.map { .defined($0.absoluteLift) } ?? .undefined(reason),
      to: &writer)
    writeMaybe("relative", comparison?.relativeLift ?? .undefined(reason), to: &writer)
    writeInterval("ci95", comparison?.absoluteLiftInterval, undefined: reason, to: &writer)
    writeInterval(
      "relativeCi95", comparison?.relativeLiftInterval.value,
      undefined: comparison?.relativeLiftInterval.undefinedReason ?? reason, to: &writer)
    writeMaybe("zStatistic", comparison?.zTest.statistic ?? .undefined(reason), to: &writer)
    writer.member("pValue", comparison?.zTest.pValue)
    if comparison == nil {
      writer.member("pValueUndefinedReason", reason.rawValue)
    }

    writer.member("pValueHolm", detail.holmPValue)
    if detail.holmPValue == nil {
      writer.member("pValueHolmUndefinedReason", reason.rawValue)
    }
    writer.member("test", "two-sided pooled two-proportion z-test")
    writer.member("interval", "Newcombe hybrid score interval for the difference")
    writer.member("smallSample", comparison?.smallSampleWarning ?? false)
    if let fisher = comparison?.fisherExactTest {
      writer.member("fisherPValue", fisher.pValue)
    }

    if let truth = lift.truth {
      writeMaybe("trueAbsolute", truth.absoluteLift, to: &writer)
      writeMaybe("trueRelative", truth.relativeLift, to: &writer)
      writer.member("trueCustomers", truth.customers)
      for (key, conversions) in [
        ("trueConversionRateIfTreated", truth.conversionsIfTreated),
        ("trueConversionRateIfHeldOut", truth.conversionsIfHeldOut),
      ] {
        let value = rate(conversions, truth.customers)
        writer.member(key, value)
        if value == nil {
          writer.member(key + "UndefinedReason", UndefinedReason.emptyArm.rawValue)
        }
      }
    }
    writeDetail(detail, to: &writer)
    writer.endObject()
  }

  private func writeDetail(_ detail: ComparisonDetail, to writer: inout JSONWriter) {
    writer.key("revenue")
    if let revenue = detail.revenue {
      let welch = revenue.welch
      writer.beginObject()
      writer.member("meanDifference", welch.meanDifference)
      writeMaybe("tStatistic", welch.statistic, to: &writer)
      writeMaybe("degreesOfFreedom", welch.degreesOfFreedom, to: &writer)
      writeMaybe("pValue", welch.pValue, to: &writer)
      writeInterval(
        "ci95", welch.interval.value, undefined: welch.interval.undefinedReason ?? .emptyArm,
        to: &writer)
      writer.member("test", "Welch's t-test on revenue per customer")
      if let bootstrap = revenue.bootstrap {
        writer.member("bootstrapResamples", bootstrap.resampleCount)
        writer.member("bootstrapSeed", bootstrap.seed)
        writeInterval(
          "bootstrapPercentileCi95", bootstrap.percentileInterval, undefined: .emptyArm,
          to: &writer)
        writeInterval(
          "bootstrapBcaCi95", bootstrap.bcaInterval.value,
          undefined: bootstrap.bcaInterval.undefinedReason ?? .emptyArm, to: &writer)
      } else {
        let reason = revenue.bootstrapUndefinedReason ?? "bootstrapFailed"
        for key in ["bootstrapResamples", "bootstrapSeed", "bootstrapPercentileCi95", "bootstrapBcaCi95"] {
          writer.key(key)
          writer.null()
          writer.member(key + "UndefinedReason", reason)
        }
      }
      writer.endObject()
    } else {
      writer.null()
      writer.member("revenueUndefinedReason", detail.revenueUndefinedReason ?? "")
    }

    writer.key("cuped")
    if let cuped = detail.cuped {
      writer.beginObject()
      writer.member(
        "covariate", "pre-period activity: Order Completed events + 0.1 × Product Viewed events")
      writeMaybe("theta", cuped.theta, to: &writer)
      writer.member("adjustedDifference", cuped.adjustedTreatmentMean - cuped.adjustedControlMean)
      writeInterval(
        "ci95", cuped.test.interval.value,
        undefined: cuped.test.interval.undefinedReason ?? .emptyArm, to: &writer)
      writeMaybe("pValue", cuped.test.pValue, to: &writer)
      writeMaybe("varianceReduction", cuped.varianceReduction, to: &writer)
      writer.endObject()
    } else {
      writer.null()
      writer.member("cupedUndefinedReason", detail.cupedUndefinedReason ?? "")
    }
  }

  private func writeSampleRatio(to writer: inout JSONWriter) {
    writer.key("sampleRatio")
    guard let sampleRatio else {
      writer.null()
      writer.member("sampleRatioUndefinedReason", sampleRatioUndefinedReason ?? "noExperiment")
      return
    }
    writer.beginObject()
    writer.key("arms")
    writer.beginArray()
    for name in sampleRatioArms { writer.string(name) }
    writer.endArray()
    writer.key("counts")
    writer.beginArray()
    for count in sampleRatio.counts { writer.integer(count) }
    writer.endArray()
    writer.key("expectedShares")
    writer.beginArray()
    for share in sampleRatio.expectedShares { writer.number(share) }
    writer.endArray()
    writer.member("statistic", sampleRatio.statistic)
    writer.member("degreesOfFreedom", sampleRatio.degreesOfFreedom)
    writer.member("pValue", sampleRatio.pValue)
    writer.member("mismatch", sampleRatio.isMismatch)
    writer.endObject()
  }

  private func writeMessages(to writer: inout JSONWriter) {
    writer.key("messages")
    writer.beginObject()
    writer.member("emitted", collect.emitted)
    writer.member("accepted", collect.accepted)
    writer.member("quarantined", collect.quarantined)
    writer.member("dropped", collect.dropped)
    writeReasons("quarantineReasons", collect.quarantineReasons, to: &writer)
    writeReasons("dropReasons", collect.dropReasons, to: &writer)
    writer.member("flagged", collect.flagged)
    writeReasons("flagReasons", collect.flagReasons, to: &writer)
    writer.member("propertiesDropped", collect.propertiesDropped)
    writeReasons("propertyDropReasons", collect.propertyDropReasons, to: &writer)
    writer.member("late", collect.late)
    writer.member("duplicatesOutsideWindow", collect.duplicatesOutsideWindow)
    writer.member("merges", collect.merges)
    writer.destinations(destinations)
    writer.endObject()
  }

  private func writeReasons(_ key: String, _ reasons: [String: Int], to writer: inout JSONWriter) {
    writer.counts(key, reasons)
  }

  private func writeMaybe(_ key: String, _ value: MaybeDefined<Double>, to writer: inout JSONWriter) {
    writer.member(key, value.value)
    if let reason = value.undefinedReason {
      writer.member(key + "UndefinedReason", reason.rawValue)
    }
  }

  /// Writes `[lower, upper]`, or null with `undefined` as the reason beside it.
  private func writeInterval(
    _ key: String, _ interval: ConfidenceInterval?, undefined reason: UndefinedReason,
    to writer: inout JSONWriter
  ) {
    writer.key(key)
    guard let interval else {
      writer.null()
      writer.member(key + "UndefinedReason", reason.rawValue)
      return
    }
    writer.beginArray()
    writer.number(interval.lower)
    writer.number(interval.upper)
    writer.endArray()
  }

  private func rate(_ count: Int, _ total: Int) -> Double? {
    total > 0 ? Double(count) / Double(total) : nil
  }
}

extension JSONWriter {
  /// Writes counts by reason as an object with sorted keys.
  mutating func counts(_ key: String, _ counts: [String: Int]) {
    self.key(key)
    beginObject()
    for reason in counts.keys.sorted() {
      member(reason, counts[reason] ?? 0)
    }
    endObject()
  }

  /// Writes the `destinations` object of `summary.json`: each destination's counts.
  mutating func destinations(_ destinations: [(kind: DestinationKind, counts: DestinationCounts)]) {
    key("destinations")
    beginObject()
    for (kind, counts) in destinations {
      key(kind.rawValue)
      beginObject()
      member("routed", counts.routed)
      member("delivered", counts.delivered)
      member("filtered", counts.filtered)
      member("deadLettered", counts.deadLettered)
      member("retries", counts.retries)
      endObject()
    }
    endObject()
  }
}

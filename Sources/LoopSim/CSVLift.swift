import Config
import Foundation
import Measure

/// The request that `CSVLift` carries out on an experiment export: the arm column, the
/// control arm's value, the outcome columns, and the options of the analysis.
public struct CSVLiftRequest: Sendable {
  /// The column whose value is each row's arm.
  public var armColumn: String
  /// The arm column's value for the control arm; every other value is a treatment arm.
  public var control: String
  /// The outcome columns, analysed in this order.
  public var outcomes: [String]
  /// The pre-experiment covariate column for CUPED, or nil for no CUPED.
  public var covariate: String?
  /// Each arm's expected share of the rows for the sample ratio check, or nil for equal
  /// shares. The shares must sum to 1 within `CSVLift.shareSumTolerance`.
  public var expectedShares: [String: Double]?
  /// The seed of every bootstrap's random streams. Every comparison uses the same seed, so
  /// the control arm's resampled rows are the same in every comparison.
  public var seed: UInt64
  /// The number of bootstrap resamples, 1 to `CSVLift.maximumResampleCount`.
  public var resamples: Int

  public init(
    armColumn: String, control: String, outcomes: [String], covariate: String? = nil,
    expectedShares: [String: Double]? = nil, seed: UInt64 = 1,
    resamples: Int = CSVLift.defaultResampleCount
  ) {
    self.armColumn = armColumn
    self.control = control
    self.outcomes = outcomes
    self.covariate = covariate
    self.expectedShares = expectedShares
    self.seed = seed
    self.resamples = resamples
  }
}

/// The lift of every treatment arm over the control arm in an experiment export (a CSV file
/// with one row per unit, such as a customer), for each outcome column.
///
/// Arms are the distinct values of the arm column, sorted (Swift's `String` order, which
/// compares Unicode scalars after canonical normalization), so the report does not depend
/// on the order of the rows. An outcome column whose values are all 0 or 1 is binary and
/// is compared as rates (`ProportionComparison`). Any other numeric column is continuous
/// and compared as means (`WelchTTest` and `Bootstrap`). With several treatment arms, the
/// p-values of each outcome are Holm-adjusted over the treatment arms. The arms' row counts
/// are checked against their expected shares (`SampleRatioMismatch`).
///
/// Every interval is at `confidenceLevel`, and every test is two-sided.
public struct CSVLift: Sendable {
  /// The version of the JSON document's layout.
  public static let schemaVersion = 1
  /// The coverage of every interval.
  public static let confidenceLevel = 0.95
  /// The maximum number of arms. An arm column has a few values, so more than this usually
  /// means that `--arm` names another column, whose analysis would be huge.
  public static let maximumArmCount = 100
  /// How far the expected shares may sum from 1. Shares within it are divided by their sum.
  public static let shareSumTolerance = 1e-6
  /// The number of bootstrap resamples when none is requested.
  public static let defaultResampleCount = Bootstrap.defaultResampleCount
  /// The maximum number of bootstrap resamples.
  public static let maximumResampleCount = Bootstrap.maximumResampleCount

  /// One arm: a distinct value of the arm column.
  public struct Arm: Hashable, Sendable {
    /// The arm column's value.
    public let value: String
    /// The number of rows with this value.
    public let rows: Int
    /// Whether this is the control arm.
    public let isControl: Bool
    /// The arm's expected share of all rows, for the sample ratio check.
    public let expectedShare: Double
  }

  /// The file's name as given, used in messages.
  public let file: String
  /// The analysis as requested.
  public let request: CSVLiftRequest
  /// The number of data rows, without the header.
  public let rowCount: Int
  /// The arms in sorted order, the control among them.
  public let arms: [Arm]
  /// The chi-squared test of the arms' row counts against their expected shares.
  public let sampleRatio: SampleRatioMismatch
  /// One analysis per outcome column, in the requested order.
  public let outcomes: [OutcomeLift]

  /// The index of the control arm in `arms`.
  public var controlIndex: Int { arms.firstIndex { $0.isControl } ?? 0 }
  /// The indices of the treatment arms in `arms`, in order.
  public var treatmentIndices: [Int] { arms.indices.filter { !arms[$0].isControl } }

  /// Reads and analyses the CSV file at `path`.
  ///
  /// - Throws: `CSVLiftError` when the file cannot be read, is not UTF-8 or not valid CSV,
  ///   or does not fit the request. `RuntimeFailure` when a statistic fails for a reason
  ///   other than its input.
  public init(contentsOfFile path: String, request: CSVLiftRequest) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CSVLiftError(
        file: path, line: nil, problem: "cannot read the file: \(Self.readFailureReason(error))",
        fix: "check the path and that the file is readable")
    }
    let text = try Self.decodeUTF8(data, file: path)
    let table: CSVTable
    do {
      table = try CSVTable(parsing: text, file: path)
    } catch {
      throw CSVLiftError(error)
    }
    try self.init(table: table, request: request)
  }

  /// Analyses a CSV table already read.
  ///
  /// - Throws: as `init(contentsOfFile:request:)`, except for the errors of reading.
  public init(table: CSVTable, request: CSVLiftRequest) throws {
    let file = table.file
    guard !table.rows.isEmpty else {
      throw CSVLiftError(
        file: file, line: 2, problem: "the file has a header but no data rows",
        fix: "export the experiment's rows below the header, one row per unit")
    }
    guard request.resamples >= 1, request.resamples <= Bootstrap.maximumResampleCount else {
      throw CSVLiftError(
        file: file, line: nil,
        problem: "invalid number of bootstrap resamples \(request.resamples)",
        fix:
          "give 1 to \(Bootstrap.maximumResampleCount), such as \(Bootstrap.defaultResampleCount)")
    }

    let armColumn = try Self.column(request.armColumn, option: "--arm", in: table)
    let grouping = try ArmGrouping(table: table, column: armColumn, control: request.control)
    let shares = try Self.expectedShares(request.expectedShares, grouping: grouping, file: file)
    arms = grouping.values.indices.map { index in
      Arm(
        value: grouping.values[index], rows: grouping.rowIndices[index].count,
        isControl: index == grouping.controlIndex, expectedShare: shares[index])
    }
    do {
      sampleRatio = try SampleRatioMismatch(counts: arms.map(\.rows), expectedShares: shares)
    } catch {
      throw RuntimeFailure("the sample ratio check failed: \(error)")
    }

    var covariate: [Double]?
    if let name = request.covariate {
      let index = try Self.column(name, option: "--covariate", in: table)
      covariate = try Self.numbers(in: table, column: index)
    }
    let analyses = try request.outcomes.map { name in
      let index = try Self.column(name, option: "--outcome", in: table)
      return OutcomeAnalysis(
        column: name, values: try Self.numbers(in: table, column: index), covariate: covariate,
        covariateColumn: request.covariate, grouping: grouping, file: file)
    }

    // The bootstraps take nearly all of the time, so they run in parallel.
    let jobs = analyses.indices.filter { !analyses[$0].isBinary }.flatMap { outcome in
      grouping.treatmentIndices.map { BootstrapJob(outcome: outcome, treatment: $0) }
    }
    let seed = request.seed
    let resamples = request.resamples
    let bootstraps = try ParallelMap.map(jobs) { job in
      try analyses[job.outcome].bootstrap(
        treatment: job.treatment, seed: seed, resamples: resamples)
    }

    var outcomes: [OutcomeLift] = []
    for (index, analysis) in analyses.enumerated() {
      if analysis.isBinary {
        outcomes.append(.binary(try analysis.binary()))
      } else {
        let own = zip(jobs, bootstraps).filter { $0.0.outcome == index }.map(\.1)
        outcomes.append(.continuous(try analysis.continuous(bootstraps: own)))
      }
    }

    self.file = file
    self.request = request
    self.rowCount = table.rows.count
    self.outcomes = outcomes
  }

  /// The bootstrap of one continuous outcome for one treatment arm.
  private struct BootstrapJob: Sendable {
    /// The index of the outcome in `request.outcomes`.
    let outcome: Int
    /// The index of the treatment arm in `arms`.
    let treatment: Int
  }

  // MARK: Warnings

  /// The warnings of the analysis: a sample ratio mismatch, and arms too small for the
  /// normal approximation.
  public var warnings: [LiftWarning] {
    var warnings: [LiftWarning] = []
    if sampleRatio.isMismatch {
      warnings.append(
        LiftWarning(
          code: "sampleRatioMismatch", outcome: nil, arm: nil,
          message: "sample ratio mismatch: the arms' row counts differ from the expected shares "
            + "(chi-squared p = \(LiftFormat.pValue(sampleRatio.pValue)), below "
            + "\(SampleRatioMismatch.threshold)), so the assignment or the export lost or added "
            + "rows unevenly; find the cause before trusting the lifts"))
    }
    for outcome in outcomes {
      warnings += outcome.warnings(arms: arms)
    }
    return warnings
  }

  // MARK: Reading

  /// Returns the index of a column named by an option.
  static func column(_ name: String, option: String, in table: CSVTable) throws -> Int {
    do {
      return try table.column(name, option: option)
    } catch {
      throw CSVLiftError(error)
    }
  }

  /// Returns a column's values as finite numbers, or an error naming the first bad line.
  static func numbers(in table: CSVTable, column: Int) throws -> [Double] {
    do {
      return try table.numbers(column: column)
    } catch {
      throw CSVLiftError(error)
    }
  }

  /// Returns each arm's expected share, normalized to sum to 1, in the order of the arms.
  private static func expectedShares(
    _ requested: [String: Double]?, grouping: ArmGrouping, file: String
  ) throws -> [Double] {
    let values = grouping.values
    guard let requested else {
      return Array(repeating: 1 / Double(values.count), count: values.count)
    }
    for name in requested.keys.sorted() where grouping.index(of: name) == nil {
      throw CSVLiftError(
        file: file, line: nil,
        problem: "--expected-shares names arm \"\(name)\", which does not occur in column "
          + "\"\(grouping.column)\"",
        fix: grouping.valuesFix(near: name))
    }
    var shares: [Double] = []
    for value in values {
      guard let share = requested[value] else {
        throw CSVLiftError(
          file: file, line: nil,
          problem: "--expected-shares gives no share for arm \"\(value)\"",
          fix: "give a share for every arm: "
            + values.map { "\($0)=SHARE" }.joined(separator: ","))
      }
      guard share > 0, share.isFinite else {
        throw CSVLiftError(
          file: file, line: nil,
          problem: "--expected-shares gives arm \"\(value)\" the share \(share)",
          fix: "give every arm a share above 0, the shares summing to 1")
      }
      shares.append(share)
    }
    let sum = shares.reduce(0, +)
    guard abs(sum - 1) <= shareSumTolerance else {
      throw CSVLiftError(
        file: file, line: nil, problem: "--expected-shares sum to \(sum)",
        fix: "give shares that sum to 1, such as "
          + values.map { "\($0)=\(1 / Double(values.count))" }.joined(separator: ","))
    }
    return shares.map { $0 / sum }
  }

  /// Returns the text as UTF-8, or an error naming the line of the first invalid byte.
  private static func decodeUTF8(_ data: Data, file: String) throws -> String {
    let bytes = [UInt8](data)
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var line = 1
    var lineStart = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
      if String(validating: bytes[lineStart..<index], as: UTF8.self) == nil { break }
      line += 1
      lineStart = index + 1
    }
    throw CSVLiftError(
      file: file, line: line, problem: "the file is not valid UTF-8 text",
      fix: "save or export the file as UTF-8 (\"CSV UTF-8\" in spreadsheets)")
  }

  /// Returns the operating system's reason, such as "No such file or directory", when
  /// Foundation wraps one, else Foundation's own description without its final period.
  private static func readFailureReason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
      let posix = underlying as NSError
      if posix.domain == NSPOSIXErrorDomain, let code = Int32(exactly: posix.code) {
        return String(cString: strerror(code))
      }
    }
    var reason = nsError.localizedDescription
    while reason.last == "." { reason.removeLast() }
    return reason
  }
}

/// A warning about the data that does not stop the analysis.
public struct LiftWarning: Hashable, Sendable {
  /// `sampleRatioMismatch`, `smallExpectedCount` (a binary outcome, where Fisher's exact test
  /// replaces the z-test) or `smallArm` (a continuous outcome).
  public let code: String
  /// The outcome column, or nil for a warning about the arms.
  public let outcome: String?
  /// The arm, or nil for a warning about all arms.
  public let arm: String?
  public let message: String
}

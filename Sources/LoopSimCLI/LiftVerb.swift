import Foundation
import LoopSim

/// `loopsim lift`: measures the lift of every treatment arm over the control in an
/// experiment export.
enum LiftVerb {
  static let spec = VerbSpec(
    name: "lift",
    summary: "Measure each treatment arm's lift over the control in an experiment export (CSV).",
    usage: "loopsim lift FILE --arm COLUMN --control VALUE --outcome COLUMN [--outcome COLUMN]... "
      + "[--covariate COLUMN] [--expected-shares VALUE=SHARE,...] [--seed S] [--resamples B] "
      + "[--json]",
    discussion: """
      Reads a CSV file with a header line and one row per unit (such as a customer), groups
      the rows by the value of the arm column, and compares every arm other than the
      control with the control, for each outcome column. Arms are listed in sorted order.

      An outcome whose values are all 0 or 1 is binary: each arm's rate with its Wilson
      interval, and per treatment arm the absolute lift (Newcombe interval), the relative
      lift (Katz log interval) and the pooled two-proportion z-test. Fisher's exact test
      replaces the z-test when an expected cell count is below 5. Any other numeric outcome
      is continuous: each arm's mean and standard deviation, and per treatment arm the
      difference of means with Welch's t-test and interval, and bootstrap percentile and
      BCa intervals. Each outcome's p-values are also Holm-adjusted over the treatment arms.
      With --covariate, CUPED adjusts every outcome by the covariate, with θ pooled over the
      two arms of each comparison. Every interval is at 95 % and every test two-sided.

      The arms' row counts are checked against the expected shares with Pearson's
      chi-squared test, and p < 0.001 is reported as a sample ratio mismatch. Warnings (a
      mismatch, an arm too small for the normal approximation) are part of the report and
      do not change the exit status: 0 when the analysis ran, 2 for invalid input.
      """,
    positionalName: "FILE",
    positionalRange: 1...1,
    options: [
      .value("--arm", "COLUMN", help: "The column that contains each row's arm (required)."),
      .value(
        "--control", "VALUE",
        help: "The arm column's value of the control arm; every other value is a treatment "
          + "arm (required)."),
      .value(
        "--outcome", "COLUMN", repeatable: true,
        help: "An outcome column, binary when every value is 0 or 1; repeat for several "
          + "(at least one required)."),
      .value(
        "--covariate", "COLUMN",
        help: "A column measured before the experiment, such as past spend, for CUPED."),
      .value(
        "--expected-shares", "VALUE=SHARE,...",
        help: "Each arm's expected share of the rows, summing to 1, such as A=0.5,B=0.5 "
          + "(default: equal shares). An arm value here cannot contain a comma."),
      .value(
        "--seed", "S",
        help: "Seed every bootstrap with S, an unsigned 64-bit integer (default: 1)."),
      .value(
        "--resamples", "B",
        help: "Draw B bootstrap resamples per comparison, 1 to \(CSVLift.maximumResampleCount) "
          + "(default: \(CSVLift.defaultResampleCount))."),
      .flag("--json", help: "Print the report as JSON instead of the table."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let request = try request(from: arguments)
    let lift = try CSVLift(contentsOfFile: arguments.positionals[0], request: request)
    if arguments.flag("--json") {
      writeOutput(lift.json)
      // Standard output is for programs here, so people reading a log see warnings too.
      for warning in lift.warnings {
        writeStandardError("loopsim: warning: \(warning.message)\n")
      }
    } else {
      writeOutput(lift.table)
    }
    return .success
  }

  /// Builds the analysis request from the options, checking each value.
  static func request(from arguments: ParsedArguments) throws -> CSVLiftRequest {
    let arm = try required(arguments, "--arm", "COLUMN")
    let control = try required(arguments, "--control", "VALUE")
    let outcomes = arguments.values("--outcome")
    guard !outcomes.isEmpty else {
      throw UsageError(
        message: "missing option '--outcome COLUMN': name at least one outcome column.",
        verb: spec.name)
    }
    var seen: Set<String> = []
    for outcome in outcomes where !seen.insert(outcome).inserted {
      throw UsageError(message: "--outcome '\(outcome)' is given twice.", verb: spec.name)
    }

    var request = CSVLiftRequest(
      armColumn: arm, control: control, outcomes: outcomes,
      covariate: arguments.value("--covariate"))
    if let text = arguments.value("--expected-shares") {
      request.expectedShares = try expectedShares(text)
    }
    if let text = arguments.value("--seed") {
      guard let seed = UInt64(text) else {
        throw UsageError(
          message: "invalid value '\(text)' for '--seed': expected an integer from 0 to "
            + "\(UInt64.max).",
          verb: spec.name)
      }
      request.seed = seed
    }
    if let text = arguments.value("--resamples") {
      guard let resamples = Int(text), resamples >= 1, resamples <= CSVLift.maximumResampleCount
      else {
        throw UsageError(
          message: "invalid value '\(text)' for '--resamples': expected an integer from 1 to "
            + "\(CSVLift.maximumResampleCount), such as \(CSVLift.defaultResampleCount).",
          verb: spec.name)
      }
      request.resamples = resamples
    }
    return request
  }

  /// Reads `VALUE=SHARE,...`. The text after the last `=` of an item is the share, so an arm
  /// value may contain `=` but not a comma.
  static func expectedShares(_ text: String) throws -> [String: Double] {
    var shares: [String: Double] = [:]
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let equals = item.lastIndex(of: "="), equals != item.startIndex else {
        throw UsageError(
          message: "invalid item '\(item)' in '--expected-shares': expected VALUE=SHARE, "
            + "such as --expected-shares control=0.5,treatment=0.5.",
          verb: spec.name)
      }
      let arm = String(item[..<equals])
      let shareText = item[item.index(after: equals)...]
      guard let share = Double(shareText), share.isFinite, share > 0 else {
        throw UsageError(
          message: "invalid share '\(shareText)' for arm '\(arm)' in '--expected-shares': "
            + "expected a number above 0, such as 0.5.",
          verb: spec.name)
      }
      guard shares.updateValue(share, forKey: arm) == nil else {
        throw UsageError(
          message: "arm '\(arm)' is given twice in '--expected-shares'.", verb: spec.name)
      }
    }
    return shares
  }

  private static func required(
    _ arguments: ParsedArguments, _ name: String, _ valueName: String
  ) throws -> String {
    guard let value = arguments.value(name) else {
      throw UsageError(message: "missing option '\(name) \(valueName)'.", verb: spec.name)
    }
    return value
  }
}

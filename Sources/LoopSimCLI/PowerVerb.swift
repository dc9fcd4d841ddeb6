import Config
import Foundation
import LoopSim
import Measure

/// `loopsim power`: sample size or minimum detectable effect of a conversion test.
enum PowerVerb {
  static let spec = VerbSpec(
    name: "power",
    summary: "Plan an experiment: the customers per arm for an effect, or the effect for a size.",
    usage: "loopsim power --rate P (--mde D [--relative] | --customers N) [--alpha A] "
      + "[--power B] [--arms K] [--json]",
    discussion: """
      For a two-sided pooled two-proportion test with baseline conversion rate P, prints
      the customers needed per arm to detect a change of D (absolute, or relative with
      --relative), or, with --customers N per arm, the smallest change detectable in each
      direction. With K arms (the control included), α is split over the K − 1 comparisons
      with the control (Bonferroni). docs/metrics.md gives the formula.
      """,
    positionalName: "",
    positionalRange: 0...0,
    options: [
      .value("--rate", "P", help: "The control's conversion rate, strictly between 0 and 1."),
      .value("--mde", "D", help: "The change to detect: a rate difference, or relative with --relative."),
      .flag("--relative", help: "Read --mde as a relative change, such as 0.1 for +10 %."),
      .value("--customers", "N", help: "Customers per arm, to print the detectable change instead."),
      .value("--alpha", "A", help: "The significance level, two-sided (default 0.05)."),
      .value("--power", "B", help: "The power, 0.5 to below 1 (default 0.8)."),
      .value("--arms", "K", help: "Arms including the control (default 2)."),
      .flag("--json", help: "Print the result as JSON."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    guard let rate = try number(arguments, "--rate") else {
      throw UsageError(message: "missing --rate P, the control's conversion rate.", verb: spec.name)
    }
    let mde = try number(arguments, "--mde")
    let customers = try RunVerb.integerOption(arguments, "--customers", in: 2...Int.max, verb: spec.name)
    guard (mde == nil) != (customers == nil) else {
      throw UsageError(
        message: "give exactly one of --mde D (to get a sample size) or --customers N (to get "
          + "the detectable change).", verb: spec.name)
    }
    if arguments.flag("--relative") && mde == nil {
      throw UsageError(message: "--relative applies only with --mde.", verb: spec.name)
    }
    let alpha = try number(arguments, "--alpha") ?? 0.05
    let power = try number(arguments, "--power") ?? 0.8
    let arms = try RunVerb.integerOption(arguments, "--arms", in: 2...1_000, verb: spec.name) ?? 2

    do {
      let analysis = try PowerAnalysis(alpha: alpha, power: power, arms: arms)
      guard rate > 0, rate < 1 else { throw PowerAnalysisError.invalidRate(rate) }
      var json = JSONWriter(pretty: true)
      json.beginObject()
      json.member("schemaVersion", 1)
      json.member("baselineRate", rate)
      json.member("alpha", alpha)
      json.member("comparisonAlpha", analysis.comparisonAlpha)
      json.member("power", power)
      json.member("arms", arms)
      var text = ""

      if let mde {
        let estimate =
          arguments.flag("--relative")
          ? try analysis.sampleSize(baselineRate: rate, relativeEffect: mde)
          : try analysis.sampleSize(baselineRate: rate, absoluteEffect: mde)
        let treatmentRate = arguments.flag("--relative") ? rate * (1 + mde) : rate + mde
        json.member("treatmentRate", treatmentRate)
        json.member("customersPerArm", estimate.perArm)
        json.member("customersTotal", estimate.total)
        text = "Customers per arm: \(estimate.perArm) (\(estimate.total) over \(arms) arms) to "
          + "detect \(percent(rate)) → \(percent(treatmentRate)) with power "
          + "\(percent(power)) at two-sided α = \(formatted(analysis.comparisonAlpha)) per comparison\n"
      } else if let customers {
        json.member("customersPerArm", customers)
        text = "With \(customers) customers per arm, at power \(percent(power)) and two-sided "
          + "α = \(formatted(analysis.comparisonAlpha)) per comparison, the smallest detectable change from "
          + "\(percent(rate)) is:\n"
        for direction in [EffectDirection.increase, .decrease] {
          let key = direction == .increase ? "increase" : "decrease"
          json.key(key)
          do {
            let effect = try analysis.minimumDetectableEffect(
              baselineRate: rate, sampleSizePerArm: customers, direction: direction)
            json.beginObject()
            json.member("treatmentRate", effect.treatmentRate)
            json.member("absolute", effect.absolute)
            json.member("relative", effect.relative)
            json.endObject()
            text += "  \(key): to \(percent(effect.treatmentRate)) "
              + "(\(String(format: "%+.3f", effect.absolute * 100)) pp, "
              + "\(String(format: "%+.1f", effect.relative * 100))% relative)\n"
          } catch {
            json.null()
            json.member(key + "UndefinedReason", "noDetectableEffect")
            text += "  \(key): none before the rate reaches \(direction == .increase ? "1" : "0")\n"
          }
        }
      }
      json.member("formula", "two-sided pooled two-proportion test, normal approximation")
      json.endObject()
      writeOutput(arguments.flag("--json") ? json.text + "\n" : text)
      return .success
    } catch let error as PowerAnalysisError {
      throw UsageError(message: error.description + ".", verb: spec.name)
    }
  }

  private static func number(_ arguments: ParsedArguments, _ name: String) throws -> Double? {
    guard let text = arguments.value(name) else { return nil }
    guard let value = Double(text), value.isFinite else {
      throw UsageError(
        message: "invalid value '\(text)' for '\(name)': expected a number.", verb: spec.name)
    }
    return value
  }

  private static func percent(_ value: Double) -> String {
    String(format: "%.2f%%", value * 100)
  }

  private static func formatted(_ value: Double) -> String {
    String(format: "%.4g", value)
  }
}

import Foundation
import LoopSim
import Simulation

/// `loopsim attribute`: credits the conversions and value of conversion paths to their
/// channels with every attribution model.
enum AttributeVerb {
  static let spec = VerbSpec(
    name: "attribute",
    summary: "Credit conversions and value to channels from conversion paths (CSV).",
    usage: "loopsim attribute FILE [--models NAME,...] [--order K] [--keep-repeats] "
      + "[--half-life DURATION] [--direct CHANNEL] [--position-shares FIRST,LAST] "
      + "[--shapley-game GAME] [--json]",
    discussion: """
      Reads a CSV file in one of two formats, which the header identifies:

        path,total_conversions,total_conversion_value,total_null
          ChannelAttribution's path format: one row per path, channels separated by '>'
          (such as "email > search"). Rows with the same path are summed. The last two
          columns may be left out (0).
        user,timestamp,channel,conversion,value
          One row per touch (conversion 0) or conversion (conversion above 0). Each user's
          rows are ordered by timestamp (integer milliseconds or ISO 8601), and a conversion
          ends the user's path; its channel, if any, is the path's last touch. Touches after
          the last conversion form a path that did not convert. The value column may be
          left out.

      Prints, for every model, the conversions and the value credited to each channel.
      Models: first, last, last-non-direct, linear, time-decay, position (40/20/40 by
      default), markov (removal effects of an absorbing Markov chain of order K, solved
      exactly), shapley (exact Shapley values over channel sets, at most 12 channels).
      Without --models, shapley is skipped with a note when there are more than 12 channels.
      Paths without touches are credited to no channel and reported as unattributed.
      Exit status: 0 when the attribution ran, 2 for invalid input, 3 when a solver failed.
      """,
    positionalName: "FILE",
    positionalRange: 1...1,
    options: [
      .value(
        "--models", "NAME,...",
        help: "The models to run, in this order (default: all): "
          + AttributionModelName.allCases.map(\.rawValue).joined(separator: ", ") + "."),
      .value(
        "--order", "K",
        help: "The Markov chain's order, 1 to \(AttributionRequest.maximumOrder) (default: 1); "
          + "orders 3 and 4 are solved with sparse GMRES."),
      .flag(
        "--keep-repeats",
        help: "Keep consecutive touches on the same channel in the Markov chain instead of "
          + "merging them."),
      .value(
        "--half-life", "DURATION",
        help: "The half-life of time decay, such as 12h or 7d (default: 7d). Paths without "
          + "timestamps decay by position, with a half-life of 1 touch."),
      .value(
        "--direct", "CHANNEL",
        help: "The channel that last-non-direct skips (default: direct)."),
      .value(
        "--position-shares", "FIRST,LAST",
        help: "The position-based model's shares of the first and the last touch, summing "
          + "to at most 1 (default: 0.4,0.4)."),
      .value(
        "--shapley-game", "GAME",
        help: "The Shapley model's v(S) over the paths whose channels are all in S: "
          + "conversions (their conversions, the default) or rate (their conversion rate)."),
      .flag("--json", help: "Print the report as JSON instead of the tables."),
    ])

  static var verb: Verb { Verb(spec: spec, run: run) }

  /// Above this many channels the Markov model warns that it will be slow.
  static let manyChannels = 500

  static func run(_ arguments: ParsedArguments) throws -> ExitStatus {
    let request = try request(from: arguments)
    let input = try AttributionInput(contentsOfFile: arguments.positionals[0])
    let channels = input.paths.channels.count
    if request.models.contains(.markov), channels > manyChannels {
      // NOTE: exact removal effects take one solve per channel, so time grows with about
      // the cube of the channels; nothing yet bounds it.
      writeStandardError(
        "loopsim: warning: \(channels) channels. The Markov model's removal effects take "
          + "time that grows with about the cube of the channels: 500 channels took 2.6 s on "
          + "a 2-core machine and 2,000 more than 8 minutes. Group rare channels, or leave "
          + "markov out of --models, for a faster answer. Ctrl-C stops the run.\n")
    }
    let report = try AttributionReport(input: input, request: request)
    writeOutput(arguments.flag("--json") ? report.json : report.table)
    return .success
  }

  /// Builds the request from the options, checking each value.
  static func request(from arguments: ParsedArguments) throws -> AttributionRequest {
    var request = AttributionRequest()
    if let text = arguments.value("--models") {
      request.models = try models(text)
      request.modelsWereRequested = true
    }
    if let text = arguments.value("--order") {
      guard let order = Int(text), (1...AttributionRequest.maximumOrder).contains(order) else {
        throw UsageError(
          message: "invalid value '\(text)' for '--order': expected an integer from 1 to "
            + "\(AttributionRequest.maximumOrder).",
          verb: spec.name)
      }
      request.order = order
    }
    request.keepsRepeats = arguments.flag("--keep-repeats")
    if let text = arguments.value("--half-life") {
      guard let halfLife = SimDuration(parsing: text), halfLife.milliseconds > 0 else {
        throw UsageError(
          message: "invalid value '\(text)' for '--half-life': expected a duration above 0 "
            + "with a unit (ms, s, m, h, d, w), such as 12h or 7d.",
          verb: spec.name)
      }
      request.halfLife = halfLife
    }
    if let text = arguments.value("--direct") {
      guard !text.isEmpty else {
        throw UsageError(
          message: "invalid value '' for '--direct': expected a channel name.", verb: spec.name)
      }
      request.directChannel = text
    }
    if let text = arguments.value("--shapley-game") {
      guard let game = ShapleyGame(rawValue: text) else {
        throw UsageError(
          message: "invalid value '\(text)' for '--shapley-game': expected conversions or rate.",
          verb: spec.name)
      }
      request.shapleyGame = game
    }
    if let text = arguments.value("--position-shares") {
      (request.firstShare, request.lastShare) = try positionShares(text)
    }
    return request
  }

  /// Reads a comma-separated list of model names, each at most once.
  static func models(_ text: String) throws -> [AttributionModelName] {
    var models: [AttributionModelName] = []
    let names = AttributionModelName.allCases.map(\.rawValue)
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = item.trimmingCharacters(in: .whitespaces)
      guard let model = AttributionModelName(rawValue: name) else {
        var message = "invalid model '\(name)' in '--models': expected "
          + names.joined(separator: ", ") + "."
        if let suggestion = closestMatch(to: name, among: names) {
          message += " Did you mean '\(suggestion)'?"
        }
        throw UsageError(message: message, verb: spec.name)
      }
      guard !models.contains(model) else {
        throw UsageError(
          message: "model '\(name)' is given twice in '--models'.", verb: spec.name)
      }
      models.append(model)
    }
    return models
  }

  /// Reads `FIRST,LAST`, two shares from 0 to 1 that sum to at most 1.
  static func positionShares(_ text: String) throws -> (Double, Double) {
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
    let shares = items.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard items.count == 2, shares.count == 2,
      shares.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }), shares[0] + shares[1] <= 1
    else {
      throw UsageError(
        message: "invalid value '\(text)' for '--position-shares': expected two shares from "
          + "0 to 1 that sum to at most 1, such as 0.4,0.4.",
        verb: spec.name)
    }
    return (shares[0], shares[1])
  }
}

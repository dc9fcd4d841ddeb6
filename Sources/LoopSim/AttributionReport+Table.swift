import Foundation
import Measure

extension AttributionReport {
  /// The report as plain text for a terminal: the input and the models' parameters, then one
  /// table of conversions and one of value credited per channel and model, then the Markov
  /// removal effects.
  public var table: String {
    let paths = input.paths
    var lines = [
      "File        \(input.file) (\(input.format.rawValue) format, \(input.rowCount) rows, "
        + "\(input.pathCount) paths)",
      "Totals      \(Self.amount(paths.attributableConversions)) conversions, value "
        + "\(Self.amount(paths.attributableValue)), \(Self.amount(paths.attributableNulls)) "
        + "nulls, \(paths.channels.count) channels",
    ]
    if paths.emptyPathCount > 0 {
      lines.append(
        "Unattributed \(Self.amount(paths.unattributedConversions)) conversions and value "
          + "\(Self.amount(paths.unattributedValue)) on \(paths.emptyPathCount) "
          + (paths.emptyPathCount == 1 ? "path" : "paths") + " without touches")
    }
    lines += parameterLines()
    for (model, reason) in skipped {
      lines.append("Skipped     \(model.rawValue): \(reason)")
    }

    if !attributions.isEmpty {
      lines.append("")
      lines.append("Conversions credited")
      lines += creditTable { $0.conversionCredits }
      lines.append("")
      lines.append("Value credited")
      lines += creditTable { $0.valueCredits }
    }
    if let markov = attributions.first(where: { $0.markov != nil }), let detail = markov.markov {
      lines.append("")
      lines.append("Markov removal effects")
      var rows = [["channel", "conversions", "value"]]
      for (index, channel) in markov.channels.enumerated() {
        rows.append([
          channel, Self.effect(detail.removalEffects[index]),
          Self.effect(detail.valueRemovalEffects[index]),
        ])
      }
      lines += LiftFormat.columns(rows)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func parameterLines() -> [String] {
    var lines: [String] = []
    for attribution in attributions {
      switch AttributionModelName(rawValue: attribution.model) {
      case .lastNonDirect:
        lines.append("Direct      \"\(request.directChannel)\" (skipped by last-non-direct)")
      case .timeDecay:
        lines.append(
          "Time decay  half-life \(timeDecay.halfLife); paths without timestamps decay by "
            + "position, half-life \(Self.touches(timeDecay.halfLifeInTouches))")
      case .position:
        lines.append(
          "Position    \(LiftFormat.percent(position.firstShare)) first, "
            + "\(LiftFormat.percent(position.lastShare)) last, "
            + "\(LiftFormat.percent(position.middleShare)) shared by the touches between")
      case .markov:
        guard let markov = attribution.markov else { break }
        var solver =
          markov.solver == .denseLU
          ? "dense LU" : "GMRES to relative residual \(markov.tolerance ?? 0)"
        solver += ", maximum relative residual "
          + String(format: "%.2e", markov.maximumRelativeResidual)
        lines.append(
          "Markov      order \(markov.order), repeats "
            + (markov.keepsRepeats ? "kept" : "merged")
            + ", \(markov.stateCount) states, \(markov.transitionCount) transitions, \(solver)")
      case .shapley:
        let game = request.shapleyGame == .rate ? "conversion rate" : "conversions"
        lines.append("Shapley     v(S) = \(game) of the paths whose channels are all in S")
      case .first, .last, .linear, nil:
        break
      }
    }
    return lines
  }

  /// Lays out one row per channel and a total row, with one column per model.
  private func creditTable(_ credits: (Attribution) -> [Double]) -> [String] {
    var rows = [["channel"] + attributions.map(\.model)]
    let channels = input.paths.channels
    for (index, channel) in channels.enumerated() {
      rows.append([channel] + attributions.map { Self.amount(credits($0)[index]) })
    }
    rows.append(["total"] + attributions.map { Self.amount(credits($0).reduce(0, +)) })
    return LiftFormat.columns(rows)
  }

  /// Formats a number of touches, such as "1 touch" or "2.5 touches".
  private static func touches(_ count: Double) -> String {
    count == 1 ? "1 touch" : "\(count.formatted()) touches"
  }

  /// Formats a count or value with 2 decimals.
  static func amount(_ value: Double) -> String {
    let text = String(format: "%.2f", value)
    return text == "-0.00" ? "0.00" : text
  }

  /// Formats a removal effect with 4 decimals, or the reason it is undefined.
  private static func effect(_ quantity: AttributionQuantity) -> String {
    switch quantity {
    case .defined(let value): String(format: "%.4f", value)
    case .undefined(let reason): "undefined: \(reason.description)"
    }
  }
}

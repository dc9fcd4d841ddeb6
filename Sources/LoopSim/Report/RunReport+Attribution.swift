import Foundation

/// The attribution of a run read from `summary.json`'s `attribution` object without a fixed
/// layout: each model's credited share per channel, and the true share per channel when
/// the object has one.
struct AttributionView {
  /// One model: its name, its scalar members (such as an error against the truth), and its
  /// share per channel.
  struct Model {
    let name: String
    let node: SummaryNode
    let shares: [String: Double]
  }

  let models: [Model]
  let truth: [String: Double]
  let truthName: String
  /// Every channel, in the order first seen.
  let channels: [String]

  /// Reads `section`; nil when no array of models with per-channel credits is found.
  ///
  /// A model is an object with a `model` or `name` string and an array of objects that each
  /// have a `channel` string and a share. The share is the member `conversionShare`, else
  /// `share`, else the first number whose key contains `share` and not `true`.
  ///
  /// The truth is a number per credit whose key contains both `true` and `share`. Failing
  /// that, it is the first member of the section whose key contains `true` or `truth` and
  /// that has such channel objects, or an object of numbers by channel, within three levels.
  ///
  /// NOTE: `docs/results-schema.md` documents no layout of `attribution` yet, so this reads
  /// it by shape; a layout it does not recognise is listed, not charted.
  init?(_ section: SummaryNode) {
    let candidates = section["models"].isArray
      ? section["models"].elements
      : section.members.first { $0.value.elements.contains(where: Self.isModel) }?.value
        .elements ?? []
    var models: [Model] = []
    var perCreditTruth: [String: Double] = [:]
    var channels: [String] = []
    for candidate in candidates where Self.isModel(candidate) {
      guard let credits = Self.channelObjects(in: candidate) else { continue }
      var shares: [String: Double] = [:]
      for credit in credits {
        guard let channel = credit["channel"].string else { continue }
        if !channels.contains(channel) { channels.append(channel) }
        if let share = Self.share(of: credit) { shares[channel] = share }
        if let truth = Self.trueShare(of: credit) { perCreditTruth[channel] = truth }
      }
      let name = candidate["model"].string ?? candidate["name"].string ?? ""
      models.append(Model(name: name, node: candidate, shares: shares))
    }
    guard !models.isEmpty else { return nil }

    var truth = perCreditTruth
    var truthName = "truth"
    if truth.isEmpty {
      for (key, value) in section.members
      where key.lowercased().contains("true") || key.lowercased().contains("truth") {
        if let found = Self.truthShares(in: value, depth: 3) {
          truth = found
          truthName = key
          break
        }
      }
    }
    for channel in truth.keys.sorted() where !channels.contains(channel) {
      channels.append(channel)
    }
    self.models = models
    self.truth = truth
    self.truthName = truthName
    self.channels = channels
  }

  private static func isModel(_ node: SummaryNode) -> Bool {
    node.isObject && (node["model"].string != nil || node["name"].string != nil)
      && channelObjects(in: node) != nil
  }

  /// Returns the first array member whose elements are objects with a `channel` string.
  private static func channelObjects(in node: SummaryNode) -> [SummaryNode]? {
    for (_, value) in node.members {
      let elements = value.elements
      if !elements.isEmpty, elements.allSatisfy({ $0["channel"].string != nil }) {
        return elements
      }
    }
    return nil
  }

  private static func share(of credit: SummaryNode) -> Double? {
    if let share = credit["conversionShare"].double { return share }
    if let share = credit["share"].double { return share }
    return credit.members.first { key, value in
      let lowered = key.lowercased()
      return lowered.contains("share") && !lowered.contains("true") && value.double != nil
    }?.value.double
  }

  private static func trueShare(of credit: SummaryNode) -> Double? {
    credit.members.first { key, value in
      let lowered = key.lowercased()
      return lowered.contains("true") && lowered.contains("share") && value.double != nil
    }?.value.double
  }

  private static func truthShares(in node: SummaryNode, depth: Int) -> [String: Double]? {
    let elements = node.elements
    if !elements.isEmpty, elements.allSatisfy({ $0["channel"].string != nil }) {
      var shares: [String: Double] = [:]
      for element in elements {
        if let channel = element["channel"].string,
          let share = share(of: element) ?? trueShare(of: element)
        {
          shares[channel] = share
        }
      }
      return shares.isEmpty ? nil : shares
    }
    let members = node.members
    if !members.isEmpty, members.allSatisfy({ $0.value.double != nil }) {
      return Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value.double ?? 0) })
    }
    guard depth > 0 else { return nil }
    for (_, value) in members {
      if let found = truthShares(in: value, depth: depth - 1) { return found }
    }
    return nil
  }
}

extension RunReport {
  static func attributionSection(_ summary: SummaryNode) -> String? {
    let section = summary["attribution"]
    guard section.isObject else { return nil }
    guard let view = AttributionView(section) else {
      return HTML.paragraph(
        "The run's attribution has a layout this report does not chart; its values are "
          + "listed as they are.", className: "note")
        + flattenedTable(section, prefix: "attribution")
    }

    var html = ""
    var series = view.models.map(\.name)
    if !view.truth.isEmpty { series.append(view.truthName) }
    let groups = view.channels.map { channel in
      BarGroup(
        label: channel,
        values: view.models.map { $0.shares[channel] }
          + (view.truth.isEmpty ? [] : [view.truth[channel]]))
    }
    if groups.contains(where: { $0.values.contains { $0 != nil } }) {
      // The truth is vermilion, as in the lift chart, and no model shares its colour.
      let truthColour = SVGChart.colour(5)
      let modelColours = SVGChart.palette.filter { $0 != truthColour }
      var colours = view.models.indices.map { modelColours[$0 % modelColours.count] }
      if !view.truth.isEmpty { colours.append(truthColour) }
      let chart = SVGChart.bars(
        id: "attribution", title: "Share of conversions credited to each channel",
        series: series, groups: groups, format: { ReportFormat.percent($0, decimals: 1) },
        colours: colours)
      html += chart.figure(
        caption: view.truth.isEmpty
          ? "Each model's share of the conversions per channel. This run has no true shares."
          : "Each model's share of the conversions per channel, beside the true share "
            + "(\(view.truthName)) from the simulator's counterfactual runs.")
    }
    let rows = view.channels.map { channel in
      [channel]
        + view.models.map { $0.shares[channel].map { ReportFormat.percent($0, decimals: 1) } ?? "" }
        + (view.truth.isEmpty
          ? [] : [view.truth[channel].map { ReportFormat.percent($0, decimals: 1) } ?? ""])
    }
    html += HTML.table(
      headers: ["channel"] + series, rows: rows,
      numericColumns: Set(1...max(1, series.count)), caption: "Credited share per channel")
    let scores = view.models.map(\.node)
    if scores.contains(where: { $0.members.contains { $0.key != "model" && $0.value.isScalar } }) {
      html += objectTable(
        scores, names: ("model", view.models.map(\.name)),
        nameKey: view.models.first?.node["model"].string != nil ? "model" : "name",
        caption: "Models")
    }
    return html
  }

  /// Lists every scalar under `node` with its path, for a section of unknown layout. The
  /// list stops after 500 values.
  static func flattenedTable(_ node: SummaryNode, prefix: String) -> String {
    var rows: [[String]] = []
    func visit(_ node: SummaryNode, _ path: String) {
      guard rows.count < 500 else { return }
      if node.isScalar {
        rows.append([path, ReportFormat.scalar(node)])
      } else if node.isArray {
        for (index, element) in node.elements.enumerated() { visit(element, "\(path)[\(index)]") }
      } else {
        for (key, value) in node.members { visit(value, "\(path).\(key)") }
      }
    }
    visit(node, prefix)
    return HTML.table(headers: ["path", "value"], rows: rows)
  }
}

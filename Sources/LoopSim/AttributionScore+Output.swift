import Config
import Foundation
import Pipeline
import Warehouse

// The attribution score as summary.json's `attribution` object, as terminal lines, and as
// rows of results.sqlite. docs/results-schema.md describes each key and column.

extension AttributionScore {
  /// The name of the path file in the run folder.
  static let pathFileName = "paths.csv"

  /// Writes the `attribution` object. An undefined value is null with a reason beside it.
  func write(to writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("channels")
    writer.beginArray()
    for channel in truth.channels { writer.string(channel) }
    writer.endArray()

    writer.key("paths")
    writer.beginObject()
    writer.member("file", Self.pathFileName)
    writer.member("paths", paths.paths.count)
    writer.member("distinctPaths", paths.distinctPathCount)
    writer.member("attributableConversions", checkedPaths.attributableConversions)
    writer.member("unattributedConversions", checkedPaths.unattributedConversions)
    writer.member("nulls", checkedPaths.attributableNulls)
    writer.endObject()

    writeTruth(to: &writer)

    writer.key("models")
    writer.beginArray()
    for model in models {
      writer.beginObject()
      writer.member("model", model.model)
      writer.key("channels")
      writer.beginArray()
      for (index, channel) in truth.channels.enumerated() {
        writer.beginObject()
        writer.member("channel", channel)
        writer.member("conversions", model.conversions[index])
        writer.member("value", model.value[index])
        writer.member("share", model.shares?[index])
        if model.shares == nil {
          writer.member("shareUndefinedReason", "noAttributableConversions")
        }
        writer.endObject()
      }
      writer.endArray()
      writeFit("removal", model.removal, shares: model.shares, truth: truth.removalShares, to: &writer)
      writeFit("shapley", model.shapley, shares: model.shares, truth: truth.shapleyShares, to: &writer)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
  }

  private func writeTruth(to writer: inout JSONWriter) {
    writer.key("truth")
    writer.beginObject()
    writer.member("passes", truth.passes)
    writer.member("conversions", truth.conversions)
    writer.member("conversionsWithAllChannelsOff", truth.baseline)
    writer.member("neverIncrementalConversions", truth.neverIncrementalConversions)
    writer.member("neverIncrementalShare", truth.neverIncrementalShare)
    if truth.neverIncrementalShare == nil {
      writer.member("neverIncrementalShareUndefinedReason", "noConversions")
    }
    let removalShares = truth.removalShares
    let shapleyShares = truth.shapleyShares
    writer.key("channels")
    writer.beginArray()
    for (index, channel) in truth.channels.enumerated() {
      writer.beginObject()
      writer.member("channel", channel)
      writer.member("removalLoss", truth.removalLosses[index])
      writer.member("removalShare", removalShares?[index])
      if removalShares == nil {
        writer.member("removalShareUndefinedReason", "noRemovalLoss")
      }
      writer.member("shapleyValue", truth.shapleyValues[index])
      writer.member("shapleyShare", shapleyShares?[index])
      if shapleyShares == nil {
        writer.member("shapleyShareUndefinedReason", "noChannelEffect")
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
  }

  private func writeFit(
    _ key: String, _ fit: Fit, shares: [Double]?, truth: [Double]?, to writer: inout JSONWriter
  ) {
    writer.key(key)
    writer.beginObject()
    var reason: String?
    if shares == nil {
      reason = "noAttributableConversions"
    } else if truth == nil {
      reason = "truthUndefined"
    }
    writer.member("meanAbsoluteError", fit.meanAbsoluteError)
    if fit.meanAbsoluteError == nil {
      writer.member("meanAbsoluteErrorUndefinedReason", reason ?? "truthUndefined")
    }
    writer.member("spearman", fit.spearman)
    if fit.spearman == nil {
      writer.member("spearmanUndefinedReason", reason ?? "tiedRanks")
    }
    writer.endObject()
  }

  /// The score as lines for the terminal summary: one table per model with each channel's
  /// credited share beside the true shares, then the fit.
  var tableLines: [String] {
    var lines: [String] = []
    let removal = truth.removalShares
    let shapley = truth.shapleyShares
    lines.append(
      "Attribution  \(paths.paths.count) paths (\(paths.distinctPathCount) distinct) in "
        + "\(Self.pathFileName); \(format(checkedPaths.attributableConversions)) attributable "
        + "and \(format(checkedPaths.unattributedConversions)) unattributed conversions")
    lines.append(
      "  truth from \(truth.passes) passes: \(truth.conversions) conversions, "
        + "\(truth.baseline) with every channel off; never incremental: "
        + (truth.neverIncrementalShare.map { percent($0) } ?? "undefined"))
    let width = max(20, truth.channels.map(\.count).max() ?? 0)
    let headers = ["removal", "shapley"] + models.map(\.model)
    let widths = headers.map { max(7, $0.count) }
    func row(_ label: String, _ cells: [String]) -> String {
      let padded = zip(cells, widths).map { cell, width in
        String(repeating: " ", count: max(0, width - cell.count)) + cell
      }
      return "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + " "
        + padded.joined(separator: " ")
    }
    lines.append(row("channel", headers))
    for (index, channel) in truth.channels.enumerated() {
      var cells = [
        removal.map { percent($0[index]) } ?? "undefined",
        shapley.map { percent($0[index]) } ?? "undefined",
      ]
      cells += models.map { model in model.shares.map { percent($0[index]) } ?? "undefined" }
      lines.append(row(channel, cells))
    }
    for (label, fit) in [
      ("MAE vs removal", \ModelScore.removal.meanAbsoluteError),
      ("Spearman vs removal", \ModelScore.removal.spearman),
      ("MAE vs Shapley", \ModelScore.shapley.meanAbsoluteError),
      ("Spearman vs Shapley", \ModelScore.shapley.spearman),
    ] {
      let cells = models.map { model in
        model[keyPath: fit].map { String(format: "%.3f", $0) } ?? "undefined"
      }
      lines.append(row(label, ["", ""] + cells))
    }
    return lines
  }

  private func percent(_ value: Double) -> String {
    String(format: "%.1f%%", value * 100)
  }

  private func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
  }

  /// Inserts the rows of the `attributions`, `attribution_truth` and
  /// `attribution_customers` tables.
  func insertRows(into database: Database) throws {
    let removal = truth.removalShares
    let shapley = truth.shapleyShares
    let truthRow = try database.prepare(
      """
      INSERT INTO attribution_truth
        (channel, removal_loss, removal_share, shapley_value, shapley_share)
      VALUES (?, ?, ?, ?, ?)
      """)
    for (index, channel) in truth.channels.enumerated() {
      try truthRow.run(binding: [
        channel, Int64(truth.removalLosses[index]), removal?[index],
        truth.shapleyValues[index], shapley?[index],
      ])
    }

    let modelRow = try database.prepare(
      """
      INSERT INTO attributions (model, channel, conversions, value, share, removal_share,
        shapley_share)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      """)
    let fitRow = try database.prepare(
      """
      INSERT INTO attribution_scores (model, truth, mean_absolute_error, spearman)
      VALUES (?, ?, ?, ?)
      """)
    for model in models {
      for (index, channel) in truth.channels.enumerated() {
        try modelRow.run(binding: [
          model.model, channel, model.conversions[index], model.value[index],
          model.shares?[index], removal?[index], shapley?[index],
        ])
      }
      for (name, fit) in [("removal", model.removal), ("shapley", model.shapley)] {
        try fitRow.run(binding: [model.model, name, fit.meanAbsoluteError, fit.spearman])
      }
    }

    let customerRow = try database.prepare(
      """
      INSERT INTO attribution_customers
        (customer, user_id, conversions, never_incremental, incremental_channels)
      VALUES (?, ?, ?, ?, ?)
      """)
    for customer in truth.customers {
      try customerRow.run(binding: [
        Int64(customer.customer), CustomerIdentity.userId(customer.customer),
        Int64(customer.conversions), Int64(customer.neverIncremental),
        customer.incrementalChannels.map { truth.channels[$0] }.joined(separator: ","),
      ])
    }
  }
}

import Config
import Measure

extension AttributionReport {
  /// The report as pretty-printed JSON with a trailing newline. Keys are camelCase and in a
  /// fixed order. An undefined value is null, with its reason's code beside it under the key
  /// plus `UndefinedReason`.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", Self.schemaVersion)
    writer.member("loopsimVersion", LoopSimVersion.current)
    writer.member("file", input.file)
    writer.member("format", input.format.rawValue)
    writer.member("rows", input.rowCount)
    writer.member("paths", input.pathCount)
    writer.member("emptyPaths", input.paths.emptyPathCount)
    writer.key("channels")
    writer.beginArray()
    for channel in input.paths.channels { writer.string(channel) }
    writer.endArray()

    let paths = input.paths
    writer.key("totals")
    writer.beginObject()
    writer.member("conversions", paths.attributableConversions)
    writer.member("value", paths.attributableValue)
    writer.member("nulls", paths.attributableNulls)
    writer.member("unattributedConversions", paths.unattributedConversions)
    writer.member("unattributedValue", paths.unattributedValue)
    writer.endObject()

    writer.key("models")
    writer.beginArray()
    for attribution in attributions {
      write(attribution, to: &writer)
    }
    writer.endArray()

    writer.key("skipped")
    writer.beginArray()
    for (model, reason) in skipped {
      writer.beginObject()
      writer.member("model", model.rawValue)
      writer.member("reason", reason)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  private func write(_ attribution: Attribution, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.member("model", attribution.model)
    writer.key("parameters")
    writer.beginObject()
    writeParameters(of: attribution, to: &writer)
    writer.endObject()

    if let markov = attribution.markov {
      writer.key("markov")
      writer.beginObject()
      writer.member("states", markov.stateCount)
      writer.member("transitions", markov.transitionCount)
      writer.member("solver", markov.solver.rawValue)
      writer.member("tolerance", markov.tolerance)
      writer.member("maximumRelativeResidual", markov.maximumRelativeResidual)
      writer.quantity("conversionProbability", markov.conversionProbability)
      writer.quantity("expectedValue", markov.expectedValue)
      writer.endObject()
    }
    if let shapley = attribution.shapley {
      writer.key("shapley")
      writer.beginObject()
      writer.quantity("grandCoalitionValue", shapley.grandCoalitionValue)
      writer.quantity("valueGrandCoalitionValue", shapley.valueGrandCoalitionValue)
      writer.member("observedChannelSets", shapley.observedChannelSets)
      writer.endObject()
    }

    writer.key("credits")
    writer.beginArray()
    for (index, credit) in attribution.credits.enumerated() {
      writer.beginObject()
      writer.member("channel", credit.channel)
      writer.member("conversions", credit.conversions)
      writer.member("value", credit.value)
      writer.quantity("conversionShare", credit.conversionShare)
      writer.quantity("valueShare", credit.valueShare)
      if let markov = attribution.markov {
        writer.quantity("removalEffect", markov.removalEffects[index])
        writer.quantity("valueRemovalEffect", markov.valueRemovalEffects[index])
      }
      if let shapley = attribution.shapley {
        writer.member("shapleyValue", shapley.shapleyValues[index])
        writer.member("valueShapleyValue", shapley.valueShapleyValues[index])
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
  }

  private func writeParameters(of attribution: Attribution, to writer: inout JSONWriter) {
    switch AttributionModelName(rawValue: attribution.model) {
    case .lastNonDirect:
      writer.member("directChannel", request.directChannel)
    case .timeDecay:
      writer.member("halfLife", timeDecay.halfLife.description)
      writer.member("halfLifeMilliseconds", timeDecay.halfLife.milliseconds)
      writer.member("halfLifeInTouches", timeDecay.halfLifeInTouches)
    case .position:
      writer.member("firstShare", position.firstShare)
      writer.member("lastShare", position.lastShare)
      writer.member("middleShare", position.middleShare)
    case .markov:
      writer.member("order", request.order)
      writer.member("keepRepeats", request.keepsRepeats)
    case .shapley:
      writer.member("characteristic", request.shapleyGame.rawValue)
    case .first, .last, .linear, nil:
      break
    }
  }
}

extension JSONWriter {
  /// Writes a number, or null with the reason's code under `name` + `UndefinedReason`.
  fileprivate mutating func quantity(_ name: String, _ quantity: AttributionQuantity) {
    member(name, quantity.value)
    if let reason = quantity.undefinedReason {
      member(name + "UndefinedReason", reason.rawValue)
    }
  }
}

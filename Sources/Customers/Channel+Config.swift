import Config

/// The key of a per-segment object that gives the value of every segment it does not name.
let defaultSegmentKey = "default"

extension Channel {
  /// Reads the top-level `channels` section: 1 to 64 channels with unique names.
  ///
  /// Reach and click-through values may name the segments in `segmentNames`, and
  /// `promotes` may name classes of `catalog`. For every segment, the reaches of all
  /// channels must sum to 1.
  public static func listReader(segmentNames: [String], catalog: Catalog)
    -> ConfigReader<[Channel]>
  {
    let list = ConfigReader<[Channel]>.array(
      of: reader(segmentNames: segmentNames, catalog: catalog), count: 1...64, unique: "name",
      by: \.name)
    return ConfigReader<[Channel]>(expecting: list.expectation) { node, path, diagnostics in
      guard let channels = list.read(node, at: path, into: diagnostics) else { return nil }
      var valid = true
      for segment in segmentNames {
        let sum = channels.reduce(0.0) { $0 + ($1.reach.value(forSegment: segment) ?? 0) }
        guard abs(sum - 1) > shareSumTolerance else { continue }
        valid = false
        diagnostics.error(
          "the reaches of segment \"\(segment)\" sum to \(formatSum(sum)), not 1", at: node,
          path: path,
          fix: "change channels[].reach so that the reaches of segment \"\(segment)\" over "
            + "all channels add up to 1, because each is the share of that segment's "
            + "customers who arrive through the channel")
      }
      let visitShares = channels.reduce(0.0) { $0 + $1.visitShare }
      if visitShares > 1 + shareSumTolerance {
        valid = false
        diagnostics.error(
          "the visit shares of all channels sum to \(formatSum(visitShares)), more than 1",
          at: node, path: path,
          fix: "lower channels[].visitShare so that the shares add up to at most 1, because "
            + "each is the share of repeat visits that come through the channel")
      }
      return valid ? channels : nil
    }
  }

  /// Reads one channel.
  static func reader(segmentNames: [String], catalog: Catalog) -> ConfigReader<Channel> {
    .object(
      "a channel such as { name: \"paid-display\", kind: \"paid-display\", reach: 0.5, "
        + "clickThrough: 0.35 }"
    ) { channel in
      let errorsBefore = channel.diagnostics.errorCount
      let name = channel.required("name", text(maximumLength: 100))
      let kind = channel.required("kind", .oneOf(Kind.self))
      let source = channel.optional("source", text(maximumLength: 100))
      let medium = channel.optional("medium", text(maximumLength: 100))
      let reach = channel.required(
        "reach", PerSegment.reader(of: .probability, segmentNames: segmentNames))
      let clickThrough = channel.required(
        "clickThrough", PerSegment.reader(of: .probability, segmentNames: segmentNames))
      let promotes = channel.optional("promotes", promotionReader(catalog: catalog))
      let arrivesAnyway = channel.optional(
        "arrivesAnyway", PerSegment.reader(of: .probability, segmentNames: segmentNames),
        default: PerSegment(0))
      let visitShare = channel.optional("visitShare", .probability, default: 0)
      let visitEffect = channel.optional("visitEffect", .double(in: 0...100), default: 1)
      guard let name, let kind, let reach, let clickThrough,
        channel.diagnostics.errorCount == errorsBefore
      else { return nil }
      for segment in segmentNames {
        let anyway = arrivesAnyway.value(forSegment: segment) ?? 0
        let through = clickThrough.value(forSegment: segment) ?? 0
        guard anyway > through else { continue }
        channel.error(
          "arrivesAnyway of segment \"\(segment)\" is \(anyway), above its clickThrough "
            + "\(through)", key: "arrivesAnyway",
          fix: "set arrivesAnyway to at most clickThrough, because it is the part of the "
            + "channel's visitors who would have come without it")
        return nil
      }
      return Channel(
        name: name, kind: kind, source: source, medium: medium, reach: reach,
        clickThrough: clickThrough, promotes: promotes ?? .interests,
        arrivesAnyway: arrivesAnyway, visitShare: visitShare, visitEffect: visitEffect)
    }
  }

  /// Reads `"interests"` or an array of distinct class ids from `catalog`.
  static func promotionReader(catalog: Catalog) -> ConfigReader<Promotion> {
    let expectation = "\"interests\" or an array of class ids, such as [\"knife-skills\"]"
    let idList = ConfigReader<[String]>.array(of: .string, count: 1...10_000)
    return ConfigReader<Promotion>(expecting: expectation) { node, path, diagnostics in
      switch node.value {
      case .string(let text) where text == "interests":
        return .interests
      case .array(let elements):
        guard let ids = idList.read(node, at: path, into: diagnostics) else { return nil }
        var valid = true
        var seen: [String: Int] = [:]
        for (index, id) in ids.enumerated() {
          let elementPath = path.appending(index: index)
          if let first = seen[id] {
            valid = false
            diagnostics.error(
              "class \"\(id)\" repeats", at: elements[index], path: elementPath,
              found: "\"\(id)\", first listed at \(path.appending(index: first))",
              fix: "list each class once, because each listed class is equally likely")
          } else if catalog.index(ofClassID: id) == nil {
            valid = false
            let suggestion = Suggestion.closest(to: id, among: catalog.classes.map(\.id))
            diagnostics.error(
              "unknown class", at: elements[index], path: elementPath,
              found: elements[index].shortDescription,
              fix: suggestion.map { "did you mean \"\($0)\"?" }
                ?? "use the id of a class in the catalog")
          }
          seen[id] = seen[id] ?? index
        }
        return valid ? .classes(ids) : nil
      default:
        diagnostics.error(
          "expected \(expectation)", at: node, path: path, found: node.kindAndValueDescription,
          fix: "write promotes: \"interests\" to draw the class by the segment's interests, "
            + "or list the class ids the channel promotes")
        return nil
      }
    }
  }
}

extension PerSegment {
  /// Returns a reader of one value for every segment, or of an object of values by segment
  /// name, such as `{ default: 0.3, "free-trial": 0.2 }`.
  ///
  /// Keys of the object must be `default` or one of `segmentNames`. Without `default`, the
  /// object must name every segment.
  static func reader(of value: ConfigReader<Value>, segmentNames: [String])
    -> ConfigReader<PerSegment<Value>>
  {
    let expectation =
      "\(value.expectation), or an object of them by segment name such as "
      + "{ default: 0.3, \"\(segmentNames.first ?? "new-visitor")\": 0.2 }"
    return ConfigReader<PerSegment<Value>>(expecting: expectation) { node, path, diagnostics in
      guard case .object(let object) = node.value else {
        return value.read(node, at: path, into: diagnostics).map { PerSegment($0) }
      }
      var defaultValue: Value?
      var bySegment: [String: Value] = [:]
      var valid = true
      for member in object.members {
        let memberPath = path.appending(key: member.key)
        if case .null = member.value.value {
          continue
        }
        guard member.key == defaultSegmentKey || segmentNames.contains(member.key) else {
          reportUnknownSegment(
            member, path: path, segmentNames: segmentNames, extraKeys: [defaultSegmentKey],
            diagnostics: diagnostics)
          valid = false
          continue
        }
        guard let read = value.read(member.value, at: memberPath, into: diagnostics) else {
          valid = false
          continue
        }
        if member.key == defaultSegmentKey {
          defaultValue = read
        } else {
          bySegment[member.key] = read
        }
      }
      guard valid else { return nil }

      let missing = segmentNames.filter { bySegment[$0] == nil }
      if defaultValue == nil && !missing.isEmpty {
        diagnostics.error(
          "no value for segment" + (missing.count == 1 ? "" : "s") + " "
            + missing.map { "\"\($0)\"" }.joined(separator: ", "),
          at: node, path: path,
          fix: "add \(defaultSegmentKey): VALUE for every segment not named, or a value for "
            + "each segment")
        return nil
      }
      return PerSegment(default: defaultValue, bySegment: bySegment)
    }
  }
}

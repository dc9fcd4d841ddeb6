import Config

extension Segment {
  /// Reads one segment; `categories` are the catalog's, so interests name real ones.
  static func reader(categories: [String]) -> ConfigReader<Segment> {
    .object("a segment") { segment in
      let errorsBefore = segment.diagnostics.errorCount
      let name = segment.required("name", text(maximumLength: 100))
      let share = segment.required("share", .probability)
      let interests = segment.required("interests", interestReader(categories: categories))
      let responsiveness = segment.optional(
        "emailResponsiveness", .double(in: 0...100), default: 1)
      let priceSensitivity = segment.optional("priceSensitivity", .double(in: 0...), default: 0)
      let appShare = segment.optional("appShare", .probability, default: 0)
      if name == defaultSegmentKey {
        segment.error(
          "reserved segment name", key: "name", found: "\"\(defaultSegmentKey)\"",
          fix: "choose another name, because per-segment values use the key "
            + "\"\(defaultSegmentKey)\" for every segment they do not name")
      }
      guard let name, let share, let interests,
        segment.diagnostics.errorCount == errorsBefore
      else { return nil }
      return Segment(
        name: name, share: share, interests: interests,
        emailResponsiveness: responsiveness, priceSensitivity: priceSensitivity,
        appShare: appShare)
    }
  }

  /// Reads `{ category: weight, … }`, where each category must be one of `categories`.
  static func interestReader(categories: [String]) -> ConfigReader<[String: Double]> {
    ConfigReader<[String: Double]>(
      expecting: "an object of category weights, such as { cooking: 3 }"
    ) { node, path, diagnostics in
      guard case .object(let object) = node.value else {
        diagnostics.error(
          "expected an object of category weights", at: node, path: path,
          found: node.kindAndValueDescription,
          fix: "write interests as { category: weight }, such as { cooking: 3, writing: 1 }")
        return nil
      }
      var weights: [String: Double] = [:]
      var valid = true
      for member in object.members {
        let memberPath = path.appending(key: member.key)
        guard categories.contains(member.key) else {
          let suggestion = Suggestion.closest(to: member.key, among: categories)
          diagnostics.error(
            "unknown category", at: member.value, path: memberPath,
            found: "\"\(member.key)\"",
            fix: "use a category of the catalog (\(categories.joined(separator: ", ")))"
              + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""))
          valid = false
          continue
        }
        guard let weight = diagnostics.read(member.value, at: memberPath, as: .double(in: 0...1e6))
        else {
          valid = false
          continue
        }
        weights[member.key] = weight
      }
      guard valid else { return nil }
      guard weights.values.contains(where: { $0 > 0 }) else {
        diagnostics.error(
          "no positive interest", at: node, path: path,
          fix: "give at least one category a weight above 0")
        return nil
      }
      return weights
    }
  }
}

extension Population {
  /// Reads the `population` section against the catalog. The segment shares must sum to 1.
  public static func reader(catalog: Catalog) -> ConfigReader<[Segment]> {
    .object("a population section") { population in
      let segments = population.required(
        "segments",
        .array(
          of: Segment.reader(categories: catalog.categories), count: 1...256, unique: "name",
          by: \.name))
      guard let segments else { return nil }
      let sum = segments.reduce(0.0) { $0 + $1.share }
      guard abs(sum - 1) <= shareSumTolerance else {
        population.error(
          "segment shares sum to \(formatSum(sum)), not 1", key: "segments",
          fix: "change the shares so that they add up to 1, because each is the probability "
            + "that an arriving customer is in that segment")
        return nil
      }
      return segments
    }
  }
}

import Config

extension SimDuration {
  /// Parses a duration as scenarios write it: a number and a unit, or several in a row,
  /// largest first: `1500ms`, `90s`, `45m`, `2h`, `3d`, `1w`, `1.5h`, `1h30m`. Returns nil
  /// for anything else, for a negative value, or for more than `SimDuration.maximum`.
  public init?(parsing text: String) {
    let units: [(suffix: String, milliseconds: Double)] = [
      ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
      ("w", 604_800_000),
    ]
    var rest = Substring(text)
    var total = 0.0
    var lastUnitSize = Double.infinity
    guard !rest.isEmpty else { return nil }
    while !rest.isEmpty {
      let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
      guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1,
        number.first != ".", number.last != ".", let value = Double(number)
      else { return nil }
      rest = rest.dropFirst(number.count)
      let suffix = rest.prefix { $0.isASCII && $0.isLetter }
      guard let unit = units.first(where: { $0.suffix == suffix }),
        unit.milliseconds < lastUnitSize
      else { return nil }
      lastUnitSize = unit.milliseconds
      rest = rest.dropFirst(suffix.count)
      total += value * unit.milliseconds
    }
    guard total <= Double(SimDuration.maximum.milliseconds) else { return nil }
    self.init(roundingMilliseconds: total)
  }
}

extension ConfigReader {
  /// Reads a duration string such as `"2h"`; see `SimDuration(parsing:)`.
  public static var duration: ConfigReader<SimDuration> {
    ConfigReader<SimDuration>(
      expecting: "a duration such as \"90s\", \"45m\", \"2h\" or \"3d\""
    ) { node, path, diagnostics in
      guard case .string(let text) = node.value else {
        var fix = "write the duration as a string with a unit, such as \"2h\""
        if case .number(let number) = node.value {
          fix = "write a unit after the number, such as \"\(number.literal)m\" or "
            + "\"\(number.literal)h\"; a bare number has no unit"
        }
        diagnostics.error(
          "expected a duration", at: node, path: path, found: node.kindAndValueDescription,
          fix: fix)
        return nil
      }
      guard let duration = SimDuration(parsing: text) else {
        diagnostics.error(
          "invalid duration", at: node, path: path, found: node.shortDescription,
          fix: "use a number and a unit (ms, s, m, h, d, w), such as \"90s\", \"2h\" or "
            + "\"1h30m\", at most 100 years")
        return nil
      }
      return duration
    }
  }

  /// Reads a positive duration.
  public static var positiveDuration: ConfigReader<SimDuration> {
    ConfigReader<SimDuration>.duration.converted(expecting: "a duration longer than 0") {
      $0.milliseconds > 0 ? $0 : nil
    }
  }

  /// Reads a delay distribution: one of
  /// `{ fixed: "1h" }` (or just `"1h"`), `{ exponential: { mean: "2h" } }`,
  /// `{ lognormal: { median: "2h", sigma: 0.8 } }`,
  /// `{ gamma: { shape: 2, mean: "1h" } }` or `{ gamma: { shape: 2, scale: "30m" } }`,
  /// `{ uniform: { min: "1h", max: "3h" } }`,
  /// `{ empirical: { values: ["1h", "1d"], weights: [3, 1] } }`.
  public static var distribution: ConfigReader<Distribution> {
    let kinds = ["fixed", "exponential", "lognormal", "gamma", "uniform", "empirical"]
    let expectation = "a distribution: a duration, or an object with one of "
      + kinds.map { "\"\($0)\"" }.joined(separator: ", ")
    return ConfigReader<Distribution>(expecting: expectation) { node, path, diagnostics in
      if case .string = node.value {
        return ConfigReader<SimDuration>.duration.read(node, at: path, into: diagnostics)
          .map { .fixed($0) }
      }
      return distributionObject(kinds: kinds, expectation: expectation)
        .read(node, at: path, into: diagnostics)
    }
  }

  private static func distributionObject(kinds: [String], expectation: String)
    -> ConfigReader<Distribution>
  {
    .object(expectation) { object in
      let present = kinds.filter { object.contains($0) }
      let fixed = object.optional("fixed", .duration)
      let exponential = object.optional("exponential", exponentialReader)
      let lognormal = object.optional("lognormal", lognormalReader)
      let gamma = object.optional("gamma", gammaReader)
      let uniform = object.optional("uniform", uniformReader)
      let empirical = object.optional("empirical", empiricalReader)
      guard present.count == 1 else {
        object.error(
          present.isEmpty
            ? "missing distribution kind" : "more than one distribution kind",
          found: present.isEmpty ? nil : present.joined(separator: ", "),
          fix: "give exactly one of " + kinds.joined(separator: ", ")
            + ", such as { exponential: { mean: \"2h\" } }")
        return nil
      }
      if let fixed { return .fixed(fixed) }
      return exponential ?? lognormal ?? gamma ?? uniform ?? empirical
    }
  }

  private static var exponentialReader: ConfigReader<Distribution> {
    .object("an exponential distribution such as { mean: \"2h\" }") { object in
      object.required("mean", .positiveDuration).map { .exponential(mean: $0) }
    }
  }

  private static var lognormalReader: ConfigReader<Distribution> {
    .object("a lognormal distribution such as { median: \"2h\", sigma: 0.8 }") { object in
      let median = object.required("median", .positiveDuration)
      let sigma = object.required("sigma", .double(in: 0...10))
      guard let median, let sigma else { return nil }
      return .lognormal(median: median, sigma: sigma)
    }
  }

  private static var gammaReader: ConfigReader<Distribution> {
    .object("a gamma distribution such as { shape: 2, mean: \"1h\" }") { object in
      let shape = object.required("shape", .double(greaterThan: 0))
      let mean = object.optional("mean", .positiveDuration)
      let scale = object.optional("scale", .positiveDuration)
      guard let shape else { return nil }
      switch (mean, scale) {
      case (let mean?, nil):
        let scale = SimDuration(roundingMilliseconds: Double(mean.milliseconds) / shape)
        guard scale.milliseconds >= 1 else {
          object.error(
            "gamma scale (mean divided by shape) is below 1 ms", key: "mean",
            found: "mean \(mean), shape \(shape)",
            fix: "use a longer mean or a smaller shape, so that mean / shape is at least 1ms")
          return nil
        }
        return .gamma(shape: shape, scale: scale)
      case (nil, let scale?):
        return .gamma(shape: shape, scale: scale)
      default:
        if object.contains("mean") == object.contains("scale") {
          object.error(
            object.contains("mean") ? "both mean and scale are given" : "missing mean or scale",
            fix: "give exactly one of mean (the average delay) or scale (mean divided by shape)")
        }
        return nil
      }
    }
  }

  private static var uniformReader: ConfigReader<Distribution> {
    .object("a uniform distribution such as { min: \"1h\", max: \"3h\" }") { object in
      let minimum = object.required("min", .duration)
      let maximum = object.required("max", .duration)
      guard let minimum, let maximum else { return nil }
      guard minimum <= maximum else {
        object.error(
          "min is greater than max", key: "max",
          found: "min \(minimum), max \(maximum)", fix: "make max at least min")
        return nil
      }
      return .uniform(minimum: minimum, maximum: maximum)
    }
  }

  private static var empiricalReader: ConfigReader<Distribution> {
    .object("an empirical distribution such as { values: [\"1h\", \"1d\"], weights: [3, 1] }")
    { object in
      let values = object.required("values", .array(of: .duration, count: 1...10_000))
      let weights = object.optional("weights", .array(of: .double(in: 0...1e12)))
      guard let values else { return nil }
      let resolved = weights ?? Array(repeating: 1, count: values.count)
      guard resolved.count == values.count else {
        object.error(
          "weights and values differ in length", key: "weights",
          found: "\(values.count) values, \(resolved.count) weights",
          fix: "give one weight per value, or leave weights out for equal weights")
        return nil
      }
      guard resolved.contains(where: { $0 > 0 }) else {
        object.error(
          "every weight is 0", key: "weights", fix: "give at least one value a positive weight")
        return nil
      }
      guard let table = try? EmpiricalDistribution(values: values, weights: resolved) else {
        object.error("invalid weights", key: "weights", fix: "use finite weights of 0 or more")
        return nil
      }
      return .empirical(table)
    }
  }
}

import Config
import Foundation
import Simulation

extension Catalog {
  /// Reads the `catalog` section: a list of classes with unique ids.
  public static var reader: ConfigReader<Catalog> {
    let classReader = ConfigReader<CatalogClass>.object("a class") { item in
      let id = item.required("id", identifier)
      let title = item.required("title", text(maximumLength: 200))
      let instructor = item.required("instructor", text(maximumLength: 200))
      let category = item.required("category", text(maximumLength: 100))
      let price = item.required("price", .double(in: 0...1_000_000))
      guard let id, let title, let instructor, let category, let price else { return nil }
      return CatalogClass(
        id: id, title: title, instructor: instructor, category: category,
        priceCents: Int64((price * 100).rounded()))
    }
    return ConfigReader<[CatalogClass]>.array(
      of: classReader, count: 1...10_000, unique: "id", by: \.id
    ).converted(expecting: "a list of classes") { Catalog(classes: $0) }
  }
}

/// A class id: it appears in every message about the class, so it is short and plain.
let identifier = ConfigReader<String>.nonEmptyString.converted(
  expecting: "an id of at most 64 letters, digits, '-', '_' and '.'"
) { id in
  id.count <= 64
    && id.unicodeScalars.allSatisfy {
      $0.isASCII && (isAlphanumeric($0) || "-_.".unicodeScalars.contains($0))
    } ? id : nil
}

/// Text shown to customers, without control characters (a line break in a title could
/// split an email subject) and at most `maximumLength` characters long.
func text(maximumLength: Int) -> ConfigReader<String> {
  ConfigReader<String>.nonEmptyString.converted(
    expecting: "text of at most \(maximumLength) characters without control characters"
  ) { text in
    text.count <= maximumLength
      && !text.unicodeScalars.contains { $0.properties.generalCategory == .control } ? text : nil
  }
}

private func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
  ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
}

extension Segment {
  /// Reads one segment; `categories` are the catalog's, so interests name real ones.
  static func reader(categories: [String]) -> ConfigReader<Segment> {
    .object("a segment") { segment in
      let name = segment.required("name", text(maximumLength: 100))
      let share = segment.required("share", .double(in: 0...1_000_000))
      let interests = segment.required("interests", interestReader(categories: categories))
      let responsiveness = segment.optional(
        "emailResponsiveness", .double(in: 0...100), default: 1)
      guard let name, let share, let interests else { return nil }
      return Segment(
        name: name, share: share, categoryInterest: interests,
        emailResponsiveness: responsiveness)
    }
  }

  /// Reads `{ category: weight, … }` into weights parallel to `categories`; a category
  /// not named gets weight 0.
  static func interestReader(categories: [String]) -> ConfigReader<[Double]> {
    ConfigReader<[Double]>(expecting: "an object of category weights, such as { cooking: 3 }") {
      node, path, diagnostics in
      guard case .object(let object) = node.value else {
        diagnostics.error(
          "expected an object of category weights", at: node, path: path,
          found: node.kindAndValueDescription,
          fix: "write interests as { category: weight }, such as { cooking: 3, writing: 1 }")
        return nil
      }
      var weights = Array(repeating: 0.0, count: categories.count)
      var valid = true
      for member in object.members {
        let memberPath = path.appending(key: member.key)
        guard let index = categories.firstIndex(of: member.key) else {
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
        weights[index] = weight
      }
      guard valid else { return nil }
      guard weights.contains(where: { $0 > 0 }) else {
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
  /// Reads the `population` section against the catalog.
  public static func reader(catalog: Catalog) -> ConfigReader<[Segment]> {
    .object("a population section") { population in
      let segments = population.required(
        "segments",
        .array(
          of: Segment.reader(categories: catalog.categories), count: 1...256, unique: "name",
          by: \.name))
      guard let segments else { return nil }
      if !segments.contains(where: { $0.share > 0 }) {
        population.error(
          "every segment share is 0", key: "segments",
          fix: "give at least one segment a positive share")
        return nil
      }
      return segments
    }
  }
}

extension BehaviourModel {
  /// Reads the `behaviour` section.
  public static var reader: ConfigReader<BehaviourModel> {
    .object("a behaviour section") { behaviour in
      let channels = behaviour.required(
        "channels", .array(of: channelReader, count: 1...64, unique: "name", by: \.name))
      let trailer = behaviour.required("trailer", stepReader)
      let classPage = behaviour.required("classPage", stepReader)
      let browse = behaviour.optional(
        "browse", browseReader, default: BrowseModel(meanClasses: 0, delay: .fixed(.zero)))
      let addToCart = behaviour.required("addToCart", stepReader)
      let checkout = behaviour.required("checkout", stepReader)
      let organicReturn = behaviour.required("organicReturn", stepReader)
      let emailReturn = behaviour.required("emailReturn", emailReturnReader)
      guard let channels, let trailer, let classPage, let addToCart, let checkout,
        let organicReturn, let emailReturn
      else { return nil }
      if !channels.contains(where: { $0.share > 0 }) {
        behaviour.error(
          "every channel share is 0", key: "channels",
          fix: "give at least one channel a positive share")
        return nil
      }
      return BehaviourModel(
        channels: channels, trailer: trailer, classPage: classPage, browse: browse,
        addToCart: addToCart, checkout: checkout, organicReturn: organicReturn,
        emailReturn: emailReturn)
    }
  }

  /// Reads `{ probability: 0.3, delay: … }`.
  public static var stepReader: ConfigReader<StepModel> {
    .object("a step such as { probability: 0.3, delay: { exponential: { mean: \"2h\" } } }") {
      step in
      let probability = step.required("probability", .probability)
      let delay = step.required("delay", .distribution)
      guard let probability, let delay else { return nil }
      return StepModel(probability: probability, delay: delay)
    }
  }

  static var channelReader: ConfigReader<AdChannel> {
    .object("an ad channel") { channel in
      let name = channel.required("name", text(maximumLength: 100))
      let share = channel.required("share", .double(in: 0...1_000_000))
      let source = channel.required("source", text(maximumLength: 100))
      let medium = channel.required("medium", text(maximumLength: 100))
      guard let name, let share, let source, let medium else { return nil }
      return AdChannel(name: name, share: share, source: source, medium: medium)
    }
  }

  static var browseReader: ConfigReader<BrowseModel> {
    .object("a browse model such as { meanClasses: 1.5, delay: \"5m\" }") { browse in
      let mean = browse.required("meanClasses", .double(in: 0...50))
      let delay = browse.required("delay", .distribution)
      guard let mean, let delay else { return nil }
      return BrowseModel(meanClasses: mean, delay: delay)
    }
  }

  static var emailReturnReader: ConfigReader<EmailReturnModel> {
    .object("an email return model") { model in
      let irrelevant = model.required("irrelevantProbability", .probability)
      let relevant = model.required("relevantProbability", .probability)
      let delay = model.required("delay", .distribution)
      guard let irrelevant, let relevant, let delay else { return nil }
      return EmailReturnModel(
        irrelevantProbability: irrelevant, relevantProbability: relevant, delay: delay)
    }
  }
}

/// How far a sum of shares or reaches may be from 1 and still count as 1, to allow for
/// rounding in decimal fractions such as 0.1 + 0.2.
let shareSumTolerance = 1e-9

/// Returns a sum for a message with up to 12 significant digits, so rounding noise such as
/// 0.8999999999999999 shows as 0.9.
func formatSum(_ value: Double) -> String {
  String(format: "%.12g", value)
}

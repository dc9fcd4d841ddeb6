import Config
import Foundation

extension ExperimentConfig {
  /// The maximum number of arms an experiment may have besides the holdout.
  public static let maximumArms = 20

  /// Reads the `experiment` section.
  ///
  /// - Parameter templates: The template names that arms may use, or nil when the
  ///   `templates` section is invalid and the names are not checked.
  static func reader(templates: [String]?) -> ConfigReader<ExperimentConfig> {
    .object("an experiment section such as { arms: [ … ], holdout: 0.2 }") { experiment in
      let name = experiment.optional("name", Names.slug)
      let arms = experiment.required(
        "arms",
        .array(
          of: ArmConfig.reader(templates: templates), count: 1...maximumArms, unique: "name",
          by: \.name))
      let holdout = experiment.required("holdout", .probability)
      let globalControl = experiment.optional(
        "globalControl", .double(in: 0..<1), default: 0,
        fix: "set experiment.globalControl to a share from 0 up to but not including 1")

      guard let arms, let holdout else { return nil }
      let config = ExperimentConfig(
        arms: arms, holdout: holdout, globalControl: globalControl, name: name)
      let sum = config.shareSum
      guard abs(sum - 1) <= shareSumTolerance else {
        let change = sum < 1 ? "raise" : "lower"
        experiment.error(
          "the holdout and the arms' shares must sum to 1", found: "a sum of \(format(sum))",
          fix: "\(change) the holdout or an arm's share by \(format(abs(1 - sum))) so that "
            + "the shares sum to 1")
        return nil
      }
      return config
    }
  }

  /// Returns `value` with at most 12 significant digits, so `0.1 + 0.8` shows as `0.9`.
  private static func format(_ value: Double) -> String {
    String(format: "%.12g", value)
  }
}

extension ArmConfig {
  /// Reads one element of `experiment.arms`.
  static func reader(templates: [String]?) -> ConfigReader<ArmConfig> {
    .object(
      "an arm such as { name: \"watched-classes\", strategy: \"watched-classes\", share: 0.4 }"
    ) { arm in
      let name = arm.required("name", nameReader)
      let strategy = arm.required("strategy", .oneOf(PersonalizationStrategy.self))
      let share = arm.required("share", .probability)
      let template = arm.optional("template", Names.template(among: templates))
      let listed = arm.optional(
        "listedClasses", .int(in: listedClassesRange), default: defaultListedClasses)

      guard let name, let strategy, let share else { return nil }
      return ArmConfig(
        name: name, strategy: strategy, share: share, template: template, listedClasses: listed)
    }
  }

  /// Reads an arm name: a name that is not one of the built-in arms.
  static var nameReader: ConfigReader<String> {
    ConfigReader<String>(expecting: Names.slug.expectation) { node, path, diagnostics in
      guard let name = diagnostics.read(node, at: path, as: Names.slug) else { return nil }
      guard !ExperimentConfig.reservedArmNames.contains(name) else {
        diagnostics.error(
          "the arm name \(Names.quoted(name)) is reserved", at: node, path: path,
          found: node.shortDescription,
          fix: "choose another name, because \"holdout\" and \"global-control\" name the "
            + "built-in arms, which receive no email")
        return nil
      }
      return name
    }
  }
}

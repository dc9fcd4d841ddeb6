/// The `experiment` section: the arms a split step assigns, the holdout, and the global
/// control group.
///
/// A split draws one uniform variate u in [0, 1) from the customer's keyed stream and
/// walks the cumulative shares of [holdout, arms…] in the order written: the first arm
/// whose cumulative share exceeds u is assigned. With one arm after the holdout, this is
/// the same draw as a Bernoulli trial with the holdout share.
public struct ExperimentConfig: Sendable, Hashable {
  /// The name of the built-in arm that receives nothing from the workflow.
  public static let holdoutArm = "holdout"
  /// The arm recorded at the split for customers in the global control group.
  public static let globalControlArm = "global-control"
  /// Names that the scenario's arms may not use.
  public static let reservedArmNames = [holdoutArm, globalControlArm]
  /// How far the holdout and arm shares may sum from 1, for rounding in decimal shares.
  public static let shareSumTolerance = 1e-9

  /// The experiment's name: `experiment_id` of its `Experiment Viewed` events, and part of
  /// the key of the split draw. `EngageConfig` sets it to the name of the first workflow
  /// with a split when the scenario leaves it out.
  public let name: String?
  /// The arms that receive email, in the order written.
  public let arms: [ArmConfig]
  /// The share of split customers held out.
  public let holdout: Double
  /// The share of all customers, drawn independently of any split, who never receive
  /// email from any workflow; in [0, 1).
  public let globalControl: Double

  public init(
    arms: [ArmConfig], holdout: Double, globalControl: Double = 0, name: String? = nil
  ) {
    self.arms = arms
    self.holdout = holdout
    self.globalControl = globalControl
    self.name = name
  }

  /// Returns the experiment with `name` in place of a missing name.
  func named(_ name: String) -> ExperimentConfig {
    ExperimentConfig(
      arms: arms, holdout: holdout, globalControl: globalControl, name: self.name ?? name)
  }

  /// Every arm a split can assign, in cumulative-share order: `holdout`, then the arms.
  /// A counterfactual run makes one pass with `ArmPolicy.forced(name)` for each.
  public var armNames: [String] {
    [Self.holdoutArm] + arms.map(\.name)
  }

  /// Returns the arm named `name`, or nil for `holdout`, `global-control` and unknown names.
  public func arm(named name: String) -> ArmConfig? {
    arms.first { $0.name == name }
  }

  /// The sum of the holdout share and every arm's share, added in the order written.
  public var shareSum: Double {
    arms.reduce(holdout) { $0 + $1.share }
  }

  /// Returns the arm for a uniform draw `u` in [0, 1), by cumulative shares over
  /// [holdout, arms…].
  ///
  /// When rounding leaves the cumulative sum a little below 1 and `u` falls above it, the
  /// last arm with a positive share is returned, so an arm with share 0 is never assigned.
  public func armName(forDraw u: Double) -> String {
    var cumulative = holdout
    if u < cumulative {
      return Self.holdoutArm
    }
    for arm in arms {
      cumulative += arm.share
      if u < cumulative {
        return arm.name
      }
    }
    return arms.last { $0.share > 0 }?.name ?? Self.holdoutArm
  }
}

/// An experiment arm that receives email.
public struct ArmConfig: Sendable, Hashable {
  /// The default of `listedClasses`.
  public static let defaultListedClasses = 3
  /// The accepted values of `listedClasses`.
  public static let listedClassesRange = 0...10

  /// The arm's name: `variation_name` of its `Experiment Viewed` events.
  public let name: String
  /// The strategy that chooses the classes listed beside the abandoned class.
  public let strategy: PersonalizationStrategy
  /// The share of split customers assigned to this arm, from 0 to 1.
  public let share: Double
  /// A template that replaces the `sendEmail` step's template for this arm.
  public let template: String?
  /// The maximum number of classes the email lists beside the abandoned class.
  public let listedClasses: Int

  public init(
    name: String, strategy: PersonalizationStrategy, share: Double, template: String? = nil,
    listedClasses: Int = ArmConfig.defaultListedClasses
  ) {
    self.name = name
    self.strategy = strategy
    self.share = share
    self.template = template
    self.listedClasses = listedClasses
  }
}

/// A rule for the classes that a personalized email lists beside the abandoned class.
public enum PersonalizationStrategy: String, Sendable, Hashable, CaseIterable {
  /// Classes the profile watched (trailer played or class page viewed), in the order
  /// first watched, leaving out classes already bought.
  case watchedClasses = "watched-classes"
  /// Nothing but the abandoned class.
  case abandonedOnly = "abandoned-only"
  /// The other classes of the abandoned class's category, in catalog order.
  case sameCategory = "same-category"
  /// The first classes of the catalog other than the abandoned one: the same generic
  /// "popular classes" list for everyone.
  case catalogPicks = "catalog-picks"
}

/// The rule by which a messaging engine assigns arms at a split step.
///
/// A counterfactual pass forces every customer into one arm while every other draw stays
/// keyed as in the factual pass, so the difference between passes is due to the arm
/// alone. One forced pass per name in `ExperimentConfig.armNames` gives each enrolled
/// customer's outcome under every arm.
public enum ArmPolicy: Sendable, Hashable {
  /// The arm drawn from each customer's keyed stream, and `global-control` for customers
  /// in the global control group: the factual pass.
  case assigned
  /// This arm for every customer who reaches the split, global control customers
  /// included. The name is `holdout`, `global-control` or an arm of the experiment.
  case forced(String)
}

import Customers
import Engage
import Pipeline
import Simulation

/// The run section: seed, size and timing.
public struct RunSettings: Sendable {
  public var seed: UInt64
  public var customers: Int
  public var clock: ScenarioClock
  /// Simulated time from the start to the end of the run.
  public var duration: SimDuration
  /// Customers arrive uniformly over this window from the start; at most `duration`.
  public var arrivalWindow: SimDuration

  public init(
    seed: UInt64, customers: Int, clock: ScenarioClock, duration: SimDuration,
    arrivalWindow: SimDuration
  ) {
    self.seed = seed
    self.customers = customers
    self.clock = clock
    self.duration = duration
    self.arrivalWindow = arrivalWindow
  }
}

/// A validated scenario: every stage's configuration, ready to run.
public struct Scenario: Sendable {
  public var formatVersion: Int
  public var name: String
  public var description: String
  public var run: RunSettings
  public var catalog: Catalog
  public var segments: [Segment]
  public var behaviour: BehaviourModel
  public var pipeline: PipelineConfig
  /// The messaging engine's sections: templates, experiment, workflows and email.
  public var engage: EngageConfig
  /// The scenario after `extends` and `--set`, as canonical JSON: what was run.
  public private(set) var resolvedJSON: String
  /// SHA-256 of `resolvedJSON`, recorded with every run.
  public private(set) var sha256: String
  /// Warnings found while validating, rendered with their locations.
  public internal(set) var warnings: [String] = []

  public init(
    formatVersion: Int, name: String, description: String, run: RunSettings,
    catalog: Catalog, segments: [Segment], behaviour: BehaviourModel,
    pipeline: PipelineConfig, engage: EngageConfig,
    resolvedJSON: String
  ) throws {
    self.formatVersion = formatVersion
    self.name = name
    self.description = description
    self.run = run
    self.catalog = catalog
    self.segments = segments
    self.behaviour = behaviour
    self.pipeline = pipeline
    self.engage = engage
    self.resolvedJSON = resolvedJSON
    self.sha256 = try SHA256.hash(resolvedJSON).hexString
  }

  public var workflow: WorkflowConfig { engage.workflow }

  /// Records the resolved scenario text and its hash.
  mutating func setResolvedJSON(_ json: String) throws {
    resolvedJSON = json
    sha256 = try SHA256.hash(json).hexString
  }
}

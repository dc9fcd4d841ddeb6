import Config
import Customers
import Engage
import Pipeline
import Simulation

/// The run section: seed, size and timing.
public struct RunSettings: Sendable {
  public var seed: UInt64
  public var customers: Int
  public var clock: ScenarioClock
  /// Simulated time before the experiment starts: customers act, but no workflow
  /// enrolls anyone. Their behaviour then is the pre-period covariate.
  public var prePeriod: SimDuration
  /// Simulated time from the experiment's start to the end of the run.
  public var duration: SimDuration
  /// Customers arrive uniformly over this window from time 0; at most
  /// `prePeriod + duration`.
  public var arrivalWindow: SimDuration
  /// The customers' time zones and their shares.
  public var timeZones: TimeZoneMix

  public init(
    seed: UInt64, customers: Int, clock: ScenarioClock, prePeriod: SimDuration = .zero,
    duration: SimDuration, arrivalWindow: SimDuration, timeZones: TimeZoneMix = .utc
  ) {
    self.timeZones = timeZones
    self.seed = seed
    self.customers = customers
    self.clock = clock
    self.prePeriod = prePeriod
    self.duration = duration
    self.arrivalWindow = arrivalWindow
  }

  /// When the experiment starts: the end of the pre-period.
  public var experimentStart: SimTime { SimTime(milliseconds: prePeriod.milliseconds) }

  /// When the run ends.
  public var end: SimTime { experimentStart + duration }
}

/// A validated scenario: every stage's configuration, ready to run.
public struct Scenario: Sendable {
  public var formatVersion: Int
  public var name: String
  public var description: String
  public var run: RunSettings
  public var catalog: Catalog
  public var segments: [Segment]
  public var channels: [Channel]
  public var behaviour: BehaviourModel
  public var pipeline: PipelineConfig
  /// The messaging engine's sections: templates, experiment, workflows and email.
  public var engage: EngageConfig
  public var measurement: MeasurementConfig
  /// The `attribution` section, or nil when the scenario has none.
  public var attribution: AttributionConfig? = nil
  /// The scenario after `extends` and `--set`, as canonical JSON: what was run.
  public private(set) var resolvedJSON: String
  /// SHA-256 of `resolvedJSON`, recorded with every run.
  public private(set) var sha256: String
  /// Warnings found while validating.
  public internal(set) var warningDiagnostics: [Diagnostic] = []

  /// The warnings rendered with their locations.
  public var warnings: [String] { warningDiagnostics.map(\.description) }

  public init(
    formatVersion: Int, name: String, description: String, run: RunSettings,
    catalog: Catalog, segments: [Segment], channels: [Channel], behaviour: BehaviourModel,
    pipeline: PipelineConfig, engage: EngageConfig, measurement: MeasurementConfig,
    resolvedJSON: String
  ) throws {
    self.measurement = measurement
    self.formatVersion = formatVersion
    self.name = name
    self.description = description
    self.run = run
    self.catalog = catalog
    self.segments = segments
    self.channels = channels
    self.behaviour = behaviour
    self.pipeline = pipeline
    self.engage = engage
    self.resolvedJSON = resolvedJSON
    self.sha256 = try SHA256.hash(resolvedJSON).hexString
  }

  /// The workflows the messaging engine runs, in the order written.
  public var workflows: [WorkflowConfig] { engage.workflows }

  /// Records the resolved scenario text and its hash.
  mutating func setResolvedJSON(_ json: String) throws {
    resolvedJSON = json
    sha256 = try SHA256.hash(json).hexString
  }
}

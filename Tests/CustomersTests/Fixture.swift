import Config
import Simulation

@testable import Customers

/// The sections that the Customers module reads, as a scenario has them: the catalog, the
/// population, the channels and the behaviour, plus a time zone mix under `timeZones`.
///
/// Like the scenario loader, it reads the channels and the behaviour only when the
/// population is valid, because both name its segments.
struct Fragment: Sendable {
  var catalog: Catalog
  var segments: [Segment]
  var channels: [Channel]
  var behaviour: BehaviourModel
  var timeZones: TimeZoneMix

  static let reader = ConfigReader<Fragment>.object("a scenario fragment") { root in
    let errorsBefore = root.diagnostics.errorCount
    let catalog = root.required("catalog", Catalog.reader)
    var segments: [Segment]?
    if let catalog {
      segments = root.required("population", Population.reader(catalog: catalog))
    }
    var channels: [Channel]?
    var behaviour: BehaviourModel?
    if let catalog, let segments {
      let names = segments.map(\.name)
      channels = root.required(
        "channels", Channel.listReader(segmentNames: names, catalog: catalog))
      behaviour = root.required("behaviour", BehaviourModel.reader(segmentNames: names))
    }
    root.declareKnown("population", "channels", "behaviour")
    let timeZones = root.optional("timeZones", TimeZoneMix.reader, default: .utc)
    guard let catalog, let segments, let channels, let behaviour,
      root.diagnostics.errorCount == errorsBefore
    else { return nil }
    return Fragment(
      catalog: catalog, segments: segments, channels: channels, behaviour: behaviour,
      timeZones: timeZones)
  }

  /// A valid fragment with two segments, three channels of different kinds, per-segment
  /// reaches and overrides, and three time zones. Prices 100, 300 and 200 give a mean of 200.
  static let source = """
    {
      catalog: [
        {
          id: "knife-skills", title: "Knife Skills", instructor: "Marta Olsen",
          category: "cooking", price: 100,
        },
        {
          id: "bread-baking", title: "Bread Baking", instructor: "Ines Duarte",
          category: "cooking", price: 300,
        },
        {
          id: "short-stories", title: "Short Stories", instructor: "Ada Lind",
          category: "writing", price: 200,
        },
      ],
      population: {
        segments: [
          { name: "new-visitor", share: 0.7, interests: { cooking: 2, writing: 1 } },
          {
            name: "free-trial", share: 0.3, interests: { writing: 3 }, emailResponsiveness: 1.3,
            priceSensitivity: 1.5,
          },
        ],
      },
      channels: [
        {
          name: "paid-display", kind: "paid-display", source: "google", medium: "display",
          reach: 0.5, clickThrough: 0.35,
        },
        {
          name: "search", kind: "search", reach: { default: 0.3, "free-trial": 0.2 },
          clickThrough: 0.6, promotes: ["knife-skills", "short-stories"],
        },
        {
          name: "organic", kind: "organic", reach: { default: 0.2, "free-trial": 0.3 },
          clickThrough: { default: 0.5, "free-trial": 0.7 }, promotes: "interests",
        },
      ],
      behaviour: {
        trailer: { delay: { exponential: { mean: "2h" } } },
        classPage: { probability: 0.55, delay: { exponential: { mean: "1h" } } },
        browse: { meanClasses: 2, delay: { exponential: { mean: "10m" } } },
        addToCart: { probability: 0.45, delay: { exponential: { mean: "20m" } } },
        checkout: { probability: 0.35, delay: { exponential: { mean: "15m" } } },
        organicReturn: { probability: 0.08, delay: { lognormal: { median: "2d", sigma: 0.8 } } },
        emailReturn: {
          irrelevantProbability: 0.05, relevantProbability: 0.4,
          delay: { exponential: { mean: "30m" } },
        },
        segments: {
          "free-trial": {
            addToCart: { probability: 0.5 },
            checkout: { delay: { exponential: { mean: "5m" } } },
          },
        },
        touchEffects: { trailer: 1.2, emailOpen: 1.5, relevanceWeight: 0.5 },
      },
      timeZones: [
        { name: "America/New_York", offset: "-05:00", share: 0.4 },
        { name: "Europe/Berlin", offset: "+01:00", share: 0.35 },
        { name: "Asia/Kolkata", offset: "+05:30", share: 0.25 },
      ],
    }
    """

  /// Reads `source` with `overrides` applied, each written as for `--set`
  /// (`channels[0].reach=0.4`). Returns the fragment, or nil, and every diagnostic.
  static func read(_ overrides: [String] = []) throws -> (Fragment?, [Diagnostic]) {
    let tree = try JSON5.parse(source, file: "fragment.json5")
      .applying(try overrides.map { try ConfigOverride(parsing: $0) })
    let diagnostics = Diagnostics()
    let fragment = diagnostics.read(tree, as: reader)
    return (fragment, diagnostics.sorted)
  }

  /// Reads `source` with `overrides`, failing the test on any diagnostic.
  static func valid(_ overrides: [String] = []) throws -> Fragment {
    let (fragment, diagnostics) = try read(overrides)
    guard let fragment, diagnostics.isEmpty else {
      throw FixtureError(diagnostics: diagnostics)
    }
    return fragment
  }

  /// Builds the journey of this fragment; `runEnd` stops repeat visits.
  func journey(seed: UInt64 = 20_261_204, runEnd: SimTime? = nil) throws -> Journey {
    try Journey(
      catalog: catalog, population: try Population(segments: segments, catalog: catalog),
      channels: channels, behaviour: behaviour, timeZones: timeZones, runEnd: runEnd,
      streams: RandomStreams(seed: seed))
  }
}

struct FixtureError: Error, CustomStringConvertible {
  var diagnostics: [Diagnostic]
  var description: String {
    "the fragment is invalid:\n" + diagnostics.map(\.description).joined(separator: "\n")
  }
}

/// Writes `value` in the scenario syntax, parses the text and reads it with `reader`, as a
/// resolved scenario would be read back.
func roundTrip<Value>(_ value: some ConfigEncodable, reader: ConfigReader<Value>) throws
  -> (Value?, [Diagnostic])
{
  let text = value.configValue.canonicalText()
  let node = try JSON5.parse(text, file: "written.json")
  let diagnostics = Diagnostics()
  let read = diagnostics.read(node, at: ["section"], as: reader)
  return (read, diagnostics.sorted)
}

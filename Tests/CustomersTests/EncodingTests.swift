import Config
import Simulation
import Testing

@testable import Customers

@Test func catalogRoundTrips() throws {
  let catalog = try Fragment.valid().catalog
  let (read, diagnostics) = try roundTrip(catalog, reader: Catalog.reader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == catalog)
}

@Test func populationRoundTrips() throws {
  let fragment = try Fragment.valid()
  let population = try Population(segments: fragment.segments, catalog: fragment.catalog)
  let (read, diagnostics) = try roundTrip(
    population, reader: Population.reader(catalog: fragment.catalog))
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == fragment.segments)
}

@Test func segmentWritesDefaults() throws {
  let segment = try Fragment.valid().segments[0]
  guard case .object(let members) = segment.configValue else {
    Issue.record("expected an object, got \(segment.configValue)")
    return
  }
  #expect(members["emailResponsiveness"] == .number(1))
  #expect(members["priceSensitivity"] == .number(0))
}

@Test func channelsRoundTrip() throws {
  let fragment = try Fragment.valid()
  let names = fragment.segments.map(\.name)
  let (read, diagnostics) = try roundTrip(
    fragment.channels,
    reader: Channel.listReader(segmentNames: names, catalog: fragment.catalog))
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == fragment.channels)
}

@Test func channelWritesDefaultSourceAndMedium() throws {
  let channel = try Fragment.valid().channels[2]
  guard case .object(let members) = channel.configValue else {
    Issue.record("expected an object, got \(channel.configValue)")
    return
  }
  #expect(members["source"] == "google")
  #expect(members["medium"] == "organic")
  #expect(members["promotes"] == "interests")
}

@Test(arguments: [
  PerSegment(0.25),
  PerSegment(default: 0.3, bySegment: ["free-trial": 0.2]),
  PerSegment(default: nil, bySegment: ["new-visitor": 0.1, "free-trial": 0.9]),
])
func perSegmentValueRoundTrips(value: PerSegment<Double>) throws {
  let reader = PerSegment.reader(
    of: ConfigReader<Double>.probability, segmentNames: ["new-visitor", "free-trial"])
  let (read, diagnostics) = try roundTrip(value, reader: reader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == value)
}

@Test func behaviourRoundTrips() throws {
  let fragment = try Fragment.valid()
  let reader = BehaviourModel.reader(segmentNames: fragment.segments.map(\.name))
  let (read, diagnostics) = try roundTrip(fragment.behaviour, reader: reader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == fragment.behaviour)
}

@Test func behaviourWithEveryOverrideRoundTrips() throws {
  let behaviour = try Fragment.valid([
    """
    behaviour.segments={
      "new-visitor": {
        trailer: { delay: "1h" },
        classPage: { probability: 0.9 },
        browse: { meanClasses: 4, delay: { uniform: { min: "1m", max: "5m" } } },
        addToCart: {},
        organicReturn: { delay: { gamma: { shape: 2, scale: "1h" } } },
        emailReturn: { irrelevantProbability: 0.1, relevantProbability: 0.9, delay: "1h" },
      },
      "free-trial": {},
    }
    """
  ]).behaviour
  let (read, diagnostics) = try roundTrip(
    behaviour, reader: BehaviourModel.reader(segmentNames: ["new-visitor", "free-trial"]))
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == behaviour)
}

@Test func behaviourWritesDefaults() throws {
  let behaviour = try Fragment.valid([
    "behaviour.browse=null", "behaviour.segments=null", "behaviour.touchEffects=null",
  ]).behaviour
  guard case .object(let members) = behaviour.configValue else {
    Issue.record("expected an object, got \(behaviour.configValue)")
    return
  }
  #expect(members["browse"] == ["meanClasses": .number(0), "delay": ["fixed": "0ms"]])
  #expect(members["segments"] == .object([:]))
  #expect(
    members["touchEffects"] == [
      "trailer": .number(1), "emailOpen": .number(1), "relevanceWeight": .number(0),
    ])
}

@Test func stepModelRoundTrips() throws {
  let step = StepModel(
    probability: 0.35, delay: .lognormal(median: .days(2), sigma: 0.8))
  let (read, diagnostics) = try roundTrip(step, reader: BehaviourModel.stepReader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == step)
}

@Test func touchEffectsRoundTrip() throws {
  let effects = TouchEffects(trailer: 0.8, emailOpen: 2.5, relevanceWeight: 0.25)
  let (read, diagnostics) = try roundTrip(effects, reader: BehaviourModel.touchEffectsReader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == effects)
}

@Test func timeZoneMixRoundTrips() throws {
  let mix = try Fragment.valid().timeZones
  let (read, diagnostics) = try roundTrip(mix, reader: TimeZoneMix.reader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == mix)
}

@Test func defaultTimeZoneMixRoundTrips() throws {
  let (read, diagnostics) = try roundTrip(TimeZoneMix.utc, reader: TimeZoneMix.reader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == .utc)
  #expect(
    TimeZoneMix.utc.configValue == [["name": "UTC", "offset": "+00:00", "share": .number(1)]])
}

@Test(arguments: [0, 330, -300, -570, 840, -840])
func offsetTextRoundTrips(minutes: Int) {
  let zone = TimeZoneMix.Zone(name: "Test", utcOffsetMinutes: minutes, share: 1)
  #expect(TimeZoneMix.parseOffset(zone.offsetText) == minutes)
}

import Config
import Simulation
import Testing

@testable import Customers

@Test func fragmentReadsWithoutDiagnostics() throws {
  let (fragment, diagnostics) = try Fragment.read()
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(fragment != nil)
}

@Test func catalogReadsPricesInCents() throws {
  let fragment = try Fragment.valid()
  #expect(fragment.catalog.classes.map(\.priceCents) == [10_000, 30_000, 20_000])
  #expect(fragment.catalog.meanPriceCents == 20_000)
  #expect(fragment.catalog.index(ofClassID: "short-stories") == 2)
  #expect(fragment.catalog.index(ofClassID: "missing") == nil)
}

@Test func segmentsReadWithDefaults() throws {
  let segments = try Fragment.valid().segments
  #expect(segments.map(\.name) == ["new-visitor", "free-trial"])
  #expect(segments.map(\.share) == [0.7, 0.3])
  #expect(segments[0].interests == ["cooking": 2, "writing": 1])
  #expect(segments[0].emailResponsiveness == 1)
  #expect(segments[0].priceSensitivity == 0)
  #expect(segments[1].emailResponsiveness == 1.3)
  #expect(segments[1].priceSensitivity == 1.5)
}

@Test func channelsReadKindsAndDefaults() throws {
  let channels = try Fragment.valid().channels
  #expect(channels.map(\.name) == ["paid-display", "search", "organic"])
  #expect(channels.map(\.kind) == [.paidDisplay, .search, .organic])
  #expect(channels[1].source == "google")
  #expect(channels[1].medium == "cpc")
  #expect(channels[2].source == "google")
  #expect(channels[2].medium == "organic")
  #expect(channels[0].promotes == .interests)
  #expect(channels[1].promotes == .classes(["knife-skills", "short-stories"]))
  #expect(channels[2].promotes == .interests)
}

@Test func channelValuesResolvePerSegment() throws {
  let channels = try Fragment.valid().channels
  #expect(channels[0].reach.value(forSegment: "free-trial") == 0.5)
  #expect(channels[1].reach.value(forSegment: "new-visitor") == 0.3)
  #expect(channels[1].reach.value(forSegment: "free-trial") == 0.2)
  #expect(channels[2].clickThrough.value(forSegment: "new-visitor") == 0.5)
  #expect(channels[2].clickThrough.value(forSegment: "free-trial") == 0.7)
}

@Test(arguments: Channel.Kind.allCases)
func channelKindDefaultsApply(kind: Channel.Kind) throws {
  let fragment = try Fragment.valid([
    "channels=[{ name: \"only\", kind: \"\(kind.rawValue)\", reach: 1, clickThrough: 0.5 }]"
  ])
  #expect(fragment.channels[0].source == kind.defaultSource)
  #expect(fragment.channels[0].medium == kind.defaultMedium)
}

@Test func behaviourReadsOverridesAndEffects() throws {
  let behaviour = try Fragment.valid().behaviour
  #expect(behaviour.trailer.delay == .exponential(mean: .hours(2)))
  #expect(
    behaviour.touchEffects == TouchEffects(trailer: 1.2, emailOpen: 1.5, relevanceWeight: 0.5))
  let trial = behaviour.resolved(forSegment: "free-trial")
  #expect(trial.addToCart.probability == 0.5)
  #expect(trial.addToCart.delay == .exponential(mean: .minutes(20)))
  #expect(trial.checkout.probability == 0.35)
  #expect(trial.checkout.delay == .exponential(mean: .minutes(5)))
  let visitor = behaviour.resolved(forSegment: "new-visitor")
  #expect(visitor.addToCart.probability == 0.45)
  #expect(visitor.checkout.delay == .exponential(mean: .minutes(15)))
}

@Test func behaviourDefaultsOptionalSections() throws {
  let behaviour = try Fragment.valid([
    "behaviour.browse=null", "behaviour.segments=null", "behaviour.touchEffects={}",
  ]).behaviour
  #expect(behaviour.browse == .none)
  #expect(behaviour.segments.isEmpty)
  #expect(behaviour.touchEffects == TouchEffects(trailer: 1, emailOpen: 1, relevanceWeight: 0))
}

@Test func segmentOverrideCoversEveryStep() throws {
  let behaviour = try Fragment.valid([
    """
    behaviour.segments={ "new-visitor": {
      trailer: { delay: "1h" },
      classPage: { probability: 0.9 },
      browse: { meanClasses: 4 },
      organicReturn: { probability: 0.2, delay: "3d" },
      emailReturn: { relevantProbability: 0.9 },
    } }
    """
  ]).behaviour
  let visitor = behaviour.resolved(forSegment: "new-visitor")
  #expect(visitor.trailer.delay == .fixed(.hours(1)))
  #expect(visitor.classPage.probability == 0.9)
  #expect(visitor.classPage.delay == .exponential(mean: .hours(1)))
  #expect(visitor.browse.meanClasses == 4)
  #expect(visitor.organicReturn == StepModel(probability: 0.2, delay: .fixed(.days(3))))
  #expect(visitor.emailReturn.relevantProbability == 0.9)
  #expect(visitor.emailReturn.irrelevantProbability == 0.05)
}

@Test func timeZonesRead() throws {
  let zones = try Fragment.valid().timeZones.zones
  #expect(zones.map(\.name) == ["America/New_York", "Europe/Berlin", "Asia/Kolkata"])
  #expect(zones.map(\.utcOffsetMinutes) == [-300, 60, 330])
  #expect(zones.map(\.share) == [0.4, 0.35, 0.25])
}

@Test func timeZonesDefaultToUTC() throws {
  let mix = try Fragment.valid(["timeZones=null"]).timeZones
  #expect(mix == .utc)
  #expect(mix.zones.map(\.name) == ["UTC"])
}

/// A change to the valid fragment that makes it invalid, and the error it must give.
struct InvalidCase: Sendable, CustomTestStringConvertible {
  var name: String
  var overrides: [String]
  /// The field path of the error, as `--set` writes it.
  var path: String
  /// Text that the problem must contain, or "" for any.
  var problem: String = ""
  /// Text that the fix must contain.
  var fix: String

  var testDescription: String { name }
}

let invalidCases: [InvalidCase] = [
  InvalidCase(
    name: "reach of one segment sums to 0.9",
    overrides: ["channels[0].reach={ default: 0.5, \"free-trial\": 0.4 }"],
    path: "channels", problem: "segment \"free-trial\" sum to 0.9",
    fix: "reaches of segment \"free-trial\" over all channels add up to 1"),
  InvalidCase(
    name: "unknown segment key in reach",
    overrides: ["channels[1].reach={ default: 0.3, \"free-trail\": 0.2 }"],
    path: "channels[1].reach[\"free-trail\"]", problem: "unknown segment",
    fix: "did you mean \"free-trial\"?"),
  InvalidCase(
    name: "reach without default misses a segment",
    overrides: ["channels[0].reach={ \"new-visitor\": 0.5 }"],
    path: "channels[0].reach", problem: "no value for segment \"free-trial\"",
    fix: "add default"),
  InvalidCase(
    name: "click-through above 1",
    overrides: ["channels[0].clickThrough=1.5"],
    path: "channels[0].clickThrough", fix: "a probability from 0 to 1"),
  InvalidCase(
    name: "misspelled channel kind",
    overrides: ["channels[0].kind=\"paid-displey\""],
    path: "channels[0].kind", fix: "did you mean \"paid-display\"?"),
  InvalidCase(
    name: "unknown class in promotes",
    overrides: ["channels[1].promotes=[\"knife-skills\", \"bread-bakin\"]"],
    path: "channels[1].promotes[1]", problem: "unknown class",
    fix: "did you mean \"bread-baking\"?"),
  InvalidCase(
    name: "class repeated in promotes",
    overrides: ["channels[1].promotes=[\"knife-skills\", \"knife-skills\"]"],
    path: "channels[1].promotes[1]", problem: "repeats", fix: "list each class once"),
  InvalidCase(
    name: "promotes names no policy",
    overrides: ["channels[1].promotes=\"interest\""],
    path: "channels[1].promotes", fix: "promotes: \"interests\""),
  InvalidCase(
    name: "repeated channel name",
    overrides: ["channels[2].name=\"search\""],
    path: "channels[2].name", problem: "repeats", fix: "give every element its own name"),
  InvalidCase(
    name: "trailer probability present",
    overrides: ["behaviour.trailer.probability=0.35"],
    path: "behaviour.trailer.probability", fix: "channels[].clickThrough"),
  InvalidCase(
    name: "trailer probability in a segment override",
    overrides: ["behaviour.segments[\"free-trial\"].trailer={ probability: 0.5 }"],
    path: "behaviour.segments[\"free-trial\"].trailer.probability",
    fix: "channels[].clickThrough"),
  InvalidCase(
    name: "channels left in behaviour",
    overrides: ["behaviour.channels=[]"],
    path: "behaviour.channels", problem: "moved to the top level",
    fix: "top-level channels section"),
  InvalidCase(
    name: "segment shares sum to 0.99",
    overrides: ["population.segments[1].share=0.29"],
    path: "population.segments", problem: "sum to 0.99, not 1", fix: "add up to 1"),
  InvalidCase(
    name: "segment named default",
    overrides: ["population.segments[1].name=\"default\""],
    path: "population.segments[1].name", problem: "reserved", fix: "choose another name"),
  InvalidCase(
    name: "negative price sensitivity",
    overrides: ["population.segments[0].priceSensitivity=-1"],
    path: "population.segments[0].priceSensitivity", fix: "a number of at least 0"),
  InvalidCase(
    name: "offset beyond 14 hours",
    overrides: ["timeZones[0].offset=\"+25:00\""],
    path: "timeZones[0].offset", fix: "from -14:00 to +14:00"),
  InvalidCase(
    name: "offset without sign",
    overrides: ["timeZones[0].offset=\"05:00\""],
    path: "timeZones[0].offset", fix: "±HH:MM"),
  InvalidCase(
    name: "time zone shares sum to 0.9",
    overrides: ["timeZones[2].share=0.15"],
    path: "timeZones", problem: "sum to 0.9, not 1", fix: "add up to 1"),
  InvalidCase(
    name: "empty time zone name",
    overrides: ["timeZones[1].name=\"\""],
    path: "timeZones[1].name", fix: "a non-empty string"),
  InvalidCase(
    name: "override names an unknown step",
    overrides: ["behaviour.segments[\"free-trial\"].addToKart={ probability: 0.5 }"],
    path: "behaviour.segments[\"free-trial\"].addToKart", problem: "unknown field",
    fix: "did you mean \"addToCart\"?"),
  InvalidCase(
    name: "override names an unknown segment",
    overrides: ["behaviour.segments={ \"free-trail\": { addToCart: { probability: 0.5 } } }"],
    path: "behaviour.segments[\"free-trail\"]", problem: "unknown segment",
    fix: "did you mean \"free-trial\"?"),
  InvalidCase(
    name: "override probability above 1",
    overrides: ["behaviour.segments[\"free-trial\"].checkout.probability=2"],
    path: "behaviour.segments[\"free-trial\"].checkout.probability",
    fix: "a probability from 0 to 1"),
  InvalidCase(
    name: "email open multiplier above 100",
    overrides: ["behaviour.touchEffects.emailOpen=101"],
    path: "behaviour.touchEffects.emailOpen", fix: "a number from 0 to 100"),
  InvalidCase(
    name: "relevance weight above 1",
    overrides: ["behaviour.touchEffects.relevanceWeight=1.5"],
    path: "behaviour.touchEffects.relevanceWeight", fix: "a probability from 0 to 1"),
]

@Test(arguments: invalidCases)
func invalidFragmentIsReported(_ testCase: InvalidCase) throws {
  let (fragment, diagnostics) = try Fragment.read(testCase.overrides)
  #expect(fragment == nil)
  let errors = diagnostics.filter { $0.severity == .error }
  #expect(errors.count == 1, "\(errors)")
  let error = try #require(errors.first)
  #expect(error.path.description == testCase.path, "\(error)")
  #expect(testCase.problem.isEmpty || error.problem.contains(testCase.problem), "\(error)")
  #expect(error.fix?.contains(testCase.fix) == true, "\(error)")
}

@Test func everyMistakeIsReportedAtOnce() throws {
  let (_, diagnostics) = try Fragment.read([
    "channels[1].promotes=[\"bread-bakin\"]", "behaviour.trailer.probability=0.35",
    "timeZones[0].offset=\"+25:00\"",
  ])
  #expect(
    diagnostics.map(\.path.description).sorted() == [
      "behaviour.trailer.probability", "channels[1].promotes[0]", "timeZones[0].offset",
    ])
}

@Test(arguments: [
  ("+00:00", 0), ("-00:00", 0), ("-05:00", -300), ("+05:30", 330), ("+14:00", 840),
  ("-14:00", -840), ("-09:30", -570),
])
func offsetParses(text: String, minutes: Int) {
  #expect(TimeZoneMix.parseOffset(text) == minutes)
}

@Test(arguments: [
  "", "Z", "05:00", "+5:00", "+05:0", "+0500", "+14:01", "-15:00", "+25:00", "+05:60", "+0a:00",
  " +05:00", "+05:00 ",
])
func offsetRejects(text: String) {
  #expect(TimeZoneMix.parseOffset(text) == nil)
}

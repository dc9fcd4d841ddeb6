import Config
import Simulation
import Testing

@testable import Customers

// Reading and writing `behaviour.engagement` and `behaviour.visits`.

@Test func engagementAndVisitsDefault() throws {
  let behaviour = try Fragment.valid().behaviour
  #expect(behaviour.engagement == EngagementModel(sigma: 0))
  #expect(behaviour.visits.ratePerWeek == 0)
  #expect(behaviour.visits.classPage == StepModel(probability: 1, delay: .fixed(.zero)))
  #expect(behaviour.resolved(forSegment: "free-trial").visits == .none)
}

@Test func engagementAndVisitsRead() throws {
  let behaviour = try Fragment.valid([
    "behaviour.engagement={ sigma: 0.8 }",
    "behaviour.visits={ ratePerWeek: 0.5, classPage: { probability: 0.6, delay: \"5m\" } }",
  ]).behaviour
  #expect(behaviour.engagement.sigma == 0.8)
  #expect(behaviour.visits.ratePerWeek == 0.5)
  #expect(behaviour.visits.classPage == StepModel(probability: 0.6, delay: .fixed(.minutes(5))))
}

@Test func visitsWithoutClassPageViewAtOnce() throws {
  let visits = try Fragment.valid(["behaviour.visits={ ratePerWeek: 2 }"]).behaviour.visits
  #expect(visits == VisitModel(ratePerWeek: 2, classPage: VisitModel.defaultClassPage))
  #expect(visits.classPage.probability == 1)
  #expect(visits.classPage.delay == .fixed(.zero))
}

@Test func nullEngagementAndVisitsTakeDefaults() throws {
  let behaviour = try Fragment.valid(["behaviour.engagement=null", "behaviour.visits=null"])
    .behaviour
  #expect(behaviour.engagement == .none)
  #expect(behaviour.visits == .none)
}

@Test(arguments: [0.0, 3.0])
func sigmaRangeIncludesEnds(sigma: Double) throws {
  let behaviour = try Fragment.valid(["behaviour.engagement={ sigma: \(sigma) }"]).behaviour
  #expect(behaviour.engagement.sigma == sigma)
}

@Test(arguments: [0.0, 50.0])
func visitRateRangeIncludesEnds(rate: Double) throws {
  let behaviour = try Fragment.valid(["behaviour.visits={ ratePerWeek: \(rate) }"]).behaviour
  #expect(behaviour.visits.ratePerWeek == rate)
}

@Test func segmentOverridesVisits() throws {
  let behaviour = try Fragment.valid([
    "behaviour.visits={ ratePerWeek: 0.5, classPage: { probability: 0.6, delay: \"5m\" } }",
    "behaviour.segments[\"free-trial\"].visits={ ratePerWeek: 2, classPage: { probability: 0.9 } }",
  ]).behaviour
  let trial = behaviour.resolved(forSegment: "free-trial").visits
  #expect(trial.ratePerWeek == 2)
  #expect(trial.classPage == StepModel(probability: 0.9, delay: .fixed(.minutes(5))))
  let visitor = behaviour.resolved(forSegment: "new-visitor").visits
  #expect(visitor == behaviour.visits)
}

@Test func segmentVisitsOverrideWithoutBaseVisits() throws {
  let behaviour = try Fragment.valid([
    "behaviour.segments[\"free-trial\"].visits={ ratePerWeek: 1 }"
  ]).behaviour
  #expect(behaviour.visits == .none)
  #expect(behaviour.resolved(forSegment: "free-trial").visits == VisitModel(ratePerWeek: 1))
  #expect(behaviour.resolved(forSegment: "new-visitor").visits == .none)
}

// MARK: Invalid values

let engagementInvalidCases: [InvalidCase] = [
  InvalidCase(
    name: "sigma above 3",
    overrides: ["behaviour.engagement={ sigma: 3.5 }"],
    path: "behaviour.engagement.sigma", problem: "expected a number from 0 to 3",
    fix: "a number from 0 to 3"),
  InvalidCase(
    name: "negative sigma",
    overrides: ["behaviour.engagement={ sigma: -0.1 }"],
    path: "behaviour.engagement.sigma", fix: "a number from 0 to 3"),
  InvalidCase(
    name: "sigma written as a string",
    overrides: ["behaviour.engagement={ sigma: \"0.8\" }"],
    path: "behaviour.engagement.sigma", problem: "expected a number", fix: "from 0 to 3"),
  InvalidCase(
    name: "engagement without sigma",
    overrides: ["behaviour.engagement={}"],
    path: "behaviour.engagement.sigma", problem: "missing required field", fix: "add \"sigma\""),
  InvalidCase(
    name: "engagement given as a number",
    overrides: ["behaviour.engagement=0.8"],
    path: "behaviour.engagement", problem: "expected an engagement model",
    fix: "{ sigma: 0.8 }"),
  InvalidCase(
    name: "misspelled engagement",
    overrides: ["behaviour.engagment={ sigma: 0.8 }"],
    path: "behaviour.engagment", problem: "unknown field", fix: "did you mean \"engagement\"?"),
  InvalidCase(
    name: "misspelled sigma",
    overrides: ["behaviour.engagement={ sigma: 0.8, sigam: 1 }"],
    path: "behaviour.engagement.sigam", problem: "unknown field", fix: "did you mean \"sigma\"?"),
  InvalidCase(
    name: "visit rate above 50",
    overrides: ["behaviour.visits={ ratePerWeek: 51 }"],
    path: "behaviour.visits.ratePerWeek", fix: "a number from 0 to 50"),
  InvalidCase(
    name: "negative visit rate",
    overrides: ["behaviour.visits={ ratePerWeek: -1 }"],
    path: "behaviour.visits.ratePerWeek", fix: "a number from 0 to 50"),
  InvalidCase(
    name: "visits without rate",
    overrides: ["behaviour.visits={ classPage: { probability: 0.5, delay: \"5m\" } }"],
    path: "behaviour.visits.ratePerWeek", problem: "missing required field",
    fix: "add \"ratePerWeek\""),
  InvalidCase(
    name: "misspelled visits",
    overrides: ["behaviour.visit={ ratePerWeek: 0.5 }"],
    path: "behaviour.visit", problem: "unknown field", fix: "did you mean \"visits\"?"),
  InvalidCase(
    name: "misspelled class page in visits",
    overrides: [
      "behaviour.visits={ ratePerWeek: 0.5, clasPage: { probability: 1, delay: \"0s\" } }"
    ],
    path: "behaviour.visits.clasPage", problem: "unknown field",
    fix: "did you mean \"classPage\"?"),
  InvalidCase(
    name: "visit class-page probability above 1",
    overrides: [
      "behaviour.visits={ ratePerWeek: 0.5, classPage: { probability: 1.2, delay: \"5m\" } }"
    ],
    path: "behaviour.visits.classPage.probability", fix: "a probability from 0 to 1"),
  InvalidCase(
    name: "visit class page without delay",
    overrides: ["behaviour.visits={ ratePerWeek: 0.5, classPage: { probability: 0.5 } }"],
    path: "behaviour.visits.classPage.delay", problem: "missing required field",
    fix: "add \"delay\""),
  InvalidCase(
    name: "segment visit rate above 50",
    overrides: ["behaviour.segments[\"free-trial\"].visits={ ratePerWeek: 60 }"],
    path: "behaviour.segments[\"free-trial\"].visits.ratePerWeek", fix: "a number from 0 to 50"),
  InvalidCase(
    name: "misspelled rate in segment visits",
    overrides: ["behaviour.segments[\"free-trial\"].visits={ ratePerWeeks: 2 }"],
    path: "behaviour.segments[\"free-trial\"].visits.ratePerWeeks", problem: "unknown field",
    fix: "did you mean \"ratePerWeek\"?"),
  InvalidCase(
    name: "segment visit class-page probability above 1",
    overrides: ["behaviour.segments[\"free-trial\"].visits={ classPage: { probability: 2 } }"],
    path: "behaviour.segments[\"free-trial\"].visits.classPage.probability",
    fix: "a probability from 0 to 1"),
  InvalidCase(
    name: "engagement in a segment override",
    overrides: ["behaviour.segments[\"free-trial\"].engagement={ sigma: 1 }"],
    path: "behaviour.segments[\"free-trial\"].engagement", problem: "unknown field",
    fix: "remove it, or use one of the known fields"),
]

@Test(arguments: engagementInvalidCases)
func invalidEngagementIsReported(_ testCase: InvalidCase) throws {
  let (fragment, diagnostics) = try Fragment.read(testCase.overrides)
  #expect(fragment == nil)
  let errors = diagnostics.filter { $0.severity == .error }
  #expect(errors.count == 1, "\(errors)")
  let error = try #require(errors.first)
  #expect(error.path.description == testCase.path, "\(error)")
  #expect(testCase.problem.isEmpty || error.problem.contains(testCase.problem), "\(error)")
  #expect(error.fix?.contains(testCase.fix) == true, "\(error)")
}

@Test func engagementAndVisitErrorsReportedTogether() throws {
  let (_, diagnostics) = try Fragment.read([
    "behaviour.engagement={ sigma: 4 }", "behaviour.visits={ ratePerWeek: 100 }",
  ])
  #expect(
    diagnostics.map(\.path.description).sorted() == [
      "behaviour.engagement.sigma", "behaviour.visits.ratePerWeek",
    ])
}

// MARK: Writing

@Test func behaviourWithEngagementAndVisitsRoundTrips() throws {
  let behaviour = try Fragment.valid([
    "behaviour.engagement={ sigma: 0.8 }",
    "behaviour.visits={ ratePerWeek: 0.5, "
      + "classPage: { probability: 0.6, delay: { exponential: { mean: \"5m\" } } } }",
    "behaviour.segments[\"free-trial\"].visits={ ratePerWeek: 2 }",
    "behaviour.segments[\"new-visitor\"]={ visits: { classPage: { delay: \"1m\" } } }",
  ]).behaviour
  let (read, diagnostics) = try roundTrip(
    behaviour, reader: BehaviourModel.reader(segmentNames: ["new-visitor", "free-trial"]))
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == behaviour)
}

@Test func behaviourWritesEngagementAndVisitDefaults() throws {
  let behaviour = try Fragment.valid().behaviour
  guard case .object(let members) = behaviour.configValue else {
    Issue.record("expected an object, got \(behaviour.configValue)")
    return
  }
  #expect(members["engagement"] == ["sigma": .number(0)])
  #expect(
    members["visits"] == [
      "ratePerWeek": .number(0),
      "classPage": ["probability": .number(1), "delay": ["fixed": "0ms"]],
    ])
}

@Test func defaultBehaviourReadsBackEqual() throws {
  let behaviour = try Fragment.valid().behaviour
  let (read, diagnostics) = try roundTrip(
    behaviour, reader: BehaviourModel.reader(segmentNames: ["new-visitor", "free-trial"]))
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read?.engagement == EngagementModel.none)
  #expect(read?.visits == VisitModel.none)
  #expect(read == behaviour)
}

@Test func visitOverrideWritesOnlyGivenFields() {
  #expect(VisitOverride().configValue == .object([:]))
  #expect(VisitOverride(ratePerWeek: 2).configValue == ["ratePerWeek": .number(2)])
  #expect(
    VisitOverride(classPage: StepOverride(probability: 0.5)).configValue == [
      "classPage": ["probability": .number(0.5)]
    ])
}

@Test(arguments: [
  EngagementModel(sigma: 0), EngagementModel(sigma: 0.8), EngagementModel(sigma: 3),
])
func engagementRoundTrips(model: EngagementModel) throws {
  let (read, diagnostics) = try roundTrip(model, reader: BehaviourModel.engagementReader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == model)
}

@Test(arguments: [
  VisitModel.none, VisitModel(ratePerWeek: 50),
  VisitModel(
    ratePerWeek: 0.5,
    classPage: StepModel(probability: 0.25, delay: .lognormal(median: .minutes(3), sigma: 1))),
])
func visitModelRoundTrips(model: VisitModel) throws {
  let (read, diagnostics) = try roundTrip(model, reader: BehaviourModel.visitsReader)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  #expect(read == model)
}

import Foundation
import Simulation
import Testing

@testable import Measure

// The attribution models against Fixtures/attribution_reference.json: plain-loop heuristics,
// the absorbing chain solved with numpy's fundamental matrix, and Shapley values averaged
// over every ordering of the channels. Every value must agree to a relative 1e-9. Removal
// effects and credits that are 0 in exact arithmetic may come out as a rounding residue, so
// they also pass within an absolute 1e-12 (times the total for credits).

private let relativeTolerance = 1e-9

private func expectClose(
  _ actual: [Double], _ expected: [Double], _ label: String, absolute: Double = 0,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(label): lengths", sourceLocation: sourceLocation)
  for (index, (value, reference)) in zip(actual, expected).enumerated() {
    #expect(
      isClose(value, reference, relativeTolerance: relativeTolerance, absoluteTolerance: absolute),
      "\(label)[\(index)]: \(value), expected \(reference)", sourceLocation: sourceLocation)
  }
}

@Test func attributionFixtureUsesPinnedVersions() throws {
  let generator = try attributionReference.get().generator
  let url = try #require(
    Bundle.module.url(
      forResource: "requirements-attribution", withExtension: "txt", subdirectory: "Fixtures"))
  let requirements = try String(contentsOf: url, encoding: .utf8)
  #expect(requirements.contains("numpy==\(generator.numpy)\n"))
  #expect(try attributionCases().map(\.name) == ["integer", "fractional", "timed"])
}

@Test(arguments: try attributionCases())
func heuristicModelsMatchNumpy(_ reference: AttributionReference.Case) throws {
  let paths = try reference.conversionPaths
  #expect(paths.channels == reference.channels)
  let settings = try attributionReference.get()
  let models: [any AttributionModel] = [
    FirstTouchModel(), LastTouchModel(),
    try LastNonDirectTouchModel(directChannel: settings.directChannel), LinearModel(),
    try PositionBasedModel(),
    try TimeDecayModel(
      halfLife: SimDuration(milliseconds: settings.halfLifeMilliseconds),
      halfLifeInTouches: settings.halfLifeInTouches),
  ]
  #expect(models.count == reference.heuristics.count)
  for model in models {
    let expected = try #require(reference.heuristics[model.name], "no \(model.name)")
    let attribution = try model.attribute(paths)
    expectClose(attribution.conversionCredits, expected.conversions, "\(model.name) conversions")
    expectClose(attribution.valueCredits, expected.value, "\(model.name) value")
  }
}

/// Returns every Markov configuration of every case; each test runs it with both solvers.
private func markovCases() throws -> [(AttributionReference.Case, AttributionReference.Markov)] {
  try attributionCases().flatMap { reference in reference.markov.map { (reference, $0) } }
}

@Test(arguments: try markovCases())
func markovRemovalEffectsMatchNumpy(
  _ reference: AttributionReference.Case, _ chain: AttributionReference.Markov
) throws {
  let paths = try reference.conversionPaths
  for solver in [MarkovSolver.denseLU, .sparseGMRES] {
    let model = try MarkovModel(order: chain.order, keepsRepeats: chain.keepRepeats, solver: solver)
    let attribution = try model.attribute(paths)
    let detail = try #require(attribution.markov)
    let label = "\(reference.name) \(chain.testDescription) \(solver)"
    #expect(detail.solver == solver)
    #expect(detail.stateCount == chain.states, "\(label)")
    expectClose(
      [try #require(detail.conversionProbability.value)], [chain.conversionProbability],
      "\(label) P(conversion)")
    expectClose(
      [try #require(detail.expectedValue.value)], [chain.expectedValue], "\(label) E(value)")
    expectClose(
      detail.removalEffects.map { $0.value ?? .nan }, chain.removalEffects,
      "\(label) removal effects", absolute: 1e-12)
    expectClose(
      detail.valueRemovalEffects.map { $0.value ?? .nan }, chain.valueRemovalEffects,
      "\(label) value removal effects", absolute: 1e-12)
    expectClose(
      attribution.conversionCredits, chain.conversions, "\(label) conversions",
      absolute: 1e-12 * paths.attributableConversions)
    expectClose(
      attribution.valueCredits, chain.value, "\(label) value",
      absolute: 1e-12 * paths.attributableValue)
    #expect(detail.maximumRelativeResidual <= 1e-12, "\(label)")
    if solver == .sparseGMRES {
      #expect(detail.tolerance == MarkovModel.defaultTolerance)
    } else {
      #expect(detail.tolerance == nil)
    }
  }
}

@Test(arguments: try attributionCases())
func shapleyValuesMatchEveryOrdering(_ reference: AttributionReference.Case) throws {
  let paths = try reference.conversionPaths
  let games: [(ShapleyCharacteristic, AttributionReference.ShapleyGame)] = [
    (.conversions, reference.shapley.conversions),
    (.conversionRate, reference.shapley.conversionRate),
  ]
  for (characteristic, expected) in games {
    let attribution = try ShapleyModel(characteristic: characteristic).attribute(paths)
    let detail = try #require(attribution.shapley)
    let label = "\(reference.name) \(characteristic)"
    expectClose(detail.shapleyValues, expected.shapleyValues, "\(label) φ")
    expectClose(detail.valueShapleyValues, expected.valueShapleyValues, "\(label) value φ")
    expectClose(attribution.conversionCredits, expected.conversionCredits, "\(label) credits")
    expectClose(attribution.valueCredits, expected.valueCredits, "\(label) value credits")
  }
}

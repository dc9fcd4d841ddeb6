import Simulation
import Testing

@testable import Customers

/// The email response formulas, against values worked out by hand from their definitions.
@Suite("Email response")
struct EmailResponseTests {
  static let fatigue = EmailFatigue(halfLife: .days(3), strength: 0.3)

  @Test(arguments: [
    (SimDuration.zero, 1.0), (.days(3), 0.5), (.days(6), 0.25), (.days(-1), 1.0),
  ])
  func fatigueWeightHalvesEveryHalfLife(age: SimDuration, weight: Double) {
    #expect(abs(Self.fatigue.weight(age: age) - weight) < 1e-12)
  }

  @Test func recentEmailLoadSumsWeights() {
    // 1 + 0.5 + 0.25
    let load = Self.fatigue.recentEmailLoad(ages: [.zero, .days(3), .days(6)])
    #expect(abs(load - 1.75) < 1e-12)
    #expect(Self.fatigue.recentEmailLoad(ages: []) == 0)
  }

  @Test func clickMultiplierIsAProductOverEmails() {
    // (1 − 0.3 × 1) × (1 − 0.3 × 0.5) = 0.7 × 0.85
    let multiplier = Self.fatigue.clickMultiplier(recentEmailAges: [.zero, .days(3)])
    #expect(abs(multiplier - 0.595) < 1e-12)
    #expect(Self.fatigue.clickMultiplier(recentEmailAges: []) == 1)
  }

  @Test(arguments: [
    // probability, responsiveness, relevance, ages, expected
    (0.3, 1.2, 0.5, [SimDuration](), 0.3 * 1.2 * (1 - 0.4 + 0.4 * 0.5)),
    (0.3, 1.2, 0.5, [.zero, .days(3)], 0.3 * 1.2 * 0.8 * 0.595),
    (0.3, 1.0, 0.0, [], 0.3 * 0.6),
    (0.3, 1.0, 1.0, [], 0.3),
    // Relevance outside 0...1 is clamped, and so is the product.
    (0.3, 1.0, 2.0, [], 0.3),
    (0.3, 1.0, -1.0, [], 0.3 * 0.6),
    (0.9, 3.0, 1.0, [], 1.0),
  ] as [(Double, Double, Double, [SimDuration], Double)])
  func clickProbability(
    probability: Double, responsiveness: Double, relevance: Double, ages: [SimDuration],
    expected: Double
  ) {
    let model = EmailResponseModel(clickRelevanceWeight: 0.4, fatigue: Self.fatigue)
    let value = model.clickProbability(
      probability, responsiveness: responsiveness, relevance: relevance, recentEmailAges: ages)
    #expect(abs(value - expected) < 1e-12)
  }

  @Test func withoutParametersResponseIsUnchanged() {
    let value = EmailResponseModel.none.clickProbability(
      0.25, responsiveness: 1.5, relevance: 0, recentEmailAges: [.zero, .zero])
    #expect(abs(value - 0.375) < 1e-12)
  }

  @Test(arguments: [(0.0, 0.01), (1.5, 0.025), (200.0, 1.0), (-3.0, 0.01)])
  func frequencyRiskGrowsWithLoad(load: Double, expected: Double) {
    let risk = FrequencyRisk(base: 0.01, perRecentEmail: 0.01)
    #expect(abs(risk.probability(recentEmailLoad: load) - expected) < 1e-12)
  }
}

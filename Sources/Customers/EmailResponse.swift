import Foundation
import Simulation

/// How a customer responds to a delivered email: whether they open it, click it,
/// unsubscribe or mark it as spam. The probabilities depend on what the email shows
/// (its relevance), on how many emails the customer received lately (fatigue), and on the
/// segment's responsiveness.
///
/// With r the email's relevance (`Journey.relevance(of:for:)`), m the segment's
/// `emailResponsiveness`, and the emails received before now at ages Δ₁…Δₙ:
///
/// - recent-email load L = Σ 2^(−Δⱼ / halfLife): each earlier email counts 1 when just
///   received and half as much after every half-life;
/// - spam complaint, per delivered email: min(1, spamComplaint.base +
///   spamComplaint.perRecentEmail × L);
/// - open, per delivered email without a complaint: min(1, open × m);
/// - unsubscribe, per open: min(1, unsubscribe.base + unsubscribe.perRecentEmail × L);
/// - click, per open without an unsubscribe: min(1, click × m × (1 − w + w × r) ×
///   Π (1 − s × 2^(−Δⱼ / halfLife))), with w the click's `relevanceWeight` and s the
///   fatigue's `strength`.
///
/// After a click the customer may come back to buy (`EmailReturnModel`).
public struct EmailResponseModel: Sendable, Hashable {
  /// w: how much the email's relevance scales the click probability, from 0 (not at all)
  /// to 1 (an email that shows nothing of interest is never clicked).
  public let clickRelevanceWeight: Double
  public let fatigue: EmailFatigue
  public let unsubscribe: FrequencyRisk
  public let spamComplaint: FrequencyRisk

  public init(
    clickRelevanceWeight: Double = 0, fatigue: EmailFatigue = .none,
    unsubscribe: FrequencyRisk = .none, spamComplaint: FrequencyRisk = .none
  ) {
    self.clickRelevanceWeight = clickRelevanceWeight
    self.fatigue = fatigue
    self.unsubscribe = unsubscribe
    self.spamComplaint = spamComplaint
  }

  /// No effect of relevance or frequency on the response: the defaults.
  public static let none = EmailResponseModel()

  /// Returns the probability that an opened email is clicked.
  ///
  /// - Parameters:
  ///   - probability: The scenario's click probability, before any effect.
  ///   - responsiveness: The segment's `emailResponsiveness`.
  ///   - relevance: The email's relevance, clamped to 0...1.
  ///   - recentEmailAges: How long ago each earlier email reached the customer.
  public func clickProbability(
    _ probability: Double, responsiveness: Double, relevance: Double,
    recentEmailAges: [SimDuration]
  ) -> Double {
    let clamped = min(1, max(0, relevance))
    let relevanceFactor = 1 - clickRelevanceWeight + clickRelevanceWeight * clamped
    let product =
      probability * responsiveness * relevanceFactor
      * fatigue.clickMultiplier(recentEmailAges: recentEmailAges)
    return min(1, max(0, product))
  }
}

/// Email fatigue: each email received in the recent past lowers the click probability by
/// a factor that fades with a half-life.
///
/// An email received Δ ago weighs 2^(−Δ / halfLife) and multiplies the click probability
/// by 1 − strength × 2^(−Δ / halfLife). An email received just now multiplies it by
/// 1 − strength, and one received a half-life ago by 1 − strength ÷ 2.
public struct EmailFatigue: Sendable, Hashable {
  /// The accepted range of `strength`.
  public static let strengthRange = 0.0...1.0

  /// The age at which an email's weight halves; longer than 0.
  public let halfLife: SimDuration
  /// s, from 0 (no fatigue) to 1.
  public let strength: Double

  public init(halfLife: SimDuration, strength: Double) {
    self.halfLife = halfLife
    self.strength = strength
  }

  /// No fatigue, with a half-life of 3 days for the recent-email load.
  public static let none = EmailFatigue(halfLife: .days(3), strength: 0)

  /// Returns 2^(−age / halfLife): 1 for an email received now, 0.5 a half-life later. A
  /// negative age counts as 0, and a half-life of 0 gives 0 for every age above 0.
  public func weight(age: SimDuration) -> Double {
    let milliseconds = Double(max(0, age.milliseconds))
    guard halfLife.milliseconds > 0 else { return milliseconds == 0 ? 1 : 0 }
    return exp2(-milliseconds / Double(halfLife.milliseconds))
  }

  /// Returns L = Σ 2^(−Δⱼ / halfLife) over the ages of the emails received.
  public func recentEmailLoad(ages: [SimDuration]) -> Double {
    ages.reduce(0) { $0 + weight(age: $1) }
  }

  /// Returns Π (1 − s × 2^(−Δⱼ / halfLife)), the factor on the click probability.
  public func clickMultiplier(recentEmailAges ages: [SimDuration]) -> Double {
    let strength = min(1, max(0, self.strength))
    return ages.reduce(1) { $0 * (1 - strength * weight(age: $1)) }
  }
}

/// A risk that grows with how often the customer was emailed lately, such as the risk of
/// an unsubscribe: min(1, base + perRecentEmail × L), with L the recent-email load.
public struct FrequencyRisk: Sendable, Hashable {
  /// The risk for a customer who received no other email lately, from 0 to 1.
  public let base: Double
  /// The added risk per unit of recent-email load, from 0 to 1.
  public let perRecentEmail: Double

  public init(base: Double, perRecentEmail: Double) {
    self.base = base
    self.perRecentEmail = perRecentEmail
  }

  /// No risk at all.
  public static let none = FrequencyRisk(base: 0, perRecentEmail: 0)

  /// Returns min(1, base + perRecentEmail × load), at least 0.
  public func probability(recentEmailLoad load: Double) -> Double {
    min(1, max(0, base + perRecentEmail * max(0, load)))
  }
}

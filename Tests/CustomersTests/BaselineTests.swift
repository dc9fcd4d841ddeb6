import Simulation
import Testing

@testable import Customers

// Digests of the test fragment's journey actions, recorded with the code before engagement
// and repeat visits were added. With their defaults (sigma 0, no visits), every action and
// every time must stay the same.

/// Renders one action as a line of text that names every field.
func actionLine(_ action: CustomerAction) -> String {
  let kind: String
  switch action.kind {
  case .trailerWatched(let channel, let classIndex):
    kind = "trailer \(channel) \(classIndex)"
  case .classViewed(let classIndex):
    kind = "viewed \(classIndex)"
  case .identified(let firstTime, _):
    kind = "identified \(firstTime)"
  case .productAdded(let classIndex):
    kind = "added \(classIndex)"
  case .checkoutStarted(let classIndex):
    kind = "checkout \(classIndex)"
  case .orderCompleted(let classIndex, let orderNumber, let revenueCents, let cause):
    kind = "order \(classIndex) \(orderNumber) \(revenueCents) \(cause.rawValue)"
  case .orderRefunded(let classIndex, let orderNumber, let revenueCents):
    kind = "refund \(classIndex) \(orderNumber) \(revenueCents)"
  case .passwordResetRequested:
    kind = "password reset"
  }
  return "\(action.customer) \(action.time.milliseconds) \(kind) \(action.signedIn) "
    + "\(action.timeZone ?? "-") \(action.campaignChannel.map(String.init) ?? "-")"
}

/// Returns the 64-bit FNV-1a hash of the actions' lines, each ended by a line feed.
func actionDigest(_ actions: [CustomerAction]) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for action in actions {
    for byte in (actionLine(action) + "\n").utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
  }
  return hash
}

/// A fragment variant whose journeys, run one customer at a time with an email opened 3
/// hours and clicked 5 hours after each abandonment, must give `count` actions with
/// `digest`.
struct BaselineCase: Sendable, CustomTestStringConvertible {
  var name: String
  var overrides: [String]
  var count: Int
  var digest: UInt64

  var testDescription: String { name }
}

let baselineCases: [BaselineCase] = [
  BaselineCase(name: "test fragment", overrides: [], count: 3_123, digest: 0x368c_c526_8037_c283),
  BaselineCase(
    name: "every touch leads on",
    overrides: [
      "channels[0].clickThrough=1", "channels[1].clickThrough=1", "channels[2].clickThrough=1",
      "behaviour.classPage.probability=0.9", "behaviour.addToCart.probability=0.8",
      "behaviour.checkout.probability=0.3", "behaviour.organicReturn.probability=0.3",
    ],
    count: 9_931, digest: 0x1736_1430_395d_5f0f),
]

@Test(arguments: baselineCases)
func baselineActionsAreUnchanged(_ testCase: BaselineCase) throws {
  let journey = try Fragment.valid(testCase.overrides).journey()
  let result = runEach(
    journey, customers: 0..<2_000, emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)),
    emailClick: EmailClickPlan(relevance: 0.7, delay: .hours(5)))
  #expect(result.context.actions.count == testCase.count)
  #expect(actionDigest(result.context.actions) == testCase.digest)
}

/// Overrides that state the defaults of engagement and visits explicitly.
private let explicitDefaults = [
  "behaviour.engagement={ sigma: 0 }",
  "behaviour.visits={ ratePerWeek: 0, classPage: { probability: 1, delay: \"0ms\" } }",
]

@Test(arguments: baselineCases)
func zeroSigmaAndRateKeepBaseline(_ testCase: BaselineCase) throws {
  let journey = try Fragment.valid(testCase.overrides + explicitDefaults)
    .journey(runEnd: SimTime(milliseconds: SimDuration.days(35).milliseconds))
  let result = runEach(
    journey, customers: 0..<2_000, emailOpen: EmailOpenPlan(relevance: 0.5, delay: .hours(3)),
    emailClick: EmailClickPlan(relevance: 0.7, delay: .hours(5)))
  #expect(result.context.actions.count == testCase.count)
  #expect(actionDigest(result.context.actions) == testCase.digest)
  #expect(result.states.values.allSatisfy { $0.engagement == 1 })
  #expect(result.states.values.allSatisfy { $0.visits == 0 })
}

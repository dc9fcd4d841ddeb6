import Customers
import Simulation

@testable import Pipeline

/// A two-class catalog and one ad channel, enough for the Tracker to build every message.
let testCatalog = Catalog(classes: [
  CatalogClass(
    id: "knife-skills", title: "Knife Skills", instructor: "Marta Olsen", category: "cooking",
    priceCents: 12_000),
  CatalogClass(
    id: "sourdough", title: "Sourdough at Home", instructor: "Ivo Brandt", category: "baking",
    priceCents: 9_950),
])

let testChannels = [
  Channel(
    name: "paid-display", kind: .paidDisplay, source: "google", medium: "display",
    reach: PerSegment(1.0), clickThrough: PerSegment(0.3))
]

/// Returns one action of every kind by customer 3, signed out and signed in where both occur,
/// on the website or, with `usesApp`, on the app.
func everyActionKind(timeZone: String? = nil, usesApp: Bool = false) -> [CustomerAction] {
  let kinds: [(CustomerAction.Kind, Bool)] = [
    (.trailerWatched(channel: 0, classIndex: 0), false),
    (.classViewed(classIndex: 0), false),
    (.classViewed(classIndex: 1), true),
    (.identified(firstTime: true), true),
    (.identified(firstTime: false, classesOwned: [0]), true),
    (.productAdded(classIndex: 0), true),
    (.checkoutStarted(classIndex: 0), true),
    (.orderCompleted(classIndex: 0, orderNumber: 1, revenueCents: 12_000, cause: .checkout), true),
    (
      .orderCompleted(
        classIndex: 1, orderNumber: 2, revenueCents: 9_950, cause: .emailReturn), true
    ),
    (.orderRefunded(classIndex: 1, orderNumber: 2, revenueCents: 9_950), true),
    (.passwordResetRequested, true),
  ]
  return kinds.enumerated().map { index, entry in
    CustomerAction(
      customer: 3, time: SimTime(milliseconds: Int64(index) * 60_000), kind: entry.0,
      signedIn: entry.1, timeZone: timeZone, usesApp: usesApp)
  }
}

/// Builds the Tracker's messages for `actions`, numbered from 0 as one customer's would be.
func trackerMessages(for actions: [CustomerAction]) -> [Message] {
  let tracker = Tracker(catalog: testCatalog, channels: testChannels)
  var counter: UInt32 = 0
  return actions.flatMap { tracker.messages(for: $0, counter: &counter) }
}

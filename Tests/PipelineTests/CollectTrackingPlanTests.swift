import Simulation
import Testing

@testable import Pipeline

/// `Product Added` with a required id, a non-negative price and a USD-only currency, and
/// `Signed Up`, which allows no property but `type`.
private func plan(
  violations: ViolationAction = .flag, unplannedEvents: UnplannedEventAction = .flag
) -> TrackingPlan {
  TrackingPlan(
    events: [
      PlannedEvent(
        name: "Product Added",
        properties: [
          PlannedProperty(name: "product_id", type: .string, isRequired: true),
          PlannedProperty(name: "price", type: .number, minimum: 0),
          PlannedProperty(name: "currency", type: .string, allowedValues: ["USD"]),
        ]),
      PlannedEvent(
        name: "Signed Up", properties: [PlannedProperty(name: "type", type: .string)],
        allowsAdditionalProperties: false),
    ],
    unplannedEvents: unplannedEvents, violations: violations)
}

private func track(_ event: String, counter: UInt32, _ properties: [(String, PropertyValue)])
  -> Message
{
  Message(
    type: .track, messageId: MessageID(customer: 4, counter: counter), userId: "user-4",
    timestamp: .zero, event: event, properties: Properties(properties), source: .frontEnd,
    customer: 4)
}

private let conforming = track(
  "Product Added", counter: 0,
  [("product_id", .string("bread")), ("price", .integer(12)), ("currency", .string("USD"))])
/// A price of the wrong type and a currency outside the enum.
private let wrongTypeAndEnum = track(
  "Product Added", counter: 1,
  [("product_id", .string("bread")), ("price", .string("12")), ("currency", .string("EUR"))])
/// No product id and a negative price.
private let missingAndNegative = track(
  "Product Added", counter: 2, [("price", .number(-1)), ("coupon", .string("SPRING"))])
private let extraProperty = track(
  "Signed Up", counter: 3, [("type", .string("email")), ("coupon", .string("SPRING"))])
private let unplanned = track("Cart Viewed", counter: 4, [("cart_id", .string("cart-4"))])

private let currencyReason = "Product Added: property currency is not one of the enum values"
private let priceTypeReason = "Product Added: property price is not a number"
private let priceMinimumReason = "Product Added: property price is below the minimum 0"
private let missingIdReason = "Product Added: missing required property product_id"
private let couponReason = "Signed Up: unplanned property coupon"
private let unplannedReason = "unplanned event Cart Viewed"

/// Collects `messages` in order and returns the collector, the verdicts, and each message as
/// Collect left it.
private func collect(_ messages: [Message], plan: TrackingPlan) -> (
  collector: Collector, verdicts: [CollectVerdict], results: [Message]
) {
  var collector = Collector(trackingPlan: plan)
  var verdicts: [CollectVerdict] = []
  var results: [Message] = []
  for message in messages {
    var collected = message
    verdicts.append(collector.collect(&collected, at: SimTime(milliseconds: 10)))
    results.append(collected)
  }
  return (collector, verdicts, results)
}

/// The messages every violation test collects: one conforming, three that break the plan
/// (one of them twice), and an identify call, which the plan does not check.
private var violationMessages: [Message] {
  var identify = track("", counter: 5, [])
  identify.type = .identify
  identify.event = nil
  identify.traits = Properties([("email_opt_in", .bool(true))])
  return [
    conforming, wrongTypeAndEnum, missingAndNegative, extraProperty, wrongTypeAndEnum, identify,
  ]
}

@Test func planCheckListsViolationsInOrder() {
  let checked = plan()
  #expect(checked.check(conforming) == .conforms)
  #expect(
    checked.check(wrongTypeAndEnum)
      == .violations([
        PlanViolation(event: "Product Added", property: "currency", kind: .notAllowedValue),
        PlanViolation(event: "Product Added", property: "price", kind: .wrongType(.number)),
      ]))
  // Unlisted properties are allowed on `Product Added`, so the coupon is no violation.
  #expect(
    checked.check(missingAndNegative)
      == .violations([
        PlanViolation(event: "Product Added", property: "price", kind: .belowMinimum(0)),
        PlanViolation(event: "Product Added", property: "product_id", kind: .missingRequired),
      ]))
  #expect(
    checked.check(extraProperty)
      == .violations([
        PlanViolation(event: "Signed Up", property: "coupon", kind: .unplannedProperty)
      ]))
  #expect(checked.check(unplanned) == .unplannedEvent("Cart Viewed"))
}

@Test func violationsAllowedPassSilently() {
  let (collector, verdicts, results) = collect(violationMessages, plan: plan(violations: .allow))
  let counts = collector.counts
  #expect(verdicts == [.accepted, .accepted, .accepted, .accepted, dropped, .accepted])
  #expect(counts.emitted == 6)
  #expect(counts.accepted == 5)
  #expect(counts.quarantined == 0)
  #expect(counts.dropped == 1)
  #expect(counts.flagged == 0)
  #expect(counts.flagReasons.isEmpty)
  #expect(counts.propertiesDropped == 0)
  #expect(results[1].properties == wrongTypeAndEnum.properties)
  #expect(counts.reconciles)
}

@Test func violationsFlaggedPassWithCounts() {
  let (collector, verdicts, results) = collect(violationMessages, plan: plan(violations: .flag))
  let counts = collector.counts
  #expect(verdicts == [.accepted, .accepted, .accepted, .accepted, dropped, .accepted])
  #expect(counts.emitted == 6)
  #expect(counts.accepted == 5)
  #expect(counts.quarantined == 0)
  #expect(counts.dropped == 1)
  // The duplicate is dropped before the plan applies, so it is not flagged again.
  #expect(counts.flagged == 3)
  #expect(
    counts.flagReasons == [
      currencyReason: 1, priceTypeReason: 1, priceMinimumReason: 1, missingIdReason: 1,
      couponReason: 1,
    ])
  #expect(counts.propertiesDropped == 0)
  #expect(results[1].properties == wrongTypeAndEnum.properties)
  #expect(results[1].receivedAt == SimTime(milliseconds: 10))
  #expect(counts.reconciles)
}

@Test func violationsDropOffendingProperties() {
  let (collector, verdicts, results) = collect(
    violationMessages, plan: plan(violations: .dropProperties))
  let counts = collector.counts
  #expect(verdicts == [.accepted, .accepted, .accepted, .accepted, dropped, .accepted])
  #expect(counts.emitted == 6)
  #expect(counts.accepted == 5)
  #expect(counts.quarantined == 0)
  #expect(counts.dropped == 1)
  #expect(counts.propertiesDropped == 4)
  #expect(
    counts.propertyDropReasons == [
      currencyReason: 1, priceTypeReason: 1, priceMinimumReason: 1, couponReason: 1,
    ])
  // The missing product id cannot be dropped, so that message is flagged.
  #expect(counts.flagged == 1)
  #expect(counts.flagReasons == [missingIdReason: 1])

  #expect(results[0].properties == conforming.properties)
  #expect(results[1].properties == Properties([("product_id", .string("bread"))]))
  #expect(results[2].properties == Properties([("coupon", .string("SPRING"))]))
  #expect(results[3].properties == Properties([("type", .string("email"))]))
  #expect(counts.reconciles)
}

@Test func violationsBlockedAreQuarantined() {
  let (collector, verdicts, results) = collect(violationMessages, plan: plan(violations: .block))
  let counts = collector.counts
  #expect(
    verdicts == [
      .accepted, .quarantined(reason: currencyReason), .quarantined(reason: priceMinimumReason),
      .quarantined(reason: couponReason), dropped, .accepted,
    ])
  #expect(counts.emitted == 6)
  #expect(counts.accepted == 2)
  #expect(counts.quarantined == 3)
  #expect(counts.dropped == 1)
  #expect(
    counts.quarantineReasons == [currencyReason: 1, priceMinimumReason: 1, couponReason: 1])
  #expect(counts.flagged == 0)
  #expect(counts.propertiesDropped == 0)
  // A quarantined message keeps its properties and gets no receivedAt.
  #expect(results[1].properties == wrongTypeAndEnum.properties)
  #expect(results[1].receivedAt == nil)
  #expect(counts.reconciles)
}

private let dropped = CollectVerdict.dropped(reason: "duplicate messageId")

/// An unplanned-event action and the verdict and flag count it gives an unplanned event.
private let unplannedCases: [(action: UnplannedEventAction, verdict: CollectVerdict, flagged: Int)] =
  [
    (.allow, .accepted, 0),
    (.flag, .accepted, 1),
    (.block, .quarantined(reason: "unplanned event Cart Viewed"), 0),
  ]

@Test(arguments: unplannedCases)
func unplannedEventAction(
  action: UnplannedEventAction, verdict: CollectVerdict, flagged: Int
) {
  // Violations are blocked, to show that the unplanned-event action alone decides.
  let (collector, verdicts, results) = collect(
    [conforming, unplanned], plan: plan(violations: .block, unplannedEvents: action))
  let counts = collector.counts
  #expect(verdicts == [.accepted, verdict])
  #expect(counts.emitted == 2)
  #expect(counts.accepted == (verdict == .accepted ? 2 : 1))
  #expect(counts.quarantined == (verdict == .accepted ? 0 : 1))
  #expect(counts.dropped == 0)
  #expect(counts.flagged == flagged)
  #expect(counts.flagReasons == (flagged == 0 ? [:] : [unplannedReason: 1]))
  #expect(counts.quarantineReasons == (verdict == .accepted ? [:] : [unplannedReason: 1]))
  #expect(results[1].properties == unplanned.properties)
  #expect(counts.reconciles)
}

@Test func requiredFieldChecksComeBeforePlan() {
  var anonymous = unplanned
  anonymous.userId = nil
  let (collector, verdicts, _) = collect([anonymous], plan: plan(unplannedEvents: .block))
  #expect(verdicts == [.quarantined(reason: "missing userId and anonymousId")])
  #expect(collector.counts.quarantineReasons == ["missing userId and anonymousId": 1])
}

/// A property type, a value, and whether the type accepts the value.
private let typeCases: [(type: PropertyType, value: PropertyValue, accepts: Bool)] = [
  (.string, .string(""), true),
  (.string, .integer(1), false),
  (.number, .integer(3), true),
  (.number, .number(2.5), true),
  (.number, .number(.nan), false),
  (.number, .number(.infinity), false),
  (.number, .string("2.5"), false),
  (.integer, .integer(-7), true),
  (.integer, .number(120), true),
  (.integer, .number(2.5), false),
  (.integer, .number(.infinity), false),
  (.boolean, .bool(false), true),
  (.boolean, .string("true"), false),
  (.array, .strings([]), true),
  (.array, .string("a"), false),
]

@Test(arguments: typeCases)
func propertyTypeAccepts(type: PropertyType, value: PropertyValue, accepts: Bool) {
  #expect(type.accepts(value) == accepts)
}

@Test func propertyBoundsAreInclusive() {
  let rule = PlannedProperty(name: "n", type: .integer, minimum: 1, maximum: 3)
  #expect(rule.violation(of: .integer(1)) == nil)
  #expect(rule.violation(of: .integer(3)) == nil)
  #expect(rule.violation(of: .integer(0)) == .belowMinimum(1))
  #expect(rule.violation(of: .integer(4)) == .aboveMaximum(3))
  #expect(rule.violation(of: nil) == nil)
}

@Test func violationReasonsNameEventAndProperty() {
  let cases: [(PlanViolation.Kind, String)] = [
    (.missingRequired, "Order Completed: missing required property revenue"),
    (.wrongType(.integer), "Order Completed: property revenue is not an integer"),
    (.belowMinimum(0.5), "Order Completed: property revenue is below the minimum 0.5"),
    (.aboveMaximum(1e6), "Order Completed: property revenue is above the maximum 1000000"),
    (.notAllowedValue, "Order Completed: property revenue is not one of the enum values"),
    (.unplannedProperty, "Order Completed: unplanned property revenue"),
  ]
  for (kind, reason) in cases {
    let violation = PlanViolation(event: "Order Completed", property: "revenue", kind: kind)
    #expect(violation.reason == reason)
  }
}

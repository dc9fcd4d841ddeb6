import Customers
import Simulation
import Testing

@testable import Pipeline

/// The messaging engine's own events, with the properties `MessagingEngine` gives them.
///
/// Pipeline cannot import Engage, so these copy the engine's property names.
// NOTE: this list follows Sources/Engage/MessagingEngine+Email.swift by hand. Only a run of
// the flagship with the plan, which counts flags end to end, checks the engine itself.
private func engineMessages(arm: String, counter: inout UInt32) -> [Message] {
  func message(_ event: String, _ properties: [(String, PropertyValue)]) -> Message {
    defer { counter += 1 }
    return Message(
      type: .track, messageId: MessageID(customer: 3, counter: counter), userId: "user-3",
      timestamp: .zero, event: event, properties: Properties(properties), source: .messaging,
      customer: 3)
  }
  let email: [(String, PropertyValue)] = [
    ("email_id", .string("email-3-0")),
    ("email_subject", .string("Still thinking about Knife Skills?")),
    ("campaign_id", .string("abandoned-cart")),
    ("campaign_name", .string("abandoned-cart")),
    ("product_id", .string("knife-skills")),
  ]
  let experiment = message(
    "Experiment Viewed",
    [
      ("experiment_id", .string("abandoned-cart")),
      ("experiment_name", .string("abandoned-cart")),
      ("variation_name", .string(arm)),
    ])
  let emailEvents = [
    "Email Sent", "Email Delivered", "Email Link Clicked", "Unsubscribed",
    "Email Marked as Spam",
  ]
  return [experiment] + emailEvents.map { message($0, email) } + [
    message("Email Bounced", email + [("bounce_type", .string("soft"))]),
    message("Email Bounced", email + [("bounce_type", .string("hard"))]),
    message("Email Opened", email + [("machine_open", .bool(true))]),
    message("Email Opened", email + [("machine_open", .bool(false))]),
  ]
}

/// Returns every message that one customer's actions and the engine's reactions produce.
private func everyLoopSimMessage(timeZone: String?) -> [Message] {
  var messages = trackerMessages(for: everyActionKind(timeZone: timeZone))
  var counter = UInt32(messages.count)
  messages += engineMessages(arm: "treatment", counter: &counter)
  messages += engineMessages(arm: "holdout", counter: &counter)
  return messages
}

@Test func loopSimMessagesCoverEveryEvent() {
  let events = Set(everyLoopSimMessage(timeZone: nil).compactMap(\.event))
  #expect(events == Set(SegmentEvents.all))
}

@Test(arguments: [nil, "America/New_York"])
func loopSimPlanConformsEveryMessage(timeZone: String?) throws {
  let plan = try TrackingPlan.load(contentsOfFile: loopSimPlanPath)
  for message in everyLoopSimMessage(timeZone: timeZone) {
    #expect(plan.check(message) == .conforms, "\(message.type) \(message.event ?? "")")
  }
}

@Test func loopSimPlanFlagsNothing() throws {
  // Block everything the plan catches, so a gap shows as a quarantine reason.
  let loaded = try TrackingPlan.load(contentsOfFile: loopSimPlanPath)
  #expect(loaded.unplannedEvents == .flag)
  #expect(loaded.violations == .flag)
  let strict = TrackingPlan(events: loaded.events, unplannedEvents: .block, violations: .block)

  for plan in [loaded, strict] {
    var collector = Collector(trackingPlan: plan)
    let messages = everyLoopSimMessage(timeZone: "Europe/Berlin")
    for message in messages {
      var collected = message
      _ = collector.collect(&collected, at: .zero)
    }
    let counts = collector.counts
    #expect(counts.emitted == messages.count)
    #expect(counts.accepted == messages.count)
    #expect(counts.quarantineReasons.isEmpty)
    #expect(counts.flagged == 0)
    #expect(counts.flagReasons.isEmpty)
    #expect(counts.propertiesDropped == 0)
    #expect(counts.reconciles)
  }
}

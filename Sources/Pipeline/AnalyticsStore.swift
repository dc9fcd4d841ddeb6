/// The analytics destination: event counts and a funnel of distinct people per step.
///
/// People are counted as an analytics tool counts them: by user id, with anonymous ids
/// stitched to the user that an `identify` or `alias` call delivered here merged them
/// into, by the rules of `IdentityGraph`. Sets are only counted, never iterated, so no
/// result depends on their order.
public struct AnalyticsStore: Sendable {
  /// The funnel's steps in order: Segment Spec event names.
  public static let funnelEvents = [
    "Video Playback Started", "Product Viewed", "Product Added", "Checkout Started",
    "Order Completed",
  ]

  public private(set) var eventCounts: [String: Int] = [:]
  private var identitiesByStep: [[String]]
  private var identities = IdentityGraph(keepsMerges: false)

  public init() {
    identitiesByStep = Array(repeating: [], count: AnalyticsStore.funnelEvents.count)
  }

  public mutating func receive(_ message: Message) {
    switch message.type {
    case .track:
      let event = message.event ?? ""
      eventCounts[event, default: 0] += 1
      if let step = AnalyticsStore.funnelEvents.firstIndex(of: event),
        let identity = message.userId ?? message.anonymousId
      {
        identitiesByStep[step].append(identity)
      }
    case .identify, .alias:
      identities.observe(message, at: message.receivedAt ?? message.timestamp)
    case .page, .screen, .group:
      break
    }
  }

  /// Distinct people who reached each funnel step, in funnel order.
  public func funnel() -> [(event: String, people: Int)] {
    AnalyticsStore.funnelEvents.enumerated().map { step, event in
      let people = Set(identitiesByStep[step].map { identities.root(of: $0) })
      return (event, people.count)
    }
  }
}

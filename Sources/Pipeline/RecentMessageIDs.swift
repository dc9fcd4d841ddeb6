import Simulation

/// The messageIds Collect accepted within the deduplication window, to drop duplicates
/// that arrive while their first copy is remembered.
///
/// An id accepted at time t is a duplicate at time u when t ≤ u < t + window: the window is
/// half-open, like outage and batch windows, so a copy arriving exactly `window` after the
/// first is accepted again. Entries leave memory once their window has passed, in the order
/// they were accepted, so memory contains at most the ids accepted during one window.
///
/// Eviction only drops entries that can no longer make anything a duplicate, so which
/// entries are still held never changes a verdict. Each verdict depends on the times of one
/// messageId alone, which is one customer's, so shards give the same verdicts as one run.
struct RecentMessageIDs: Sendable {
  let window: SimDuration
  /// When each remembered id was last accepted.
  private var acceptedAt: [MessageID: SimTime] = [:]
  /// Every acceptance in the order it happened, from `head` on; earlier entries are evicted.
  private var queue: [(id: MessageID, time: SimTime)] = []
  private var head = 0

  init(window: SimDuration) {
    self.window = window
  }

  /// The number of ids held, for tests of the memory bound.
  var count: Int { acceptedAt.count }

  /// Returns whether `id` was accepted within the window before `time`.
  func contains(_ id: MessageID, at time: SimTime) -> Bool {
    guard let accepted = acceptedAt[id] else { return false }
    return time >= accepted && time < accepted + window
  }

  /// Remembers that `id` was accepted at `time`, and evicts the ids whose window ended at
  /// or before `time`. Amortized O(1) when times do not decrease, as Collect's do.
  mutating func remember(_ id: MessageID, at time: SimTime) {
    evict(before: time)
    acceptedAt[id] = time
    queue.append((id, time))
  }

  /// Forgets every id accepted at or before `time − window`.
  mutating func evict(before time: SimTime) {
    while head < queue.count, queue[head].time + window <= time {
      let entry = queue[head]
      // A later acceptance of the same id has its own entry further on.
      if acceptedAt[entry.id] == entry.time {
        acceptedAt[entry.id] = nil
      }
      head += 1
    }
    if head > 4_096 && head * 2 > queue.count {
      queue.removeFirst(head)
      head = 0
    }
  }
}

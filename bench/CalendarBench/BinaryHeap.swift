/// A plain binary min-heap of (time, sequence, payload): the ceiling that the benchmark holds
/// LoopSim's `EventCalendar` against. It has no cancellation and no slot table, so it does
/// the least work a calendar ordered by (time, scheduling sequence) can do.
struct BinaryHeap {
  struct Entry {
    var time: Int64
    var sequence: UInt64
    var payload: UInt64

    @inline(__always)
    func precedes(_ other: Entry) -> Bool {
      time < other.time || (time == other.time && sequence < other.sequence)
    }
  }

  private var entries: [Entry] = []
  private var nextSequence: UInt64 = 0

  var count: Int { entries.count }

  /// Adds `payload` at `time`. O(log n) amortized.
  mutating func push(_ payload: UInt64, at time: Int64) {
    var index = entries.count
    let moving = Entry(time: time, sequence: nextSequence, payload: payload)
    nextSequence &+= 1
    entries.append(moving)
    while index > 0 {
      let parent = (index - 1) / 2
      guard moving.precedes(entries[parent]) else { break }
      entries[index] = entries[parent]
      index = parent
    }
    entries[index] = moving
  }

  /// Removes and returns the earliest entry. O(log n).
  mutating func popMin() -> Entry? {
    guard let last = entries.popLast() else { return nil }
    guard !entries.isEmpty else { return last }
    let root = entries[0]
    let count = entries.count
    var index = 0
    while true {
      let left = 2 * index + 1
      if left >= count { break }
      var best = left
      if left + 1 < count && entries[left + 1].precedes(entries[left]) { best = left + 1 }
      guard entries[best].precedes(last) else { break }
      entries[index] = entries[best]
      index = best
    }
    entries[index] = last
    return root
  }
}

import Testing

@testable import Measure

/// `ConversionPaths(names:indexedPaths:)` against `ConversionPaths(_:)`, and the keys that
/// find the Markov chain's states.
struct IndexedPathTests {
  @Test func indexedMatchesSpelledOut() throws {
    // Names out of order, one never touched, and an empty path.
    let names = ["search", "unused", "email", "direct"]
    let indexed = [
      IndexedPath(channels: [2, 0], conversions: 1, value: 49, nulls: 0),
      IndexedPath(channels: [], conversions: 2, value: 10, nulls: 1),
      IndexedPath(channels: [3, 3, 2], conversions: 0.5, value: 5, nulls: 2.5),
      IndexedPath(channels: [0], conversions: 0, nulls: 4),
    ]
    let spelledOut = indexed.map { path in
      ConversionPath(
        channels: path.channels.map { names[$0] }, conversions: path.conversions,
        value: path.value, nulls: path.nulls)
    }
    let fromIndices = try ConversionPaths(names: names, indexedPaths: indexed)
    let fromNames = try ConversionPaths(spelledOut)

    #expect(fromIndices.channels == ["direct", "email", "search"])
    #expect(fromIndices.channels == fromNames.channels)
    #expect(fromIndices.paths == fromNames.paths)
    #expect(fromIndices.channelIndices == fromNames.channelIndices)
    #expect(fromIndices.attributableConversions == fromNames.attributableConversions)
    #expect(fromIndices.attributableValue == fromNames.attributableValue)
    #expect(fromIndices.attributableNulls == fromNames.attributableNulls)
    #expect(fromIndices.unattributedConversions == fromNames.unattributedConversions)
    #expect(fromIndices.emptyPathCount == 1)
  }

  @Test func indexOutsideNamesRejected() {
    #expect(throws: AttributionError.self) {
      try ConversionPaths(names: ["a"], indexedPaths: [IndexedPath(channels: [1], conversions: 1)])
    }
  }

  @Test func duplicateNamesRejected() {
    #expect(throws: AttributionError.self) {
      try ConversionPaths(
        names: ["a", "a"], indexedPaths: [IndexedPath(channels: [0, 1], conversions: 1)])
    }
  }

  @Test func invalidCountRejected() {
    #expect(throws: AttributionError.self) {
      try ConversionPaths(names: ["a"], indexedPaths: [IndexedPath(channels: [0], conversions: -1)])
    }
    #expect(throws: AttributionError.self) {
      try ConversionPaths(
        names: ["a"], indexedPaths: [IndexedPath(channels: [0], conversions: 0, value: 3)])
    }
  }

  /// Integer keys while (channels + 1)^order fits an Int, tuples beyond; both find every
  /// tuple inserted and no other.
  @Test(arguments: [(5, 3), (60_000, 4)])
  func stateKeysFindTuples(channelCount: Int, order: Int) {
    var keys = StateKeys(channelCount: channelCount, order: order)
    let tuples: [[Int]] = [[0], [channelCount - 1], [0, 1], [1, 0], [2, 2, 2]].map {
      Array($0.prefix(order))
    } + [Array(repeating: channelCount - 1, count: order), Array(0..<order)]
    var numbered: [[Int]: Int] = [:]
    for tuple in tuples where numbered[tuple] == nil {
      let (existing, key) = keys.state(of: tuple[...])
      #expect(existing == nil, "\(tuple)")
      numbered[tuple] = numbered.count + 1
      keys.insert(key, state: numbered.count)
    }
    for (tuple, state) in numbered {
      #expect(keys.state(of: tuple[...]).0 == state, "\(tuple)")
    }
    #expect(keys.state(of: [][...]).0 == 0)
    #expect(keys.state(of: [3, 1][...]).0 == nil)
  }
}

import Simulation

/// One merge in the identity graph: an anonymous or earlier user id joined to a user.
public struct IdentityMerge: Sendable, Equatable {
  /// The message field whose id was merged.
  public enum Kind: String, Sendable {
    /// The `anonymousId` of an `identify`: a device's anonymous history joins the user.
    case anonymousId
    /// The `previousId` of an `alias`: an earlier id joins the user, with everything
    /// already merged into it.
    case previousId
  }

  /// When Collect accepted the message that caused the merge.
  public let time: SimTime
  public let kind: Kind
  /// The anonymous id or previous id, as the message wrote it.
  public let mergedId: String
  /// The user id the message named.
  public let userId: String
  public let messageId: MessageID?
  public let messageType: MessageType

  public init(
    time: SimTime, kind: Kind, mergedId: String, userId: String, messageId: MessageID?,
    messageType: MessageType
  ) {
    self.time = time
    self.kind = kind
    self.mergedId = mergedId
    self.userId = userId
    self.messageId = messageId
    self.messageType = messageType
  }
}

/// The ids of each person, as a customer data platform's identity resolution builds them
/// from the messages it accepts.
///
/// Each id links to at most one other id, the one it was merged into. Following the links
/// from any id ends at its root, the user id that is the person. The rules are a simple
/// form of the identity stitching that customer data platforms run:
///
/// - An `identify` with an `anonymousId` and a `userId` merges the anonymous id into the
///   user, unless the anonymous id is merged already or is the user's root. A device keeps
///   the first user who signed in on it, so a second user on a shared device does not
///   merge two people.
/// - An `alias` merges the root of `previousId` into the root of `userId`, so a chain
///   a → b, b → c resolves a to c. Linking two roots can never make a cycle.
/// - Other messages merge nothing.
///
/// Messages of one customer name only that customer's ids, so the graph of one shard never
/// meets another shard's.
public struct IdentityGraph: Sendable {
  /// The id each merged id points to.
  private var links: [String: String] = [:]
  /// Merges recorded so far, in order, when the graph keeps them.
  public private(set) var merges: [IdentityMerge] = []
  /// Every merge made, whether kept or not.
  public private(set) var mergeCount = 0
  /// Whether `merges` keeps every merge, for the results' `merges` table. A pass that writes
  /// no results counts them only, to save memory.
  public let keepsMerges: Bool

  public init(keepsMerges: Bool = true) {
    self.keepsMerges = keepsMerges
  }

  /// Applies `message`, accepted at `time`, and returns the merge it caused, if any.
  @discardableResult
  public mutating func observe(_ message: Message, at time: SimTime) -> IdentityMerge? {
    guard let userId = nonBlank(message.userId) else { return nil }
    let kind: IdentityMerge.Kind
    let mergedId: String
    switch message.type {
    case .identify:
      // An anonymous id that is the root of the user already (after an alias that named it
      // as the user id) must not point to the user, or the links would form a cycle.
      guard let anonymousId = nonBlank(message.anonymousId), links[anonymousId] == nil,
        root(of: userId) != anonymousId
      else { return nil }
      kind = .anonymousId
      mergedId = anonymousId
      links[anonymousId] = userId
    case .alias:
      guard let previousId = nonBlank(message.previousId) else { return nil }
      let previousRoot = root(of: previousId)
      let userRoot = root(of: userId)
      guard previousRoot != userRoot else { return nil }
      kind = .previousId
      mergedId = previousId
      links[previousRoot] = userRoot
    case .track, .page, .screen, .group:
      return nil
    }

    let merge = IdentityMerge(
      time: time, kind: kind, mergedId: mergedId, userId: userId,
      messageId: message.messageId, messageType: message.type)
    mergeCount += 1
    if keepsMerges {
      merges.append(merge)
    }
    return merge
  }

  /// Returns the root of `id`: the id itself when nothing merged it, else the user id at the
  /// end of its links. O(length of the chain).
  public func root(of id: String) -> String {
    var current = id
    // The merge rules never make a cycle; the bound keeps a broken graph from looping.
    for _ in 0...links.count {
      guard let next = links[current] else { return current }
      current = next
    }
    return current
  }

  /// Returns the user `message` belongs to: the root of its user id, or the root of its
  /// anonymous id when that was merged into a user. Nil for a message with only an
  /// anonymous id that nothing merged.
  public func resolvedUserId(of message: Message) -> String? {
    if let userId = nonBlank(message.userId) {
      return root(of: userId)
    }
    guard let anonymousId = nonBlank(message.anonymousId), links[anonymousId] != nil else {
      return nil
    }
    return root(of: anonymousId)
  }

  /// Returns every merged id with its root, sorted by id: the graph as a lookup table.
  public func resolutions() -> [(id: String, userId: String)] {
    links.keys.sorted().map { ($0, root(of: $0)) }
  }

  private func nonBlank(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
  }
}

/// One of N disjoint customer shards of a run: the customers whose id modulo `count` is
/// `index − 1`.
///
/// Customers interact only through rules that depend on simulated time, so a shard's
/// customers behave exactly as they do in the whole run, and the shards of a run merge
/// into its results (`loopsim merge`).
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  /// The shard's position, from 1 to `count`.
  public let index: Int
  public let count: Int

  /// The largest number of shards a run can be cut into.
  public static let maximumCount = 65_536

  public init(index: Int, count: Int) throws {
    guard (1...Shard.maximumCount).contains(count) else {
      throw InputError(
        "a run has from 1 to \(Shard.maximumCount) shards, not \(count). Fix: give a shard "
          + "count in that range, such as 1/4.")
    }
    guard (1...count).contains(index) else {
      throw InputError(
        "shard \(index) of \(count) does not exist: shards are numbered 1 to \(count). Fix: "
          + "give an index from 1 to \(count), such as 1/\(count).")
    }
    self.index = index
    self.count = count
  }

  /// Reads `i/N`, such as `2/4`.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    let digits = { (part: Substring) in
      !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber }
    }
    if parts.count == 2, digits(parts[0]), digits(parts[1]),
      Int(parts[0]) == nil || Int(parts[1]) == nil
    {
      throw InputError(
        "--shard \(text) has a number too large: shards are numbered 1 to N, with N from 1 to "
          + "\(Shard.maximumCount). Fix: give a smaller shard count, such as --shard 1/4.")
    }
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
      throw InputError(
        "--shard \(text) is not of the form i/N. Fix: give the shard's index and the number "
          + "of shards, such as --shard 2/4.")
    }
    try self.init(index: index, count: count)
  }

  /// Returns whether customer `customer` belongs to this shard.
  public func contains(customer: UInt64) -> Bool {
    customer % UInt64(count) == UInt64(index - 1)
  }

  /// Returns how many of the run's `customers` belong to this shard.
  public func size(of customers: Int) -> Int {
    let base = customers / count
    return base + (index <= customers % count ? 1 : 0)
  }

  public var description: String { "\(index)/\(count)" }
}

import Foundation

/// Hands rows to a thread of its own in batches, so that the thread that makes the rows (a
/// simulation) and the thread that writes them (into SQLite) run at the same time.
///
/// The producer calls `append(_:)` for each row and `finish()` once at the end. Rows reach
/// `write` in the order they were appended, in batches of up to `batchSize`, all on the
/// writer thread. At most `maxQueuedBatches` full batches wait at a time, so a producer
/// faster than the writer blocks instead of holding every row in memory.
///
/// `write` runs on another thread, so whatever it uses (a `Database`, its statements) must
/// not be used by any other thread until `finish()` returns. That is also why `write`
/// need not be `Sendable`: only the writer thread calls it. When `write` throws, the
/// writer stops, drops the rows still queued, and the next `append(_:)` or `finish()`
/// throws that error.
///
/// Releasing the writer without calling `finish()`, as when the producer fails, drops the
/// rows not yet written and waits for the thread to end, so that the caller can roll back
/// safely once the writer is gone.
public final class BackgroundWriter<Row: Sendable> {
  private let queue: BatchQueue<Row>
  private let batchSize: Int
  private var batch: [Row] = []
  private var isFinished = false

  /// Starts the writer thread.
  ///
  /// - Parameters:
  ///   - batchSize: The rows handed over at a time. Larger batches cost fewer thread
  ///     switches and hold more rows in memory.
  ///   - maxQueuedBatches: The full batches that may wait for the writer before
  ///     `append(_:)` blocks.
  ///   - write: Writes one batch, on the writer thread.
  public init(
    batchSize: Int = 1_024, maxQueuedBatches: Int = 16,
    write: @escaping ([Row]) throws -> Void
  ) {
    precondition(batchSize > 0 && maxQueuedBatches > 0, "batch sizes must be positive")
    self.batchSize = batchSize
    queue = BatchQueue(capacity: maxQueuedBatches, write: write)
    batch.reserveCapacity(batchSize)

    let queue = self.queue
    let thread = Thread {
      queue.drain()
    }
    thread.name = "loopsim-writer"
    thread.start()
  }

  deinit {
    if !isFinished {
      queue.abandon()
    }
  }

  /// Queues `row` for writing.
  ///
  /// - Throws: The error that `write` threw for an earlier batch.
  public func append(_ row: Row) throws {
    precondition(!isFinished, "append(_:) after finish()")
    batch.append(row)
    if batch.count >= batchSize {
      try queue.push(batch)
      batch.removeAll(keepingCapacity: true)
    }
  }

  /// Writes the rows still queued and waits for the writer thread to end.
  ///
  /// - Throws: The error that `write` threw, if it did for any batch.
  public func finish() throws {
    guard !isFinished else { return }
    isFinished = true
    let last = batch
    batch = []
    try queue.close(after: last)
  }
}

/// The batches between the producer and the writer thread, guarded by one condition.
private final class BatchQueue<Row: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private let capacity: Int
  /// Used only by the writer thread, which releases it before it ends.
  private var write: (([Row]) throws -> Void)?
  // Guarded by `condition`.
  private var batches: [[Row]] = []
  private var isClosed = false
  private var isAbandoned = false
  private var isDone = false
  private var failure: (any Error)?

  init(capacity: Int, write: @escaping ([Row]) throws -> Void) {
    self.capacity = capacity
    self.write = write
  }

  /// Queues `batch`, waiting while the queue is full.
  func push(_ batch: [Row]) throws {
    condition.lock()
    defer { condition.unlock() }
    while batches.count >= capacity && failure == nil {
      condition.wait()
    }
    if let failure { throw failure }
    batches.append(batch)
    condition.broadcast()
  }

  /// Queues the last batch, closes the queue, and waits for the writer thread to end.
  func close(after batch: [Row]) throws {
    condition.lock()
    defer { condition.unlock() }
    if !batch.isEmpty && failure == nil {
      batches.append(batch)
    }
    isClosed = true
    condition.broadcast()
    while !isDone {
      condition.wait()
    }
    if let failure { throw failure }
  }

  /// Drops the queued batches, stops the writer after its current batch, and waits for it
  /// to end.
  func abandon() {
    condition.lock()
    defer { condition.unlock() }
    isAbandoned = true
    batches.removeAll()
    condition.broadcast()
    while !isDone {
      condition.wait()
    }
  }

  /// Runs on the writer thread: writes batches until the queue is closed and empty, is
  /// abandoned, or `write` throws. Then it releases `write`, and with it the statements it
  /// holds, before the producer may use the database again.
  func drain() {
    writeBatches()
    condition.lock()
    isDone = true
    condition.broadcast()
    condition.unlock()
  }

  private func writeBatches() {
    guard let write else { return }
    self.write = nil
    while let batch = next() {
      do {
        try write(batch)
      } catch {
        fail(error)
        return
      }
    }
  }

  private func next() -> [Row]? {
    condition.lock()
    defer { condition.unlock() }
    while batches.isEmpty && !isClosed && !isAbandoned {
      condition.wait()
    }
    guard !isAbandoned, !batches.isEmpty else { return nil }
    let batch = batches.removeFirst()
    // A producer may be waiting for room.
    condition.broadcast()
    return batch
  }

  private func fail(_ error: any Error) {
    condition.lock()
    failure = error
    batches.removeAll()
    condition.broadcast()
    condition.unlock()
  }
}

import Foundation
import Synchronization
import Testing

@testable import Warehouse

/// An error that a test's write closure throws.
struct WriteFailure: Error, Equatable {
  let row: Int
}

/// The rows a writer thread received, readable from the test's thread.
final class ReceivedRows: Sendable {
  private let rows = Mutex<[Int]>([])
  private let batchSizes = Mutex<[Int]>([])

  func record(_ batch: [Int]) {
    rows.withLock { $0 += batch }
    batchSizes.withLock { $0.append(batch.count) }
  }

  var all: [Int] { rows.withLock { $0 } }
  var sizes: [Int] { batchSizes.withLock { $0 } }
}

@Suite("Background writer")
struct BackgroundWriterTests {
  struct OrderCase: Sendable, CustomTestStringConvertible {
    let rows: Int
    let batchSize: Int
    let maxQueuedBatches: Int

    var testDescription: String {
      "\(rows) rows in batches of \(batchSize), \(maxQueuedBatches) queued"
    }
  }

  @Test(
    "rows arrive in order",
    arguments: [
      OrderCase(rows: 0, batchSize: 4, maxQueuedBatches: 1),
      OrderCase(rows: 3, batchSize: 4, maxQueuedBatches: 1),
      OrderCase(rows: 4, batchSize: 4, maxQueuedBatches: 1),
      OrderCase(rows: 1_001, batchSize: 7, maxQueuedBatches: 1),
      OrderCase(rows: 50_000, batchSize: 256, maxQueuedBatches: 3),
    ])
  func rowsArriveInOrder(_ testCase: OrderCase) throws {
    let received = ReceivedRows()
    let writer = BackgroundWriter<Int>(
      batchSize: testCase.batchSize, maxQueuedBatches: testCase.maxQueuedBatches
    ) { batch in received.record(batch) }
    for row in 0..<testCase.rows {
      try writer.append(row)
    }
    try writer.finish()

    #expect(received.all == Array(0..<testCase.rows))
    #expect(received.sizes.allSatisfy { $0 >= 1 })
    #expect(received.sizes.allSatisfy { $0 <= testCase.batchSize })
    #expect(received.sizes.dropLast().allSatisfy { $0 == testCase.batchSize })
  }

  @Test("finish twice writes once")
  func finishTwice() throws {
    let received = ReceivedRows()
    let writer = BackgroundWriter<Int>(batchSize: 2) { batch in received.record(batch) }
    try writer.append(1)
    try writer.finish()
    try writer.finish()
    #expect(received.all == [1])
  }

  @Test("error reaches finish")
  func errorReachesFinish() throws {
    let writer = BackgroundWriter<Int>(batchSize: 10) { batch in
      if let bad = batch.first(where: { $0 == 5 }) { throw WriteFailure(row: bad) }
    }
    for row in 0..<8 {
      try writer.append(row)
    }
    #expect(throws: WriteFailure(row: 5)) { try writer.finish() }
  }

  @Test("error reaches a later append")
  func errorReachesAppend() throws {
    let received = ReceivedRows()
    let writer = BackgroundWriter<Int>(batchSize: 1, maxQueuedBatches: 1) { batch in
      if batch == [0] { throw WriteFailure(row: 0) }
      received.record(batch)
    }
    // The first batch fails. After that, append throws instead of waiting for room in
    // the queue that the stopped writer would never make.
    var thrown: WriteFailure?
    for row in 0..<1_000 {
      do {
        try writer.append(row)
      } catch let failure as WriteFailure {
        thrown = failure
        break
      }
    }
    #expect(thrown == WriteFailure(row: 0))
    #expect(received.all.isEmpty)
    #expect(throws: WriteFailure(row: 0)) { try writer.finish() }
  }

  @Test("release without finish stops the writer")
  func releaseWithoutFinish() throws {
    let received = ReceivedRows()
    var writer: BackgroundWriter<Int>? = BackgroundWriter<Int>(batchSize: 3) { batch in
      received.record(batch)
    }
    for row in 0..<100 {
      try writer?.append(row)
    }
    writer = nil

    // The writer thread has ended, so nothing arrives after the release returns.
    let written = received.all
    Thread.sleep(forTimeInterval: 0.05)
    #expect(received.all == written)
    #expect(written == Array(0..<written.count))
    #expect(written.count <= 99)
  }

  @Test("inserts into SQLite from the writer thread")
  func insertsIntoSQLite() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE rows (number INTEGER NOT NULL, label TEXT)")
    let insert = try database.prepare("INSERT INTO rows (number, label) VALUES (?, ?)")
    let writer = BackgroundWriter<Int>(batchSize: 64) { batch in
      for number in batch {
        try insert.bindInteger(Int64(number), at: 1)
        try insert.bindText(number.isMultiple(of: 2) ? "even" : nil, at: 2)
        try insert.runBound()
      }
    }
    for number in 0..<1_000 {
      try writer.append(number)
    }
    try writer.finish()

    let numbers = try database.mapRows("SELECT number FROM rows ORDER BY rowid") { row in
      try row.int64(at: 0)
    }
    #expect(numbers == (0..<1_000).map(Int64.init))
    let labels = try database.mapRows("SELECT count(label) FROM rows") { row in
      try row.int64(at: 0)
    }
    #expect(labels == [500])
  }
}

import Foundation
import Testing

@testable import Warehouse

/// An error that only a test body throws, so a test can tell it from SQLite's errors.
struct BodyError: Error, Equatable {
  let id: Int
}

@Suite("Transactions")
struct TransactionTests {
  @Test func committedTransactionPersists() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("results.sqlite")
    do {
      let database = try Database(path: path)
      try database.execute("CREATE TABLE t(x)")
      let returned = try database.transaction { database in
        try database.run("INSERT INTO t VALUES (?)", binding: [1])
        try database.run("INSERT INTO t VALUES (?)", binding: [2])
        return "done"
      }
      #expect(returned == "done")
      #expect(!database.isInTransaction)
    }

    let reopened = try Database(path: path, mode: .readOnly)
    #expect(try values(in: reopened) == [1, 2])
  }

  @Test func throwingBodyRollsBackAndRethrows() throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("results.sqlite"))
    try database.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")

    let error = #expect(throws: BodyError.self) {
      try database.transaction { database in
        try database.run("INSERT INTO t VALUES (?)", binding: [2])
        try database.run("DELETE FROM t WHERE x = ?", binding: [1])
        throw BodyError(id: 7)
      }
    }
    #expect(error == BodyError(id: 7))
    #expect(!database.isInTransaction)
    #expect(try values(in: database) == [1])
  }

  @Test func failedStatementInBodyRollsBack() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(x UNIQUE)")

    let error = #expect(throws: SQLiteError.self) {
      try database.transaction { database in
        try database.run("INSERT INTO t VALUES (?)", binding: [1])
        try database.run("INSERT INTO t VALUES (?)", binding: [1])
      }
    }
    #expect(error?.extendedCode == .constraintUnique)
    #expect(try values(in: database) == [])
  }

  @Test func failedNestedBodyRollsBackOnlyItself() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("results.sqlite")
    let database = try Database(path: path)
    try database.execute("CREATE TABLE t(x)")

    try database.transaction { database in
      try database.run("INSERT INTO t VALUES (?)", binding: [1])
      let error = #expect(throws: BodyError.self) {
        try database.transaction { database in
          try database.run("INSERT INTO t VALUES (?)", binding: [2])
          throw BodyError(id: 2)
        }
      }
      #expect(error == BodyError(id: 2))
      #expect(database.isInTransaction)
      try database.run("INSERT INTO t VALUES (?)", binding: [3])
    }

    #expect(try values(in: Database(path: path, mode: .readOnly)) == [1, 3])
  }

  @Test func failedOuterBodyRollsBackNested() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(x)")

    #expect(throws: BodyError.self) {
      try database.transaction { database in
        try database.transaction { database in
          try database.transaction { database in
            try database.run("INSERT INTO t VALUES (?)", binding: [1])
          }
          try database.run("INSERT INTO t VALUES (?)", binding: [2])
        }
        throw BodyError(id: 1)
      }
    }
    #expect(!database.isInTransaction)
    #expect(try values(in: database) == [])
  }

  @Test func transactionInsideSQLTransactionIsSavepoint() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(x); BEGIN")
    try database.run("INSERT INTO t VALUES (?)", binding: [1])

    #expect(throws: BodyError.self) {
      try database.transaction { database in
        try database.run("INSERT INTO t VALUES (?)", binding: [2])
        throw BodyError(id: 3)
      }
    }
    #expect(database.isInTransaction)
    try database.execute("COMMIT")
    #expect(try values(in: database) == [1])
  }

  @Test func failedCommitRollsBack() throws {
    let database = try Database.inMemory()
    try database.execute(
      """
      CREATE TABLE customers(id INTEGER PRIMARY KEY);
      CREATE TABLE orders(
        customer_id INTEGER REFERENCES customers(id) DEFERRABLE INITIALLY DEFERRED);
      """)

    let error = #expect(throws: SQLiteError.self) {
      try database.transaction { database in
        try database.run("INSERT INTO orders VALUES (?)", binding: [99])
      }
    }
    #expect(error?.extendedCode == .constraintForeignKey)
    #expect(error?.sql == "COMMIT")
    #expect(!database.isInTransaction)
    #expect(try database.mapRows("SELECT count(*) FROM orders") { try $0.int(at: 0) } == [0])
  }

  @Test func fullDatabaseRollsBackAndIsStorageFailure() throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("results.sqlite"))
    try database.execute("CREATE TABLE t(x BLOB); INSERT INTO t VALUES (x'00')")
    // Limits the file to 8 pages of 4096 bytes, which SQLite reports as SQLITE_FULL.
    try database.execute("PRAGMA max_page_count = 8")

    let error = #expect(throws: SQLiteError.self) {
      try database.transaction { database in
        for _ in 0..<16 {
          try database.run("INSERT INTO t VALUES (?)", binding: [Data(count: 4096)])
        }
      }
    }
    #expect(error?.code == .full)
    #expect(error?.isIOErrorOrDiskFull == true)
    #expect(!database.isInTransaction)
    #expect(try database.mapRows("SELECT count(*) FROM t") { try $0.int(at: 0) } == [1])
  }

  @Test func readOnlyTransactionReadsButRejectsWrites() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("results.sqlite")
    try Database(path: path).execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
    let database = try Database(path: path, mode: .readOnly)

    #expect(try database.transaction { try values(in: $0) } == [1])
    let error = #expect(throws: SQLiteError.self) {
      try database.transaction { database in
        try database.run("INSERT INTO t VALUES (?)", binding: [2])
      }
    }
    #expect(error?.code == .readOnly)
    #expect(!database.isInTransaction)
  }

  private func values(in database: Database) throws -> [Int] {
    try database.mapRows("SELECT x FROM t ORDER BY rowid") { try $0.int(at: 0) }
  }
}

import Foundation
import Testing

@testable import Warehouse

@Suite("Preparing and running statements")
struct StatementTests {
  @Test func syntaxErrorNamesSQLAndMessage() throws {
    let database = try Database.inMemory()
    let sql = "SELEC id FROM runs"

    let error = #expect(throws: SQLiteError.self) {
      _ = try database.prepare(sql)
    }
    #expect(error?.code == .error)
    #expect(error?.sql == sql)
    #expect(error?.message.contains("syntax error") == true)
    #expect(error?.description.contains(sql) == true)
    #expect(error?.description.contains(#"near "SELEC": syntax error"#) == true)
  }

  @Test func unknownTableThrows() throws {
    let database = try Database.inMemory()

    let error = #expect(throws: SQLiteError.self) {
      _ = try database.prepare("SELECT * FROM missing_table")
    }
    #expect(error?.message.contains("no such table: missing_table") == true)
  }

  @Test(arguments: ["", "   ", "-- a comment only", "/* block */ ;"])
  func textWithoutStatementThrows(sql: String) throws {
    let database = try Database.inMemory()

    let error = #expect(throws: SQLiteError.self) {
      _ = try database.prepare(sql)
    }
    #expect(error?.code == .misuse)
  }

  @Test(arguments: ["SELECT 1; SELECT 2", "SELECT 1; CREATE TABLE t(x)", "SELECT 1; garbage"])
  func secondStatementThrows(sql: String) throws {
    let database = try Database.inMemory()

    let error = #expect(throws: SQLiteError.self) {
      _ = try database.prepare(sql)
    }
    #expect(error?.code == .misuse)
    #expect(error?.message.contains("more than one statement") == true)
  }

  @Test(arguments: [
    "SELECT 1;", "SELECT 1 ; -- trailing comment", "SELECT 1;\n/* c */\n", "; ;SELECT 1;;",
  ])
  func trailingSemicolonAndCommentsAreAccepted(sql: String) throws {
    let database = try Database.inMemory()
    let statement = try database.prepare(sql)

    #expect(try statement.mapRows { try $0.int(at: 0) } == [1])
  }

  @Test func nulCharacterInSQLThrows() throws {
    let database = try Database.inMemory()

    let prepareError = #expect(throws: SQLiteError.self) {
      _ = try database.prepare("SELECT 1\u{0}; DROP TABLE t")
    }
    #expect(prepareError?.code == .misuse)

    let executeError = #expect(throws: SQLiteError.self) {
      try database.execute("CREATE TABLE t(x);\u{0}")
    }
    #expect(executeError?.code == .misuse)
  }

  @Test func statementRunsAgainAfterReset() throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("results.sqlite"))
    try database.execute("CREATE TABLE events(customer INTEGER, kind TEXT)")

    let insert = try database.prepare("INSERT INTO events(customer, kind) VALUES (?, ?)")
    try database.transaction { _ in
      for customer in 0..<100 {
        try insert.run(binding: [customer, customer.isMultiple(of: 2) ? "view" : "click"])
      }
    }

    let count = try database.prepare("SELECT count(*) FROM events WHERE kind = ?")
    #expect(try count.mapRows(binding: ["view"]) { try $0.int(at: 0) } == [50])
    #expect(try count.mapRows(binding: ["click"]) { try $0.int(at: 0) } == [50])
    #expect(try count.mapRows(binding: ["purchase"]) { try $0.int(at: 0) } == [0])
  }

  @Test func manualStepResetAndClearBindings() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT ?1 UNION ALL SELECT ?1 + 1")

    try statement.bind(10, at: 1)
    #expect(try statement.step())
    #expect(try statement.int(at: 0) == 10)
    try statement.reset()

    // The bound value survives reset(), so the query starts again from its first row.
    #expect(try statement.step())
    #expect(try statement.int(at: 0) == 10)
    #expect(try statement.step())
    #expect(try statement.int(at: 0) == 11)
    #expect(try !statement.step())

    try statement.reset()
    try statement.clearBindings()
    #expect(try statement.step())
    #expect(try statement.isNull(at: 0))
  }

  @Test func columnNamesFollowAliases() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE runs(id INTEGER, seed INTEGER)")
    let statement = try database.prepare("SELECT id, seed AS scenario_seed, 1 + 1 FROM runs")

    #expect(statement.columnCount == 3)
    #expect(statement.columnNames == ["id", "scenario_seed", "1 + 1"])
    #expect(statement.columnName(at: 3) == "")
    #expect(try database.prepare("CREATE TABLE t(x)").columnCount == 0)
  }

  @Test func accessorForOtherStorageClassThrows() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT 'seven' AS label, NULL AS missing, 7.5, 7")
    #expect(try statement.step())

    let textAsInteger = #expect(throws: SQLiteError.self) {
      _ = try statement.int64(at: 0)
    }
    #expect(textAsInteger?.code == .mismatch)
    #expect(textAsInteger?.message.contains("label") == true)
    #expect(textAsInteger?.message.contains("TEXT") == true)

    let nullAsString = #expect(throws: SQLiteError.self) {
      _ = try statement.string(at: 1)
    }
    #expect(nullAsString?.code == .mismatch)
    #expect(nullAsString?.message.contains("NULL") == true)

    #expect(throws: SQLiteError.self) { _ = try statement.int64(at: 2) }
    #expect(throws: SQLiteError.self) { _ = try statement.data(at: 0) }
    #expect(throws: SQLiteError.self) { _ = try statement.double(at: 1) }
    #expect(try statement.double(at: 3) == 7)
  }

  @Test(arguments: [-1, 2, 100])
  func columnOutOfRangeThrows(index: Int) throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT 1, 2")
    #expect(try statement.step())

    let error = #expect(throws: SQLiteError.self) {
      _ = try statement.value(at: index)
    }
    #expect(error?.code == .range)
  }

  @Test func columnWithoutRowThrows() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT 1")

    let beforeStep = #expect(throws: SQLiteError.self) {
      _ = try statement.int(at: 0)
    }
    #expect(beforeStep?.code == .misuse)

    #expect(try statement.step())
    #expect(try !statement.step())
    let afterDone = #expect(throws: SQLiteError.self) {
      _ = try statement.int(at: 0)
    }
    #expect(afterDone?.code == .misuse)
  }

  @Test func cachedStatementIsReusedAndReset() throws {
    let database = try Database.inMemory()
    let sql = "SELECT ? UNION ALL SELECT 2"

    let first = try database.cachedStatement(sql)
    try first.bind(1, at: 1)
    #expect(try first.step())

    let second = try database.cachedStatement(sql)
    #expect(first === second)
    #expect(try second.step())
    #expect(try second.isNull(at: 0))

    database.clearStatementCache()
    #expect(try database.cachedStatement(sql) !== first)
  }

  @Test func scriptRunsEveryStatement() throws {
    let database = try Database.inMemory()
    try database.execute(
      """
      -- Schema with comments between statements.
      CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT);
      /* a block comment */
      INSERT INTO runs(name) VALUES ('first');
      INSERT INTO runs(name) VALUES ('second');
      PRAGMA user_version = 3;
      SELECT * FROM runs;
      """)

    #expect(try database.mapRows("SELECT name FROM runs ORDER BY id") { try $0.string(at: 0) }
      == ["first", "second"])
    #expect(try database.mapRows("PRAGMA user_version") { try $0.int(at: 0) } == [3])
  }

  @Test func scriptSkipsEmptyStatements() throws {
    let database = try Database.inMemory()
    try database.execute(";CREATE TABLE a(x);; ; -- between\n;CREATE TABLE b(x);;")

    let tables = try database.mapRows(
      "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
    ) { try $0.string(at: 0) }
    #expect(tables == ["a", "b"])
  }

  @Test func scriptFailureKeepsEarlierStatements() throws {
    let database = try Database.inMemory()
    let error = #expect(throws: SQLiteError.self) {
      try database.execute(
        """
        CREATE TABLE t(x UNIQUE);
        INSERT INTO t VALUES (1);
        INSERT INTO t VALUES (1);
        INSERT INTO t VALUES (2);
        """)
    }
    #expect(error?.extendedCode == .constraintUnique)
    #expect(error?.sql == "INSERT INTO t VALUES (1);")
    #expect(try database.mapRows("SELECT x FROM t") { try $0.int(at: 0) } == [1])

    let syntax = #expect(throws: SQLiteError.self) {
      try database.execute("CREATE TABLE u(x); CREATE TABEL v(x);")
    }
    #expect(syntax?.code == .error)
    #expect(syntax?.sql?.hasPrefix("CREATE TABEL v(x)") == true)
  }

  @Test func throwingRowBodyReleasesReadLock() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("results.sqlite")
    let reader = try Database(path: path)
    try reader.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
    let writer = try Database(path: path, busyTimeout: .milliseconds(50))

    struct StopReading: Error {}
    let select = try reader.prepare("SELECT x FROM t")
    #expect(throws: StopReading.self) {
      try select.forEachRow { _ in throw StopReading() }
    }
    // The writer needs an exclusive lock to commit, which an unfinished read would block.
    try withExtendedLifetime(select) {
      try writer.run("INSERT INTO t VALUES (?)", binding: [4])
    }
    #expect(try select.mapRows { try $0.int(at: 0) } == [1, 2, 3, 4])
  }

  @Test func changesAndLastInsertRowID() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x)")
    try database.run("INSERT INTO t(x) VALUES (?), (?), (?)", binding: [1, 2, 3])
    #expect(database.changes == 3)
    #expect(database.lastInsertRowID == 3)

    try database.run("UPDATE t SET x = x * 10 WHERE x > ?", binding: [1])
    #expect(database.changes == 2)
  }
}

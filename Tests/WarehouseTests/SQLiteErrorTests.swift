import Testing

@testable import Warehouse

@Suite("SQLite errors")
struct SQLiteErrorTests {
  @Test func uniqueViolationCarriesConstraintCode() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE runs(name TEXT UNIQUE)")
    let sql = "INSERT INTO runs(name) VALUES (?)"
    try database.run(sql, binding: ["baseline"])

    let error = #expect(throws: SQLiteError.self) {
      try database.run(sql, binding: ["baseline"])
    }
    #expect(error?.code == .constraint)
    #expect(error?.extendedCode == .constraintUnique)
    #expect(error?.message == "UNIQUE constraint failed: runs.name")
    #expect(error?.sql == sql)
    #expect(error?.isIOErrorOrDiskFull == false)
  }

  @Test func descriptionNamesCodeMessagePathAndSQL() {
    let error = SQLiteError(
      extendedCode: .constraintUnique, message: "UNIQUE constraint failed: runs.name",
      sql: "INSERT INTO runs(name) VALUES (?)", path: "/tmp/results.sqlite")

    #expect(
      error.description == """
        SQLite error SQLITE_CONSTRAINT (extended code 2067): \
        UNIQUE constraint failed: runs.name
          database: /tmp/results.sqlite
          SQL: INSERT INTO runs(name) VALUES (?)
        """)
  }

  @Test func descriptionOmitsWhatIsMissing() {
    let error = SQLiteError(
      extendedCode: .busy, message: "database is locked", sql: nil, path: nil)

    #expect(error.description == "SQLite error SQLITE_BUSY: database is locked")
  }

  @Test(arguments: [
    (SQLiteResultCode.ioError, true),
    (SQLiteResultCode(rawValue: 10 | (1 << 8)), true),  // SQLITE_IOERR_READ
    (SQLiteResultCode(rawValue: 10 | (13 << 8)), true),  // SQLITE_IOERR_FULL
    (.full, true),
    (.constraint, false),
    (.busy, false),
    (.cantOpen, false),
    (.readOnly, false),
    (.corrupt, false),
  ])
  func storageFailureClassification(code: SQLiteResultCode, expected: Bool) {
    let error = SQLiteError(extendedCode: code, message: "", sql: nil, path: nil)
    #expect(error.isIOErrorOrDiskFull == expected)
  }

  @Test func primaryCodeOfExtendedCode() {
    #expect(SQLiteResultCode.constraintUnique.primary == .constraint)
    #expect(SQLiteResultCode.constraintUnique.primaryName == "SQLITE_CONSTRAINT")
    #expect(SQLiteResultCode.full.primaryName == "SQLITE_FULL")
    #expect(SQLiteResultCode(rawValue: 99).primaryName == "SQLITE_UNKNOWN_99")
  }
}

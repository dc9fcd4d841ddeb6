import Testing

@testable import Warehouse

@Suite("Typed binding")
struct TypedBindingTests {
  struct TextCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String?
    let expected: SQLiteValue

    var testDescription: String { name }
  }

  @Test(
    "text round trip",
    arguments: [
      TextCase(name: "nil", text: nil, expected: .null),
      TextCase(name: "empty", text: "", expected: .text("")),
      TextCase(name: "ASCII", text: "Product Added", expected: .text("Product Added")),
      TextCase(
        name: "Unicode", text: "Zoë’s café 日本語 🧪", expected: .text("Zoë’s café 日本語 🧪")),
      TextCase(name: "NUL inside", text: "a\u{0}b", expected: .text("a\u{0}b")),
      TextCase(
        name: "SQL as text", text: "'); DROP TABLE t; --",
        expected: .text("'); DROP TABLE t; --")),
    ])
  func textRoundTrip(_ testCase: TextCase) throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t (value)")
    let insert = try database.prepare("INSERT INTO t (value) VALUES (?)")
    try insert.bindText(testCase.text, at: 1)
    try insert.runBound()

    let values = try database.mapRows("SELECT value FROM t") { row in try row.value(at: 0) }
    #expect(values == [testCase.expected])
  }

  @Test("integer extremes round trip", arguments: [Int64.min, -1, 0, 1, Int64.max])
  func integerRoundTrip(_ value: Int64) throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t (value INTEGER)")
    let insert = try database.prepare("INSERT INTO t (value) VALUES (?)")
    try insert.bindInteger(value, at: 1)
    try insert.runBound()

    let values = try database.mapRows("SELECT value FROM t") { row in try row.int64(at: 0) }
    #expect(values == [value])
  }

  @Test("statement runs again after runBound")
  func runsAgain() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t (number INTEGER, label TEXT)")
    let insert = try database.prepare("INSERT INTO t (number, label) VALUES (?, ?)")
    try insert.bindInteger(1, at: 1)
    try insert.bindText("one", at: 2)
    try insert.runBound()
    // Only the number is bound again, so the label stays bound.
    try insert.bindInteger(2, at: 1)
    try insert.runBound()

    let rows = try database.mapRows("SELECT number, label FROM t ORDER BY rowid") { row in
      "\(try row.int64(at: 0)) \(try row.string(at: 1))"
    }
    #expect(rows == ["1 one", "2 one"])
  }

  @Test("index out of range", arguments: [Int32(0), 3])
  func indexOutOfRange(_ index: Int32) throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t (a, b)")
    let insert = try database.prepare("INSERT INTO t (a, b) VALUES (?, ?)")

    let textError = #expect(throws: SQLiteError.self) { try insert.bindText("x", at: index) }
    #expect(textError?.code == .range)
    #expect(textError?.sql == "INSERT INTO t (a, b) VALUES (?, ?)")
    let integerError = #expect(throws: SQLiteError.self) { try insert.bindInteger(1, at: index) }
    #expect(integerError?.code == .range)
  }

  @Test("constraint failure resets the statement")
  func constraintFailure() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    let insert = try database.prepare("INSERT INTO t (id) VALUES (?)")
    try insert.bindInteger(7, at: 1)
    try insert.runBound()

    let error = #expect(throws: SQLiteError.self) { try insert.runBound() }
    #expect(error?.code == .constraint)
    try insert.bindInteger(8, at: 1)
    try insert.runBound()
    let ids = try database.mapRows("SELECT id FROM t ORDER BY id") { row in try row.int64(at: 0) }
    #expect(ids == [7, 8])
  }
}

import Foundation
import Testing

@testable import Warehouse

/// A value to store and the value expected back, named for the test report.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
  let name: String
  let value: (any SQLiteBindable & Sendable)?
  let expected: SQLiteValue

  var testDescription: String { name }
}

@Suite("Binding values")
struct BindingTests {
  static let roundTripCases: [RoundTripCase] = [
    RoundTripCase(name: "nil", value: nil, expected: .null),
    RoundTripCase(name: "SQLiteValue.null", value: SQLiteValue.null, expected: .null),
    RoundTripCase(name: "Int zero", value: 0, expected: .integer(0)),
    RoundTripCase(name: "Int negative", value: -17, expected: .integer(-17)),
    RoundTripCase(name: "Int64.min", value: Int64.min, expected: .integer(.min)),
    RoundTripCase(name: "Int64.max", value: Int64.max, expected: .integer(.max)),
    RoundTripCase(name: "UInt64 zero", value: UInt64(0), expected: .integer(0)),
    RoundTripCase(
      name: "UInt64 at Int64.max", value: UInt64(Int64.max), expected: .integer(.max)),
    RoundTripCase(name: "Bool true", value: true, expected: .integer(1)),
    RoundTripCase(name: "Bool false", value: false, expected: .integer(0)),
    RoundTripCase(name: "Double fraction", value: 0.1, expected: .real(0.1)),
    RoundTripCase(name: "Double integral", value: 3.0, expected: .real(3.0)),
    RoundTripCase(
      name: "Double max", value: Double.greatestFiniteMagnitude,
      expected: .real(.greatestFiniteMagnitude)),
    RoundTripCase(
      name: "Double subnormal", value: Double.leastNonzeroMagnitude,
      expected: .real(.leastNonzeroMagnitude)),
    RoundTripCase(name: "Double infinity", value: Double.infinity, expected: .real(.infinity)),
    RoundTripCase(
      name: "Double negative infinity", value: -Double.infinity, expected: .real(-.infinity)),
    RoundTripCase(name: "empty String", value: "", expected: .text("")),
    RoundTripCase(name: "ASCII String", value: "checkout", expected: .text("checkout")),
    RoundTripCase(
      name: "Unicode String", value: "Zoë’s café 日本語 🧪 e\u{301}",
      expected: .text("Zoë’s café 日本語 🧪 e\u{301}")),
    RoundTripCase(name: "String with NUL", value: "a\u{0}b", expected: .text("a\u{0}b")),
    RoundTripCase(name: "empty Data", value: Data(), expected: .blob(Data())),
    RoundTripCase(
      name: "Data with zero bytes", value: Data([0, 1, 0, 255]),
      expected: .blob(Data([0, 1, 0, 255]))),
    RoundTripCase(name: "SQLiteValue.real", value: SQLiteValue.real(-2.5), expected: .real(-2.5)),
    RoundTripCase(name: "Optional Int", value: Int?.some(7), expected: .integer(7)),
    RoundTripCase(name: "Optional nil", value: String?.none, expected: .null),
  ]

  @Test(arguments: roundTripCases)
  func valueRoundTrips(_ testCase: RoundTripCase) throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("values.sqlite"))
    // A column without a declared type has no affinity, so SQLite keeps each value's
    // storage class as bound.
    try database.execute("CREATE TABLE t(v)")
    try database.run("INSERT INTO t(v) VALUES (?)", binding: [testCase.value])

    let stored = try database.mapRows("SELECT v FROM t") { try $0.value(at: 0) }
    #expect(stored == [testCase.expected])
  }

  @Test func largeBlobRoundTrips() throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("blob.sqlite"))
    try database.execute("CREATE TABLE t(v BLOB)")
    // 8 MiB of a byte pattern that repeats only every 251 bytes.
    let blob = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) })
    try database.run("INSERT INTO t(v) VALUES (?)", binding: [blob])

    let stored = try database.mapRows("SELECT v FROM t") { try $0.data(at: 0) }
    #expect(stored.first?.count == blob.count)
    #expect(stored.first == blob)
  }

  /// SQLite 3.40.1 keeps the sign of -0.0 in a column without affinity, but a column
  /// with REAL affinity stores a real without a fractional part as an integer.
  @Test(arguments: [("", FloatingPointSign.minus), ("REAL", .plus)])
  func negativeZeroSignDependsOnAffinity(declaredType: String, sign: FloatingPointSign) throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(v \(declaredType))")
    try database.run("INSERT INTO t(v) VALUES (?)", binding: [-0.0])

    let stored = try #require(database.mapRows("SELECT v FROM t") { try $0.double(at: 0) }.first)
    #expect(stored == 0)
    #expect(stored.sign == sign)
  }

  @Test func typedAccessorsReadBoundValues() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(i, r, s, b, flag, n)")
    let blob = Data([0xDE, 0xAD])
    try database.run(
      "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
      binding: [Int64.min, 2.5, "text", blob, true, nil])

    let statement = try database.prepare("SELECT i, r, s, b, flag, n, i FROM t")
    #expect(try statement.step())
    #expect(try statement.int64(at: 0) == Int64.min)
    #expect(try statement.int(at: 6) == Int.min)
    #expect(try statement.double(at: 1) == 2.5)
    #expect(try statement.string(at: 2) == "text")
    #expect(try statement.data(at: 3) == blob)
    #expect(try statement.bool(at: 4))
    #expect(try statement.isNull(at: 5))
    #expect(try !statement.isNull(at: 0))
    #expect(try !statement.step())
  }

  @Test func unsignedAboveInt64MaxThrows() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(v)")
    let statement = try database.prepare("INSERT INTO t(v) VALUES (?)")

    let error = #expect(throws: SQLiteError.self) {
      try statement.bind(UInt64.max, at: 1)
    }
    #expect(error?.code == .mismatch)
    #expect(error?.message.contains("18446744073709551615") == true)
    #expect(error?.sql == "INSERT INTO t(v) VALUES (?)")
    #expect(try database.mapRows("SELECT count(*) FROM t") { try $0.int(at: 0) } == [0])
  }

  @Test(arguments: [
    ("Double", Double.nan as any SQLiteBindable & Sendable),
    ("signalling Double", Double.signalingNaN as any SQLiteBindable & Sendable),
    ("SQLiteValue", SQLiteValue.real(.nan) as any SQLiteBindable & Sendable),
  ])
  func notANumberThrows(kind: String, value: any SQLiteBindable & Sendable) throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(v)")

    let error = #expect(throws: SQLiteError.self, "\(kind) NaN") {
      try database.run("INSERT INTO t(v) VALUES (?)", binding: [value])
    }
    #expect(error?.code == .mismatch)
    #expect(error?.message.contains("NaN") == true)
  }

  @Test func namedParametersBindByName() throws {
    let database = try Database.inMemory()
    try database.execute("CREATE TABLE t(a, b, c)")
    let statement = try database.prepare("INSERT INTO t(a, b, c) VALUES (:a, @b, $c)")
    #expect(statement.parameterCount == 3)
    #expect(statement.parameterIndex(named: "@b") == 2)
    #expect(statement.parameterIndex(named: "b") == nil)

    try statement.bind("third", named: "$c")
    try statement.bind(1, named: ":a")
    try statement.bind(2.5, named: "@b")
    #expect(try !statement.step())
    try statement.run(binding: [":a": 10, "@b": nil, "$c": "tenth"])

    let rows = try database.mapRows("SELECT a, b, c FROM t ORDER BY rowid") { row in
      [try row.value(at: 0), try row.value(at: 1), try row.value(at: 2)]
    }
    #expect(rows.count == 2)
    #expect(rows.first == [.integer(1), .real(2.5), .text("third")])
    #expect(rows.last == [.integer(10), .null, .text("tenth")])
  }

  @Test func repeatedNamedParameterBindsOnce() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT :x + :x, ?5")
    #expect(statement.parameterCount == 5)

    try statement.bind(21, named: ":x")
    try statement.bind("fifth", at: 5)
    #expect(try statement.step())
    #expect(try statement.int(at: 0) == 42)
    #expect(try statement.string(at: 1) == "fifth")
  }

  @Test func unknownParameterNameThrows() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT :id")

    let withoutPrefix = #expect(throws: SQLiteError.self) {
      try statement.bind(1, named: "id")
    }
    #expect(withoutPrefix?.code == .range)
    #expect(withoutPrefix?.message.contains(":id") == true)

    let unknown = #expect(throws: SQLiteError.self) {
      try statement.run(binding: [":id": 1, ":other": 2])
    }
    #expect(unknown?.code == .range)
    #expect(unknown?.message.contains(":other") == true)
  }

  @Test func missingNamedValueThrows() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT :a, :b")

    let error = #expect(throws: SQLiteError.self) {
      try statement.run(binding: [":a": 1])
    }
    #expect(error?.code == .range)
  }

  @Test(arguments: [0, 3, -1])
  func positionOutOfRangeThrows(index: Int) throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT ?, ?")

    let error = #expect(throws: SQLiteError.self) {
      try statement.bind(1, at: index)
    }
    #expect(error?.code == .range)
    #expect(error?.message.contains("\(index)") == true)
  }

  @Test(arguments: [0, 1, 3])
  func wrongValueCountThrows(count: Int) throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT ?, ?")
    let values: [(any SQLiteBindable)?] = Array(repeating: 1, count: count)

    let error = #expect(throws: SQLiteError.self) {
      try statement.run(binding: values)
    }
    #expect(error?.code == .range)
  }

  @Test func bindingWhileRunningThrows() throws {
    let database = try Database.inMemory()
    let statement = try database.prepare("SELECT ? UNION ALL SELECT 2")
    try statement.bind(1, at: 1)
    #expect(try statement.step())

    let error = #expect(throws: SQLiteError.self) {
      try statement.bind(3, at: 1)
    }
    #expect(error?.code == .misuse)
  }

  @Test func injectionAttemptIsStoredLiterally() throws {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.path("results.sqlite"))
    try database.execute("CREATE TABLE customers(name TEXT NOT NULL)")
    let attack = "Robert'); DROP TABLE customers; --"
    try database.run("INSERT INTO customers(name) VALUES (?)", binding: [attack])

    let names = try database.mapRows("SELECT name FROM customers") { try $0.string(at: 0) }
    #expect(names == [attack])
    let tables = try database.mapRows(
      "SELECT name FROM sqlite_schema WHERE type = 'table'"
    ) { try $0.string(at: 0) }
    #expect(tables == ["customers"])
  }
}

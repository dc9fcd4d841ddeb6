import CSQLite
import Foundation

/// Column accessors for the current row.
///
/// The typed accessors do not convert between storage classes the way
/// `sqlite3_column_int64` and its siblings do, which read NULL as 0 and text as its
/// numeric prefix. They throw `SQLiteError` with code `.mismatch` when the stored value
/// has another storage class, so a wrong column or a NULL is reported instead of read as
/// a plausible number. The one conversion is `double(at:)`, which also reads integers.
/// Every accessor throws `.range` for an index outside `0..<columnCount` and `.misuse`
/// when no row is available, because SQLite leaves both undefined.
extension Statement {
  /// The number of columns in each row, 0 for a statement that returns no rows.
  public var columnCount: Int {
    Int(sqlite3_column_count(handle))
  }

  /// The names of the columns, from the `AS` clause when the SQL has one.
  public var columnNames: [String] {
    (0..<columnCount).map(columnName(at:))
  }

  /// Returns the name of the column at `index`, counting from 0, or an empty string
  /// when the index is out of range.
  public func columnName(at index: Int) -> String {
    guard index >= 0, index < columnCount else { return "" }
    // NOTE: SQLite returns NULL here only when it runs out of memory, and this
    // accessor reports that as an empty name rather than throwing.
    guard let name = sqlite3_column_name(handle, Int32(index)) else { return "" }
    return String(cString: name)
  }

  /// Returns the value at column `index` in its storage class.
  public func value(at index: Int) throws -> SQLiteValue {
    let column = try checkedColumn(index)
    switch sqlite3_column_type(handle, column) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
    case SQLITE_TEXT: return .text(try text(at: column))
    case SQLITE_BLOB: return .blob(try blob(at: column))
    default: return .null
    }
  }

  /// Returns whether the value at column `index` is NULL.
  public func isNull(at index: Int) throws -> Bool {
    sqlite3_column_type(handle, try checkedColumn(index)) == SQLITE_NULL
  }

  /// Returns the INTEGER at column `index`.
  public func int64(at index: Int) throws -> Int64 {
    let column = try checkedColumn(index, storageClass: SQLITE_INTEGER)
    return sqlite3_column_int64(handle, column)
  }

  /// Returns the INTEGER at column `index` as an `Int`.
  ///
  /// - Throws: `.mismatch` also when the value does not fit in `Int`, which happens only
  ///   on platforms where `Int` has 32 bits.
  public func int(at index: Int) throws -> Int {
    let number = try int64(at: index)
    guard let converted = Int(exactly: number) else {
      throw error(.mismatch, "column \(describeColumn(index)) contains \(number), which does "
        + "not fit in Int")
    }
    return converted
  }

  /// Returns the INTEGER at column `index` as a `Bool`: 0 is `false`, any other value
  /// is `true`, as in SQL.
  public func bool(at index: Int) throws -> Bool {
    try int64(at: index) != 0
  }

  /// Returns the REAL or INTEGER at column `index` as a `Double`.
  ///
  /// Integers with a magnitude above 2^53 round to the nearest `Double`.
  public func double(at index: Int) throws -> Double {
    let column = try checkedColumn(index)
    switch sqlite3_column_type(handle, column) {
    case SQLITE_FLOAT, SQLITE_INTEGER:
      return sqlite3_column_double(handle, column)
    default:
      throw mismatch(at: index, expected: SQLITE_FLOAT)
    }
  }

  /// Returns the TEXT at column `index`.
  ///
  /// Bytes that are not valid UTF-8 are replaced with U+FFFD. Text written through
  /// this module is always valid UTF-8.
  public func string(at index: Int) throws -> String {
    try text(at: checkedColumn(index, storageClass: SQLITE_TEXT))
  }

  /// Returns the BLOB at column `index`.
  public func data(at index: Int) throws -> Data {
    try blob(at: checkedColumn(index, storageClass: SQLITE_BLOB))
  }

  /// Checks that a row is available and `index` is a column, and returns the index as
  /// SQLite takes it. With `storageClass`, also checks the value's storage class.
  private func checkedColumn(_ index: Int, storageClass: Int32? = nil) throws -> Int32 {
    guard hasRow else {
      throw error(
        .misuse, "column \(index) was read when no row is available. Read columns only "
          + "after step() returns true")
    }
    guard index >= 0, index < columnCount else {
      throw error(
        .range, "column index \(index) is out of range, because the statement has "
          + "\(columnCount) columns, numbered from 0")
    }
    let column = Int32(index)
    if let storageClass, sqlite3_column_type(handle, column) != storageClass {
      throw mismatch(at: index, expected: storageClass)
    }
    return column
  }

  private func mismatch(at index: Int, expected: Int32) -> SQLiteError {
    let actual = sqlite3_column_type(handle, Int32(index))
    return error(
      .mismatch, "column \(describeColumn(index)) contains \(Self.name(ofStorageClass: actual)), "
        + "expected \(Self.name(ofStorageClass: expected))")
  }

  private func describeColumn(_ index: Int) -> String {
    "\(index) (\(columnName(at: index)))"
  }

  private static func name(ofStorageClass storageClass: Int32) -> String {
    switch storageClass {
    case SQLITE_INTEGER: "INTEGER"
    case SQLITE_FLOAT: "REAL"
    case SQLITE_TEXT: "TEXT"
    case SQLITE_BLOB: "BLOB"
    default: "NULL"
    }
  }

  /// Copies a TEXT value, NUL characters included.
  private func text(at column: Int32) throws -> String {
    // Take the pointer before the byte count, because sqlite3_column_bytes gives the
    // length of the value as sqlite3_column_text last converted it.
    let pointer = sqlite3_column_text(handle, column)
    let count = Int(sqlite3_column_bytes(handle, column))
    guard let pointer else {
      try throwIfOutOfMemory()
      return ""
    }
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  /// Copies a BLOB value.
  private func blob(at column: Int32) throws -> Data {
    let pointer = sqlite3_column_blob(handle, column)
    let count = Int(sqlite3_column_bytes(handle, column))
    guard let pointer else {
      // SQLite returns a null pointer for a zero-length blob, and when memory runs out.
      try throwIfOutOfMemory()
      return Data()
    }
    return Data(bytes: pointer, count: count)
  }

  private func throwIfOutOfMemory() throws {
    let status = sqlite3_errcode(connection.handle)
    if status == SQLITE_NOMEM {
      throw error(status: status)
    }
  }
}

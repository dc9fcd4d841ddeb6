import CSQLite
import Foundation

/// A compiled SQL statement, created by `Database.prepare(_:)` or
/// `Database.cachedStatement(_:)`.
///
/// Bind values to its parameters, then call `step()` until it returns `false`, reading
/// columns while it returns `true`. `run(binding:)`, `forEachRow(binding:_:)` and
/// `mapRows(binding:_:)` do all three. After `reset()` the statement can run again
/// with new values. Parameters are numbered from 1, columns from 0, as in SQLite.
///
/// Like its `Database`, a statement is used from one thread at a time. It keeps the
/// connection open while it exists, and it is finalized when it is released.
public final class Statement {
  let connection: SQLiteConnection
  let handle: OpaquePointer

  /// The SQL text that the statement was compiled from.
  public let sql: String

  /// Whether the last `step()` returned a row, so that columns can be read.
  /// SQLite leaves column reads undefined in any other state.
  private(set) var hasRow = false

  /// Wraps a statement that SQLite has already compiled.
  init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
    self.connection = connection
    self.handle = handle
    self.sql = sql
  }

  /// Compiles `sql`, which must contain exactly one statement.
  convenience init(connection: SQLiteConnection, sql: String) throws {
    try Statement.rejectNullCharacter(in: sql, path: connection.path)
    let (handle, tailIsEmpty): (OpaquePointer, Bool) = try sql.withCString { start in
      let first = connection.prepareFirstStatement(in: start)
      guard first.status == SQLITE_OK else {
        throw connection.error(status: first.status, sql: sql)
      }
      guard let handle = first.handle else {
        throw SQLiteError(
          extendedCode: .misuse, message: "the SQL text contains no statement", sql: sql,
          path: connection.path)
      }

      // Compiling the rest distinguishes a second statement from trailing whitespace
      // and comments. A second statement that does not compile counts as one too.
      let second = connection.prepareFirstStatement(in: first.tail)
      sqlite3_finalize(second.handle)
      return (handle, second.status == SQLITE_OK && second.handle == nil)
    }
    self.init(connection: connection, handle: handle, sql: sql)
    guard tailIsEmpty else {
      throw SQLiteError(
        extendedCode: .misuse,
        message: "the SQL text contains more than one statement. Prepare them one at a "
          + "time, or run a script without parameters with Database.execute(_:)",
        sql: sql, path: connection.path)
    }
  }

  deinit {
    // sqlite3_finalize returns the error of the last step, which step() already threw.
    sqlite3_finalize(handle)
  }

  /// Rejects SQL text with a NUL character, because SQLite would ignore everything
  /// after it.
  static func rejectNullCharacter(in sql: String, path: String?) throws {
    guard sql.utf8.contains(0) else { return }
    throw SQLiteError(
      extendedCode: .misuse, message: "the SQL text contains a NUL character", sql: sql,
      path: path)
  }

  /// Creates the error for a failed call on this statement.
  func error(status: Int32) -> SQLiteError {
    connection.error(status: status, sql: sql)
  }

  /// Creates an error raised by this module's own checks on this statement.
  func error(_ code: SQLiteResultCode, _ message: String) -> SQLiteError {
    SQLiteError(extendedCode: code, message: message, sql: sql, path: connection.path)
  }
}

// MARK: - Binding

extension Statement {
  /// The number of parameters, which is the largest parameter index.
  public var parameterCount: Int {
    Int(sqlite3_bind_parameter_count(handle))
  }

  /// Returns the index of the parameter named `name`, prefix included (`:id`), or `nil`.
  public func parameterIndex(named name: String) -> Int? {
    let index = sqlite3_bind_parameter_index(handle, name)
    return index == 0 ? nil : Int(index)
  }

  /// Binds `value` to the parameter at `index`, counting from 1. `nil` binds NULL.
  ///
  /// - Throws: `SQLiteError` with one of these codes:
  ///   - `.range` for an index outside `1...parameterCount`;
  ///   - `.mismatch` for a value that SQLite cannot store exactly (see `SQLiteBindable`);
  ///   - `.misuse` when the statement is running, until `reset()` is called;
  ///   - `.tooBig` for a string or blob over SQLite's length limit.
  public func bind(_ value: (any SQLiteBindable)?, at index: Int) throws {
    guard index >= 1, index <= parameterCount else {
      throw error(
        .range, "parameter index \(index) is out of range, because the statement has "
          + "\(parameterCount) parameters, numbered from 1")
    }
    let converted: SQLiteValue
    do {
      converted = try value?.sqliteValue() ?? .null
    } catch let conversion as SQLiteError {
      throw error(conversion.extendedCode, "parameter \(index): \(conversion.message)")
    }
    let status = bindConverted(converted, at: Int32(index))
    guard status == SQLITE_OK else {
      throw error(status: status)
    }
  }

  /// Binds `value` to the parameter named `name`, written with its prefix as in the SQL
  /// (`:id`, `@id` or `$id`).
  ///
  /// - Throws: `SQLiteError` with code `.range` when the SQL has no such parameter, or
  ///   as `bind(_:at:)` does.
  public func bind(_ value: (any SQLiteBindable)?, named name: String) throws {
    guard let index = parameterIndex(named: name) else {
      var message = "the SQL has no parameter named \(name)"
      if let first = name.first, !":@$".contains(first) {
        message += ". Write the name with its prefix, as in :\(name)"
      }
      throw error(.range, message)
    }
    try bind(value, at: index)
  }

  /// Binds `values` to the parameters in order, one value for each parameter.
  ///
  /// - Throws: `SQLiteError` with code `.range` when the number of values differs from
  ///   `parameterCount`, or as `bind(_:at:)` does.
  public func bind(_ values: [(any SQLiteBindable)?]) throws {
    guard values.count == parameterCount else {
      throw error(
        .range, "\(values.count) values were given for \(parameterCount) parameters. "
          + "Pass one value for each parameter")
    }
    for (offset, value) in values.enumerated() {
      try bind(value, at: offset + 1)
    }
  }

  /// Binds values by parameter name, one value for each parameter.
  ///
  /// - Throws: `SQLiteError` with code `.range` when a name is not a parameter of the
  ///   statement or a parameter has no value, or as `bind(_:at:)` does.
  public func bind(_ values: [String: (any SQLiteBindable)?]) throws {
    // Sorted, so that the first error reported does not depend on dictionary order.
    for name in values.keys.sorted() {
      try bind(values[name] ?? nil, named: name)
    }
    guard values.count == parameterCount else {
      throw error(
        .range, "\(values.count) named values for \(parameterCount) parameters. "
          + "Every parameter needs a value")
    }
  }

  /// Removes all bound values, so that every parameter is NULL.
  public func clearBindings() throws {
    let status = sqlite3_clear_bindings(handle)
    guard status == SQLITE_OK else {
      throw error(status: status)
    }
  }

  /// Calls the `sqlite3_bind_*` function for the storage class of `value`.
  ///
  /// Text and blobs are copied by SQLite (`SQLITE_TRANSIENT`), so the Swift buffers
  /// only need to live for the call. Empty ones get a non-null pointer or a zero-length
  /// blob, because SQLite binds NULL for a null pointer.
  private func bindConverted(_ value: SQLiteValue, at index: Int32) -> Int32 {
    switch value {
    case .null:
      return sqlite3_bind_null(handle, index)
    case .integer(let number):
      return sqlite3_bind_int64(handle, index, number)
    case .real(let number):
      return sqlite3_bind_double(handle, index, number)
    case .text(var text):
      return text.withUTF8 { bytes in
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
          return sqlite3_bind_text64(
            handle, index, "", 0, loopsim_sqlite_transient(), UInt8(SQLITE_UTF8))
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
          sqlite3_bind_text64(
            handle, index, characters, UInt64(bytes.count), loopsim_sqlite_transient(),
            UInt8(SQLITE_UTF8))
        }
      }
    case .blob(let data):
      guard !data.isEmpty else {
        return sqlite3_bind_zeroblob(handle, index, 0)
      }
      return data.withUnsafeBytes { bytes in
        sqlite3_bind_blob64(
          handle, index, bytes.baseAddress, UInt64(bytes.count), loopsim_sqlite_transient())
      }
    }
  }
}

// MARK: - Running

extension Statement {
  /// Runs the statement to its next row.
  ///
  /// - Returns: `true` when a row is available for the column accessors, `false` when
  ///   the statement has finished.
  /// - Throws: `SQLiteError` with the SQL, such as `.constraint` for a violated
  ///   constraint or `.full` for a full disk. The statement is then reset, so that it
  ///   can run again.
  public func step() throws -> Bool {
    let status = sqlite3_step(handle)
    switch status {
    case SQLITE_ROW:
      hasRow = true
      return true
    case SQLITE_DONE:
      hasRow = false
      return false
    default:
      hasRow = false
      let failure = error(status: status)
      // Returns the same error again, which is already in `failure`.
      sqlite3_reset(handle)
      throw failure
    }
  }

  /// Rewinds the statement so that it can run again. Bound values stay bound.
  public func reset() throws {
    hasRow = false
    let status = sqlite3_reset(handle)
    guard status == SQLITE_OK else {
      throw error(status: status)
    }
  }

  /// Resets the statement, binds `values` in order and runs it to the end, discarding
  /// any rows.
  ///
  /// - Throws: `SQLiteError` as `bind(_:)` and `step()` do.
  public func run(binding values: [(any SQLiteBindable)?] = []) throws {
    try forEachRow(binding: values) { _ in }
  }

  /// Resets the statement, binds `values` by parameter name and runs it to the end,
  /// discarding any rows.
  ///
  /// - Throws: `SQLiteError` as `bind(_:)` and `step()` do.
  public func run(binding values: [String: (any SQLiteBindable)?]) throws {
    try forEachRow(binding: values) { _ in }
  }

  /// Resets the statement, binds `values` in order, and calls `body` for each row.
  ///
  /// `body` reads the current row through the statement's column accessors. When
  /// `body` throws, the statement is reset, so that it holds no lock, and the error is
  /// rethrown.
  ///
  /// - Throws: `SQLiteError` as `bind(_:)` and `step()` do, or the error `body` throws.
  public func forEachRow(
    binding values: [(any SQLiteBindable)?] = [], _ body: (Statement) throws -> Void
  ) throws {
    try forEachRow(bindingWith: { try bind(values) }, body)
  }

  /// Resets the statement, binds `values` by parameter name, and calls `body` for each
  /// row, as the positional `forEachRow(binding:_:)` does.
  public func forEachRow(
    binding values: [String: (any SQLiteBindable)?], _ body: (Statement) throws -> Void
  ) throws {
    try forEachRow(bindingWith: { try bind(values) }, body)
  }

  /// Resets the statement, binds `values` in order, and returns `transform` applied to
  /// each row.
  ///
  /// - Throws: as `forEachRow(binding:_:)` does.
  public func mapRows<Element>(
    binding values: [(any SQLiteBindable)?] = [], _ transform: (Statement) throws -> Element
  ) throws -> [Element] {
    var elements: [Element] = []
    try forEachRow(binding: values) { row in
      elements.append(try transform(row))
    }
    return elements
  }

  /// Resets the statement, binds `values` by parameter name, and returns `transform`
  /// applied to each row.
  ///
  /// - Throws: as `forEachRow(binding:_:)` does.
  public func mapRows<Element>(
    binding values: [String: (any SQLiteBindable)?], _ transform: (Statement) throws -> Element
  ) throws -> [Element] {
    var elements: [Element] = []
    try forEachRow(binding: values) { row in
      elements.append(try transform(row))
    }
    return elements
  }

  private func forEachRow(
    bindingWith bindValues: () throws -> Void, _ body: (Statement) throws -> Void
  ) throws {
    try reset()
    try clearBindings()
    try bindValues()
    do {
      while try step() {
        try body(self)
      }
    } catch {
      hasRow = false
      // A failed step has reset the statement already; this covers an error from `body`.
      sqlite3_reset(handle)
      throw error
    }
  }
}

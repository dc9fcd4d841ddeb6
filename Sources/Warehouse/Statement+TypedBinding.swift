import CSQLite

// MARK: - Typed binding

/// Binding without `SQLiteBindable` existentials or arrays of values, for loops that insert
/// millions of rows with one prepared statement. Bind each parameter, then call
/// `runBound()`.
extension Statement {
  /// Binds `text` to the parameter at `index`, counting from 1, or NULL for nil. SQLite
  /// copies the bytes.
  ///
  /// - Throws: `SQLiteError` with `.range` for an index outside `1...parameterCount`,
  ///   `.misuse` while the statement is running, `.tooBig` for text over SQLite's limit.
  public func bindText(_ text: String?, at index: Int32) throws {
    guard var text else {
      try check(sqlite3_bind_null(handle, index))
      return
    }
    try text.withUTF8 { bytes in try bindText(utf8: bytes, at: index) }
  }

  /// Binds the UTF-8 text in `bytes` to the parameter at `index`, counting from 1. SQLite
  /// copies the bytes, so they only need to live for the call.
  ///
  /// - Throws: `SQLiteError` as `bindText(_:at:)` does.
  public func bindText(utf8 bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
    // SQLite binds NULL for a null pointer, so empty text gets a pointer to "".
    guard let base = bytes.baseAddress, !bytes.isEmpty else {
      try check(
        sqlite3_bind_text64(handle, index, "", 0, loopsim_sqlite_transient(), UInt8(SQLITE_UTF8)))
      return
    }
    let status = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
      sqlite3_bind_text64(
        handle, index, characters, UInt64(bytes.count), loopsim_sqlite_transient(),
        UInt8(SQLITE_UTF8))
    }
    try check(status)
  }

  /// Binds `value` to the parameter at `index`, counting from 1.
  ///
  /// - Throws: `SQLiteError` with `.range` for an index outside `1...parameterCount`, or
  ///   `.misuse` while the statement is running.
  public func bindInteger(_ value: Int64, at index: Int32) throws {
    try check(sqlite3_bind_int64(handle, index, value))
  }

  /// Runs the statement with the values bound so far, discarding any rows, then resets it
  /// so that the next row's values can be bound. Values stay bound until they are bound
  /// again or `clearBindings()` is called.
  ///
  /// - Throws: `SQLiteError` as `step()` does, such as `.constraint` or `.full`. The
  ///   statement is reset then too.
  public func runBound() throws {
    while try step() {}
    // After SQLITE_DONE, sqlite3_reset returns SQLITE_OK.
    try reset()
  }

  private func check(_ status: Int32) throws {
    guard status == SQLITE_OK else {
      throw error(status: status)
    }
  }
}

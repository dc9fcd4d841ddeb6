import CSQLite

extension Database {
  /// Runs `body` in a transaction, which commits when `body` returns and rolls back
  /// when it throws.
  ///
  /// The outermost call begins with `BEGIN IMMEDIATE`, which takes the write lock at
  /// once, so a competing writer makes it fail before the body runs rather than
  /// halfway through. COMMIT may still wait, up to the busy timeout, for readers on
  /// other connections to finish, because a rollback journal needs an exclusive lock.
  /// A call inside another transaction, whether opened by this method or by SQL,
  /// becomes a savepoint instead. When a nested body throws, only its own changes roll
  /// back, and the enclosing body may catch the error and continue. Its changes are
  /// committed only when the outermost transaction commits.
  ///
  /// On a database opened read-only, SQLite 3.40.1 begins the transaction, so reads
  /// see one snapshot, and a write inside it fails with `SQLITE_READONLY`.
  ///
  /// - Parameter body: The work to do, which receives this database.
  /// - Returns: The value that `body` returns.
  /// - Throws: The error that `body` threw, unchanged, after rolling back. Otherwise an
  ///   `SQLiteError` when beginning or committing fails, after rolling back, such as
  ///   `.constraintForeignKey` for a deferred foreign key violation or `.full` for a
  ///   full disk.
  public func transaction<Result>(_ body: (Database) throws -> Result) throws -> Result {
    if isInTransaction {
      return try inSavepoint(body)
    }

    try execute("BEGIN IMMEDIATE")
    let result: Result
    do {
      result = try body(self)
      try execute("COMMIT")
    } catch {
      rollBackDiscardingError("ROLLBACK")
      throw error
    }
    return result
  }

  /// Runs `body` between `SAVEPOINT` and `RELEASE`, rolling back to the savepoint when
  /// it throws.
  private func inSavepoint<Result>(_ body: (Database) throws -> Result) throws -> Result {
    // One name serves every level, because ROLLBACK TO and RELEASE act on the most
    // recent savepoint with the name.
    let name = "loopsim_transaction"
    try execute("SAVEPOINT \(name)")
    let result: Result
    do {
      result = try body(self)
      try execute("RELEASE \(name)")
    } catch {
      rollBackDiscardingError("ROLLBACK TO \(name); RELEASE \(name)")
      throw error
    }
    return result
  }

  /// Runs rollback SQL while a transaction is open, and drops any error from it, so
  /// that the caller receives the error that caused the rollback.
  ///
  /// SQLite has already rolled back the whole transaction after some errors, such as
  /// `SQLITE_FULL` or `SQLITE_IOERR` during a write, and then no rollback is needed.
  private func rollBackDiscardingError(_ sql: String) {
    guard isInTransaction else { return }
    // NOTE: if the rollback itself fails, its error is dropped in favour of the body's
    // error, and the transaction may stay open. `isInTransaction` then reports it, and
    // a later `transaction(_:)` call would nest inside it as a savepoint.
    try? execute(sql)
  }
}

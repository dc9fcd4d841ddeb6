import CSQLite
import Foundation

/// An open SQLite database: a file or an in-memory database, with a connection that is
/// configured for writing one results file from one process.
///
/// Values never enter SQL text. Every value reaches SQLite as a bound parameter
/// (`?`, `?NNN`, `:name`, `@name` or `$name` in the SQL), so a value that contains SQL
/// is stored as the text it is. Only SQL written in the program should be passed as
/// `sql`.
///
/// A `Database` is neither thread-safe nor `Sendable`, so use it, and the statements
/// prepared from it, from one thread at a time. Debian's SQLite is built with
/// `SQLITE_THREADSAFE=1`, which makes concurrent use memory-safe inside SQLite but
/// does not make this class's statement cache or transaction state safe.
///
/// The connection is configured when it opens:
///
/// - `journal_mode = DELETE`, the SQLite default, so a finished results file is one
///   self-contained file. WAL mode would leave `-wal` and `-shm` files beside it and
///   mark the file as WAL, so that every later reader needs write access to the
///   directory.
/// - `synchronous = NORMAL` instead of Debian's default `FULL`. SQLite still syncs at
///   the critical moments, so a crash of the process does not corrupt the file. SQLite's
///   documentation of the pragma warns that a power failure at the wrong moment can
///   corrupt it on some older file systems, which is acceptable for a results file
///   that is written again from scratch after a crash.
/// - `foreign_keys = ON`, because SQLite leaves foreign key constraints unchecked by
///   default.
/// - a busy timeout (5 seconds unless the caller chooses), so that a reader holding a
///   lock on the file delays a write instead of failing it at once with `SQLITE_BUSY`.
///
/// A read-only database gets only the last two settings.
///
/// The SQLite connection closes with `sqlite3_close_v2` when this object and every
/// statement prepared from it have been released.
public final class Database {
  /// The access that `init(path:mode:busyTimeout:)` requests for a file.
  public enum OpenMode: Sendable {
    /// Open the file for reading and writing, creating it when it does not exist.
    case readWriteCreate
    /// Open an existing file for reading and writing.
    case readWrite
    /// Open an existing file for reading only. Writes fail with `SQLITE_READONLY`.
    case readOnly
  }

  /// The default wait for a lock held by another connection.
  public static let defaultBusyTimeout: Duration = .seconds(5)

  let connection: SQLiteConnection

  /// Prepared statements by SQL text, for `cachedStatement(_:)`.
  private var statementCache: [String: Statement] = [:]

  /// The path of the database file as the caller gave it, or `nil` in memory.
  public var path: String? { connection.path }

  /// Opens or creates the database file at `path`.
  ///
  /// The path is always a file system path. SQLite's URI filenames (`file:...`) and
  /// the special name `:memory:` are not interpreted, because Debian's SQLite is built
  /// with `SQLITE_USE_URI=1` and would otherwise read `file:` paths as URIs.
  ///
  /// - Parameters:
  ///   - path: The database file. It must not be empty.
  ///   - mode: Whether to create the file, and whether writing is allowed.
  ///   - busyTimeout: How long a statement waits for another connection's lock
  ///     before it fails with `SQLITE_BUSY`. Rounded toward zero to whole
  ///     milliseconds, and clamped to `0...Int32.max` milliseconds.
  /// - Throws: `SQLiteError` with the path, for example `.cantOpen` when the directory
  ///   does not exist or the file is missing in a mode that does not create it, and
  ///   `.notADatabase` when the file is not an SQLite database, in every mode.
  public init(
    path: String, mode: OpenMode = .readWriteCreate,
    busyTimeout: Duration = Database.defaultBusyTimeout
  ) throws {
    guard !path.isEmpty else {
      throw SQLiteError(
        extendedCode: .cantOpen, message: "the database path is empty", sql: nil, path: path)
    }
    let flags: Int32
    switch mode {
    case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
    case .readWrite: flags = SQLITE_OPEN_READWRITE
    case .readOnly: flags = SQLITE_OPEN_READONLY
    }
    let literalPath = path.hasPrefix("file:") || path == ":memory:" ? "./" + path : path

    connection = try SQLiteConnection(filename: literalPath, flags: flags, path: path)
    try configure(busyTimeout: busyTimeout, writable: mode != .readOnly, inMemory: false)
  }

  /// Opens a new, empty in-memory database.
  private init() throws {
    connection = try SQLiteConnection(
      filename: ":memory:", flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path: nil)
    try configure(busyTimeout: Database.defaultBusyTimeout, writable: true, inMemory: true)
  }

  /// Opens a new, empty in-memory database, which no other connection can see and which
  /// disappears when it closes.
  public static func inMemory() throws -> Database {
    try Database()
  }

  /// Applies the connection settings described in the type's documentation.
  private func configure(busyTimeout: Duration, writable: Bool, inMemory: Bool) throws {
    // Clamping the seconds first keeps the multiplication from overflowing.
    let (seconds, attoseconds) = busyTimeout.components
    let clampedSeconds = min(max(seconds, 0), Int64(Int32.max / 1000) + 1)
    let milliseconds = clampedSeconds * 1000 + attoseconds / 1_000_000_000_000_000
    let status = sqlite3_busy_timeout(connection.handle, Int32(clamping: max(0, milliseconds)))
    guard status == SQLITE_OK else {
      throw connection.error(status: status, sql: nil)
    }

    try execute("PRAGMA foreign_keys = ON")
    try expectPragma("foreign_keys", toBe: "1")
    guard !inMemory else { return }

    // Reading the schema makes a file that is not a database fail here, with
    // SQLITE_NOTADB, instead of at the caller's first query.
    try execute("SELECT count(*) FROM sqlite_schema")
    guard writable else { return }

    try execute("PRAGMA journal_mode = DELETE")
    try expectPragma("journal_mode", toBe: "delete")
    try execute("PRAGMA synchronous = NORMAL")
    try expectPragma("synchronous", toBe: "1")
  }

  /// Reads a pragma back, because SQLite ignores a pragma it does not support.
  private func expectPragma(_ name: String, toBe expected: String) throws {
    let sql = "PRAGMA \(name)"
    let actual = try prepare(sql).mapRows { row in try row.value(at: 0) }.first
    let actualText: String? =
      switch actual {
      case .integer(let number): String(number)
      case .text(let text): text
      default: nil
      }
    guard actualText?.lowercased() == expected else {
      throw SQLiteError(
        extendedCode: .error,
        message: "pragma \(name) is \(actualText ?? "not set") after setting it, expected "
          + "\(expected). This SQLite build may not support it",
        sql: sql, path: path)
    }
  }
}

// MARK: - Statements

extension Database {
  /// Compiles one SQL statement.
  ///
  /// - Parameter sql: Exactly one statement, with an optional trailing semicolon,
  ///   whitespace and comments. Values go into parameters, never into this text.
  /// - Throws: `SQLiteError` with the SQL text: SQLite's error for invalid SQL, or
  ///   `.misuse` when the text contains no statement or more than one.
  public func prepare(_ sql: String) throws -> Statement {
    try Statement(connection: connection, sql: sql)
  }

  /// Returns a prepared statement for `sql` from this database's cache, preparing and
  /// caching it on first use. The statement is reset and its parameters are unbound.
  ///
  /// Use it for statements that run many times, such as inserts in a loop. Each
  /// distinct SQL text stays cached until `clearStatementCache()` or until the
  /// database is released, so pass SQL written in the program, not text built at run
  /// time. Two callers that use the same SQL at once share one statement, and the
  /// second call resets the first caller's statement. Finish reading rows before
  /// requesting the same SQL again.
  ///
  /// - Throws: `SQLiteError` as `prepare(_:)` does.
  public func cachedStatement(_ sql: String) throws -> Statement {
    if let statement = statementCache[sql] {
      try statement.reset()
      try statement.clearBindings()
      return statement
    }
    let statement = try prepare(sql)
    statementCache[sql] = statement
    return statement
  }

  /// Finalizes the cached statements that no caller still holds.
  public func clearStatementCache() {
    statementCache.removeAll()
  }

  /// Runs one SQL statement with `values` bound to its parameters in order, using a
  /// cached statement, and discards any rows it returns.
  ///
  /// - Throws: `SQLiteError` with the SQL text when preparing, binding or running it
  ///   fails.
  public func run(_ sql: String, binding values: [(any SQLiteBindable)?] = []) throws {
    try cachedStatement(sql).run(binding: values)
  }

  /// Runs one SQL query with `values` bound to its parameters in order, using a cached
  /// statement, and returns `transform` applied to each row.
  ///
  /// - Throws: `SQLiteError` as `run(_:binding:)` does, or the error `transform` throws.
  public func mapRows<Element>(
    _ sql: String, binding values: [(any SQLiteBindable)?] = [],
    _ transform: (Statement) throws -> Element
  ) throws -> [Element] {
    try cachedStatement(sql).mapRows(binding: values, transform)
  }

  /// Runs SQL text that may hold several statements separated by semicolons, such as
  /// a schema. Rows that a statement returns are discarded.
  ///
  /// The statements run one after the other and outside any transaction that this
  /// method opens, so a failure leaves the earlier statements applied. Wrap the call
  /// in `transaction(_:)` to apply all or nothing.
  ///
  /// - Parameter sql: Statements without parameters.
  /// - Throws: `SQLiteError` whose SQL is the failing statement, or the text from the
  ///   failing statement to the end when the statement does not compile.
  public func execute(_ sql: String) throws {
    try Statement.rejectNullCharacter(in: sql, path: path)
    try sql.withCString { start in
      var next = start
      while true {
        let prepared = connection.prepareFirstStatement(in: next)
        guard prepared.status == SQLITE_OK else {
          throw connection.error(
            status: prepared.status, sql: Self.trimmed(String(cString: next)))
        }
        guard let handle = prepared.handle else { break }

        let text = sqlite3_sql(handle).map { String(cString: $0) } ?? String(cString: next)
        let statement = Statement(connection: connection, handle: handle, sql: Self.trimmed(text))
        while try statement.step() {}
        next = prepared.tail
      }
    }
  }

  /// Removes the whitespace between statements that SQLite includes in a statement's text.
  private static func trimmed(_ sql: String) -> String {
    sql.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

// MARK: - Connection state

extension Database {
  /// The number of rows that the most recent INSERT, UPDATE or DELETE changed, not
  /// counting changes made by triggers and foreign key actions.
  public var changes: Int {
    Int(sqlite3_changes(connection.handle))
  }

  /// The rowid of the most recent successful INSERT into a rowid table, or 0 when there
  /// was none on this connection.
  public var lastInsertRowID: Int64 {
    sqlite3_last_insert_rowid(connection.handle)
  }

  /// Whether a transaction is open, either from `transaction(_:)` or from SQL.
  public var isInTransaction: Bool {
    sqlite3_get_autocommit(connection.handle) == 0
  }
}

/// The owner of one `sqlite3` connection handle.
///
/// A `Database` and its statements share this object, so the handle stays open until
/// the last of them is released, and a statement never outlives its connection.
final class SQLiteConnection {
  let handle: OpaquePointer

  /// The path that the caller gave, for error messages, or `nil` in memory.
  let path: String?

  /// Opens a connection with `sqlite3_open_v2`.
  init(filename: String, flags: Int32, path: String?) throws {
    var handle: OpaquePointer?
    let status = sqlite3_open_v2(filename, &handle, flags, nil)
    guard status == SQLITE_OK, let handle else {
      let error = SQLiteError(status: status, connection: handle, sql: nil, path: path)
      // SQLite returns a handle even when opening fails, and it must be closed.
      sqlite3_close_v2(handle)
      throw error
    }
    self.handle = handle
    self.path = path
  }

  deinit {
    // sqlite3_close_v2 defers the close instead of failing when statements are still
    // unfinalized, so it returns SQLITE_OK for a valid handle. None remain here anyway,
    // because every statement keeps this object alive.
    sqlite3_close_v2(handle)
  }

  /// Compiles the first statement in the NUL-terminated SQL text at `start`.
  ///
  /// Empty statements (a lone semicolon), whitespace and comments before it are
  /// skipped. On success, `handle` is `nil` when the text contains no statement, and
  /// `tail` points after the compiled statement. On failure, no statement is left to
  /// finalize and the connection's error message describes the failure.
  func prepareFirstStatement(
    in start: UnsafePointer<CChar>
  ) -> (status: Int32, handle: OpaquePointer?, tail: UnsafePointer<CChar>) {
    var next = start
    while true {
      var handle: OpaquePointer?
      var tail: UnsafePointer<CChar>?
      let status = sqlite3_prepare_v2(self.handle, next, -1, &handle, &tail)
      guard status == SQLITE_OK else {
        // SQLite sets the handle to NULL on failure, and finalizing NULL does nothing.
        sqlite3_finalize(handle)
        return (status, nil, next)
      }
      if handle != nil {
        return (status, handle, tail ?? next)
      }
      // No statement here. Go on only when SQLite consumed text, such as a semicolon.
      guard let tail, tail != next, tail.pointee != 0 else {
        return (status, nil, tail ?? next)
      }
      next = tail
    }
  }

  /// Creates the error for a failed call on this connection.
  func error(status: Int32, sql: String?) -> SQLiteError {
    SQLiteError(status: status, connection: handle, sql: sql, path: path)
  }
}

import CSQLite

/// An SQLite result code, such as `SQLITE_CONSTRAINT` or its extended form
/// `SQLITE_CONSTRAINT_UNIQUE`.
///
/// The low 8 bits of an extended code are its primary code, so `primary` maps
/// `.constraintUnique` to `.constraint`. The constants cover the codes that callers of
/// this module test for. Any other code can be built from its raw value.
public struct SQLiteResultCode: RawRepresentable, Hashable, Sendable {
  public let rawValue: Int32

  public init(rawValue: Int32) {
    self.rawValue = rawValue
  }

  /// The primary result code: the low 8 bits of an extended code.
  public var primary: SQLiteResultCode {
    SQLiteResultCode(rawValue: rawValue & 0xFF)
  }

  /// The C macro name of the primary code, such as `SQLITE_CONSTRAINT`.
  public var primaryName: String {
    Self.primaryNames[primary.rawValue] ?? "SQLITE_UNKNOWN_\(primary.rawValue)"
  }

  public static let error = SQLiteResultCode(rawValue: SQLITE_ERROR)
  public static let abort = SQLiteResultCode(rawValue: SQLITE_ABORT)
  public static let busy = SQLiteResultCode(rawValue: SQLITE_BUSY)
  public static let locked = SQLiteResultCode(rawValue: SQLITE_LOCKED)
  public static let noMemory = SQLiteResultCode(rawValue: SQLITE_NOMEM)
  public static let readOnly = SQLiteResultCode(rawValue: SQLITE_READONLY)
  public static let interrupt = SQLiteResultCode(rawValue: SQLITE_INTERRUPT)
  public static let ioError = SQLiteResultCode(rawValue: SQLITE_IOERR)
  public static let corrupt = SQLiteResultCode(rawValue: SQLITE_CORRUPT)
  public static let full = SQLiteResultCode(rawValue: SQLITE_FULL)
  public static let cantOpen = SQLiteResultCode(rawValue: SQLITE_CANTOPEN)
  public static let schema = SQLiteResultCode(rawValue: SQLITE_SCHEMA)
  public static let tooBig = SQLiteResultCode(rawValue: SQLITE_TOOBIG)
  public static let constraint = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT)
  public static let mismatch = SQLiteResultCode(rawValue: SQLITE_MISMATCH)
  public static let misuse = SQLiteResultCode(rawValue: SQLITE_MISUSE)
  public static let range = SQLiteResultCode(rawValue: SQLITE_RANGE)
  public static let notADatabase = SQLiteResultCode(rawValue: SQLITE_NOTADB)

  // Swift does not import the extended-code macros, which are built with a shift, so
  // these repeat their definitions from sqlite3.h.
  public static let constraintCheck = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (1 << 8))
  public static let constraintForeignKey = SQLiteResultCode(
    rawValue: SQLITE_CONSTRAINT | (3 << 8))
  public static let constraintNotNull = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (5 << 8))
  public static let constraintPrimaryKey = SQLiteResultCode(
    rawValue: SQLITE_CONSTRAINT | (6 << 8))
  public static let constraintUnique = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (8 << 8))

  private static let primaryNames: [Int32: String] = [
    SQLITE_OK: "SQLITE_OK",
    SQLITE_ERROR: "SQLITE_ERROR",
    SQLITE_INTERNAL: "SQLITE_INTERNAL",
    SQLITE_PERM: "SQLITE_PERM",
    SQLITE_ABORT: "SQLITE_ABORT",
    SQLITE_BUSY: "SQLITE_BUSY",
    SQLITE_LOCKED: "SQLITE_LOCKED",
    SQLITE_NOMEM: "SQLITE_NOMEM",
    SQLITE_READONLY: "SQLITE_READONLY",
    SQLITE_INTERRUPT: "SQLITE_INTERRUPT",
    SQLITE_IOERR: "SQLITE_IOERR",
    SQLITE_CORRUPT: "SQLITE_CORRUPT",
    SQLITE_NOTFOUND: "SQLITE_NOTFOUND",
    SQLITE_FULL: "SQLITE_FULL",
    SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
    SQLITE_PROTOCOL: "SQLITE_PROTOCOL",
    SQLITE_EMPTY: "SQLITE_EMPTY",
    SQLITE_SCHEMA: "SQLITE_SCHEMA",
    SQLITE_TOOBIG: "SQLITE_TOOBIG",
    SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT",
    SQLITE_MISMATCH: "SQLITE_MISMATCH",
    SQLITE_MISUSE: "SQLITE_MISUSE",
    SQLITE_NOLFS: "SQLITE_NOLFS",
    SQLITE_AUTH: "SQLITE_AUTH",
    SQLITE_FORMAT: "SQLITE_FORMAT",
    SQLITE_RANGE: "SQLITE_RANGE",
    SQLITE_NOTADB: "SQLITE_NOTADB",
    SQLITE_NOTICE: "SQLITE_NOTICE",
    SQLITE_WARNING: "SQLITE_WARNING",
    SQLITE_ROW: "SQLITE_ROW",
    SQLITE_DONE: "SQLITE_DONE",
  ]
}

/// A failed SQLite call, or a value or request that this module rejects before it
/// reaches SQLite.
///
/// An error from SQLite carries the result code it returned and the message from
/// `sqlite3_errmsg`. This module also checks some requests itself, such as a NaN bound
/// as a value, an index out of range or a second statement in `prepare`. Its errors
/// carry the code that SQLite uses for the same kind of failure (`SQLITE_MISMATCH`,
/// `SQLITE_RANGE`, `SQLITE_MISUSE`) and a message written here.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The primary result code, such as `.constraint`.
  public var code: SQLiteResultCode { extendedCode.primary }

  /// The extended result code, such as `.constraintUnique`. It equals `code` when
  /// SQLite has no more specific code for the failure.
  public let extendedCode: SQLiteResultCode

  /// The message that `sqlite3_errmsg` returned, or this module's own message.
  public let message: String

  /// The SQL text of the statement that failed, when a statement was involved.
  public let sql: String?

  /// The path of the database file, or `nil` for an in-memory database.
  public let path: String?

  public init(extendedCode: SQLiteResultCode, message: String, sql: String?, path: String?) {
    self.extendedCode = extendedCode
    self.message = message
    self.sql = sql
    self.path = path
  }

  /// Whether the storage failed underneath SQLite: an I/O error (`SQLITE_IOERR`) or a
  /// full disk or database (`SQLITE_FULL`).
  ///
  /// These are runtime failures of the machine, not of the input or the SQL, so the
  /// command line reports them with their own exit status.
  public var isIOErrorOrDiskFull: Bool {
    code == .ioError || code == .full
  }

  public var description: String {
    var text = "SQLite error \(code.primaryName)"
    if extendedCode != code {
      text += " (extended code \(extendedCode.rawValue))"
    }
    text += ": \(message)"
    if let path {
      text += "\n  database: \(path)"
    }
    if let sql {
      text += "\n  SQL: \(sql)"
    }
    return text
  }
}

extension SQLiteError {
  /// Creates the error for a status that an SQLite call on `connection` returned.
  ///
  /// Read the message before any other call on the connection, because the next call
  /// replaces it. The extended code comes from `sqlite3_extended_errcode` when it
  /// agrees with `status`, so a code left over from an earlier call is never reported.
  init(status: Int32, connection: OpaquePointer?, sql: String?, path: String?) {
    var extended = status
    var message = String(cString: sqlite3_errstr(status))
    if let connection {
      let recorded = sqlite3_extended_errcode(connection)
      if recorded & 0xFF == status & 0xFF {
        extended = recorded
        message = String(cString: sqlite3_errmsg(connection))
      }
    }
    self.init(
      extendedCode: SQLiteResultCode(rawValue: extended), message: message, sql: sql, path: path)
  }
}

import Foundation

/// A value in one of SQLite's five storage classes.
public enum SQLiteValue: Hashable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)
}

/// A Swift value that can be bound to a statement parameter.
///
/// Conversion throws when SQLite cannot store the value without changing it. The two
/// such cases are a `UInt64` above `Int64.max`, because SQLite integers are signed
/// 64-bit, and a `Double` NaN, which SQLite would store as NULL.
public protocol SQLiteBindable {
  /// Converts the value to the SQLite value it is stored as.
  ///
  /// - Throws: `SQLiteError` with code `.mismatch` when the value has no exact SQLite
  ///   representation.
  func sqliteValue() throws -> SQLiteValue
}

extension SQLiteValue: SQLiteBindable {
  /// Returns the value itself, except that a `.real` NaN throws like a `Double` NaN.
  public func sqliteValue() throws -> SQLiteValue {
    if case .real(let number) = self {
      return try number.sqliteValue()
    }
    return self
  }
}

extension Int: SQLiteBindable {
  public func sqliteValue() throws -> SQLiteValue {
    .integer(Int64(self))
  }
}

extension Int64: SQLiteBindable {
  public func sqliteValue() throws -> SQLiteValue {
    .integer(self)
  }
}

extension UInt64: SQLiteBindable {
  /// Returns the value as an SQLite integer.
  ///
  /// - Throws: `SQLiteError` with code `.mismatch` for values above `Int64.max`.
  ///   Storing them as text or as a wrapped negative integer would break comparison
  ///   and arithmetic in SQL, so the caller must choose a representation.
  public func sqliteValue() throws -> SQLiteValue {
    guard let signed = Int64(exactly: self) else {
      throw SQLiteError(
        extendedCode: .mismatch,
        message: "UInt64 value \(self) is above Int64.max (\(Int64.max)), the largest "
          + "integer SQLite stores. Bind it as text or a blob if the exact value must be kept",

        sql: nil, path: nil)
    }
    return .integer(signed)
  }
}

extension Double: SQLiteBindable {
  /// Returns the value as an SQLite real.
  ///
  /// Infinities are stored and read back exactly. A column with REAL affinity stores
  /// -0.0 as 0.0, because SQLite keeps a real without a fractional part as an integer
  /// there. A column without a declared type keeps the sign.
  ///
  /// - Throws: `SQLiteError` with code `.mismatch` for NaN, because SQLite would store
  ///   NULL in its place, which reads back as a missing value rather than a failed
  ///   computation.
  public func sqliteValue() throws -> SQLiteValue {
    guard !isNaN else {
      throw SQLiteError(
        extendedCode: .mismatch,
        message: "Double value NaN cannot be stored, because SQLite would turn it into NULL. "
          + "Bind nil for a missing value",
        sql: nil, path: nil)
    }
    return .real(self)
  }
}

extension String: SQLiteBindable {
  public func sqliteValue() throws -> SQLiteValue {
    .text(self)
  }
}

extension Data: SQLiteBindable {
  public func sqliteValue() throws -> SQLiteValue {
    .blob(self)
  }
}

extension Bool: SQLiteBindable {
  /// Returns 1 for `true` and 0 for `false`, because SQLite has no boolean type.
  public func sqliteValue() throws -> SQLiteValue {
    .integer(self ? 1 : 0)
  }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
  /// Returns `.null` for `nil`, and the wrapped value's conversion otherwise.
  public func sqliteValue() throws -> SQLiteValue {
    switch self {
    case .none: .null
    case .some(let wrapped): try wrapped.sqliteValue()
    }
  }
}

import Config
import Foundation
import Warehouse

extension SweepResults {
  /// The metrics table's columns before the grid paths' columns.
  static let leadingColumns = ["run_id"]
  /// The metrics table's columns after the grid paths' columns.
  static let trailingColumns = [
    "replicate", "seed", "metric", "kind", "estimate", "lower", "upper", "p_value",
    "true_value", "undefined_reason",
  ]
  /// The schema version of a sweep's `results.sqlite`, in `sweep_metadata`.
  public static let schemaVersion = 1

  /// Writes `results.sqlite` and `results.csv` into `directory`, each through a hidden
  /// temporary file renamed over the old one, so a failure leaves the old file or none.
  public func writeTables(into directory: String) throws {
    let databasePath = directory + "/results.sqlite"
    let temporary = "\(directory)/.results.sqlite.partial-\(getpid())"
    try? FileManager.default.removeItem(atPath: temporary)
    do {
      try writeDatabase(to: temporary)
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      if let sqlite = error as? SQLiteError, sqlite.isIOErrorOrDiskFull {
        throw RuntimeFailure("writing \(databasePath) failed: \(sqlite.description)")
      }
      throw error
    }
    guard rename(temporary, databasePath) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw RuntimeFailure("cannot replace \(databasePath): \(reason)")
    }
    try AtomicFile.write(csv, to: directory + "/results.csv")
  }

  /// Returns a column name as an SQL identifier in double quotes.
  private static func identifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private func writeDatabase(to path: String) throws {
    let database = try Database(path: path)
    let gridColumns = plan.axes.map { Self.identifier($0.path) + "," }.joined(separator: " ")
    try database.execute(
      """
      CREATE TABLE sweep_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE grid (
        position INTEGER NOT NULL, path TEXT NOT NULL, value_index INTEGER NOT NULL,
        value, value_json TEXT NOT NULL, PRIMARY KEY (position, value_index)
      );
      CREATE TABLE plan (
        run_id TEXT PRIMARY KEY, point INTEGER NOT NULL, replicate INTEGER NOT NULL,
        seed TEXT NOT NULL, \(gridColumns) scenario_sha256 TEXT NOT NULL, status TEXT NOT NULL
      );
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES plan (run_id), \(gridColumns)
        replicate INTEGER NOT NULL, seed TEXT NOT NULL, metric TEXT NOT NULL,
        kind TEXT NOT NULL, estimate REAL, lower REAL, upper REAL, p_value REAL,
        true_value REAL, undefined_reason TEXT
      );
      CREATE INDEX metrics_by_metric ON metrics (metric, run_id);
      """)
    let missing = Set(missingRuns)
    let placeholders = String(repeating: "?, ", count: plan.axes.count)
    try database.transaction { database in
      for (key, value) in metadata {
        try database.run(
          "INSERT INTO sweep_metadata (key, value) VALUES (?, ?)", binding: [key, value])
      }
      for (position, axis) in plan.axes.enumerated() {
        for (index, value) in axis.values.enumerated() {
          try database.run(
            "INSERT INTO grid (position, path, value_index, value, value_json) "
              + "VALUES (?, ?, ?, ?, ?)",
            binding: [
              position + 1, axis.path, index + 1, SweepValue.sqliteValue(value),
              (try? SweepValue.compactJSON(value)) ?? "null",
            ])
        }
      }
      for run in plan.runs {
        try database.run(
          "INSERT INTO plan VALUES (?, ?, ?, ?, \(placeholders)?, ?)",
          binding: [run.id, run.point, run.replicate, String(run.seed)]
            + run.values.map { SweepValue.sqliteValue($0) }
            + [run.scenarioSHA256, missing.contains(run.id) ? "missing" : "done"])
      }
      let insert = "INSERT INTO metrics VALUES (?, \(placeholders)?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      for row in rows {
        let run = plan.runs[row.run]
        let metric = row.metric
        var values: [(any SQLiteBindable)?] = [run.id]
        values += run.values.map { SweepValue.sqliteValue($0) }
        values += [
          run.replicate, String(run.seed), metric.name, metric.kind.rawValue, metric.value,
          metric.interval?.lowerBound, metric.interval?.upperBound, row.pValue, row.trueValue,
          metric.undefinedReason,
        ]
        try database.run(insert, binding: values)
      }
    }
  }

  /// The rows of `sweep_metadata`, in order.
  var metadata: [(String, String)] {
    [
      ("schemaVersion", "\(Self.schemaVersion)"), ("kind", "sweep"),
      ("scenario", plan.scenario), ("loopsimVersion", plan.loopsimVersion),
      ("seed", "\(plan.seed)"), ("replicates", "\(plan.replicates)"),
      ("points", "\(plan.points)"), ("runs", "\(plan.runs.count)"),
      ("gridPaths", plan.axes.map(\.path).joined(separator: "\n")),
      ("missingRuns", missingRuns.joined(separator: ",")),
    ]
  }

  /// `results.csv`: the rows of the `metrics` table with a header, fields quoted as RFC
  /// 4180 requires, lines ending in a line feed. Numbers are in the shortest form that
  /// reads back as the same double, and an undefined value is an empty field.
  public var csv: String {
    let header = Self.leadingColumns + plan.axes.map(\.path) + Self.trailingColumns
    var lines = [header.map(Self.csvField).joined(separator: ",")]
    lines.reserveCapacity(rows.count + 1)
    func number(_ value: Double?) -> String { value.map(JSONWriter.render) ?? "" }
    for row in rows {
      let run = plan.runs[row.run]
      let metric = row.metric
      let fields =
        [run.id] + run.values.map(SweepValue.csvText)
        + [
          String(run.replicate), String(run.seed), metric.name, metric.kind.rawValue,
          number(metric.value), number(metric.interval?.lowerBound),
          number(metric.interval?.upperBound), number(row.pValue), number(row.trueValue),
          metric.undefinedReason ?? "",
        ]
      lines.append(fields.map(Self.csvField).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Quotes a field that contains a comma, a quote or a line break, as RFC 4180 does.
  static func csvField(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

import Config
import Foundation
import Simulation
import Warehouse

/// The inputs of the report from a results folder: `summary.json` as a tree, and a few
/// tables of `results.sqlite`.
struct ReportInput {
  let summary: SummaryNode
  /// `run_metadata` rows in table order, without the long texts (the resolved scenario
  /// and the tracking plan).
  let metadata: [(key: String, value: String)]
  /// Hours from assignment to each converter's first counted order, per arm, sorted; nil
  /// when the database has no `conversions` table.
  let hoursToConversion: [(arm: String, hours: [Double])]?
  /// Emails per arm and the number with each lifecycle time set; nil without an `emails`
  /// table.
  let emailEngagement: EmailEngagement?

  /// The email counts of one run: the lifecycle columns and one row per arm.
  struct EmailEngagement {
    /// Stage names from the `*_at` columns after `sent_at`: `delivered`, `bounced`, ….
    let stages: [String]
    /// Per arm: emails sent, then the count for each stage.
    let arms: [(arm: String, sent: Int64, counts: [Int64])]
  }

  /// Reads the results folder at `directory`.
  ///
  /// - Throws: `InputError` (exit status 2) when the folder, `summary.json` or
  ///   `results.sqlite` is missing, when `summary.json` is not a JSON object, and when
  ///   `results.sqlite` is not a LoopSim results database.
  static func load(directory: String) throws -> ReportInput {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw InputError(
        "\(directory): no such folder. Fix: give the results folder of a run, which "
          + "contains summary.json and results.sqlite (loopsim run prints its path).")
    }
    guard isDirectory.boolValue else {
      throw InputError(
        "\(directory): not a folder. Fix: give the results folder of a run, which contains "
          + "summary.json and results.sqlite, not a file in it.")
    }
    let summary = try readSummary(directory + "/summary.json")
    let database = try openResults(directory + "/results.sqlite")
    return ReportInput(
      summary: summary,
      metadata: try readMetadata(database),
      hoursToConversion: try readHoursToConversion(database, armOrder: summary["arms"]),
      emailEngagement: try readEmailEngagement(database, armOrder: summary["arms"]))
  }

  private static func readSummary(_ path: String) throws -> SummaryNode {
    guard FileManager.default.fileExists(atPath: path) else {
      throw InputError(
        "\(path): missing. Fix: give the folder of a finished run; `loopsim run` writes "
          + "summary.json, and a folder without it is not a results folder.")
    }
    let root: ConfigNode
    do {
      root = try JSON5.parse(contentsOfFile: path)
    } catch .syntax(let error) {
      throw ReportInputError(
        message: error.description
          + "\nsummary.json is not valid JSON. Fix: rerun the scenario to write the folder "
          + "again; the file is damaged.",
        isLocated: true)
    } catch {
      throw InputError("\(error.description)")
    }
    guard case .object = root.value else {
      throw InputError(
        "\(path): expected a JSON object, found \(root.kindAndValueDescription). Fix: rerun "
          + "the scenario to write the folder again; the file is not a run summary.")
    }
    return SummaryNode(root)
  }

  private static func openResults(_ path: String) throws -> Database {
    guard FileManager.default.fileExists(atPath: path) else {
      throw InputError(
        "\(path): missing. Fix: give the folder of a finished run; `loopsim run` writes "
          + "results.sqlite beside summary.json.")
    }
    let notResults =
      "Fix: give the folder of a finished run; the file is not one that `loopsim run` wrote."
    let database: Database
    do {
      database = try Database(path: path, mode: .readOnly)
    } catch let error as SQLiteError where error.code == .notADatabase {
      throw InputError("\(path): not an SQLite database. \(notResults)")
    }
    do {
      guard try hasTable(database, "run_metadata") else {
        throw InputError(
          "\(path): not a LoopSim results database (it has no run_metadata table). "
            + notResults)
      }
      let versions = try database.mapRows(
        "SELECT value FROM run_metadata WHERE key = ?", binding: ["schemaVersion"]
      ) { try $0.string(at: 0) }
      guard versions.count == 1 else {
        throw InputError(
          "\(path): not a LoopSim results database (run_metadata has no schemaVersion). "
            + notResults)
      }
    } catch let error as SQLiteError where error.code == .notADatabase || error.code == .corrupt {
      throw InputError("\(path): the database is damaged (\(error.message)). \(notResults)")
    }
    return database
  }

  static func hasTable(_ database: Database, _ name: String) throws -> Bool {
    try !database.mapRows(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?", binding: [name]
    ) { _ in () }.isEmpty
  }

  private static func columns(_ database: Database, of table: String) throws -> [String] {
    try database.mapRows(
      "SELECT name FROM pragma_table_info(?) ORDER BY cid", binding: [table]
    ) { try $0.string(at: 0) }
  }

  private static func readMetadata(_ database: Database) throws -> [(key: String, value: String)] {
    try database.mapRows(
      "SELECT key, value FROM run_metadata WHERE key NOT IN (?, ?) ORDER BY rowid",
      binding: ["resolvedScenario", "trackingPlan"]
    ) { row in (try row.string(at: 0), try row.string(at: 1)) }
  }

  /// Reads each converter's first counted order. A row whose times do not parse is
  /// skipped rather than failing the report.
  private static func readHoursToConversion(
    _ database: Database, armOrder: SummaryNode
  ) throws -> [(arm: String, hours: [Double])]? {
    guard try hasTable(database, "conversions") else { return nil }
    let wanted = ["user_id", "arm", "assigned_at", "timestamp"]
    guard Set(wanted).isSubset(of: try columns(database, of: "conversions")) else { return nil }
    let rows = try database.mapRows(
      """
      SELECT arm, assigned_at, MIN(timestamp) FROM conversions
      GROUP BY user_id, arm, assigned_at ORDER BY arm, user_id
      """
    ) { row in (try row.string(at: 0), try row.string(at: 1), try row.string(at: 2)) }

    var hoursByArm: [String: [Double]] = [:]
    for (arm, assigned, converted) in rows {
      guard let start = ScenarioClock.unixMilliseconds(parsingTimestamp: assigned),
        let end = ScenarioClock.unixMilliseconds(parsingTimestamp: converted)
      else { continue }
      hoursByArm[arm, default: []].append(Double(end - start) / 3_600_000)
    }
    return orderedArms(Array(hoursByArm.keys), armOrder: armOrder).map { arm in
      (arm, hoursByArm[arm, default: []].sorted())
    }
  }

  private static func readEmailEngagement(
    _ database: Database, armOrder: SummaryNode
  ) throws -> EmailEngagement? {
    guard try hasTable(database, "emails") else { return nil }
    let columns = try columns(database, of: "emails")
    guard columns.contains("sent_at") else { return nil }
    // Only plain lowercase names reach the SQL text, each quoted as an identifier.
    let stageColumns = columns.filter { name in
      name != "sent_at" && name.hasSuffix("_at")
        && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "_" }
    }
    let armExpression = columns.contains("arm") ? "COALESCE(arm, '')" : "''"
    let counts = stageColumns.map { "COUNT(\"\($0)\")" }
    let sql =
      "SELECT \(armExpression) AS arm_name, COUNT(*)"
      + counts.map { ", " + $0 }.joined()
      + " FROM emails GROUP BY arm_name ORDER BY arm_name"
    let rows = try database.mapRows(sql) { row in
      (
        arm: try row.string(at: 0), sent: try row.int64(at: 1),
        counts: try (0..<stageColumns.count).map { try row.int64(at: $0 + 2) }
      )
    }
    let byArm = Dictionary(uniqueKeysWithValues: rows.map { ($0.arm, $0) })
    let arms = orderedArms(Array(byArm.keys), armOrder: armOrder).compactMap { byArm[$0] }
    return EmailEngagement(
      stages: stageColumns.map { String($0.dropLast(3)) }, arms: arms)
  }

  /// Sorts arm names in the order of the summary's `arms`, then any others by name.
  private static func orderedArms(_ names: [String], armOrder: SummaryNode) -> [String] {
    let order = armOrder.elements.compactMap { $0["name"].string }
    let known = order.filter(names.contains)
    return known + names.filter { !order.contains($0) }.sorted()
  }
}

/// An input error whose message may already carry a `FILE:LINE:COLUMN:` location.
struct ReportInputError: ReportableError {
  let message: String
  let isLocated: Bool

  var exitStatus: ExitStatus { .invalidInput }
  var description: String { message }
}

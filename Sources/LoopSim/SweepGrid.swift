import Config
import Foundation
import Warehouse

/// One `--grid PATH=V1,V2,…` option of `loopsim sweep`: a scenario field and the values
/// the sweep gives it.
///
/// The list splits at every comma outside brackets, braces and quotes, so a JSON5 array
/// (`[1,2]`), object (`{a: 1, b: 2}`) or quoted string (`'a,b'`) is one value. A quote
/// opens a string only at the start of a value or inside brackets. Whitespace around each
/// value is removed. Each value is then read like a `--set` value: as JSON5
/// when it parses as JSON5, else as the string itself.
public struct SweepAxis: Sendable {
  /// The option's text as given, without `--grid`.
  public let option: String
  public let path: FieldPath
  public let values: [ConfigNode]

  /// The path as written in column names and messages, such as `workflows[0].steps[0].wait`.
  public var name: String { path.description }

  /// Reads the text of one `--grid` option.
  ///
  /// - Throws: `InputError` for a path that does not parse, an empty list or value, an
  ///   unclosed bracket or quote, a value given twice, and for `run.seed`, which the
  ///   replicates set.
  public init(parsing option: String) throws {
    self.option = option
    let split: (path: FieldPath, valueText: String)
    do {
      split = try ConfigOverride.split(option)
    } catch {
      var detail = error.description
      if detail.hasPrefix("error: ") {
        detail.removeFirst("error: ".count)
      }
      throw InputError(
        "--grid '\(option)': \(detail)\nFix: write PATH=V1,V2 with keys joined by dots and "
          + "list indices from 0 in brackets, such as --grid experiment.arms[0].listedClasses=1,3.")
    }
    path = split.path
    if path.isEmpty {
      throw Self.error(option, "the field path is empty", fix: "write PATH=V1,V2, such as "
        + "--grid run.customers=1000,2000")
    }
    if path == ["run", "seed"] {
      throw Self.error(
        option, "run.seed cannot be a grid path, because replicate r runs at seed S + r − 1",
        fix: "give the first seed with --seed S and the number of seeds with --replicates R")
    }
    if path.description.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      throw Self.error(
        option, "the field path contains a control character, which cannot name a column",
        fix: "address the field without control characters")
    }

    let texts = try Self.splitValues(split.valueText, option: option)
    var values: [ConfigNode] = []
    var seen: [String: Int] = [:]
    for (index, text) in texts.enumerated() {
      let node = ConfigOverride.value(fromText: text, for: path, source: "--grid \(path)")
      let key = (try? SweepValue.compactJSON(node)) ?? text
      if let first = seen[key] {
        throw Self.error(
          option, "value \(index + 1) (\(text)) repeats value \(first + 1)",
          fix: "list each value once; use --replicates for more runs of a point")
      }
      seen[key] = index
      values.append(node)
    }
    self.values = values
  }

  /// Splits a value list at the commas outside brackets, braces and quotes, and trims the
  /// whitespace around each value.
  static func splitValues(_ text: String, option: String) throws -> [String] {
    if text.allSatisfy(\.isWhitespace) {
      throw error(
        option, "the value list is empty",
        fix: "give at least one value after '=', such as --grid run.customers=1000,2000")
    }
    var values: [String] = []
    var current = ""
    var closers: [Character] = []
    var quote: Character?
    var escaped = false
    for character in text {
      if let open = quote {
        current.append(character)
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == open {
          quote = nil
        }
        continue
      }
      switch character {
      case "\"", "'" where !closers.isEmpty || current.allSatisfy(\.isWhitespace):
        // A quote starts a JSON5 string only at the start of a value or inside brackets,
        // so an apostrophe inside a plain word (it's) is text.
        quote = character
      case "[":
        closers.append("]")
      case "{":
        closers.append("}")
      case "]", "}":
        guard closers.last == character else {
          throw error(
            option, "unexpected '\(character)' in value \(values.count + 1)",
            fix: "balance the brackets, or quote a string value that contains them")
        }
        closers.removeLast()
      case "," where closers.isEmpty:
        values.append(current)
        current = ""
        continue
      default:
        break
      }
      current.append(character)
    }
    if let quote {
      throw error(
        option, "value \(values.count + 1) has an unclosed \(quote)",
        fix: "close the quote")
    }
    if let closer = closers.last {
      throw error(
        option, "value \(values.count + 1) has no closing '\(closer)'",
        fix: "balance the brackets, or quote a string value that contains them")
    }
    values.append(current)

    let trimmed = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    if let empty = trimmed.firstIndex(where: \.isEmpty) {
      throw error(
        option, "value \(empty + 1) is empty",
        fix: "remove the extra comma, or write '' for an empty string")
    }
    return trimmed
  }

  static func error(_ option: String, _ problem: String, fix: String) -> InputError {
    InputError("--grid '\(option)': \(problem). Fix: \(fix).")
  }
}

extension SweepAxis {
  /// Rejects a grid whose axes address the same field twice, or one field inside another,
  /// or whose paths differ only in case (SQLite column names ignore case).
  static func checkDistinct(_ axes: [SweepAxis]) throws {
    let reserved = SweepResults.leadingColumns + SweepResults.trailingColumns
    for (index, axis) in axes.enumerated() {
      if reserved.contains(axis.name.lowercased()) {
        throw error(
          axis.option, "\(axis.name) is the name of a column of the results",
          fix: "give the path of a scenario field, such as run.customers")
      }
      for earlier in axes[..<index] {
        let shorter = min(earlier.path.components.count, axis.path.components.count)
        let overlaps =
          Array(earlier.path.components.prefix(shorter))
          == Array(axis.path.components.prefix(shorter))
        if overlaps {
          let problem =
            earlier.path == axis.path
            ? "\(axis.name) is already a grid path in --grid '\(earlier.option)'"
            : "\(axis.name) overlaps the grid path \(earlier.name) of --grid '\(earlier.option)'"
          throw error(
            axis.option, problem,
            fix: "list all values of a field in one --grid option, and grid fields that do "
              + "not contain one another")
        }
        if earlier.name.lowercased() == axis.name.lowercased() {
          throw error(
            axis.option,
            "\(axis.name) differs from the grid path \(earlier.name) only in case, and "
              + "the results' column names ignore case",
            fix: "sweep one of the two fields in a separate sweep")
        }
      }
    }
  }

  /// Rejects an axis whose path a `--set`, `--customers` or `--seed` option also sets.
  static func checkNotOverridden(_ axes: [SweepAxis], by overrides: [ConfigOverride]) throws {
    for axis in axes {
      for override in overrides {
        let shorter = min(axis.path.components.count, override.path.components.count)
        guard
          Array(axis.path.components.prefix(shorter))
            == Array(override.path.components.prefix(shorter))
        else { continue }
        let source = override.value.location.file
        throw error(
          axis.option, "\(axis.name) is also set by \(source.isEmpty ? "--set" : source)",
          fix: "give the field either as a grid path or as a fixed value, not both")
      }
    }
  }
}

/// Renders grid values for `plan.json`, the results' columns and messages.
enum SweepValue {
  /// Returns `node` as JSON on one line: scalars as `canonicalJSON()` writes them, arrays
  /// and objects without line breaks.
  ///
  /// - Throws: `CanonicalJSONError` for `Infinity` or `NaN`, which JSON cannot express.
  static func compactJSON(_ node: ConfigNode) throws -> String {
    switch node.value {
    case .array(let elements):
      return "[" + (try elements.map(compactJSON).joined(separator: ",")) + "]"
    case .object(let object):
      let members = try object.members.map { member in
        JSONWriter.quoted(member.key) + ":" + (try compactJSON(member.value))
      }
      return "{" + members.joined(separator: ",") + "}"
    default:
      return try node.canonicalJSON()
    }
  }

  /// Returns the value to store in an SQLite column: a number as an integer or real, a
  /// string as text, a boolean as 0 or 1, null as NULL, and an array or object as its
  /// compact JSON text.
  static func sqliteValue(_ node: ConfigNode) -> SQLiteValue {
    switch node.value {
    case .null: return .null
    case .bool(let flag): return .integer(flag ? 1 : 0)
    case .number(let number):
      if number.isExactInteger, let integer = number.int64 { return .integer(integer) }
      return .real(number.double)
    case .string(let text): return .text(text)
    case .array, .object: return .text((try? compactJSON(node)) ?? "")
    }
  }

  /// Returns the value as a CSV field's text: a string as itself, anything else as its
  /// compact JSON, and null as an empty field.
  static func csvText(_ node: ConfigNode) -> String {
    switch node.value {
    case .null: return ""
    case .string(let text): return text
    default: return (try? compactJSON(node)) ?? ""
    }
  }
}

import Foundation
import Config
import LoopSim

/// An option a verb accepts: a flag (`--json`) or an option with a value (`--seed S`).
struct OptionSpec {
  let name: String
  /// The placeholder shown in help; nil for a flag.
  let valueName: String?
  let repeatable: Bool
  let help: String

  static func flag(_ name: String, help: String) -> OptionSpec {
    OptionSpec(name: name, valueName: nil, repeatable: false, help: help)
  }

  static func value(
    _ name: String, _ valueName: String, repeatable: Bool = false, help: String
  ) -> OptionSpec {
    OptionSpec(name: name, valueName: valueName, repeatable: repeatable, help: help)
  }
}

/// A verb's command-line interface: what it takes and the text of its `--help`.
struct VerbSpec {
  let name: String
  let summary: String
  let usage: String
  let discussion: String
  let positionalName: String
  let positionalRange: ClosedRange<Int>
  let options: [OptionSpec]

  /// Options every verb accepts.
  static let commonOptions: [OptionSpec] = [
    .value(
      "--log-level", "LEVEL",
      help: "Log messages at LEVEL and above to standard error: trace, debug, info, "
        + "notice, warning or error (default: info)."),
    .flag("--quiet", help: "Log warnings and errors only, and show no progress."),
    .flag("--help", help: "Show this help and exit."),
  ]

  var allOptions: [OptionSpec] { options + VerbSpec.commonOptions }

  var helpText: String {
    var lines = ["OVERVIEW: \(summary)", "", "USAGE: \(usage)", ""]
    if !discussion.isEmpty {
      lines += [discussion, ""]
    }
    lines.append("OPTIONS:")
    for option in allOptions {
      let left = option.valueName.map { "\(option.name) \($0)" } ?? option.name
      lines.append("  " + left.padding(toLength: max(24, left.count + 2), withPad: " ", startingAt: 0)
        + option.help)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Arguments after parsing against a `VerbSpec`.
struct ParsedArguments {
  var positionals: [String] = []
  var values: [String: [String]] = [:]
  var flags: Set<String> = []

  func value(_ name: String) -> String? { values[name]?.last }
  func values(_ name: String) -> [String] { values[name] ?? [] }
  func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A command-line usage error: exit status 2 with a pointer to `--help`.
struct UsageError: ReportableError {
  let message: String
  let verb: String?

  var exitStatus: ExitStatus { .invalidInput }

  var description: String {
    let helpCommand = verb.map { "loopsim \($0) --help" } ?? "loopsim --help"
    return "\(message)\nSee '\(helpCommand)'."
  }
}

enum ArgumentParser {
  /// Parses `arguments` (the words after the verb) against `spec`. Accepts `--name value`
  /// and `--name=value`; `--` ends the options.
  static func parse(_ arguments: [String], for spec: VerbSpec) throws -> ParsedArguments {
    var parsed = ParsedArguments()
    let optionsByName = Dictionary(
      spec.allOptions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    var index = 0
    var optionsEnded = false

    while index < arguments.count {
      let word = arguments[index]
      index += 1
      if optionsEnded || !word.hasPrefix("-") || word == "-" {
        parsed.positionals.append(word)
        continue
      }
      if word == "--" {
        optionsEnded = true
        continue
      }

      let (name, inlineValue) = splitOption(word)
      guard let option = optionsByName[name] else {
        var message = "unknown option '\(name)' for 'loopsim \(spec.name)'."
        if let suggestion = closestMatch(to: name, among: spec.allOptions.map(\.name)) {
          message += " Did you mean '\(suggestion)'?"
        }
        throw UsageError(message: message, verb: spec.name)
      }

      guard let valueName = option.valueName else {
        if inlineValue != nil {
          throw UsageError(
            message: "option '\(name)' is a flag and takes no value.", verb: spec.name)
        }
        parsed.flags.insert(name)
        continue
      }

      let value: String
      if let inlineValue {
        value = inlineValue
      } else if index < arguments.count, !arguments[index].hasPrefix("--") {
        value = arguments[index]
        index += 1
      } else {
        throw UsageError(
          message: "option '\(name)' needs a value: \(name) \(valueName).", verb: spec.name)
      }
      if !option.repeatable, parsed.values[name] != nil {
        throw UsageError(message: "option '\(name)' is given twice.", verb: spec.name)
      }
      parsed.values[name, default: []].append(value)
    }

    if parsed.flag("--help") {
      return parsed
    }
    let count = parsed.positionals.count
    if count < spec.positionalRange.lowerBound {
      throw UsageError(message: "missing \(spec.positionalName).", verb: spec.name)
    }
    if count > spec.positionalRange.upperBound {
      let extra = parsed.positionals[spec.positionalRange.upperBound]
      throw UsageError(
        message: "unexpected argument '\(extra)': 'loopsim \(spec.name)' takes "
          + (spec.positionalRange.upperBound == 0
            ? "no arguments."
            : "at most \(spec.positionalRange.upperBound) \(spec.positionalName)."),
        verb: spec.name)
    }
    return parsed
  }

  private static func splitOption(_ word: String) -> (name: String, value: String?) {
    guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
    return (String(word[..<equals]), String(word[word.index(after: equals)...]))
  }
}

/// Returns the candidate closest to `word` when it is close enough to be a typo.
func closestMatch(to word: String, among candidates: [String]) -> String? {
  Suggestion.closest(to: word, among: candidates)
}

import Foundation
import Glibc
import LoopSim
import Simulation

/// A verb of the command line: its interface and what it does.
struct Verb {
  let spec: VerbSpec
  let run: (ParsedArguments) throws -> ExitStatus
}

/// The `loopsim` command: dispatches to a verb and maps errors to exit statuses.
enum LoopSimCommand {
  static var verbs: [Verb] {
    [
      RunVerb.verb, ValidateVerb.verb, ResolveVerb.verb, LiftVerb.verb, PowerVerb.verb,
      ReplayVerb.verb, AttributeVerb.verb, ReportVerb.verb, CheckVerb.verb, CompareVerb.verb,
      MergeVerb.verb, SweepVerb.verb,
    ]
  }

  static let overview = """
    OVERVIEW: LoopSim simulates the customers of an online-course business and the \
    marketing data loop they feed, then measures what the marketing did.

    USAGE: loopsim VERB [options]
           loopsim VERB --help
           loopsim --version

    VERBS:
    """

  static func main(_ arguments: [String]) -> ExitStatus {
    guard let first = arguments.first else {
      writeError("missing verb.\nSee 'loopsim --help'.")
      return .invalidInput
    }
    switch first {
    case "--help", "-h", "help":
      if first == "help", arguments.count > 1 {
        return main([arguments[1], "--help"])
      }
      writeOutput(helpText)
      return .success
    case "--version":
      writeOutput("loopsim \(LoopSimVersion.current)\n")
      return .success
    default:
      break
    }

    guard let verb = verbs.first(where: { $0.spec.name == first }) else {
      var message = "unknown verb '\(first)'."
      if let suggestion = closestMatch(to: first, among: verbs.map(\.spec.name)) {
        message += " Did you mean '\(suggestion)'?"
      }
      writeError(message + "\nSee 'loopsim --help'.")
      return .invalidInput
    }

    do {
      let parsed = try ArgumentParser.parse(Array(arguments.dropFirst()), for: verb.spec)
      if parsed.flag("--help") {
        writeOutput(verb.spec.helpText)
        return .success
      }
      try configureLogging(parsed)
      return try verb.run(parsed)
    } catch let error as ReportableError {
      if error.isLocated {
        writeStandardError(error.description + "\n")
      } else {
        writeError(error.description)
      }
      return error.exitStatus
    } catch {
      writeError("\(error)")
      return .runtimeFailure
    }
  }

  static var helpText: String {
    let width = verbs.map(\.spec.name.count).max() ?? 0
    let rows = verbs.map { verb in
      "  " + verb.spec.name.padding(toLength: width + 4, withPad: " ", startingAt: 0)
        + verb.spec.summary
    }
    return overview + "\n" + rows.joined(separator: "\n") + "\n"
  }

  private static func configureLogging(_ parsed: ParsedArguments) throws {
    if parsed.flag("--quiet") {
      Logger.minimumLevel = .warning
    }
    if let name = parsed.value("--log-level") {
      guard let level = LogLevel(name: name) else {
        let names = LogLevel.allCases.map(\.description).joined(separator: ", ")
        throw UsageError(
          message: "invalid value '\(name)' for '--log-level': expected one of \(names).",
          verb: nil)
      }
      Logger.minimumLevel = level
    }
  }
}

/// Writes results to standard output.
func writeOutput(_ text: String) {
  writeAll(STDOUT_FILENO, text)
}

/// Writes an error message to standard error, prefixed the way compilers prefix theirs.
func writeError(_ message: String) {
  writeAll(STDERR_FILENO, "loopsim: error: \(message)\n")
}

/// Writes text to standard error as is.
func writeStandardError(_ text: String) {
  writeAll(STDERR_FILENO, text)
}

/// Writes all of `text` to a file descriptor with write(2). A failed write (a closed pipe,
/// a full disk) drops the rest of the text: output that cannot be shown must not stop a
/// run, and Foundation's FileHandle would trap on it.
private func writeAll(_ descriptor: Int32, _ text: String) {
  var bytes = Array(text.utf8)[...]
  while !bytes.isEmpty {
    let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    if written < 0 && errno == EINTR { continue }
    guard written > 0 else { return }
    bytes = bytes.dropFirst(written)
  }
}

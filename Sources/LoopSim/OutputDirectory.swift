import Foundation

/// Chooses, stages and publishes a run's results folder.
enum OutputDirectory {
  /// Chooses the folder the run will produce. A requested folder must not exist yet, or
  /// must be empty. The default is a new folder under `RESULTS/runs/` named after the
  /// scenario and the wall-clock time. Only the name uses the clock, so the contents stay
  /// identical between runs.
  static func choose(requested: String?, resultsRoot: String, scenarioName: String) throws
    -> String
  {
    let fileManager = FileManager.default
    if let requested {
      let path = URL(fileURLWithPath: requested).standardizedFileURL.path
      var isDirectory: ObjCBool = false
      if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          throw InputError(
            "--out \(requested): a file with that name exists. "
              + "Fix: give a folder path that does not exist yet.")
        }
        let contents = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
        guard contents.isEmpty else {
          throw InputError(
            "--out \(requested): the folder exists and is not empty, and a run never "
              + "overwrites results. Fix: give a new folder, or remove this one.")
        }
      }
      return path
    }

    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let base = "\(resultsRoot)/runs/\(scenarioName)-\(formatter.string(from: Date()))"
    var candidate = base
    var suffix = 2
    while fileManager.fileExists(atPath: candidate) {
      candidate = "\(base)-\(suffix)"
      suffix += 1
    }
    return URL(fileURLWithPath: candidate).standardizedFileURL.path
  }

  /// Creates the hidden staging folder beside `destination`, creating parents as needed.
  static func createStaging(for destination: String) throws -> String {
    let url = URL(fileURLWithPath: destination)
    let parent = url.deletingLastPathComponent().path
    let staging = "\(parent)/.\(url.lastPathComponent).partial-\(getpid())"
    do {
      try FileManager.default.createDirectory(
        atPath: parent, withIntermediateDirectories: true)
      try? FileManager.default.removeItem(atPath: staging)
      try FileManager.default.createDirectory(
        atPath: staging, withIntermediateDirectories: false)
    } catch {
      throw RuntimeFailure(
        "cannot create the results folder under \(parent): \(error.localizedDescription)")
    }
    return staging
  }

  /// Renames the finished staging folder to its final name in one step. rename(2)
  /// replaces an empty folder at the destination and fails on a non-empty one.
  static func publish(_ staging: String, as destination: String) throws {
    guard rename(staging, destination) == 0 else {
      let reason = String(cString: strerror(errno))
      throw RuntimeFailure("cannot move the results to \(destination): \(reason)")
    }
  }
}

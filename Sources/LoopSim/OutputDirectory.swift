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
      guard !requested.isEmpty else {
        throw InputError("--out needs a folder path. Fix: give a folder that does not exist yet.")
      }
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
    if mkdirWithParents(parent) != 0 || mkdir(staging, 0o755) != 0 {
      let reason = String(cString: strerror(errno))
      throw InputError(
        "cannot create the results folder \(destination): \(reason). "
          + "Fix: choose a folder in a location you can write to.")
    }
    return staging
  }

  /// Renames the finished staging folder to its final name in one step and returns the
  /// name used. rename(2) replaces an empty folder at the destination and fails on a
  /// non-empty one: another run that finished first into the same folder. A default name
  /// then moves on to the next free suffix; a requested folder is an input error.
  static func publish(_ staging: String, as destination: String, isDefault: Bool) throws
    -> String
  {
    var candidate = destination
    var suffix = 2
    while rename(staging, candidate) != 0 {
      let code = errno
      guard code == ENOTEMPTY || code == EEXIST else {
        throw RuntimeFailure(
          "cannot move the results to \(candidate): \(String(cString: strerror(code)))")
      }
      guard isDefault else {
        throw InputError(
          "--out \(destination): another run wrote results into this folder first, and a "
            + "run never overwrites results. Fix: give each run its own folder.")
      }
      candidate = "\(destination)-\(suffix)"
      suffix += 1
    }
    return candidate
  }

  /// Creates `path` and any missing parents, like `mkdir -p`. Returns 0, or -1 with errno.
  private static func mkdirWithParents(_ path: String) -> Int32 {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      if isDirectory.boolValue { return 0 }
      errno = ENOTDIR
      return -1
    }
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    if parent != path, mkdirWithParents(parent) != 0 { return -1 }
    if mkdir(path, 0o755) == 0 || errno == EEXIST { return 0 }
    return -1
  }
}

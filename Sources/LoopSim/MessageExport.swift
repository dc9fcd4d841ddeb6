import Foundation
import Glibc
import Pipeline
import Simulation

/// The `--export-messages` file of a run: every message that Collect received, in the order
/// it received them, one Segment Spec JSON object per line (JSON Lines).
///
/// Each line is `Message.segmentJSON(clock:)` with `context.loopsimSource` set to the
/// message's source (`front-end`, `back-end` or `messaging`), as the client sent it (before
/// a tracking plan removes properties), with `receivedAt` set to when Collect received it. Lines are written to a
/// hidden file beside the destination, `.NAME.partial-PID`, which `commit()` renames to the
/// final name once it is complete and synced. So a failed or interrupted run leaves no file
/// with the final name.
final class MessageExport {
  /// The path the export is published under.
  let destination: String
  private let temporary: String
  private let clock: ScenarioClock
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  /// The errno of the first failed write. Later lines are not written.
  private var writeError: Int32?
  private var state = State.writing

  private enum State {
    case writing, committed, removed
  }

  /// Bytes buffered before a write(2).
  private static let bufferSize = 1 << 20

  /// Creates the hidden file beside `path`.
  ///
  /// - Throws: `InputError` when `path` is empty or exists already (a run never overwrites
  ///   a file), or when its folder is missing or not writable.
  init(path: String, clock: ScenarioClock) throws {
    guard !path.isEmpty else {
      throw InputError(
        "--export-messages needs a file path. Fix: give a path that does not exist yet, "
          + "such as messages.jsonl.")
    }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    if FileManager.default.fileExists(atPath: url.path) {
      throw InputError(
        "--export-messages \(path): a file or folder with that name exists, and a run never "
          + "overwrites one. Fix: give a new path, or remove the existing file.")
    }
    destination = url.path
    temporary =
      url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).partial-\(getpid())"
    self.clock = clock
    descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 {
      let reason = String(cString: strerror(errno))
      throw InputError(
        "--export-messages \(path): cannot create the file: \(reason). "
          + "Fix: choose a path in an existing folder that you can write to.")
    }
  }

  deinit {
    if state == .writing { discard() }
  }

  /// Appends `message` as one line, marked with its source.
  func append(_ message: Message) {
    guard writeError == nil else { return }
    var marked = message
    marked.context.loopsimSource = message.source
    buffer.append(contentsOf: marked.segmentJSON(clock: clock).utf8)
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count >= Self.bufferSize {
      flush()
    }
  }

  /// Writes the rest of the lines, syncs the file and renames it to its final name.
  ///
  /// - Throws: `RuntimeFailure` when a write, the sync or the rename failed (a full disk).
  func commit() throws {
    flush()
    if writeError == nil, fsync(descriptor) != 0 {
      writeError = errno
    }
    if let code = writeError {
      discard()
      throw RuntimeFailure(
        "writing the message export \(destination) failed: \(String(cString: strerror(code)))")
    }
    close(descriptor)
    descriptor = -1
    // NOTE: rename(2) replaces a file that another process created at the destination
    // after this run checked that the path was free.
    guard rename(temporary, destination) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw RuntimeFailure("cannot move the message export to \(destination): \(reason)")
    }
    state = .committed
  }

  /// Removes the export: the hidden file, or the final file after `commit()`. Used when the
  /// run fails after the export was written.
  func discard() {
    if descriptor >= 0 {
      close(descriptor)
      descriptor = -1
    }
    switch state {
    case .writing: unlink(temporary)
    case .committed: unlink(destination)
    case .removed: break
    }
    state = .removed
  }

  private func flush() {
    var written = 0
    while writeError == nil, written < buffer.count {
      let result = buffer[written...].withUnsafeBytes {
        write(descriptor, $0.baseAddress, $0.count)
      }
      if result > 0 {
        written += result
      } else if result == 0 {
        writeError = EIO
      } else if errno != EINTR {
        writeError = errno
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

import Foundation
import Glibc
import Pipeline
import Simulation

/// A line that the reader quarantined, for the replay's `quarantine` table.
struct RejectedLine {
  let line: Int
  let rejection: SegmentLineRejection
  /// The start of the line as read, for the table's `message` column.
  let text: String
}

/// Every line of a replayed file, read and sorted out before the replay starts: the
/// messages for Collect, the rejected lines and the counts of the others.
struct ReplayInput {
  /// The file's name without its folder.
  var fileName: String
  /// SHA-256 of the file's bytes, in lowercase hex.
  var sha256 = ""
  /// Lines in the file. A last line without a line break counts, and the empty text after
  /// a final line break does not.
  var lineCount = 0
  var emptyLines = 0
  /// The messages with their line numbers (from 1), in file order.
  var messages: [(line: Int, message: Message)] = []
  var rejected: [RejectedLine] = []
  var skipReasons: [String: Int] = [:]
  /// The ids the reader gave the file's `messageId` spellings, which the engine's ids avoid.
  var messageIDs = MessageIDTable()

  var skipped: Int { skipReasons.values.reduce(0, +) }

  /// The maximum number of bytes of a rejected line kept in the `quarantine` table.
  static let storedLineBytes = 65_536
  /// Bytes read per read(2).
  private static let chunkSize = 1 << 20

  /// Reads the JSON Lines file at `path` with `reader`.
  ///
  /// Lines end at `\n`, and a `\r` before it is removed, so CRLF files read the same. A UTF-8
  /// byte order mark at the start of the file is skipped. A line longer than
  /// `SegmentMessageReader.maximumLineBytes` is quarantined without being kept whole, so
  /// memory stays bounded by the longest accepted line plus the messages.
  ///
  /// - Throws: `InputError` when the file is missing, is a folder or cannot be read at all.
  ///   `RuntimeFailure` when reading fails partway, and `Interrupted` when `cancellation` is
  ///   set.
  static func read(
    path: String, reader: SegmentMessageReader, cancellation: CancellationFlag?
  ) throws -> ReplayInput {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw InputError(
        "\(path): cannot open the file: \(String(cString: strerror(errno))). "
          + "Fix: give the path of a JSON Lines file of Segment messages.")
    }
    defer { close(descriptor) }
    var status = stat()
    if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
      throw InputError(
        "\(path) is a folder. Fix: give the path of a JSON Lines file of Segment messages.")
    }

    var input = ReplayInput(fileName: URL(fileURLWithPath: path).lastPathComponent)
    var reader = reader
    let hasher = try SHA256()
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var line: [UInt8] = []
    /// The length of the current line once it passed the limit; its bytes are then dropped.
    var overlongCount: Int?
    var bytesRead = 0

    func finishLine() throws {
      input.lineCount += 1
      if let count = overlongCount {
        input.record(
          .rejected(.lineTooLong(byteCount: count)), line: input.lineCount, bytes: line)
      } else {
        if input.lineCount == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
          line.removeFirst(3)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        input.record(try reader.read(line), line: input.lineCount, bytes: line)
      }
      line.removeAll(keepingCapacity: true)
      overlongCount = nil
    }

    while true {
      if cancellation?.isCancelled == true { throw Interrupted() }
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, chunkSize) }
      if count < 0 {
        if errno == EINTR { continue }
        let reason = String(cString: strerror(errno))
        if bytesRead == 0 {
          throw InputError("\(path): cannot read the file: \(reason).")
        }
        throw RuntimeFailure("reading \(path) failed after \(bytesRead) bytes: \(reason)")
      }
      if count == 0 { break }
      bytesRead += count
      let bytes = chunk[0..<count]
      try bytes.withUnsafeBytes { try hasher.update($0) }

      var start = bytes.startIndex
      while start < bytes.endIndex {
        let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
        let piece = bytes[start..<(newline ?? bytes.endIndex)]
        // One byte more than the limit is kept, so a line ending in `\r` may reach it.
        if let count = overlongCount {
          overlongCount = count + piece.count
        } else if line.count + piece.count > SegmentMessageReader.maximumLineBytes + 1 {
          overlongCount = line.count + piece.count
          line.removeSubrange(min(line.count, storedLineBytes)...)
          line.append(contentsOf: piece.prefix(max(0, storedLineBytes - line.count)))
        } else {
          line.append(contentsOf: piece)
        }
        guard let newline else { break }
        try finishLine()
        start = newline + 1
      }
    }
    if !line.isEmpty || overlongCount != nil {
      try finishLine()
    }
    input.sha256 = try hasher.finalize().hexString
    input.messageIDs = reader.messageIDs
    return input
  }

  private mutating func record(_ result: SegmentLine, line: Int, bytes: [UInt8]) {
    switch result {
    case .message(let message):
      messages.append((line, message))
    case .skipped(let reason):
      skipReasons[reason, default: 0] += 1
    case .rejected(let rejection):
      // SQLite's text functions stop at a NUL, so NULs are stored as U+FFFD, as invalid
      // UTF-8 is.
      let text = String(decoding: bytes.prefix(Self.storedLineBytes), as: UTF8.self)
        .replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
      rejected.append(RejectedLine(line: line, rejection: rejection, text: text))
    case .empty:
      emptyLines += 1
    }
  }
}

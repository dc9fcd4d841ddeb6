import Foundation
import Measure

/// The paths of a file in the path format, as `PathFileScanner` reads them.
struct PathFileScan {
  /// The number of data rows, without blank lines.
  let rowCount: Int
  /// The channel names in the order they first appear.
  let names: [String]
  /// One path per distinct sequence of channels, with the rows' counts summed, in the order
  /// each sequence first appears. Touches index into `names`.
  let paths: FlatPaths
}

/// A reader of path-format files that works on the file's bytes in one pass, for files of
/// millions of rows.
///
/// It reads only files that the general reader (`CSVTable`, then the path rows of
/// `AttributionInput`) reads without an error, and it reads them the same way. Such a file
/// is ASCII text without double quotes. Its header has a `path` and a `total_conversions`
/// column, and every row is valid. For any other file `scan` returns nil, and the caller
/// runs the general reader, which gives the same paths or the error with its line.
///
/// Names and counts are trimmed of spaces and tabs, the only ASCII characters in
/// Foundation's `CharacterSet.whitespaces`. Names are compared byte for byte, which for
/// ASCII text is String equality.
struct PathFileScanner {
  /// The kinds of byte that the header and number readers distinguish.
  private enum ByteClass: UInt8 {
    case other, blank, endOfField, rejected
  }

  private static let byteClasses: [ByteClass] = (0...255).map { value in
    switch UInt8(value) {
    case UInt8(ascii: " "), UInt8(ascii: "\t"): .blank
    case UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"): .endOfField
    case UInt8(ascii: "\""), 0x80...0xFF: .rejected
    default: .other
    }
  }

  /// Powers of ten that are exact doubles, 10⁰ to 10²².
  private static let powersOfTen: [Double] = (0...22).map { exponent in
    var power = 1.0
    for _ in 0..<exponent { power *= 10 }
    return power
  }

  private let base: UnsafePointer<UInt8>
  private let end: Int
  private let classes: [ByteClass] = Self.byteClasses
  private let powers: [Double] = Self.powersOfTen

  /// Returns the paths of the regular file at `path`, or nil when it cannot be mapped into
  /// memory or needs the general reader, which then reads it again.
  ///
  /// The file is mapped rather than read, which saves copying its bytes.
  ///
  /// NOTE: A file truncated by another process during the scan stops this one with SIGBUS.
  static func scan(fileAtPath path: String) -> PathFileScan? {
    // Only regular files: opening a named pipe would wait for a writer.
    var status = stat()
    guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
      status.st_size > 0, let size = Int(exactly: status.st_size)
    else { return nil }
    #if canImport(Glibc)
      let flags = MAP_PRIVATE | MAP_POPULATE
    #else
      let flags = MAP_PRIVATE
    #endif
    guard let mapped = mmap(nil, size, PROT_READ, flags, descriptor, 0), mapped != MAP_FAILED
    else { return nil }
    defer { munmap(mapped, size) }
    return scan(UnsafeRawBufferPointer(start: mapped, count: size))
  }

  /// Returns the paths of the file's bytes, or nil when the file needs the general reader.
  ///
  /// - Complexity: O(n) for a file of n bytes, with a hash lookup per row and one per touch
  ///   of each new path field.
  static func scan(_ file: UnsafeRawBufferPointer) -> PathFileScan? {
    let bytes = file.bindMemory(to: UInt8.self)
    guard let base = bytes.baseAddress else { return nil }
    return PathFileScanner(base: base, end: bytes.count).paths()
  }

  private init(base: UnsafePointer<UInt8>, end: Int) {
    self.base = base
    self.end = end
  }

  /// The role of a column in the row loop.
  private enum ColumnKind: UInt8 {
    case path, conversions, value, nulls, other
  }

  private func paths() -> PathFileScan? {
    var position = 0
    if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
      position = 3
    }
    guard let (header, afterHeader) = header(from: position),
      let pathColumn = header.firstIndex(of: "path"),
      let conversionsColumn = header.firstIndex(of: "total_conversions")
    else { return nil }
    var kinds = [ColumnKind](repeating: .other, count: header.count)
    if let column = header.firstIndex(of: "total_null") { kinds[column] = .nulls }
    if let column = header.firstIndex(of: "total_conversion_value") { kinds[column] = .value }
    kinds[conversionsColumn] = .conversions
    kinds[pathColumn] = .path
    position = afterHeader

    var names = ByteKeyTable()
    // Each distinct text of a path field, with its path: most rows repeat an earlier path
    // with the same bytes, and need no splitting into names. The keys get room for as
    // many bytes as the file has. That covers them unless many distinct rows are shorter
    // than about 16 bytes, and otherwise the table grows by copying its keys.
    var fields = ByteKeyTable(byteCount: end)
    // The touches of each path, as `FlatPaths` keeps them.
    var touchChannels: [Int32] = []
    var touchStarts = [0]
    // Each path's conversions, value and nulls, one path after another, so that a row's
    // sums share a cache line.
    var sums: [Double] = []
    var rowCount = 0
    var touches: [Int32] = []
    var canonical: [UInt8] = []

    // Rows are read in batches: first their fields, then their paths, then their sums. The
    // lookups of a batch do not depend on each other, so the processor can wait for the
    // memory of several at once.
    let batchSize = 32
    let keys = UnsafeMutablePointer<ByteKey>.allocate(capacity: batchSize)
    let counts = UnsafeMutablePointer<Double>.allocate(capacity: 3 * batchSize)
    let rowPaths = UnsafeMutablePointer<Int>.allocate(capacity: batchSize)
    let homes = UnsafeMutablePointer<UInt64>.allocate(capacity: batchSize)
    let headers = UnsafeMutablePointer<UInt64>.allocate(capacity: batchSize)
    defer {
      keys.deallocate()
      counts.deallocate()
      rowPaths.deallocate()
      homes.deallocate()
      headers.deallocate()
    }
    while position < end {
      var batchCount = 0
      while batchCount < batchSize && position < end {
        // A blank line is no row, because the header has at least two columns.
        if base[position] == UInt8(ascii: "\n") || base[position] == UInt8(ascii: "\r") {
          position = afterLineBreak(position)
          continue
        }
        rowCount += 1
        var rowConversions = 0.0
        var rowValue = 0.0
        var rowNulls = 0.0
        var column = 0
        while true {
          guard column < kinds.count else { return nil }
          switch kinds[column] {
          case .path:
            guard let field = pathField(from: position) else { return nil }
            (keys + batchCount).initialize(to: field)
            position += field.length
          case .conversions:
            guard let (number, after) = count(from: position) else { return nil }
            rowConversions = number
            position = after
          case .value:
            guard let (number, after) = count(from: position) else { return nil }
            rowValue = number
            position = after
          case .nulls:
            guard let (number, after) = count(from: position) else { return nil }
            rowNulls = number
            position = after
          case .other:
            guard let after = skipField(from: position) else { return nil }
            position = after
          }
          column += 1
          guard position < end, base[position] == UInt8(ascii: ",") else { break }
          position += 1
        }
        guard column == kinds.count else { return nil }
        position = afterLineBreak(position)
        if rowValue > 0 && rowConversions == 0 { return nil }
        counts[3 * batchCount] = rowConversions
        counts[3 * batchCount + 1] = rowValue
        counts[3 * batchCount + 2] = rowNulls
        batchCount += 1
      }

      for row in 0..<batchCount {
        homes[row] = fields.homeSlot(of: keys[row])
      }
      for row in 0..<batchCount where homes[row] != 0 {
        headers[row] = fields.header(ofSlot: homes[row])
      }
      var inserted = false
      for row in 0..<batchCount {
        let field = keys[row]
        let known =
          inserted
          ? fields.value(of: field)
          : fields.value(of: field, homeSlot: homes[row], header: headers[row])
        if let known {
          rowPaths[row] = Int(known)
          continue
        }
        inserted = true
        touches.removeAll(keepingCapacity: true)
        let fieldRange = (field.start - base)..<(field.start - base + field.length)
        guard
          let canonicalLength = channels(in: fieldRange, names: &names, into: &touches)
        else { return nil }
        // Every path seen so far has its canonical text in the table. So a new field that
        // is canonical is a new path, and any other new field looks its canonical text up.
        let newPath = sums.count / 3
        var path = newPath
        if canonicalLength != field.length {
          canonicalText(of: fieldRange, into: &canonical)
          canonical.withUnsafeBufferPointer { bytes in
            let key = ByteKey(
              bytes.baseAddress!, length: canonicalLength, readableLength: bytes.count)
            if let known = fields.value(of: key) {
              path = Int(known)
            } else {
              fields.insert(key, value: Int32(newPath))
            }
          }
        }
        if path == newPath {
          touchChannels.append(contentsOf: touches)
          touchStarts.append(touchChannels.count)
          sums.append(contentsOf: [0, 0, 0])
        }
        fields.insert(field, value: Int32(path))
        rowPaths[row] = path
      }

      sums.withUnsafeMutableBufferPointer { sums in
        for row in 0..<batchCount {
          let path = 3 * rowPaths[row]
          sums[path] += counts[3 * row]
          sums[path + 1] += counts[3 * row + 1]
          sums[path + 2] += counts[3 * row + 2]
        }
      }
    }
    guard rowCount > 0, sums.allSatisfy({ $0.isFinite }) else { return nil }
    let pathCount = sums.count / 3
    return PathFileScan(
      rowCount: rowCount, names: names.strings(),
      paths: FlatPaths(
        touchChannels: touchChannels, touchStarts: touchStarts,
        conversions: (0..<pathCount).map { sums[3 * $0] },
        values: (0..<pathCount).map { sums[3 * $0 + 1] },
        nulls: (0..<pathCount).map { sums[3 * $0 + 2] }))
  }

  /// Reads the header's column names and returns them with the position of the first row.
  private func header(from start: Int) -> ([String], Int)? {
    var names: [String] = []
    var fieldStart = start
    var position = start
    while position < end {
      switch classes[Int(base[position])] {
      case .rejected:
        return nil
      case .endOfField:
        names.append(text(fieldStart..<position))
        if base[position] != UInt8(ascii: ",") {
          return (names, afterLineBreak(position))
        }
        fieldStart = position + 1
      default:
        break
      }
      position += 1
    }
    names.append(text(fieldStart..<position))
    return (names, position)
  }

  /// Returns the position after the line break at `position` (CRLF, LF or CR), or `end`.
  private func afterLineBreak(_ position: Int) -> Int {
    guard position < end else { return end }
    if base[position] == UInt8(ascii: "\r") && position + 1 < end
      && base[position + 1] == UInt8(ascii: "\n")
    {
      return position + 2
    }
    return position + 1
  }

  /// Returns the position of the comma or line break that ends the field at `start`, or nil
  /// for a byte that the scanner rejects.
  private func skipField(from start: Int) -> Int? {
    var position = start
    // Eight bytes at a time while none ends the field or is rejected.
    while end - position >= 8 {
      let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
      if word & 0x8080_8080_8080_8080 != 0 || contains(word, ",") || contains(word, "\n")
        || contains(word, "\r") || contains(word, "\"")
      {
        break
      }
      position += 8
    }
    while position < end {
      let byte = base[position]
      if Self.endsField(byte) { return position }
      if byte >= 0x80 || byte == UInt8(ascii: "\"") { return nil }
      position += 1
    }
    return position
  }

  /// Returns whether the byte is a comma or a line break, which end a field.
  @inline(__always)
  private static func endsField(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
  }

  /// Returns whether one of the eight bytes of `word` may be `byte`. It is never false when
  /// one is, but can be true when none is, so the caller rechecks byte by byte.
  @inline(__always)
  private func contains(_ word: UInt64, _ byte: Unicode.Scalar) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let difference = word ^ (ones &* UInt64(byte.value))
    return (difference &- ones) & ~difference & 0x8080_8080_8080_8080 != 0
  }

  /// Returns the `path` field at `start` as a key of the fields table, or nil for a byte
  /// that the scanner rejects.
  ///
  /// It looks for the end of the field and hashes it in the same pass, eight bytes at a
  /// time. In each word it finds the first byte below `-` (0x2D) or from 0x80 up, which
  /// takes in every byte that ends a field or is rejected. A space, a tab or other such
  /// punctuation inside the field sends it to the byte loop of `skipField(from:)`.
  @inline(__always)
  private func pathField(from start: Int) -> ByteKey? {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highBits: UInt64 = 0x8080_8080_8080_8080
    var hash = ByteKey.initialHash
    var position = start
    while end - position >= 8 {
      let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
      // The high bit of each byte below 0x2D or from 0x80 up. It is exact for the first
      // such byte, because no borrow reaches it.
      let stops = ((word &- ones &* 0x2D) & ~word | word) & highBits
      if stops == 0 {
        hash = ByteKey.mix(hash, word)
        position += 8
        continue
      }
      let before = stops.trailingZeroBitCount / 8
      guard Self.endsField(base[position + before]) else { return slowPathField(from: start) }
      let tail = before == 0 ? 0 : word & (UInt64.max >> UInt64(64 - 8 * before))
      let length = position + before - start
      return ByteKey(
        base + start, length: length,
        hash: ByteKey.finish(hash, tail: tail, length: length), tail: tail)
    }
    return slowPathField(from: start)
  }

  /// Returns the `path` field at `start` as `pathField(from:)` does, byte by byte.
  private func slowPathField(from start: Int) -> ByteKey? {
    guard let after = skipField(from: start) else { return nil }
    return ByteKey(base + start, length: after - start, readableLength: end - start)
  }

  /// Appends the channels of the `path` field in `field` to `touches`, and returns the
  /// length of the field's canonical text: its names joined by `>`, without the blanks
  /// around them. Two fields have the same channels if and only if their canonical texts
  /// are equal, and a field whose canonical text is as long as the field is its own.
  ///
  /// Returns nil for an empty name. A field of only spaces and tabs has no touches. The
  /// field has no byte that ends a field or that the scanner rejects. A name is its bytes
  /// from the first to the last that is not a space or tab.
  private func channels(
    in field: Range<Int>, names: inout ByteKeyTable, into touches: inout [Int32]
  ) -> Int? {
    var canonicalLength = 0
    var nameStart = field.lowerBound
    while true {
      let (first, last, separator) = name(from: nameStart, in: field)
      if first == last {
        // A field of blanks alone is a path without touches; an empty name is invalid.
        return separator == field.upperBound && touches.isEmpty ? 0 : nil
      }
      let name = ByteKey(base + first, length: last - first, readableLength: end - first)
      var channel = names.value(of: name) ?? -1
      if channel < 0 {
        channel = Int32(names.count)
        names.insert(name, value: channel)
      }
      canonicalLength += (touches.isEmpty ? 0 : 1) + last - first
      touches.append(channel)
      if separator == field.upperBound { return canonicalLength }
      nameStart = separator + 1
    }
  }

  /// Returns the name that starts at `start` in `field`, without blanks around it, and the
  /// position of the `>` after it or the end of the field.
  @inline(__always)
  private func name(from start: Int, in field: Range<Int>) -> (Int, Int, Int) {
    var separator = start
    while separator < field.upperBound && base[separator] != UInt8(ascii: ">") {
      separator += 1
    }
    var first = start
    var last = separator
    while first < last && Self.isBlank(base[first]) { first += 1 }
    while last > first && Self.isBlank(base[last - 1]) { last -= 1 }
    return (first, last, separator)
  }

  /// Replaces `text` with the canonical text of a `path` field whose names are valid (see
  /// `channels(in:names:into:)`), then eight zeros, so that it can be read eight bytes at a
  /// time.
  private func canonicalText(of field: Range<Int>, into text: inout [UInt8]) {
    text.removeAll(keepingCapacity: true)
    var nameStart = field.lowerBound
    while true {
      let (first, last, separator) = name(from: nameStart, in: field)
      if first == last { break }
      if nameStart > field.lowerBound { text.append(UInt8(ascii: ">")) }
      text.append(contentsOf: UnsafeBufferPointer(start: base + first, count: last - first))
      if separator == field.upperBound { break }
      nameStart = separator + 1
    }
    text.append(contentsOf: repeatElement(0, count: 8))
  }

  /// Returns whether the byte is a space or a tab.
  @inline(__always)
  private static func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
  }

  /// Reads the count field at `start` as a finite number of at least 0, and returns it with
  /// the position where the field ends. Returns nil when the general reader rejects it.
  ///
  /// Digits with an optional fraction, at most 2⁵³ without the point and with at most 22
  /// fraction digits, are an integer divided by an exact power of ten. Both are exact
  /// doubles, so the one division rounds correctly, as `Double(_:)` does (Clinger's fast
  /// path). Other text goes to `Double(_:)`.
  @inline(__always)
  private func count(from start: Int) -> (Double, Int)? {
    // The most common case: one digit, such as a count of 0 or 1.
    if end - start >= 2 {
      let digit = base[start] &- UInt8(ascii: "0")
      if digit < 10 && Self.endsField(base[start + 1]) { return (Double(digit), start + 1) }
    }
    // Then up to 15 digits and nothing else.
    var integer: UInt64 = 0
    var position = start
    let limit = min(end, start + 15)
    while position < limit {
      let digit = base[position] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      integer = integer &* 10 &+ UInt64(digit)
      position += 1
    }
    if position > start && (position == end || Self.endsField(base[position])) {
      return (Double(integer), position)
    }
    return generalCount(from: start)
  }

  /// Reads a count field that is not plain digits, as `count(from:)` does.
  private func generalCount(from start: Int) -> (Double, Int)? {
    var mantissa: UInt64 = 0
    var digits = 0
    var fractionDigits = 0
    var seenPoint = false
    var simple = true
    var first = -1
    var last = -1
    var position = start
    while position < end {
      let byte = base[position]
      let byteClass = classes[Int(byte)]
      if byteClass == .endOfField { break }
      if byteClass == .rejected { return nil }
      position += 1
      if byteClass == .blank { continue }
      if first < 0 {
        first = position - 1
      } else if last != position - 2 {
        simple = false  // a blank inside the number
      }
      last = position - 1

      let digit = byte &- UInt8(ascii: "0")
      if digit < 10 && digits < 19 {
        mantissa = mantissa * 10 + UInt64(digit)
        digits += 1
        if seenPoint { fractionDigits += 1 }
      } else if byte == UInt8(ascii: ".") && !seenPoint && digits > 0 {
        seenPoint = true
      } else {
        simple = false
      }
    }
    guard first >= 0 else { return nil }

    if simple && (!seenPoint || fractionDigits > 0) && mantissa <= 1 << 53
      && fractionDigits < powers.count
    {
      return (Double(mantissa) / powers[fractionDigits], position)
    }
    guard let number = Double(text(first..<(last + 1))), number.isFinite, number >= 0 else {
      return nil
    }
    return (number, position)
  }

  private func text(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
      as: UTF8.self)
  }
}

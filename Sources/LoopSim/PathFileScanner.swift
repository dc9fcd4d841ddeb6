import Foundation
import Measure

/// The paths of a file in the path format, as `PathFileScanner` reads them.
struct PathFileScan {
  /// The number of data rows, without blank lines.
  let rowCount: Int
  /// The channel names in the order they first appear.
  let names: [String]
  /// One path per distinct sequence of channels, with the rows' counts summed, in the order
  /// each sequence first appears.
  let paths: [IndexedPath]
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
  /// The kinds of byte that the row loop distinguishes.
  private enum ByteClass: UInt8 {
    case other, blank, separator, endOfField, rejected
  }

  private static let byteClasses: [ByteClass] = (0...255).map { value in
    switch UInt8(value) {
    case UInt8(ascii: " "), UInt8(ascii: "\t"): .blank
    case UInt8(ascii: ">"): .separator
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

  private static let space = UInt8(ascii: " ")
  private static let tab = UInt8(ascii: "\t")

  private let base: UnsafePointer<UInt8>
  private let end: Int
  private let classes: [ByteClass] = Self.byteClasses
  private let powers: [Double] = Self.powersOfTen

  /// Returns the paths of the file's bytes, or nil when the file needs the general reader.
  ///
  /// - Complexity: O(n) for a file of n bytes, with a hash lookup per touch and per row.
  static func scan(_ file: UnsafeRawBufferPointer) -> PathFileScan? {
    let bytes = file.bindMemory(to: UInt8.self)
    guard let base = bytes.baseAddress else { return nil }
    return PathFileScanner(base: base, end: bytes.count).paths()
  }

  private init(base: UnsafePointer<UInt8>, end: Int) {
    self.base = base
    self.end = end
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
    let valueColumn = header.firstIndex(of: "total_conversion_value") ?? -1
    let nullsColumn = header.firstIndex(of: "total_null") ?? -1
    position = afterHeader

    var names = ByteRangeTable(base: base)
    // Each distinct text of a path field, with its path: most rows repeat an earlier path
    // with the same bytes, and need no splitting into names.
    var fields = ByteRangeTable(base: base)
    var sequences = SequenceTable()
    var conversions: [Double] = []
    var values: [Double] = []
    var nulls: [Double] = []
    var rowCount = 0
    var touches: [Int32] = []
    while position < end {
      // A blank line is no row, because the header has at least two columns.
      if base[position] == UInt8(ascii: "\n") || base[position] == UInt8(ascii: "\r") {
        position = afterLineBreak(position)
        continue
      }
      rowCount += 1
      var rowConversions = 0.0
      var rowValue = 0.0
      var rowNulls = 0.0
      var path = 0

      var column = 0
      while true {
        guard column < header.count else { return nil }
        switch column {
        case pathColumn:
          guard let after = skipField(from: position) else { return nil }
          let field = position..<after
          let fieldHash = ByteRangeTable.hash(base, field)
          if let known = fields.value(of: field, hash: fieldHash) {
            path = Int(known)
          } else {
            touches.removeAll(keepingCapacity: true)
            guard let pathHash = channels(from: position, names: &names, into: &touches)
            else { return nil }
            path = sequences.index(of: touches, hash: pathHash)
            fields.insert(field, hash: fieldHash, value: Int32(path))
          }
          position = after
        case conversionsColumn, valueColumn, nullsColumn:
          guard let (number, after) = count(from: position) else { return nil }
          if column == conversionsColumn { rowConversions = number }
          if column == valueColumn { rowValue = number }
          if column == nullsColumn { rowNulls = number }
          position = after
        default:
          guard let after = skipField(from: position) else { return nil }
          position = after
        }
        column += 1
        guard position < end, base[position] == UInt8(ascii: ",") else { break }
        position += 1
      }
      guard column == header.count else { return nil }
      position = afterLineBreak(position)
      if rowValue > 0 && rowConversions == 0 { return nil }

      if path == conversions.count {
        conversions.append(0)
        values.append(0)
        nulls.append(0)
      }
      conversions[path] += rowConversions
      values[path] += rowValue
      nulls[path] += rowNulls
    }
    guard rowCount > 0 else { return nil }

    var paths: [IndexedPath] = []
    paths.reserveCapacity(conversions.count)
    for path in conversions.indices {
      guard conversions[path].isFinite, values[path].isFinite, nulls[path].isFinite else {
        return nil
      }
      paths.append(
        IndexedPath(
          channels: sequences.sequence(path).map(Int.init), conversions: conversions[path],
          value: values[path], nulls: nulls[path]))
    }
    return PathFileScan(rowCount: rowCount, names: names.strings(), paths: paths)
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

  /// Appends the channels of the `path` field at `start` to `touches` and returns the
  /// sequence's hash. Returns nil for an empty name or a byte that the scanner rejects. A
  /// field of only spaces and tabs has no touches.
  ///
  /// A name is its bytes from the first to the last that is not a space or tab. Names with
  /// equal hashes are compared byte for byte.
  @inline(__always)
  private func channels(
    from start: Int, names: inout ByteRangeTable, into touches: inout [Int32]
  ) -> UInt64? {
    var sequenceHash = SequenceTable.initialHash
    var position = start
    while true {
      // One name: skip the blanks before it, then find the separator or the end of the
      // field. The name ends at its last byte that is not blank.
      while position < end && (base[position] == Self.space || base[position] == Self.tab) {
        position += 1
      }
      let first = position
      var last = position - 1
      var byteClass = ByteClass.endOfField
      while position < end {
        let byte = base[position]
        // Letters and most punctuation need no table lookup.
        if byte > UInt8(ascii: ">") && byte < 0x80 {
          last = position
          position += 1
          continue
        }
        byteClass = classes[Int(byte)]
        if byteClass == .other {
          last = position
        } else if byteClass != .blank {
          break
        }
        position += 1
      }
      if position == end { byteClass = .endOfField }
      if byteClass == .rejected { return nil }

      if last < first {
        // A field of blanks alone is a path without touches; an empty name is invalid.
        guard byteClass == .endOfField && touches.isEmpty else { return nil }
        return sequenceHash
      }
      let name = first..<(last + 1)
      let nameHash = ByteRangeTable.hash(base, name)
      var channel = names.value(of: name, hash: nameHash) ?? -1
      if channel < 0 {
        channel = Int32(names.count)
        names.insert(name, hash: nameHash, value: channel)
      }
      touches.append(channel)
      sequenceHash = SequenceTable.combine(sequenceHash, channel)
      if byteClass == .endOfField { return sequenceHash }
      position += 1  // past the ">"
    }
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
    // The common case: up to 15 digits and nothing else.
    var integer: UInt64 = 0
    var position = start
    while position < end && position - start < 15 {
      let digit = base[position] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      integer = integer * 10 + UInt64(digit)
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

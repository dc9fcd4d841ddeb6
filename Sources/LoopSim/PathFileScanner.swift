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
  /// The kind of each byte value that the row loop tells apart.
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

    var names = NameTable(base: base)
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
      touches.removeAll(keepingCapacity: true)
      var rowConversions = 0.0
      var rowValue = 0.0
      var rowNulls = 0.0
      var pathHash: UInt64 = 0

      var column = 0
      while true {
        guard column < header.count else { return nil }
        switch column {
        case pathColumn:
          guard let (hash, after) = channels(from: position, names: &names, into: &touches)
          else { return nil }
          pathHash = hash
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

      let path = sequences.index(of: touches, hash: pathHash)
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
    while position < end {
      switch classes[Int(base[position])] {
      case .endOfField: return position
      case .rejected: return nil
      default: position += 1
      }
    }
    return position
  }

  /// Appends the channels of the `path` field at `start` to `touches`, and returns the
  /// sequence's hash and the position where the field ends. Returns nil for an empty name
  /// or a byte that the scanner rejects. A field of only spaces and tabs has no touches.
  ///
  /// A name's hash leaves out spaces and tabs, so trimming does not change it, and names
  /// with equal hashes are compared byte for byte between their first and last non-blank
  /// bytes.
  private func channels(
    from start: Int, names: inout NameTable, into touches: inout [Int32]
  ) -> (UInt64, Int)? {
    var sequenceHash = SequenceTable.initialHash
    var nameHash = NameTable.initialHash
    var first = -1
    var last = -1
    var position = start
    while true {
      let byteClass = position < end ? classes[Int(base[position])] : .endOfField
      switch byteClass {
      case .other:
        nameHash = NameTable.combine(nameHash, base[position])
        if first < 0 { first = position }
        last = position
      case .blank:
        break
      case .rejected:
        return nil
      case .separator, .endOfField:
        if first < 0 {
          // A field of blanks alone is a path without touches; an empty name is invalid.
          guard byteClass == .endOfField && touches.isEmpty else { return nil }
          return (sequenceHash, position)
        }
        let channel = names.index(of: first..<(last + 1), hash: nameHash)
        touches.append(channel)
        sequenceHash = SequenceTable.combine(sequenceHash, channel)
        if byteClass == .endOfField { return (sequenceHash, position) }
        nameHash = NameTable.initialHash
        first = -1
      }
      position += 1
    }
  }

  /// Reads the count field at `start` as a finite number of at least 0, and returns it with
  /// the position where the field ends. Returns nil when the general reader rejects it.
  ///
  /// Digits with an optional fraction, at most 2⁵³ without the point and with at most 22
  /// fraction digits, are an integer divided by an exact power of ten. Both are exact
  /// doubles, so the one division rounds correctly, as `Double(_:)` does (Clinger's fast
  /// path). Other text goes to `Double(_:)`.
  private func count(from start: Int) -> (Double, Int)? {
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

/// Channel names, numbered in the order they first appear, found by a hash of their bytes.
private struct NameTable {
  static let initialHash: UInt64 = 0xcbf2_9ce4_8422_2325

  /// Adds a byte to a 64-bit FNV-1a hash.
  @inline(__always)
  static func combine(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
    (hash ^ UInt64(byte)) &* 0x100_0000_01b3
  }

  let base: UnsafePointer<UInt8>
  /// Each name's bytes in the file, by number.
  private var ranges: [Range<Int>] = []
  private var hashes: [UInt64] = []
  /// Open addressing: a name's number, or −1 for an empty slot. The count is a power of 2.
  private var slots = [Int32](repeating: -1, count: 64)

  init(base: UnsafePointer<UInt8>) {
    self.base = base
  }

  /// Returns the number of the name in `range`, adding it when it is new.
  mutating func index(of range: Range<Int>, hash: UInt64) -> Int32 {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] >= 0 {
      let candidate = Int(slots[slot])
      let known = ranges[candidate]
      if hashes[candidate] == hash && known.count == range.count
        && memcmp(base + known.lowerBound, base + range.lowerBound, range.count) == 0
      {
        return Int32(candidate)
      }
      slot = (slot + 1) & mask
    }
    let new = Int32(ranges.count)
    slots[slot] = new
    ranges.append(range)
    hashes.append(hash)
    if ranges.count * 2 > slots.count {
      slots = rehashed(hashes, slotCount: slots.count * 2)
    }
    return new
  }

  /// Makes the names' strings, by number.
  func strings() -> [String] {
    ranges.map { range in
      String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
        as: UTF8.self)
    }
  }
}

/// Distinct sequences of channel numbers, numbered in the order they first appear.
private struct SequenceTable {
  static let initialHash: UInt64 = 0x9e37_79b9_7f4a_7c15

  /// Adds a channel number to a sequence's hash (a multiply and xor-shift per element).
  @inline(__always)
  static func combine(_ hash: UInt64, _ element: Int32) -> UInt64 {
    let mixed = (hash ^ UInt64(UInt32(bitPattern: element))) &* 0xff51_afd7_ed55_8ccd
    return mixed ^ (mixed >> 29)
  }

  /// The sequences one after another; sequence i is `elements[offsets[i]..<offsets[i + 1]]`.
  private var elements: [Int32] = []
  private var offsets: [Int] = [0]
  private var hashes: [UInt64] = []
  /// Open addressing: a sequence's number, or −1 for an empty slot.
  private var slots = [Int32](repeating: -1, count: 1024)

  /// Returns the number of `sequence`, whose hash is `hash`, adding it when it is new.
  mutating func index(of sequence: [Int32], hash: UInt64) -> Int {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] >= 0 {
      let candidate = Int(slots[slot])
      if hashes[candidate] == hash && equals(candidate, sequence) {
        return candidate
      }
      slot = (slot + 1) & mask
    }
    let new = hashes.count
    slots[slot] = Int32(new)
    elements.append(contentsOf: sequence)
    offsets.append(elements.count)
    hashes.append(hash)
    if hashes.count * 2 > slots.count {
      slots = rehashed(hashes, slotCount: slots.count * 2)
    }
    return new
  }

  private func equals(_ index: Int, _ sequence: [Int32]) -> Bool {
    let start = offsets[index]
    guard offsets[index + 1] - start == sequence.count else { return false }
    return elements.withUnsafeBufferPointer { stored in
      sequence.withUnsafeBufferPointer { given in
        given.isEmpty
          || memcmp(stored.baseAddress! + start, given.baseAddress!, given.count * 4) == 0
      }
    }
  }

  /// Returns the sequence numbered `index`.
  func sequence(_ index: Int) -> ArraySlice<Int32> {
    elements[offsets[index]..<offsets[index + 1]]
  }
}

/// Returns open-addressing slots of `slotCount`, a power of 2, for entries with `hashes`.
private func rehashed(_ hashes: [UInt64], slotCount: Int) -> [Int32] {
  var slots = [Int32](repeating: -1, count: slotCount)
  let mask = slotCount - 1
  for (index, hash) in hashes.enumerated() {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] >= 0 { slot = (slot + 1) & mask }
    slots[slot] = Int32(index)
  }
  return slots
}

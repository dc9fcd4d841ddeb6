import Foundation

// The hash tables of `PathFileScanner`: open addressing with linear probing, where each slot
// is 0 or an entry's hash tag (the high 32 bits of its hash) and its index plus 1.

/// A map from byte strings of the file, given by their ranges, to numbers, found by a hash
/// of the bytes.
struct ByteRangeTable {
  /// Returns a hash of the bytes in `range`, taken eight at a time: each word is mixed in
  /// with a multiply, and the last, partial word carries the length.
  @inline(__always)
  static func hash(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> UInt64 {
    let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var position = range.lowerBound
    while range.upperBound - position >= 8 {
      let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
      hash = (hash ^ word) &* multiplier
      hash ^= hash >> 32
      position += 8
    }
    var tail = UInt64(range.count) << 56
    let remaining = range.upperBound - position
    if remaining > 0 && range.count >= 8 {
      // The last eight bytes, shifted so that only the ones not yet mixed in remain.
      let last = UnsafeRawPointer(base + range.upperBound - 8).loadUnaligned(as: UInt64.self)
      tail ^= last >> UInt64(64 - 8 * remaining)
    } else {
      var shift: UInt64 = 0
      while position < range.upperBound {
        tail |= UInt64(base[position]) << shift
        shift += 8
        position += 1
      }
    }
    hash = (hash ^ tail) &* multiplier
    return hash ^ (hash >> 29)
  }

  let base: UnsafePointer<UInt8>
  /// Each entry's bytes in the file, hash and number.
  private var ranges: [Range<Int>] = []
  private var hashes: [UInt64] = []
  private var values: [Int32] = []
  /// Open addressing: 0 for an empty slot, else the high 32 bits of an entry's hash and its
  /// index plus 1 in the low 32 bits, so that a lookup reads the bytes only when the hashes
  /// match. The count is a power of 2.
  private var slots = [UInt64](repeating: 0, count: 64)

  init(base: UnsafePointer<UInt8>) {
    self.base = base
  }

  /// The number of entries.
  var count: Int { ranges.count }

  /// Returns the number stored for the bytes in `range`, whose hash is `hash`, or nil.
  func value(of range: Range<Int>, hash: UInt64) -> Int32? {
    let mask = slots.count - 1
    let tag = hash & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = slots[slot]
      if entry & 0xFFFF_FFFF_0000_0000 == tag {
        let candidate = Int(entry & 0xFFFF_FFFF) - 1
        let known = ranges[candidate]
        if known.count == range.count
          && memcmp(base + known.lowerBound, base + range.lowerBound, range.count) == 0
        {
          return values[candidate]
        }
      }
      slot = (slot + 1) & mask
    }
    return nil
  }

  /// Adds the bytes in `range`, which must not be in the table yet, with their number.
  mutating func insert(_ range: Range<Int>, hash: UInt64, value: Int32) {
    ranges.append(range)
    hashes.append(hash)
    values.append(value)
    if ranges.count * 2 > slots.count {
      slots = tagSlots(hashes, slotCount: slots.count * 2)
    } else {
      place(hash, index: ranges.count - 1, in: &slots)
    }
  }

  /// Makes the strings of the entries, in order.
  func strings() -> [String] {
    ranges.map { range in
      String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count),
        as: UTF8.self)
    }
  }
}

/// Distinct sequences of channel numbers, numbered in the order they first appear.
struct SequenceTable {
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
  /// Open addressing: 0 for an empty slot, else the high 32 bits of a sequence's hash and
  /// its number plus 1 in the low 32 bits. Keeping part of the hash in the slot means that
  /// a lookup reads the sequence's elements only when the hashes match.
  private var slots = [UInt64](repeating: 0, count: 1024)

  /// Returns the number of `sequence`, whose hash is `hash`, adding it when it is new.
  mutating func index(of sequence: [Int32], hash: UInt64) -> Int {
    let mask = slots.count - 1
    let tag = hash & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = slots[slot]
      if entry & 0xFFFF_FFFF_0000_0000 == tag {
        let candidate = Int(entry & 0xFFFF_FFFF) - 1
        if equals(candidate, sequence) { return candidate }
      }
      slot = (slot + 1) & mask
    }
    let new = hashes.count
    slots[slot] = tag | UInt64(new + 1)
    elements.append(contentsOf: sequence)
    offsets.append(elements.count)
    hashes.append(hash)
    if hashes.count * 2 > slots.count {
      slots = tagSlots(hashes, slotCount: slots.count * 2)
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

/// Returns open-addressing slots of `slotCount`, a power of 2, for entries with `hashes`:
/// each slot is 0 or an entry's hash tag (high 32 bits) and index plus 1 (low 32 bits).
private func tagSlots(_ hashes: [UInt64], slotCount: Int) -> [UInt64] {
  var slots = [UInt64](repeating: 0, count: slotCount)
  for (index, hash) in hashes.enumerated() {
    place(hash, index: index, in: &slots)
  }
  return slots
}

/// Puts an entry's tag and index in the first free slot from its hash.
private func place(_ hash: UInt64, index: Int, in slots: inout [UInt64]) {
  let mask = slots.count - 1
  var slot = Int(truncatingIfNeeded: hash) & mask
  while slots[slot] != 0 { slot = (slot + 1) & mask }
  slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(index + 1)
}

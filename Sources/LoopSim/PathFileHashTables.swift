import Foundation

// The hash tables of `PathFileScanner`: open addressing with linear probing, where each slot
// is 0 or an entry's hash tag (the high 32 bits of its hash) and its position plus 1.

/// A byte string of the file that a `ByteKeyTable` looks up: where it starts, its length,
/// its hash, and its last `length % 8` bytes as a little-endian word.
struct ByteKey {
  let start: UnsafePointer<UInt8>
  let length: Int
  let hash: UInt64
  /// The bytes after the last whole word of eight, in the low bytes, or 0 when there are none.
  let tail: UInt64

  static let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
  static let initialHash: UInt64 = 0xcbf2_9ce4_8422_2325

  /// Mixes one word of eight bytes into a running hash.
  @inline(__always)
  static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
    let mixed = (hash ^ word) &* multiplier
    return mixed ^ (mixed >> 32)
  }

  /// Ends a running hash with the last bytes and the length.
  @inline(__always)
  static func finish(_ hash: UInt64, tail: UInt64, length: Int) -> UInt64 {
    let mixed = (hash ^ tail ^ UInt64(truncatingIfNeeded: length) << 56) &* multiplier
    return mixed ^ (mixed >> 29)
  }

  /// Creates the key of `length` bytes at `start`, hashed eight bytes at a time, where the
  /// `readableLength` bytes from `start` may be read. `PathFileScanner` computes the same
  /// hash while it looks for the end of a field.
  init(_ start: UnsafePointer<UInt8>, length: Int, readableLength: Int) {
    var hash = Self.initialHash
    var offset = 0
    while length - offset >= 8 {
      hash = Self.mix(hash, UnsafeRawPointer(start + offset).loadUnaligned(as: UInt64.self))
      offset += 8
    }
    var tail: UInt64 = 0
    let remaining = length - offset
    if remaining > 0 && readableLength - offset >= 8 {
      let word = UnsafeRawPointer(start + offset).loadUnaligned(as: UInt64.self)
      tail = word & (UInt64.max >> UInt64(64 - 8 * remaining))
    } else {
      var shift: UInt64 = 0
      while offset < length {
        tail |= UInt64(start[offset]) << shift
        shift += 8
        offset += 1
      }
    }
    self.init(start, length: length, hash: Self.finish(hash, tail: tail, length: length), tail: tail)
  }

  init(_ start: UnsafePointer<UInt8>, length: Int, hash: UInt64, tail: UInt64) {
    self.start = start
    self.length = length
    self.hash = hash
    self.tail = tail
  }
}

/// A map from byte strings to numbers. It keeps a copy of each key, so the keys of a large
/// file's frequent rows stay close together in memory.
struct ByteKeyTable: ~Copyable {
  /// Open addressing: 0 for an empty slot, else the high 32 bits of an entry's hash and its
  /// position in `arena`, in words, plus 1.
  private var slots: UnsafeMutablePointer<UInt64>
  private var slotCount: Int
  /// The entries, each 8-byte aligned: the key's length (UInt32) and number (Int32), then
  /// the key's bytes with zeros up to a multiple of eight.
  private var arena: UnsafeMutableRawPointer
  private var arenaCapacity: Int
  private var arenaCount = 0
  /// The position of each entry in `arena`, in the order they were added, and its hash.
  private var positions: [Int] = []
  private var hashes: [UInt64] = []

  /// Creates an empty table whose keys take about `byteCount` bytes. A generous estimate
  /// costs little, because glibc maps a large block and the kernel gives it pages only
  /// when they are first written. One that is too small costs copies of the keys.
  init(byteCount: Int = 4096) {
    slotCount = 64
    slots = .allocate(capacity: slotCount)
    slots.initialize(repeating: 0, count: slotCount)
    arenaCapacity = max(byteCount, 64)
    arena = .allocate(byteCount: arenaCapacity, alignment: 8)
  }

  deinit {
    slots.deallocate()
    arena.deallocate()
  }

  /// The number of entries.
  var count: Int { positions.count }

  /// Returns the number stored for `key`, or nil.
  @inline(__always)
  func value(of key: ByteKey) -> Int32? {
    let mask = slotCount - 1
    let tag = key.hash & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: key.hash) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      if entry & 0xFFFF_FFFF_0000_0000 == tag {
        let position = (Int(entry & 0xFFFF_FFFF) - 1) * 8
        if equals(key, at: position) {
          return arena.load(fromByteOffset: position + 4, as: Int32.self)
        }
      }
      slot = (slot + 1) & mask
    }
  }

  /// Returns the slot where the search for `key` starts: 0, or an entry's tag and position.
  @inline(__always)
  func homeSlot(of key: ByteKey) -> UInt64 {
    slots[Int(truncatingIfNeeded: key.hash) & (slotCount - 1)]
  }

  /// Returns the first word of the entry in a slot that is not 0: its key's length in the
  /// low 32 bits and its number in the high 32 bits.
  @inline(__always)
  func header(ofSlot slot: UInt64) -> UInt64 {
    arena.load(fromByteOffset: (Int(slot & 0xFFFF_FFFF) - 1) * 8, as: UInt64.self)
  }

  /// Returns the number stored for `key`, or nil, as `value(of:)` does, given the
  /// `homeSlot(of:)` of the key and its entry's `header(ofSlot:)` (0 for an empty slot)
  /// read since the last insertion.
  ///
  /// Reading those for many keys first, then looking each up, lets the processor fetch
  /// the memory of several keys at once.
  @inline(__always)
  func value(of key: ByteKey, homeSlot: UInt64, header: UInt64) -> Int32? {
    if homeSlot == 0 { return nil }
    if homeSlot & 0xFFFF_FFFF_0000_0000 == key.hash & 0xFFFF_FFFF_0000_0000
      && Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: header)) == key.length
      && equals(key, at: (Int(homeSlot & 0xFFFF_FFFF) - 1) * 8)
    {
      return Int32(truncatingIfNeeded: header >> 32)
    }
    return value(of: key)
  }

  /// Returns whether the entry at `position` in the arena has the bytes of `key`.
  @inline(__always)
  private func equals(_ key: ByteKey, at position: Int) -> Bool {
    guard Int(arena.load(fromByteOffset: position, as: UInt32.self)) == key.length else {
      return false
    }
    let stored = arena + position + 8
    var offset = 0
    while key.length - offset >= 8 {
      let keyWord = UnsafeRawPointer(key.start + offset).loadUnaligned(as: UInt64.self)
      if stored.load(fromByteOffset: offset, as: UInt64.self) != keyWord { return false }
      offset += 8
    }
    return offset == key.length || stored.load(fromByteOffset: offset, as: UInt64.self) == key.tail
  }

  /// Adds `key`, which must not be in the table yet, with its number.
  mutating func insert(_ key: ByteKey, value: Int32) {
    let size = 8 + (key.length + 7) / 8 * 8
    if arenaCount + size > arenaCapacity {
      var capacity = arenaCapacity * 2
      while arenaCount + size > capacity { capacity *= 2 }
      let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
      grown.copyMemory(from: arena, byteCount: arenaCount)
      arena.deallocate()
      arena = grown
      arenaCapacity = capacity
    }
    let position = arenaCount
    arena.storeBytes(of: UInt32(truncatingIfNeeded: key.length), toByteOffset: position, as: UInt32.self)
    arena.storeBytes(of: value, toByteOffset: position + 4, as: Int32.self)
    (arena + position + 8).initializeMemory(as: UInt8.self, repeating: 0, count: size - 8)
    (arena + position + 8).copyMemory(from: key.start, byteCount: key.length)
    arenaCount += size
    positions.append(position)
    hashes.append(key.hash)

    if positions.count * 2 > slotCount {
      slots.deallocate()
      slotCount *= 2
      slots = .allocate(capacity: slotCount)
      slots.initialize(repeating: 0, count: slotCount)
      for (position, hash) in zip(positions, hashes) {
        place(hash, position: position)
      }
    } else {
      place(key.hash, position: position)
    }
  }

  /// Puts an entry's tag and position in the first free slot from its hash.
  private func place(_ hash: UInt64, position: Int) {
    let mask = slotCount - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(position / 8 + 1)
  }

  /// Makes the strings of the keys, in the order they were added.
  func strings() -> [String] {
    positions.map { position in
      let length = Int(arena.load(fromByteOffset: position, as: UInt32.self))
      return String(
        decoding: UnsafeRawBufferPointer(start: arena + position + 8, count: length),
        as: UTF8.self)
    }
  }
}

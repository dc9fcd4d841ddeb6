import Testing

@testable import Simulation

/// A message and its SHA-256 digest.
struct SHA256Vector: Sendable, CustomTestStringConvertible {
  let name: String
  let message: [UInt8]
  let digest: String

  var testDescription: String { name }
}

/// Digests from FIPS 180-2, Secure Hash Standard (2002), as CPython 3.11 quotes them in
/// Lib/test/test_hashlib.py (test_case_sha256_0 to test_case_sha256_3).
let fips180Vectors: [SHA256Vector] = [
  SHA256Vector(
    name: "empty", message: [],
    digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
  SHA256Vector(
    name: "abc", message: Array("abc".utf8),
    digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
  SHA256Vector(
    name: "448 bits",
    message: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
    digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
  SHA256Vector(
    name: "one million a", message: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
    digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
]

@Suite("SHA-256")
struct SHA256Tests {
  @Test("one-shot digest", arguments: fips180Vectors)
  func oneShotDigest(vector: SHA256Vector) throws {
    let digest = try SHA256.hash(vector.message)

    #expect(digest.hexString == vector.digest)
    #expect(digest.bytes.count == SHA256Digest.byteCount)
  }

  @Test("streaming digest in pieces", arguments: fips180Vectors)
  func streamingDigestInPieces(vector: SHA256Vector) throws {
    // Pieces of 1, 2, 3, … bytes cross the 64-byte block boundary at varying offsets.
    let hasher = try SHA256()
    var start = 0
    var pieceLength = 1
    while start < vector.message.count {
      let end = min(start + pieceLength, vector.message.count)
      try hasher.update(Array(vector.message[start..<end]))
      start = end
      pieceLength = pieceLength % 97 + 1
    }

    #expect(try hasher.finalize().hexString == vector.digest)
  }

  @Test("one million a in 1000-byte updates")
  func oneMillionAInUpdates() throws {
    let piece = String(repeating: "a", count: 1000)
    let hasher = try SHA256()
    for _ in 0..<1000 {
      try hasher.update(piece)
    }

    #expect(
      try hasher.finalize().hexString
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test("string uses UTF-8 bytes")
  func stringUsesUTF8Bytes() throws {
    let text = "cours café ☕"

    #expect(try SHA256.hash(text) == SHA256.hash(Array(text.utf8)))
  }

  @Test("hex rendering of a digest")
  func hexRendering() {
    let leading: [UInt8] = [0x00, 0x01, 0x0f, 0x10, 0xab, 0xff]
    let digest = SHA256Digest(bytes: leading + [UInt8](repeating: 0, count: 26))

    #expect(digest.hexString.hasPrefix("00010f10abff"))
    #expect(digest.hexString.count == 64)
    #expect(digest.description == digest.hexString)
  }

  @Test("error names function and reason")
  func errorNamesFunctionAndReason() {
    let error = SHA256Error.libcrypto(function: "EVP_DigestUpdate", reason: "some reason")

    #expect(
      error.description == "SHA-256 failed: EVP_DigestUpdate returned an error (some reason)")
  }

  @Test("error without a queued reason")
  func errorWithoutQueuedReason() {
    #expect(
      SHA256Error.libcryptoFailure(function: "EVP_Digest")
        == .libcrypto(function: "EVP_Digest", reason: nil))
  }
}

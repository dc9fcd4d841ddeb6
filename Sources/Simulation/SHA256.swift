import CCrypto

/// A SHA-256 hasher over libcrypto's EVP interface, for input that arrives in pieces.
///
/// Each `update` appends bytes and `finalize()` returns the digest of everything appended.
/// A hasher is single-use, so calling `update` or `finalize()` after `finalize()` is a
/// programmer error. For input that is all at hand, the static `hash` functions make one
/// `EVP_Digest` call.
///
/// ```swift
/// let hasher = try SHA256()
/// try hasher.update("abc")
/// let digest = try hasher.finalize()  // ba7816bf…f20015ad
/// ```
public final class SHA256 {
  /// The `EVP_MD_CTX *` this instance owns and frees in `deinit`.
  private let context: OpaquePointer
  private var isFinalized = false

  /// Creates a hasher with an empty input.
  ///
  /// - Throws: `SHA256Error` when libcrypto cannot allocate or initialize the context.
  public init() throws {
    let digestType = try SHA256.digestType()
    guard let context = EVP_MD_CTX_new() else {
      throw SHA256Error.libcryptoFailure(function: "EVP_MD_CTX_new")
    }
    guard EVP_DigestInit_ex(context, digestType, nil) == 1 else {
      EVP_MD_CTX_free(context)
      throw SHA256Error.libcryptoFailure(function: "EVP_DigestInit_ex")
    }
    self.context = context
  }

  deinit {
    EVP_MD_CTX_free(context)
  }

  /// Appends `bytes` to the input.
  ///
  /// - Throws: `SHA256Error` when `EVP_DigestUpdate` fails.
  public func update(_ bytes: UnsafeRawBufferPointer) throws {
    precondition(!isFinalized, "SHA256.update called after finalize()")
    guard bytes.count > 0 else { return }
    guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
      throw SHA256Error.libcryptoFailure(function: "EVP_DigestUpdate")
    }
  }

  /// Appends `bytes` to the input.
  public func update(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try update($0) }
  }

  /// Appends the UTF-8 encoding of `string` to the input.
  public func update(_ string: String) throws {
    try update(Array(string.utf8))
  }

  /// Returns the digest of all appended input and ends this hasher's use.
  ///
  /// - Throws: `SHA256Error` when `EVP_DigestFinal_ex` fails.
  public func finalize() throws -> SHA256Digest {
    precondition(!isFinalized, "SHA256.finalize() called twice")
    isFinalized = true

    var bytes = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
    var length: UInt32 = 0
    let status = bytes.withUnsafeMutableBufferPointer {
      EVP_DigestFinal_ex(context, $0.baseAddress, &length)
    }
    guard status == 1, length == SHA256Digest.byteCount else {
      throw SHA256Error.libcryptoFailure(function: "EVP_DigestFinal_ex")
    }
    return SHA256Digest(bytes: bytes)
  }

  /// Returns the digest of `bytes` from one `EVP_Digest` call.
  ///
  /// - Throws: `SHA256Error` when `EVP_Digest` fails.
  public static func hash(_ bytes: UnsafeRawBufferPointer) throws -> SHA256Digest {
    let digestType = try digestType()

    var digest = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
    var length: UInt32 = 0
    let status = digest.withUnsafeMutableBufferPointer {
      EVP_Digest(bytes.baseAddress, bytes.count, $0.baseAddress, &length, digestType, nil)
    }
    guard status == 1, length == SHA256Digest.byteCount else {
      throw SHA256Error.libcryptoFailure(function: "EVP_Digest")
    }
    return SHA256Digest(bytes: digest)
  }

  /// Returns the digest of `bytes` from one `EVP_Digest` call.
  public static func hash(_ bytes: [UInt8]) throws -> SHA256Digest {
    try bytes.withUnsafeBytes { try hash($0) }
  }

  /// Returns the digest of the UTF-8 encoding of `string`.
  public static func hash(_ string: String) throws -> SHA256Digest {
    try hash(Array(string.utf8))
  }

  private static func digestType() throws -> OpaquePointer {
    guard let digestType = EVP_sha256() else {
      throw SHA256Error.libcryptoFailure(function: "EVP_sha256")
    }
    return digestType
  }
}

/// A 32-byte SHA-256 digest.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
  /// The length of a SHA-256 digest in bytes.
  public static let byteCount = 32

  /// The 32 digest bytes, in the order the hex rendering prints them.
  public let bytes: [UInt8]

  init(bytes: [UInt8]) {
    precondition(bytes.count == SHA256Digest.byteCount, "a SHA-256 digest has 32 bytes")
    self.bytes = bytes
  }

  /// The digest as 64 lowercase hexadecimal digits.
  public var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(2 * bytes.count)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  public var description: String { hexString }
}

/// A libcrypto call that failed while computing a SHA-256 digest.
public enum SHA256Error: Error, Equatable, Sendable, CustomStringConvertible {
  /// `function` returned a failure status. `reason` is the first entry of libcrypto's
  /// error queue for this thread, or nil when the queue was empty.
  case libcrypto(function: String, reason: String?)

  /// Builds the error for `function` from this thread's libcrypto error queue, and clears
  /// the queue so that a later failure does not report this one.
  static func libcryptoFailure(function: String) -> SHA256Error {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else {
      return .libcrypto(function: function, reason: nil)
    }

    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                        as: UTF8.self)
    return .libcrypto(function: function, reason: reason)
  }

  public var description: String {
    switch self {
    case .libcrypto(let function, let reason?):
      return "SHA-256 failed: \(function) returned an error (\(reason))"
    case .libcrypto(let function, nil):
      return "SHA-256 failed: \(function) returned an error and libcrypto gave no reason"
    }
  }
}

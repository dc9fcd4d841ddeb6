/// The ids a customer carries in messages.
///
/// Real anonymous ids are random per device; these derive from the customer id through a
/// bijective 64-bit mix (the SplitMix64 finalizer), so they look unrelated, never collide,
/// and are the same on every run. The second device's ids mix the customer id with its top
/// bit set. They never collide with a first device's while customer ids stay below 2^63,
/// and a run has at most 10 million customers.
public enum CustomerIdentity {
  /// Returns the anonymous id of the customer's first device (`device` 0) or second device
  /// (`device` 1): `anon-` and 16 hex digits.
  public static func anonymousId(_ customer: UInt64, device: Int = 0) -> String {
    "anon-" + hexDigits(mix(device == 0 ? customer : customer | secondDeviceBit))
  }

  /// Returns the app's device id (`context.device.id`): `device-` and 16 hex digits, unrelated
  /// to the anonymous ids.
  public static func deviceId(_ customer: UInt64) -> String {
    "device-" + hexDigits(mix(customer ^ deviceIdSalt))
  }

  public static func userId(_ customer: UInt64) -> String {
    "user-\(customer)"
  }

  private static let secondDeviceBit: UInt64 = 1 << 63
  private static let deviceIdSalt: UInt64 = 0x5DEE_CE66_D1CE_4E5B

  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private static func hexDigits(_ value: UInt64) -> String {
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}

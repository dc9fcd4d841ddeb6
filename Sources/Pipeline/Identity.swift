/// The ids a customer carries in messages.
///
/// Real anonymous ids are random per device; these derive from the customer id through a
/// bijective 64-bit mix (the SplitMix64 finalizer), so they look unrelated, never collide,
/// and are the same on every run.
public enum CustomerIdentity {
  public static func anonymousId(_ customer: UInt64) -> String {
    var z = customer &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    let hex = String(z, radix: 16)
    return "anon-" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  public static func userId(_ customer: UInt64) -> String {
    "user-\(customer)"
  }
}

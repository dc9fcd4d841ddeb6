/// A point in simulated time: integer milliseconds since the scenario start.
///
/// Integer milliseconds keep event ordering exact and make results byte-identical across
/// machines; ties between events at the same millisecond break by scheduling order.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var milliseconds: Int64

  @inlinable
  public init(milliseconds: Int64) {
    self.milliseconds = milliseconds
  }

  public static let zero = SimTime(milliseconds: 0)

  @inlinable
  public static func < (lhs: SimTime, rhs: SimTime) -> Bool {
    lhs.milliseconds < rhs.milliseconds
  }

  /// Adds a duration, saturating at the largest representable time instead of trapping.
  @inlinable
  public static func + (lhs: SimTime, rhs: SimDuration) -> SimTime {
    let (sum, overflow) = lhs.milliseconds.addingReportingOverflow(rhs.milliseconds)
    if overflow {
      return SimTime(milliseconds: rhs.milliseconds > 0 ? .max : .min)
    }
    return SimTime(milliseconds: sum)
  }

  @inlinable
  public static func - (lhs: SimTime, rhs: SimTime) -> SimDuration {
    SimDuration(milliseconds: lhs.milliseconds &- rhs.milliseconds)
  }

  public var description: String { "t+\(SimDuration(milliseconds: milliseconds))" }
}

/// A span of simulated time in integer milliseconds.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var milliseconds: Int64

  @inlinable
  public init(milliseconds: Int64) {
    self.milliseconds = milliseconds
  }

  /// The longest duration a scenario may state or a sampled delay may take: 100 years.
  /// Sampled delays are clamped to it, so a heavy-tailed draw cannot overflow the clock.
  /// A computed constant rather than a stored `let`, so that hot loops read no global.
  @inlinable
  public static var maximum: SimDuration { SimDuration(milliseconds: 100 * 365 * 86_400_000) }

  public static let zero = SimDuration(milliseconds: 0)

  /// Rounds a number of milliseconds to the nearest integer, clamped to `0...maximum`.
  /// NaN becomes zero.
  @inlinable
  public init(roundingMilliseconds value: Double) {
    if !(value > 0) {
      self.milliseconds = 0
    } else if value >= Double(SimDuration.maximum.milliseconds) {
      self.milliseconds = SimDuration.maximum.milliseconds
    } else {
      // Rounds half away from zero, as `value.rounded()` does, without a call into libm:
      // truncation is exact here and so is the fraction `value − whole`.
      // Adding the comparison's outcome instead of branching on it avoids a branch that
      // half the delays would mispredict.
      let whole = Int64(value)
      self.milliseconds = whole &+ (value - Double(whole) >= 0.5 ? 1 : 0)
    }
  }

  public static func milliseconds(_ value: Int64) -> SimDuration {
    SimDuration(milliseconds: value)
  }

  public static func seconds(_ value: Int64) -> SimDuration {
    SimDuration(milliseconds: value * 1_000)
  }

  public static func minutes(_ value: Int64) -> SimDuration {
    SimDuration(milliseconds: value * 60_000)
  }

  public static func hours(_ value: Int64) -> SimDuration {
    SimDuration(milliseconds: value * 3_600_000)
  }

  public static func days(_ value: Int64) -> SimDuration {
    SimDuration(milliseconds: value * 86_400_000)
  }

  @inlinable
  public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool {
    lhs.milliseconds < rhs.milliseconds
  }

  @inlinable
  public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
    let (sum, overflow) = lhs.milliseconds.addingReportingOverflow(rhs.milliseconds)
    return SimDuration(milliseconds: overflow ? .max : sum)
  }

  public var seconds: Double { Double(milliseconds) / 1_000 }
  public var hours: Double { Double(milliseconds) / 3_600_000 }
  public var days: Double { Double(milliseconds) / 86_400_000 }

  /// The duration in the largest unit that divides it exactly: `90s`, `45m`, `2h`, `3d`,
  /// `1500ms`. This is the same syntax scenario files use.
  public var description: String {
    let units: [(suffix: String, size: Int64)] = [
      ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000),
    ]
    if milliseconds != 0 {
      for unit in units where milliseconds % unit.size == 0 {
        return "\(milliseconds / unit.size)\(unit.suffix)"
      }
    }
    return "\(milliseconds)ms"
  }
}

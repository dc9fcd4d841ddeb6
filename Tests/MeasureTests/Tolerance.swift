/// Returns whether two statistics agree to a relative tolerance, or to an optional absolute
/// tolerance for values that are 0 in exact arithmetic.
///
/// The absolute tolerance lets one implementation return a rounding residue (such as 1e-17)
/// where the other returns exactly 0. Keep it 0 for quantities that can be tiny, such as
/// p-values.
func isClose(
  _ actual: Double, _ expected: Double, relativeTolerance: Double, absoluteTolerance: Double = 0
) -> Bool {
  let scale = max(abs(actual), abs(expected))
  return abs(actual - expected) <= max(relativeTolerance * scale, absoluteTolerance)
}

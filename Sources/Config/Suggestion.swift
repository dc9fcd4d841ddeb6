/// "Did you mean" suggestions for misspelled keys and values.
public enum Suggestion {
  /// Returns the candidate closest to `word` when it is close enough to be a likely typo, or
  /// nil. Comparison ignores case, so a key that differs only in case is always suggested.
  ///
  /// The distance is the optimal string alignment distance (Levenshtein plus transposition of
  /// neighbors) over Unicode scalars. A candidate of up to 2 scalars must match exactly apart
  /// from case, one of up to 4 may differ by 1 edit, up to 8 by 2, and longer ones by 3. Ties
  /// go to the earlier candidate.
  public static func closest(to word: String, among candidates: [String]) -> String? {
    let target = Array(word.lowercased().unicodeScalars)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      let scalars = Array(candidate.lowercased().unicodeScalars)
      let allowed = maximumDistance(forLength: scalars.count)
      // The distance is at least the difference in length, so skip long comparisons early.
      guard abs(scalars.count - target.count) <= allowed else { continue }
      let distance = editDistance(target, scalars)
      guard distance <= allowed else { continue }
      if let current = best, current.distance <= distance {
        continue
      }
      best = (candidate, distance)
    }
    return best?.candidate
  }

  private static func maximumDistance(forLength length: Int) -> Int {
    switch length {
    case ...2: 0
    case ...4: 1
    case ...8: 2
    default: 3
    }
  }

  /// Returns the optimal string alignment distance between `a` and `b`: the number of
  /// insertions, deletions, substitutions and transpositions of adjacent elements, where no
  /// substring is edited twice. O(a.count × b.count) time.
  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }

    // Three rows of the dynamic-programming table: i - 2, i - 1 and i.
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = a[i - 1] == b[j - 1] ? 0 : 1
        var distance = min(
          previous[j] + 1,
          current[j - 1] + 1,
          previous[j - 1] + substitution)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          distance = min(distance, beforePrevious[j - 2] + 1)
        }
        current[j] = distance
      }
      (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[b.count]
  }
}

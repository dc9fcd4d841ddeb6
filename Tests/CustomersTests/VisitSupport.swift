import Simulation

@testable import Customers

// Overrides, times and statistics shared by the engagement and visit tests.

/// Overrides that make every first touch of the fragment lead on, so every customer reaches
/// the site and starts repeat visits.
let everyTouchLeadsOn = [
  "channels[0].clickThrough=1", "channels[1].clickThrough=1", "channels[2].clickThrough=1",
]

/// Overrides that bring every customer in through the search channel, landing on a class
/// page drawn by interests, with no browsing and no segment overrides.
let everyoneLandsFromSearch =
  everyTouchLeadsOn + [
    "channels[0].reach=0", "channels[1].reach=1", "channels[2].reach=0",
    "channels[1].promotes=\"interests\"", "behaviour.browse=null", "behaviour.segments=null",
  ]

/// Returns an override that replaces the fragment's catalog with `count` classes, alternately
/// cooking and writing, priced 100, 200 and 300 in turn. A large catalog keeps engaged
/// customers from running out of classes to buy.
func largeCatalog(_ count: Int) -> String {
  let classes = (0..<count).map { index in
    let category = index % 2 == 0 ? "cooking" : "writing"
    return "{ id: \"class-\(index)\", title: \"Class \(index)\", instructor: \"Instructor\", "
      + "category: \"\(category)\", price: \(100 + 100 * (index % 3)) }"
  }
  return "catalog=[" + classes.joined(separator: ", ") + "]"
}

/// Returns the time `count` weeks after the start.
func weeks(_ count: Int64) -> SimTime {
  SimTime(milliseconds: SimDuration.days(7).milliseconds * count)
}

/// Returns the mean and the sample variance (divisor n − 1) of `values`.
func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
  let mean = values.reduce(0, +) / Double(values.count)
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (mean, squares / Double(values.count - 1))
}

/// Returns Pearson's correlation coefficient of two samples of equal size, or 0 when either
/// is constant.
func pearson(_ x: [Double], _ y: [Double]) -> Double {
  let (meanX, varianceX) = meanAndVariance(x)
  let (meanY, varianceY) = meanAndVariance(y)
  guard varianceX > 0, varianceY > 0 else { return 0 }
  var covariance = 0.0
  for (a, b) in zip(x, y) {
    covariance += (a - meanX) * (b - meanY)
  }
  covariance /= Double(x.count - 1)
  return covariance / (varianceX * varianceY).squareRoot()
}

func isOrder(_ action: CustomerAction) -> Bool {
  if case .orderCompleted = action.kind { true } else { false }
}

func isView(_ action: CustomerAction) -> Bool {
  if case .classViewed = action.kind { true } else { false }
}

/// Returns each customer's actions rendered as text lines, in the order recorded.
func actionLinesByCustomer(_ result: JourneyRun) -> [UInt64: [String]] {
  var lines: [UInt64: [String]] = [:]
  for action in result.context.actions {
    lines[action.customer, default: []].append(actionLine(action))
  }
  return lines
}

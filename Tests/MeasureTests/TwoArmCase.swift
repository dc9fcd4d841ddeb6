import Testing

@testable import Measure

/// A named pair of arms for parameterized tests.
struct TwoArmCase: CustomTestStringConvertible, Sendable {
  let name: String
  let treatment: (successes: Int, trials: Int)
  let control: (successes: Int, trials: Int)

  init(_ name: String, treatment: (Int, Int), control: (Int, Int)) {
    self.name = name
    self.treatment = treatment
    self.control = control
  }

  var testDescription: String { name }

  func treatmentArm() throws -> BinomialArm {
    try BinomialArm(successes: treatment.successes, trials: treatment.trials)
  }

  func controlArm() throws -> BinomialArm {
    try BinomialArm(successes: control.successes, trials: control.trials)
  }
}

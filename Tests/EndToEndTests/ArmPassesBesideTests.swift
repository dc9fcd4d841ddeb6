import Config
import Foundation
import Synchronization
import Testing
import TestSupport
import Warehouse

@testable import LoopSim

// The arm passes run on a thread of their own beside the factual pass. What they give
// must not depend on that: the summary is the same bytes either way.

private func flagship(customers: Int, seed: UInt64) throws -> Scenario {
  try ScenarioLoader.load(
    path: TestSupport.flagshipScenario,
    overrides: [
      try ConfigOverride(parsing: "run.customers=\(customers)"),
      try ConfigOverride(parsing: "run.seed=\(seed)"),
    ])
}

private func summaryJSON(
  _ scenario: Scenario, armsBeside: Bool, cancellation: CancellationFlag? = nil,
  progress: (@Sendable (ProgressUpdate) -> Void)? = nil
) throws -> String {
  let database = try Database.inMemory()
  try database.execute(ResultsSchema.sql)
  return try LoopRun.compute(
    scenario, database: database, armsBeside: armsBeside, cancellation: cancellation,
    progress: progress
  ).measuredSummary().json
}

@Test(arguments: [(1_500, UInt64(7)), (2_500, UInt64(20_261_204))])
func armPassesBesideGiveTheSameSummary(customers: Int, seed: UInt64) throws {
  let scenario = try flagship(customers: customers, seed: seed)
  let beside = try summaryJSON(scenario, armsBeside: true)
  let oneAfterAnother = try summaryJSON(scenario, armsBeside: false)
  #expect(beside == oneAfterAnother)
  #expect(beside.contains("\"trueAbsolute\""))
}

@Test func cancelledArmPassesStop() throws {
  let scenario = try flagship(customers: 2_000, seed: 3)
  let cancellation = CancellationFlag()
  cancellation.cancel()
  #expect(throws: Interrupted.self) {
    _ = try summaryJSON(scenario, armsBeside: true, cancellation: cancellation)
  }
}

@Test func armPassProgressFollowsTheFactualPass() throws {
  let scenario = try flagship(customers: 20_000, seed: 11)
  let phases = Mutex<[String]>([])
  _ = try summaryJSON(scenario, armsBeside: true) { update in
    phases.withLock { phases in
      if phases.last != update.phase { phases.append(update.phase) }
    }
  }
  let seen = phases.withLock { $0 }
  // The factual pass reports first and alone; then each arm pass, in order, with no
  // phase coming back once another has begun.
  #expect(seen == ["factual pass", "pass forcing holdout", "pass forcing watched-classes"])
}

@Test func progressGateReplaysLatestUpdates() {
  let shown = Mutex<[String]>([])
  let gate = ProgressGate { update in
    shown.withLock { $0.append("\(update.phase) \(update.fraction)") }
  }
  func update(_ phase: String, _ fraction: Double) -> ProgressUpdate {
    ProgressUpdate(phase: phase, fraction: fraction)
  }
  gate.forward(update("first", 0.5))
  gate.forward(update("first", 1))
  gate.forward(update("second", 0.25))
  #expect(shown.withLock { $0 }.isEmpty)
  gate.open()
  gate.forward(update("second", 0.75))
  #expect(shown.withLock { $0 } == ["first 1.0", "second 0.25", "second 0.75"])
}

@Test func derivedCancellationFlagFollowsItsParent() {
  let parent = CancellationFlag()
  let child = CancellationFlag(following: parent)
  #expect(!child.isCancelled)
  child.cancel()
  #expect(child.isCancelled)
  #expect(!parent.isCancelled)

  let second = CancellationFlag(following: parent)
  parent.cancel()
  #expect(second.isCancelled)
}

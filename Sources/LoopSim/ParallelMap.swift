import Foundation
import Synchronization

/// Maps a function over inputs on every processor core, returning the results in input
/// order whatever order the threads finish in.
enum ParallelMap {
  /// Returns `transform` of each input, in order.
  ///
  /// - Parameter jobs: The most transforms that run at once; nil for the processor count.
  /// - Throws: the error of the first input, in input order, whose transform threw. Inputs
  ///   not yet started when a transform throws are skipped.
  static func map<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], jobs: Int? = nil, _ transform: @Sendable (Input) throws -> Output
  ) throws -> [Output] {
    let slots = Mutex<[Result<Output, any Error>?]>(Array(repeating: nil, count: inputs.count))
    let next = Atomic<Int>(0)
    let failed = Atomic<Bool>(false)
    let limit = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    let workers = max(1, min(limit, inputs.count))

    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while !failed.load(ordering: .relaxed) {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < inputs.count else { return }
        let outcome = Result { try transform(inputs[index]) }
        if case .failure = outcome { failed.store(true, ordering: .relaxed) }
        slots.withLock { $0[index] = outcome }
      }
    }

    let outcomes = slots.withLock { $0 }
    var results: [Output] = []
    results.reserveCapacity(inputs.count)
    for outcome in outcomes {
      switch outcome {
      case .success(let output): results.append(output)
      case .failure(let error): throw error
      case nil: break
      }
    }
    return results
  }
}

import Foundation
import Synchronization

/// Runs a closure on a thread of its own while the caller goes on, and hands the
/// closure's result to the caller when it waits.
///
/// Unchecked `Sendable`: the job's thread writes `outcome` once, before it signals
/// `finished`, and the caller reads it only after `wait()` has taken that signal, so the
/// two threads never touch it at the same time.
final class BackgroundJob<Output>: @unchecked Sendable {
  private var outcome: Result<Output, any Error>?
  private let finished = DispatchSemaphore(value: 0)

  /// Starts `body` on a new thread named `name`.
  init(name: String, _ body: @escaping @Sendable () throws -> Output) {
    let thread = Thread { [self] in
      outcome = Result { try body() }
      finished.signal()
    }
    thread.name = name
    thread.start()
  }

  /// Waits for the closure to return and gives its result or the error it threw. Call it
  /// once.
  func wait() throws -> Output {
    finished.wait()
    guard let outcome else {
      throw RuntimeFailure("internal error: a background job ended without a result")
    }
    return try outcome.get()
  }
}

/// Holds back the progress of a pass that runs beside another until the other has
/// finished reporting, so the two never take turns on one progress line.
///
/// While closed, it keeps the latest update of each phase. Opening shows those in the order
/// the phases began, so a pass that finished early still shows its 100 %. Calls to the
/// report never overlap.
final class ProgressGate: Sendable {
  private struct State {
    var isOpen = false
    var pending: [ProgressUpdate] = []
  }

  private let state = Mutex(State())
  private let report: (@Sendable (ProgressUpdate) -> Void)?

  init(_ report: (@Sendable (ProgressUpdate) -> Void)?) {
    self.report = report
  }

  /// Shows the updates held back, then lets later updates through.
  func open() {
    state.withLock { state in
      state.isOpen = true
      for update in state.pending { report?(update) }
      state.pending = []
    }
  }

  func forward(_ update: ProgressUpdate) {
    guard let report else { return }
    state.withLock { state in
      if state.isOpen {
        report(update)
      } else if let last = state.pending.last, last.phase == update.phase {
        state.pending[state.pending.count - 1] = update
      } else {
        state.pending.append(update)
      }
    }
  }
}

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

/// Passes progress updates through only once opened, so a pass that runs beside another
/// stays silent until the other has finished reporting.
final class ProgressGate: Sendable {
  private let isOpen = Atomic<Bool>(false)
  private let report: (@Sendable (ProgressUpdate) -> Void)?

  init(_ report: (@Sendable (ProgressUpdate) -> Void)?) {
    self.report = report
  }

  /// Lets later updates through. Updates sent before are dropped.
  func open() {
    isOpen.store(true, ordering: .releasing)
  }

  func forward(_ update: ProgressUpdate) {
    guard isOpen.load(ordering: .acquiring) else { return }
    report?(update)
  }
}

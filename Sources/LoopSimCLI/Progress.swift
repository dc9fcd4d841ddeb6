import Foundation
import Glibc
import LoopSim
import Synchronization

/// Shows a run's progress on standard error: a bar redrawn in place on a terminal, or a
/// plain line every 10 % otherwise, so logs captured to a file stay readable.
///
/// Unchecked `Sendable`: a run reports from one thread at a time (replicates report under
/// a lock), so its state is never touched concurrently.
final class ProgressReporter: @unchecked Sendable {
  private let isTerminal = isatty(STDERR_FILENO) == 1
  private let enabled: Bool
  private var lastPhase = ""
  private var lastTenth = -1
  private var barVisible = false

  init(enabled: Bool) {
    self.enabled = enabled
  }

  func report(phase: String, fraction: Double) {
    guard enabled else { return }
    let clamped = min(1, max(0, fraction))
    if isTerminal {
      let width = 30
      let filled = Int(clamped * Double(width))
      let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
      let text = "\r[\(bar)] \(Int(clamped * 100))% \(phase)   "
      writeStandardError(text)
      barVisible = true
      if clamped >= 1 { finishLine() }
      return
    }
    let tenth = Int(clamped * 10)
    if phase != lastPhase || tenth != lastTenth {
      lastPhase = phase
      lastTenth = tenth
      writeStandardError("loopsim: \(phase) \(tenth * 10)%\n")
    }
  }

  /// Ends the bar's line so later output starts on a fresh one.
  func finishLine() {
    guard barVisible else { return }
    writeStandardError("\n")
    barVisible = false
  }
}

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a cancellation that the run loop checks
/// between events, so the run can remove its partial output before it exits with 128 plus
/// the signal number (130 for Ctrl-C). SIGPIPE is ignored, so a closed output pipe makes
/// writes fail instead of killing the process mid-run.
enum InterruptHandler {
  /// Set when a handled signal arrives; runs check it between events.
  static let cancellation = CancellationFlag()
  private static let received = Atomic<Int32>(0)

  /// The signal that cancelled the run, or nil.
  static var signal: Int32? {
    let value = received.load(ordering: .relaxed)
    return value == 0 ? nil : value
  }

  /// Routes the handled signals to `cancellation` for the life of the process. Installed
  /// first thing in `main`, so a signal during scenario loading is caught too. Keep the
  /// returned sources alive.
  static func install() -> [DispatchSourceSignal] {
    Glibc.signal(SIGPIPE, SIG_IGN)
    return [SIGINT, SIGTERM, SIGHUP].map { number in
      Glibc.signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        received.store(number, ordering: .relaxed)
        cancellation.cancel()
      }
      source.resume()
      return source
    }
  }
}

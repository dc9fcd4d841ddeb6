import Foundation
import LoopSim

/// Shows a run's progress on standard error: a bar redrawn in place on a terminal, or a
/// plain line every 10 % otherwise, so logs captured to a file stay readable.
final class ProgressReporter {
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
      FileHandle.standardError.write(Data(text.utf8))
      barVisible = true
      if clamped >= 1 { finishLine() }
      return
    }
    let tenth = Int(clamped * 10)
    if phase != lastPhase || tenth != lastTenth {
      lastPhase = phase
      lastTenth = tenth
      FileHandle.standardError.write(Data("loopsim: \(phase) \(tenth * 10)%\n".utf8))
    }
  }

  /// Ends the bar's line so later output starts on a fresh one.
  func finishLine() {
    guard barVisible else { return }
    FileHandle.standardError.write(Data("\n".utf8))
    barVisible = false
  }
}

/// Turns Ctrl-C into a cancellation that the run loop checks between events, so the run can
/// remove its partial output before exiting with status 130.
enum InterruptHandler {
  /// Set when SIGINT arrives; runs check it between events.
  static let cancellation = CancellationFlag()

  /// Routes SIGINT to `cancellation` for the life of the process. Installed first thing
  /// in `main`, so a Ctrl-C during scenario loading is caught too.
  static func install() -> DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { cancellation.cancel() }
    source.resume()
    return source
  }
}

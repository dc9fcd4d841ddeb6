import Foundation
import Glibc
import LoopSim
import Synchronization

/// Shows a run's progress on standard error: a bar redrawn in place on a terminal, or a
/// plain line every 10 % otherwise, so logs captured to a file stay readable. Beside the
/// share done it shows the customers simulated, the events per second and an estimate of
/// the time left in the phase, from the rate so far.
///
/// Unchecked `Sendable`: a run reports from one thread at a time (replicates report under
/// a lock), so its state is never touched concurrently.
final class ProgressReporter: @unchecked Sendable {
  private let isTerminal = isatty(STDERR_FILENO) == 1
  private let enabled: Bool
  private var lastPhase = ""
  private var lastTenth = -1
  private var barVisible = false
  /// When the current phase started, in seconds of the monotonic clock.
  private var phaseStart = 0.0

  init(enabled: Bool) {
    self.enabled = enabled
  }

  func report(_ update: ProgressUpdate) {
    guard enabled else { return }
    let now = Self.monotonicSeconds()
    let clamped = min(1, max(0, update.fraction))
    let newPhase = update.phase != lastPhase
    if newPhase {
      lastPhase = update.phase
      lastTenth = -1
      phaseStart = now
    }
    let details = Self.details(of: update, fraction: clamped, elapsed: now - phaseStart)
    if isTerminal {
      let width = 30
      let filled = Int(clamped * Double(width))
      let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
      let text = "\r[\(bar)] \(Int(clamped * 100))% \(update.phase)\(details)\u{1B}[K"
      writeStandardError(text)
      barVisible = true
      if clamped >= 1 { finishLine() }
      return
    }
    let tenth = Int(clamped * 10)
    if tenth != lastTenth {
      lastTenth = tenth
      writeStandardError("loopsim: \(update.phase) \(tenth * 10)%\(details)\n")
    }
  }

  /// Ends the bar's line so later output starts on a fresh one.
  func finishLine() {
    guard barVisible else { return }
    writeStandardError("\n")
    barVisible = false
  }

  /// Returns the text after the phase: customers, events per second and time left, each
  /// when known. A rate needs a tenth of a second of history before it is shown.
  static func details(of update: ProgressUpdate, fraction: Double, elapsed: Double) -> String {
    var parts: [String] = []
    if let arrived = update.customersArrived, let total = update.customers {
      parts.append("\(grouped(arrived)) of \(grouped(total)) customers")
    }
    if elapsed >= 0.1 {
      if let events = update.events {
        parts.append("\(grouped(Int(Double(events) / elapsed))) events/s")
      }
      if fraction > 0, fraction < 1 {
        parts.append("\(duration(elapsed * (1 - fraction) / fraction)) left")
      }
    }
    return parts.isEmpty ? "" : " · " + parts.joined(separator: " · ")
  }

  /// Returns `n` with a comma between groups of three digits.
  static func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
      text.append(digit)
    }
    return n < 0 ? "-" + text : text
  }

  /// Returns a whole number of seconds, or minutes and seconds from a minute on.
  static func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.up))
    return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
  }

  private static func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a cancellation that the run loop checks
/// between events, so the run can remove its partial output before it exits with 128 plus
/// the signal number (130 for Ctrl-C). SIGPIPE is ignored, so a closed output pipe makes
/// writes fail instead of killing the process mid-run.
///
/// Only verbs that ask for `cancellation` check it. Until one does, a handled signal ends
/// the process at once with the same status. The other verbs (attribute, lift, power and
/// the like) write their output only when they finish, so there is nothing to remove.
enum InterruptHandler {
  private static let flag = CancellationFlag()
  private static let received = Atomic<Int32>(0)
  private static let isChecked = Atomic<Bool>(false)

  /// The flag a verb checks between steps; from the first use on, a handled signal sets it
  /// instead of ending the process.
  static var cancellation: CancellationFlag {
    isChecked.store(true, ordering: .sequentiallyConsistent)
    return flag
  }

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
        guard isChecked.load(ordering: .sequentiallyConsistent) else {
          writeStandardError("loopsim: error: interrupted.\n")
          _exit(128 + number)
        }
        received.store(number, ordering: .relaxed)
        flag.cancel()
      }
      source.resume()
      return source
    }
  }
}

import Foundation
import LoopSim

let signalSources = InterruptHandler.install()
var status = LoopSimCommand.main(Array(CommandLine.arguments.dropFirst()))
if status == .interrupted, let signal = InterruptHandler.signal {
  exit(128 + signal)
}
signalSources.forEach { $0.cancel() }
exit(status.rawValue)

import Foundation
import LoopSim

let interrupt = InterruptHandler.install()
let status = LoopSimCommand.main(Array(CommandLine.arguments.dropFirst()))
interrupt.cancel()
exit(status.rawValue)

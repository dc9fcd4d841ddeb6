import Foundation
import LoopSim

let status = LoopSimCommand.main(Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)

import Foundation
import Testing
import TestSupport

@Test func commandVersion() throws {
  let result = try TestSupport.runLoopSim(["--version"])
  #expect(result.status == 0)
  #expect(result.standardOutput.hasPrefix("loopsim "))
}

@Test func commandHelpListsVerbs() throws {
  let result = try TestSupport.runLoopSim(["--help"])
  #expect(result.status == 0)
  #expect(result.standardOutput.contains("run"))
  #expect(result.standardOutput.contains("validate"))
}

@Test(arguments: ["run", "validate"])
func commandVerbHelp(verb: String) throws {
  let result = try TestSupport.runLoopSim([verb, "--help"])
  #expect(result.status == 0)
  #expect(result.standardOutput.contains("USAGE: loopsim \(verb)"))
  #expect(result.standardOutput.contains("--set"))
  #expect(result.standardError.isEmpty)
}

@Test(arguments: [
  (["rn"], "Did you mean 'run'?"),
  (["run", "x.json5", "--custmers", "5"], "Did you mean '--customers'?"),
  (["run"], "missing SCENARIO"),
  (["run", "a.json5", "b.json5"], "unexpected argument 'b.json5'"),
  (["run", "a.json5", "--seed"], "needs a value"),
  (["run", "a.json5", "--log-level", "loud"], "invalid value 'loud'"),
  (["run", "a.json5", "--out", "--json"], "option '--out' needs a value"),
  ([], "missing verb"),
])
func commandUsageErrors(arguments: [String], fragment: String) throws {
  let result = try TestSupport.runLoopSim(arguments)
  #expect(result.status == 2)
  #expect(result.standardError.contains(fragment), "\(result.standardError)")
  #expect(result.standardOutput.isEmpty)
}

@Test func commandValidateReportsEachFile() throws {
  let broken = try TestSupport.temporaryDirectory().appendingPathComponent("broken.json5")
  try "{ formatVersion: 1 ".write(to: broken, atomically: true, encoding: .utf8)
  let result = try TestSupport.runLoopSim(["validate", TestSupport.flagshipScenario, broken.path])
  #expect(result.status == 2)
  #expect(result.standardOutput.contains("masterclass-abandoned-cart.json5: valid"))
  #expect(result.standardError.contains("broken.json5:1:"))
}

@Test func commandSetOverridesScenario() throws {
  let result = try TestSupport.runLoopSim([
    "validate", TestSupport.flagshipScenario, "--customers", "1234",
  ])
  #expect(result.status == 0)
  #expect(result.standardOutput.contains("1234 customers"))
}

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

/// Standard error is a pipe here, so progress comes as plain lines, one per tenth, with
/// the customers simulated; `--quiet` shows none.
@Test func commandProgressLines() throws {
  let folder = try TestSupport.temporaryDirectory()
  let shown = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--customers", "2000",
    "--out", folder.appendingPathComponent("shown").path,
  ])
  #expect(shown.status == 0, "\(shown.standardError)")
  let lines = shown.standardError.split(separator: "\n").filter { $0.hasPrefix("loopsim: ") }
  #expect(lines.contains { $0.hasPrefix("loopsim: factual pass 100% · 2,000 of 2,000 customers") })
  #expect(lines.contains { $0.hasPrefix("loopsim: pass forcing holdout 100%") })
  #expect(!shown.standardError.contains("\r"), "no bar is drawn when stderr is not a terminal")

  let quiet = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--customers", "2000",
    "--out", folder.appendingPathComponent("quiet").path, "--quiet",
  ])
  #expect(quiet.status == 0)
  #expect(quiet.standardError.isEmpty)
}

import Foundation
import TestSupport
import Testing

/// Writes a copy of the flagship with `original` replaced by `replacement` to a new folder.
private func brokenFlagship(replacing original: String, with replacement: String) throws -> URL {
  let text = try String(contentsOfFile: TestSupport.flagshipScenario, encoding: .utf8)
  #expect(text.contains(original), "the flagship no longer contains \(original)")
  let file = try TestSupport.temporaryDirectory().appendingPathComponent("broken.json5")
  try text.replacingOccurrences(of: original, with: replacement)
    .write(to: file, atomically: true, encoding: .utf8)
  return file
}

/// Returns the 1-based line of the first occurrence of `text` in `file`.
private func line(of text: String, in file: URL) throws -> Int {
  let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
  return try #require(lines.firstIndex { $0.contains(text) }) + 1
}

/// Runs `loopsim run` on `scenario`, expects exit status 2 and no results folder, and
/// returns standard error.
private func expectRejected(_ scenario: String, extra: [String] = []) throws -> String {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    ["run", scenario, "--out", output.path, "--quiet"] + extra)
  #expect(result.status == 2, "stderr: \(result.standardError)")
  #expect(!FileManager.default.fileExists(atPath: output.path), "a results folder was left")
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent.path)
  #expect(leftovers.isEmpty, "left behind: \(leftovers)")
  #expect(result.standardOutput.isEmpty)
  return result.standardError
}

@Test func badInputMissingFile() throws {
  let missing = try TestSupport.temporaryDirectory().appendingPathComponent("nope.json5").path
  let message = try expectRejected(missing)
  #expect(message.contains(missing))
  #expect(message.contains("No such file or directory"))
  #expect(message.contains("Fix:"))
}

@Test func badInputInvalidJSON5() throws {
  let file = try brokenFlagship(replacing: "customers: 100000,", with: "customers: 100000 oops")
  let message = try expectRejected(file.path)
  let expectedLine = try line(of: "customers: 100000 oops", in: file)
  #expect(message.contains("\(file.path):\(expectedLine):"), "\(message)")
  #expect(message.contains("expected"))
  #expect(message.contains("found"))
}

@Test func badInputMissingField() throws {
  let file = try brokenFlagship(replacing: "seed: 20261204,", with: "")
  let message = try expectRejected(file.path)
  #expect(message.contains("run.seed"), "\(message)")
  #expect(message.contains("missing required field"))
  #expect(message.contains(file.path))
  #expect(message.contains("Fix:"))
}

@Test func badInputProbabilityOutOfRange() throws {
  let original = "addToCart: { probability: 0.45,"
  let file = try brokenFlagship(replacing: original, with: "addToCart: { probability: 1.35,")
  let message = try expectRejected(file.path)
  let expectedLine = try line(of: "addToCart: { probability: 1.35,", in: file)
  #expect(message.contains("\(file.path):\(expectedLine):"), "\(message)")
  #expect(message.contains("behaviour.addToCart.probability"))
  #expect(message.contains("1.35"))
  #expect(message.contains("Fix:"))
}

@Test func badInputNegativeCustomers() throws {
  let message = try expectRejected(TestSupport.flagshipScenario, extra: ["--customers", "-5"])
  #expect(message.contains("run.customers"), "\(message)")
  #expect(message.contains("-5"))
  #expect(message.contains("Fix:"))
}

/// Errors in several fields come out together, in source order.
@Test func badInputReportsEveryError() throws {
  var text = try String(contentsOfFile: TestSupport.flagshipScenario, encoding: .utf8)
  text = text.replacingOccurrences(of: "seed: 20261204,", with: "seed: -1,")
  text = text.replacingOccurrences(of: "    holdout: 0.2,", with: "    holdot: 0.2,")
  text = text.replacingOccurrences(of: "deliverability: 0.97,", with: "deliverability: \"high\",")
  let file = try TestSupport.temporaryDirectory().appendingPathComponent("many.json5")
  try text.write(to: file, atomically: true, encoding: .utf8)
  let message = try expectRejected(file.path)
  let lines = message.split(separator: "\n").filter { $0.contains(": error: ") }
  #expect(lines.count >= 3, "\(message)")
  let seed = try #require(lines.firstIndex { $0.contains("run.seed") })
  let holdout = try #require(lines.firstIndex { $0.contains("experiment.holdot") })
  let deliverability = try #require(lines.firstIndex { $0.contains("email.deliverability") })
  #expect(seed < holdout)
  #expect(holdout < deliverability)
  #expect(lines[holdout].contains("did you mean \"holdout\""))
}

@Test func badInputUnknownTemplatePlaceholder() throws {
  let message = try expectRejected(
    TestSupport.flagshipScenario,
    extra: ["--set", "templates[0].subject=Hi {{ abandoned.titel }}"])
  #expect(message.contains("templates[0].subject"), "\(message)")
  #expect(message.contains("abandoned.titel"))
  #expect(message.contains("abandoned.title"))
}

@Test func badInputOutputFolderNotEmpty() throws {
  let output = try TestSupport.temporaryDirectory()
  let keep = output.appendingPathComponent("keep.txt")
  try "precious".write(to: keep, atomically: true, encoding: .utf8)
  let result = try TestSupport.runLoopSim(
    ["run", TestSupport.flagshipScenario, "--customers", "100", "--out", output.path])
  #expect(result.status == 2)
  #expect(result.standardError.contains("not empty"))
  #expect(try String(contentsOf: keep, encoding: .utf8) == "precious")
}

@Test func badInputExtendsCycle() throws {
  let folder = try TestSupport.temporaryDirectory()
  try #"{ extends: "b.json5" }"#.write(
    to: folder.appendingPathComponent("a.json5"), atomically: true, encoding: .utf8)
  try #"{ extends: "a.json5" }"#.write(
    to: folder.appendingPathComponent("b.json5"), atomically: true, encoding: .utf8)
  let message = try expectRejected(folder.appendingPathComponent("a.json5").path)
  #expect(message.contains("cycle"), "\(message)")
}

/// Ctrl-C during a run removes the partial output and exits with 130.
@Test func runInterruptedRemovesPartialOutput() throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    [
      "run", TestSupport.flagshipScenario, "--customers", "2000000", "--out", output.path,
      "--quiet",
    ]
  ) { process in
    Thread.sleep(forTimeInterval: 1.5)
    process.interrupt()
  }
  #expect(result.status == 130, "stderr: \(result.standardError)")
  #expect(result.standardError.contains("interrupted"))
  #expect(!FileManager.default.fileExists(atPath: output.path))
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

@Test func badInputUnknownDestinationEvent() throws {
  let message = try expectRejected(
    TestSupport.flagshipScenario,
    extra: ["--set", #"pipeline.destinations.messaging.events=["Product Addded"]"#])
  #expect(message.contains("pipeline.destinations.messaging.events[0]"), "\(message)")
  #expect(message.contains("did you mean \"Product Added\""))
}

@Test func validateWarnsWhenFilterDropsTrigger() throws {
  let result = try TestSupport.runLoopSim([
    "validate", TestSupport.flagshipScenario,
    "--set", #"pipeline.destinations.messaging.events=["Product Viewed"]"#,
  ])
  #expect(result.status == 0)
  #expect(result.standardError.contains("warning: pipeline"), "\(result.standardError)")
  #expect(result.standardError.contains("no one can enter the workflow"))
}

@Test(arguments: [
  (["--set", "catalog[3].id=bread-baking"], "catalog[3].id", "\"bread-baking\" repeats"),
  (["--set", "catalog[2].title=two\nlines"], "catalog[2].title", "control characters"),
  (["--set", "templates[0].subject=Hi\nthere"], "templates[0].subject", "line break"),
  (["--set", "run.start=9999-12-31"], "run.start", "from 1900 to 9000"),
  (
    ["--set", "behaviour.trailer.delay={ gamma: { shape: 3, mean: \"1ms\" } }"],
    "behaviour.trailer.delay.gamma.mean", "at least 1ms"
  ),
  (["--customers", "10000001"], "run.customers", "1 to 10000000"),
])
func badInputFieldRejected(extra: [String], path: String, fragment: String) throws {
  let message = try expectRejected(TestSupport.flagshipScenario, extra: extra)
  #expect(message.contains(path), "\(message)")
  #expect(message.contains(fragment), "\(message)")
}

@Test(arguments: ["/proc/loopsim-test/run", "/etc/passwd/run"])
func badInputUnwritableOutput(path: String) throws {
  let result = try TestSupport.runLoopSim(
    ["run", TestSupport.flagshipScenario, "--customers", "100", "--out", path, "--quiet"])
  #expect(result.status == 2)
  #expect(result.standardError.contains("cannot create the results folder"))
  #expect(result.standardError.contains("Fix:"))
}

/// SIGTERM cleans up like Ctrl-C and exits with 128 + 15.
@Test func runTerminatedRemovesPartialOutput() throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim(
    [
      "run", TestSupport.flagshipScenario, "--customers", "2000000", "--out", output.path,
      "--quiet",
    ]
  ) { process in
    Thread.sleep(forTimeInterval: 1.5)
    process.terminate()
  }
  #expect(result.status == 143, "stderr: \(result.standardError)")
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

/// The lift measurement reads these properties from the warehouse, so renaming one there is
/// an error rather than an empty or failed measurement.
@Test(arguments: ["order_id", "experiment_id", "product_id"])
func badInputWarehouseRenamesMeasuredProperty(property: String) throws {
  let message = try expectRejected(
    TestSupport.flagshipScenario,
    extra: ["--set", "pipeline.destinations.warehouse.mappings={\(property):'renamed'}"])
  #expect(message.contains("renames \"\(property)\""), "\(message)")
  #expect(message.contains("pipeline.destinations.warehouse.mappings"))
  #expect(message.contains("Fix:"))
}

/// The results folder is published whole, so an export inside it is rejected before the run.
@Test(arguments: ["", "/messages.jsonl"])
func badInputExportInsideResults(suffix: String) throws {
  let parent = try TestSupport.temporaryDirectory()
  let output = parent.appendingPathComponent("run")
  let result = try TestSupport.runLoopSim([
    "run", TestSupport.flagshipScenario, "--customers", "100", "--out", output.path,
    "--export-messages", output.path + suffix, "--quiet",
  ])
  #expect(result.status == 2, "\(result.standardError)")
  #expect(result.standardError.contains("lies in the results folder"), "\(result.standardError)")
  #expect(result.standardError.contains("Fix:"))
  #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
}

/// Verbs that check no cancellation flag, such as a long `attribute`, end at once on Ctrl-C
/// or SIGTERM with 128 plus the signal number, and print no partial report.
@Test(arguments: [(true, Int32(130)), (false, Int32(143))])
func attributeStopsOnSignal(interrupts: Bool, status: Int32) throws {
  let folder = try TestSupport.temporaryDirectory()
  let file = folder.appendingPathComponent("long-path.csv")
  // One journey through 20,000 channels: the removal effects take far longer than the
  // test waits.
  let path = (0..<20_000).map { "c\($0)" }.joined(separator: ">")
  try Data("path,total_conversions,total_conversion_value,total_null\n\(path),1,10,1\n".utf8)
    .write(to: file)
  let result = try TestSupport.runLoopSim(["attribute", file.path]) { process in
    Thread.sleep(forTimeInterval: 1.5)
    if interrupts { process.interrupt() } else { process.terminate() }
  }
  #expect(result.status == status, "stderr: \(result.standardError)")
  #expect(result.standardOutput.isEmpty)
  #expect(result.standardError.contains("error: interrupted"))
}

/// Many channels make the Markov model slow, so `attribute` warns before it starts.
@Test func attributeWarnsAboutManyChannels() throws {
  let folder = try TestSupport.temporaryDirectory()
  let file = folder.appendingPathComponent("wide.csv")
  let path = (0..<600).map { "c\($0)" }.joined(separator: ">")
  try Data("path,total_conversions,total_conversion_value,total_null\n\(path),1,10,1\n".utf8)
    .write(to: file)
  let slow = try TestSupport.runLoopSim(["attribute", file.path, "--models", "markov"]) {
    process in
    Thread.sleep(forTimeInterval: 1)
    process.interrupt()
  }
  #expect(slow.standardError.contains("warning: 600 channels"), "\(slow.standardError)")

  let fast = try TestSupport.runLoopSim(["attribute", file.path, "--models", "first,last"])
  #expect(fast.status == 0)
  #expect(!fast.standardError.contains("warning"))
}

/// A command that needs a loop scenario gives one error at `model` for a reference-funnel
/// file, not one for every section the funnel leaves out.
@Test(arguments: [["compare"], ["replay", "/dev/null", "--scenario"]])
func funnelScenarioGivesOneModelError(prefix: [String]) throws {
  let funnel = TestSupport.repositoryRoot.appendingPathComponent(
    "Scenarios/reference-funnel.json5"
  ).path
  let extra = prefix == ["compare"] ? [TestSupport.flagshipScenario] : []
  let result = try TestSupport.runLoopSim(prefix + [funnel] + extra)
  #expect(result.status == 2)
  let errors = result.standardError.split(separator: "\n").filter { $0.contains("error:") }
  #expect(errors.count == 1, "\(result.standardError)")
  #expect(result.standardError.contains("error: model: this command needs a scenario"))
}

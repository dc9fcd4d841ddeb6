import Config
import Foundation
import LoopSim
import Testing
import TestSupport

/// One invalid change to the flagship and the error it must produce.
struct InvalidCase: Sendable, CustomTestStringConvertible {
  let override: String
  let path: String
  let fragment: String

  var testDescription: String { override }
}

private let invalidCases: [InvalidCase] = [
  InvalidCase(
    override: "channels[0].reach=0.6", path: "channels",
    fragment: "the reaches of segment \"new-visitor\" sum to 1.1, not 1"),
  InvalidCase(
    override: "channels[1].clickThrough=1.5", path: "channels[1].clickThrough",
    fragment: "expected a probability from 0 to 1, found 1.5"),
  InvalidCase(
    override: #"channels[0].promotes=["knife-skill"]"#, path: "channels[0].promotes[0]",
    fragment: "did you mean \"knife-skills\"?"),
  InvalidCase(
    override: "population.segments[0].share=0.59", path: "population.segments",
    fragment: "segment shares sum to 0.99, not 1"),
  InvalidCase(
    override: "experiment.holdout=0.3", path: "experiment",
    fragment: "lower the holdout or an arm's share by 0.1"),
  InvalidCase(
    override: "experiment.arms[0].strategy=watched-class", path: "experiment.arms[0].strategy",
    fragment: "did you mean \"watched-classes\"?"),
  InvalidCase(
    override: "workflows[0].steps[4].sendEmail.template=abandoned-kart",
    path: "workflows[0].steps[4].sendEmail.template", fragment: "did you mean \"abandoned-cart\"?"),
  InvalidCase(
    override: #"workflows[0].steps[0]={split:"experiment"}"#,
    path: "workflows[0].steps[3].split", fragment: "at most one split step"),
  InvalidCase(
    override: #"workflows[0].steps[0]={wiat:"1h"}"#, path: "workflows[0].steps[0].wiat",
    fragment: "did you mean \"wait\"?"),
  InvalidCase(
    override: "experiment.arms[0].name=holdout", path: "experiment.arms[0].name",
    fragment: "is reserved"),
  InvalidCase(
    override: "behaviour.trailer.probability=0.3", path: "behaviour.trailer.probability",
    fragment: "channels[].clickThrough"),
  InvalidCase(
    override: #"run.timeZones=[{name:"x",offset:"+25:00",share:1}]"#,
    path: "run.timeZones[0].offset", fragment: "found \"+25:00\""),
  InvalidCase(
    override: "pipeline.destinations.warehouse.batchWindow=2d",
    path: "pipeline.destinations.warehouse.batchWindow", fragment: "at most 1d"),
  InvalidCase(
    override: "pipeline.trackingPlan=plans/missing.json5", path: "pipeline.trackingPlan",
    fragment: "No such file or directory"),
  InvalidCase(
    override: "pipeline.trackingPlan=/dev/zero", path: "pipeline.trackingPlan",
    fragment: "not a .json5 or .json file"),
  InvalidCase(
    override: "pipeline.trackingPlan=plans", path: "pipeline.trackingPlan",
    fragment: "not a .json5 or .json file"),
  InvalidCase(
    override: "pipeline.trackingPlan=plans.json5", path: "pipeline.trackingPlan",
    fragment: "No such file or directory"),
  InvalidCase(
    override: #"measurement.metrics=["conversion"]"#, path: "measurement.metrics[0]",
    fragment: "found \"conversion\""),
  InvalidCase(
    override: "measurement.conversion.product=abandoned", path: "measurement.conversion.product",
    fragment: "one of \"any\", \"trigger-class\""),
  InvalidCase(
    override: #"behaviour.segments={"new-visiter":{addToCart:{probability:0.5}}}"#,
    path: #"behaviour.segments["new-visiter"]"#, fragment: "did you mean \"new-visitor\"?"),
  InvalidCase(override: "experimnt={}", path: "experimnt", fragment: "did you mean \"experiment\"?"),
  InvalidCase(
    override: "run.arrivalWindow=60d", path: "run.arrivalWindow",
    fragment: "at most prePeriod + duration"),
  InvalidCase(
    override: "catalog[1].id=knife-skills", path: "catalog[1].id",
    fragment: "\"knife-skills\" repeats"),
]

@Test(arguments: invalidCases)
func invalidScenarioReportsPathAndFix(_ invalid: InvalidCase) throws {
  let override = try ConfigOverride(parsing: invalid.override)
  do {
    _ = try ScenarioLoader.load(path: TestSupport.flagshipScenario, overrides: [override])
    Issue.record("\(invalid.override) was accepted")
  } catch {
    let diagnostics = try #require(ScenarioLoader.diagnostics(describing: error))
    let errors = diagnostics.filter { $0.severity == .error }
    let match = errors.first { $0.path.description == invalid.path }
    #expect(match != nil, "paths: \(errors.map(\.path.description))")
    #expect(
      match?.description.contains(invalid.fragment) == true,
      "message: \(match?.description ?? errors.map(\.description).joined(separator: "\n"))")
    #expect(match?.fix != nil, "every error carries a fix")
    #expect(match?.location != nil, "every error carries a location")
  }
}

/// Suppression learns of unsubscribes, complaints and hard bounces only through the
/// messaging destination, so filtering one out of a scenario that sends email warns.
@Test(arguments: ["Unsubscribed", "Email Marked as Spam", "Email Bounced"])
func filteredSuppressionEventWarns(event: String) throws {
  let allowed = [
    "Video Playback Started", "Product Viewed", "Product Added", "Order Completed",
    "Email Opened", "Email Link Clicked", "Unsubscribed", "Email Marked as Spam",
    "Email Bounced",
  ].filter { $0 != event }
  let list = allowed.map { "\"\($0)\"" }.joined(separator: ",")
  let override = try ConfigOverride(
    parsing: "pipeline.destinations.messaging.events=[\(list)]")
  let scenario = try ScenarioLoader.load(
    path: TestSupport.flagshipScenario, overrides: [override])
  #expect(scenario.warnings.contains { $0.contains("filters out \"\(event)\"") }, "\(scenario.warnings)")
  let flagship = try ScenarioLoader.load(path: TestSupport.flagshipScenario)
  #expect(flagship.warnings.isEmpty, "\(flagship.warnings)")
}

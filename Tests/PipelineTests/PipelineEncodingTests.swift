import Config
import Foundation
import Simulation
import Testing

@testable import Pipeline

/// Writes `value` as JSON, parses the text and reads it back with `reader`, reporting every
/// diagnostic.
private func roundTrip<Value>(
  _ value: some ConfigEncodable, through reader: ConfigReader<Value>,
  at path: FieldPath = FieldPath()
) throws -> (value: Value?, diagnostics: [Diagnostic]) {
  let text = value.configValue.canonicalText()
  let tree = try JSON5.parse(text, file: "encoded.json5")
  let diagnostics = Diagnostics()
  let read = diagnostics.read(tree, at: path, as: reader)
  return (read, diagnostics.all)
}

/// A scenario path in the fixture folder. The file need not exist, because only its folder
/// is used.
private let scenarioBesideFixtures = fixturesFolder.appendingPathComponent("scenario.json5").path

private func fullPipeline() throws -> PipelineConfig {
  let plan = try TrackingPlan.load(contentsOfFile: loopSimPlanPath)
  return PipelineConfig(
    client: ClientFaults(
      duplicateRate: 0.01, invalidRate: 0.002, duplicateDelay: .exponential(mean: .hours(6)),
      secondDeviceRate: 0.3,
      clockSkew: ClockSkew(offset: .lognormal(median: .seconds(40), sigma: 1.5), behindShare: 0.7),
      offlineRate: 0.05, offlineDelay: .uniform(minimum: .minutes(5), maximum: .hours(8))),
    destinations: [
      DestinationConfig(kind: .analytics, latency: .exponential(mean: .seconds(5))),
      DestinationConfig(
        kind: .warehouse, latency: .uniform(minimum: .minutes(5), maximum: .hours(1)),
        outages: [
          OutageWindow(
            start: SimTime(milliseconds: 12 * 86_400_000),
            end: SimTime(milliseconds: 12 * 86_400_000 + 3 * 3_600_000)),
          OutageWindow(start: .zero, end: SimTime(milliseconds: 1_500)),
        ],
        retry: RetryPolicy(maxAttempts: 4, backoff: .minutes(20), jitter: true),
        batchWindow: .hours(1)),
      DestinationConfig(
        kind: .messaging, latency: .lognormal(median: .seconds(30), sigma: 0.4),
        events: .deny(["Order Refunded", "Password Reset Requested"]),
        mappings: ["product_id": "sku", "price": "unit_price"],
        batchWindow: .milliseconds(1_500)),
    ],
    trackingPlan: TrackingPlanReference(
      path: "tracking-plan.json5",
      resolvedPath: URL(fileURLWithPath: loopSimPlanPath).standardizedFileURL.path, plan: plan),
    dedupWindow: .hours(36), lateThreshold: .minutes(90))
}

@Test func pipelineConfigRoundTrips() throws {
  let original = try fullPipeline()
  let (read, diagnostics) = try roundTrip(
    original, through: PipelineConfig.reader(scenarioFile: scenarioBesideFixtures),
    at: ["pipeline"])
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(read == original)
}

@Test func pipelineConfigWritesPlanPathAsGiven() throws {
  let value = try fullPipeline().configValue
  guard case .object(let members) = value else {
    Issue.record("expected an object, found \(value)")
    return
  }
  #expect(members["trackingPlan"] == .string("tracking-plan.json5"))
}

@Test func pipelineConfigFillsDefaults() throws {
  let tree = try JSON5.parse(
    """
    { destinations: {
        analytics: { latency: "5s" },
        warehouse: { latency: { exponential: { mean: "1m" } } },
        messaging: { latency: "30s", events: ["Product Added"] } } }
    """, file: "minimal.json5")
  let diagnostics = Diagnostics()
  let config = try #require(
    diagnostics.read(tree, as: PipelineConfig.reader(scenarioFile: "minimal.json5")))
  let text = config.configValue.canonicalText(pretty: false)
  let defaults = #""outages":[],"retry":{"backoff":"1m","jitter":false,"maxAttempts":3}"#
  let client =
    #"{"clockSkew":{"behindShare":0.5,"offset":{"fixed":"0ms"}},"#
    + #""duplicateDelay":{"fixed":"0ms"},"duplicateRate":0,"invalidRate":0,"#
    + #""offlineDelay":{"fixed":"0ms"},"offlineRate":0,"secondDeviceRate":0}"#
  #expect(
    text == #"{"client":\#(client),"dedupWindow":"1d","destinations":{"#
      + #""analytics":{"latency":{"fixed":"5s"},"mappings":{},\#(defaults)},"#
      + #""messaging":{"events":{"allow":["Product Added"]},"latency":{"fixed":"30s"},"#
      + #""mappings":{},\#(defaults)},"#
      + #""warehouse":{"latency":{"exponential":{"mean":"1m"}},"mappings":{},\#(defaults)}},"#
      + #""lateThreshold":"1h"}"#)
}

@Test func trackingPlanRoundTrips() throws {
  let original = TrackingPlan(
    events: [
      PlannedEvent(
        name: "Product Added",
        properties: [
          PlannedProperty(name: "product_id", type: .string, isRequired: true),
          PlannedProperty(name: "price", type: .number, minimum: 0, maximum: 1e4),
          PlannedProperty(name: "quantity", type: .integer, minimum: 1),
          PlannedProperty(name: "currency", type: .string, allowedValues: ["USD", "EUR"]),
          PlannedProperty(name: "gift", type: .boolean),
          PlannedProperty(name: "products", type: .array),
        ]),
      PlannedEvent(name: "Signed Up", allowsAdditionalProperties: false),
    ],
    unplannedEvents: .block, violations: .dropProperties)
  let (read, diagnostics) = try roundTrip(original, through: TrackingPlan.reader)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(read == original)
}

@Test func loopSimPlanRoundTrips() throws {
  let original = try TrackingPlan.load(contentsOfFile: loopSimPlanPath)
  let (read, diagnostics) = try roundTrip(original, through: TrackingPlan.reader)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(read == original)
}

@Test func clientFaultsRoundTrip() throws {
  let original = ClientFaults(
    duplicateRate: 0.1 + 0.2, invalidRate: 1, duplicateDelay: .fixed(.days(2)),
    secondDeviceRate: 1, clockSkew: ClockSkew(offset: .fixed(.hours(1)), behindShare: 0),
    offlineRate: 1, offlineDelay: .exponential(mean: .hours(2)))
  let (read, diagnostics) = try roundTrip(original, through: PipelineConfig.clientReader)
  #expect(diagnostics.isEmpty)
  #expect(read == original)
}

@Test func retryPolicyRoundTrips() throws {
  let original = RetryPolicy(maxAttempts: 20, backoff: .days(7), jitter: true)
  let (read, diagnostics) = try roundTrip(original, through: PipelineConfig.retryReader)
  #expect(diagnostics.isEmpty)
  #expect(read == original)
}

@Test func outageWindowRoundTrips() throws {
  let original = OutageWindow(
    start: SimTime(milliseconds: 90_061_001), end: SimTime(milliseconds: 90_061_002))
  #expect(
    original.configValue.canonicalText(pretty: false)
      == #"{"end":"90061002ms","start":"90061001ms"}"#)
  let (read, diagnostics) = try roundTrip(original, through: PipelineConfig.outageReader)
  #expect(diagnostics.isEmpty)
  #expect(read == original)
}

@Test(arguments: DestinationKind.allCases)
func destinationConfigRoundTrips(kind: DestinationKind) throws {
  let original = DestinationConfig(
    kind: kind, latency: .gamma(shape: 2, scale: .minutes(3)), events: [],
    mappings: ["name": "title"],
    outages: [OutageWindow(start: .zero, end: SimTime(milliseconds: 60_000))],
    retry: RetryPolicy(maxAttempts: 1, backoff: .zero), batchWindow: .days(1))
  let (read, diagnostics) = try roundTrip(
    original, through: PipelineConfig.destinationReader(kind))
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  #expect(read == original)
}

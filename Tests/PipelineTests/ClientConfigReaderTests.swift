import Config
import Simulation
import Testing

@testable import Pipeline

/// Reads a pipeline section with the three destinations and `extra` members.
private func readPipeline(_ extra: String) throws -> (
  config: PipelineConfig?, diagnostics: [Diagnostic]
) {
  let text = """
    {
      destinations: {
        analytics: { latency: "5s" },
        warehouse: { latency: "5m" },
        messaging: { latency: "30s" },
      },
      \(extra)
    }
    """
  let tree = try JSON5.parse(text, file: "pipeline.json5")
  let diagnostics = Diagnostics()
  let config = diagnostics.read(
    tree, at: ["pipeline"], as: PipelineConfig.reader(scenarioFile: "pipeline.json5"))
  return (config, diagnostics.all)
}

@Test func pipelineDefaultsForCollect() throws {
  let (config, diagnostics) = try readPipeline("")
  #expect(diagnostics.isEmpty)
  let pipeline = try #require(config)
  #expect(pipeline.dedupWindow == .hours(24))
  #expect(pipeline.lateThreshold == .hours(1))
  #expect(pipeline.client == .none)
  #expect(pipeline.client.secondDeviceRate == 0)
  #expect(pipeline.client.clockSkew == .none)
  #expect(pipeline.client.offlineRate == 0)
  #expect(pipeline.destinations.allSatisfy { $0.events == .all && $0.mappings.isEmpty })
  #expect(pipeline.destinations.allSatisfy { $0.retry.jitter == false })
}

@Test func pipelineReadsEveryClientField() throws {
  let (config, diagnostics) = try readPipeline(
    """
    dedupWindow: "12h", lateThreshold: "30m",
    client: {
      duplicateRate: 0.02, duplicateDelay: { exponential: { mean: "1d" } },
      secondDeviceRate: 0.3,
      clockSkew: { offset: { exponential: { mean: "5m" } }, behindShare: 0.8 },
      offlineRate: 0.1, offlineDelay: "2h",
    },
    """)
  #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
  let pipeline = try #require(config)
  #expect(pipeline.dedupWindow == .hours(12))
  #expect(pipeline.lateThreshold == .minutes(30))
  let client = pipeline.client
  #expect(client.duplicateRate == 0.02)
  #expect(client.duplicateDelay == .exponential(mean: .days(1)))
  #expect(client.secondDeviceRate == 0.3)
  #expect(client.clockSkew == ClockSkew(offset: .exponential(mean: .minutes(5)), behindShare: 0.8))
  #expect(client.offlineRate == 0.1)
  #expect(client.offlineDelay == .fixed(.hours(2)))
}

/// Invalid Collect and client fields: the text, the problem, the field path and the fix.
private let invalidFields: [(text: String, problem: String, path: String, fix: String?)] = [
  (
    #"client: { secondDeviceRat: 0.1 },"#, "unknown field", "pipeline.client.secondDeviceRat",
    #"did you mean "secondDeviceRate"?"#
  ),
  (
    #"client: { clockSkew: { ofset: "1m" } },"#, "unknown field",
    "pipeline.client.clockSkew.ofset", #"did you mean "offset"?"#
  ),
  (#"client: { clockSkew: { behindShare: 0.5 } },"#, #"missing required field "offset""#,
    "pipeline.client.clockSkew.offset", nil),
  (#"client: { clockSkew: { offset: "-5m" } },"#, "invalid duration",
    "pipeline.client.clockSkew.offset", nil),
  (#"client: { secondDeviceRate: 1.5 },"#, "expected a probability",
    "pipeline.client.secondDeviceRate", nil),
  (#"client: { offlineRate: 0.2 },"#, "offlineRate above 0 without offlineDelay",
    "pipeline.client.offlineRate", nil),
  (#"dedupWindow: "31d","#, "deduplication window longer than 30 days",
    "pipeline.dedupWindow", nil),
  (#"dedupWindw: "1d","#, "unknown field", "pipeline.dedupWindw", #"did you mean "dedupWindow"?"#),
  (#"lateThreshold: 60,"#, "expected a duration", "pipeline.lateThreshold", nil),
]

@Test(arguments: invalidFields.map(\.text))
func pipelineRejectsInvalidField(text: String) throws {
  let expected = try #require(invalidFields.first { $0.text == text })
  let (_, diagnostics) = try readPipeline(text)
  let error = try #require(
    diagnostics.first { $0.path.description == expected.path },
    "\(diagnostics.map(\.description))")
  #expect(error.problem.hasPrefix(expected.problem), "\(error.problem)")
  if let fix = expected.fix {
    #expect(error.fix == fix)
  }
}

@Test func retryReadsJitter() throws {
  let (config, diagnostics) = try readPipeline("")
  #expect(diagnostics.isEmpty)
  #expect(config?.destinations.first?.retry == .default)

  let tree = try JSON5.parse(#"{ maxAttempts: 5, backoff: "1m", jitter: true }"#, file: "r")
  let reader = Diagnostics()
  let retry = reader.read(tree, as: PipelineConfig.retryReader)
  #expect(retry == RetryPolicy(maxAttempts: 5, backoff: .minutes(1), jitter: true))
  let typo = try JSON5.parse(#"{ maxAttempts: 5, backoff: "1m", jiter: true }"#, file: "r")
  let typoReader = Diagnostics()
  _ = typoReader.read(typo, as: PipelineConfig.retryReader)
  #expect(typoReader.all.first?.fix == #"did you mean "jitter"?"#)
}

import Foundation
import Measure
import Testing

/// The reference attributions in Fixtures/attribution_reference.json, written by
/// Fixtures/make_attribution_reference.py with numpy and the standard library.
struct AttributionReference: Decodable, Sendable {
  struct Generator: Decodable, Sendable {
    let script: String
    let python: String
    let numpy: String
  }

  struct Path: Decodable, Sendable {
    let channels: [String]
    let timestamps: [Int64]?
    let conversionTime: Int64?
    let conversions: Double
    let value: Double
    let nulls: Double

    var conversionPath: ConversionPath {
      let touches = channels.indices.map { index in
        Touch(channel: channels[index], timestamp: timestamps?[index])
      }
      return ConversionPath(
        touches: touches, conversions: conversions, value: value, nulls: nulls,
        conversionTime: conversionTime)
    }
  }

  struct Credits: Decodable, Sendable {
    let conversions: [Double]
    let value: [Double]
  }

  struct Markov: Decodable, Sendable, CustomTestStringConvertible {
    let order: Int
    let keepRepeats: Bool
    let states: Int
    let conversionProbability: Double
    let expectedValue: Double
    let removalEffects: [Double]
    let valueRemovalEffects: [Double]
    let conversions: [Double]
    let value: [Double]

    var testDescription: String { "order \(order)\(keepRepeats ? ", repeats kept" : "")" }
  }

  struct ShapleyGame: Decodable, Sendable {
    let shapleyValues: [Double]
    let valueShapleyValues: [Double]
    let conversionCredits: [Double]
    let valueCredits: [Double]
  }

  struct Shapley: Decodable, Sendable {
    let conversions: ShapleyGame
    let conversionRate: ShapleyGame
  }

  struct Case: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let description: String
    let paths: [Path]
    let channels: [String]
    let heuristics: [String: Credits]
    let markov: [Markov]
    let shapley: Shapley

    var testDescription: String { name }

    var conversionPaths: ConversionPaths {
      get throws { try ConversionPaths(paths.map(\.conversionPath)) }
    }
  }

  let generator: Generator
  let halfLifeMilliseconds: Int64
  let halfLifeInTouches: Double
  let directChannel: String
  let cases: [Case]

  static func load() throws -> AttributionReference {
    guard
      let url = Bundle.module.url(
        forResource: "attribution_reference", withExtension: "json", subdirectory: "Fixtures")
    else {
      throw CocoaError(.fileNoSuchFile)
    }
    return try JSONDecoder().decode(AttributionReference.self, from: Data(contentsOf: url))
  }
}

let attributionReference = Result { try AttributionReference.load() }

/// Returns the reference's path sets.
func attributionCases() throws -> [AttributionReference.Case] {
  try attributionReference.get().cases
}

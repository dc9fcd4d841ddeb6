import Config
import Simulation

/// The `measurement` section: what counts as a conversion, over which window, which
/// metrics are reported, and the attribution settings.
public struct MeasurementConfig: Sendable, Equatable {
  /// Which purchases count as a conversion.
  public enum ConversionProduct: String, Sendable, CaseIterable {
    /// Any `Order Completed`.
    case any
    /// Only an `Order Completed` for the class that triggered the workflow (the class
    /// left in the cart).
    case triggerClass = "trigger-class"
  }

  /// Metrics the summary reports per arm. The conversion rate is always reported;
  /// listing it only states it.
  public enum Metric: String, Sendable, CaseIterable {
    case conversionRate, revenuePerCustomer
  }

  /// Attribution models by their standard names.
  public enum AttributionModel: String, Sendable, CaseIterable {
    case firstTouch = "first-touch"
    case lastTouch = "last-touch"
    case lastNonDirect = "last-non-direct"
    case linear
    case timeDecay = "time-decay"
    case positionBased = "position-based"
    case markov
    case shapley
  }

  public var conversionEvent: String
  public var conversionProduct: ConversionProduct
  /// How long after assignment a purchase counts; nil for the rest of the run.
  public var window: SimDuration?
  public var metrics: [Metric]
  /// How far back before a conversion touches count for attribution.
  public var attributionLookback: SimDuration
  public var attributionModels: [AttributionModel]

  public init(
    conversionEvent: String = "Order Completed", conversionProduct: ConversionProduct = .any,
    window: SimDuration? = nil, metrics: [Metric] = [.conversionRate],
    attributionLookback: SimDuration = .days(30), attributionModels: [AttributionModel] = []
  ) {
    self.conversionEvent = conversionEvent
    self.conversionProduct = conversionProduct
    self.window = window
    self.metrics = metrics
    self.attributionLookback = attributionLookback
    self.attributionModels = attributionModels
  }

  /// Whether a purchase at `time` of `classId` converts a customer assigned at
  /// `assignedAt` whose workflow was triggered by `triggerClass`.
  public func counts(
    purchaseAt time: SimTime, of classId: String, assignedAt: SimTime, triggerClass: String?
  ) -> Bool {
    guard time >= assignedAt else { return false }
    if let window, time >= assignedAt + window { return false }
    return conversionProduct == .any || classId == triggerClass
  }

  /// Reads the `measurement` section; every field has a default.
  public static var reader: ConfigReader<MeasurementConfig> {
    .object("a measurement section") { section in
      let conversion = section.optional(
        "conversion", conversionReader, default: ("Order Completed", .any))
      let window = section.optional("window", .positiveDuration)
      let metrics = section.optional(
        "metrics", .array(of: .oneOf(Metric.self), count: 1...Metric.allCases.count),
        default: [.conversionRate])
      let attribution = section.optional(
        "attribution", attributionReader, default: (.days(30), []))
      if !attribution.models.isEmpty {
        section.warning(
          "measurement.attribution.models are checked but not computed", key: "attribution",
          fix: "use the top-level attribution section, which scores the models against the "
            + "counterfactual truth")
      }
      if metrics.count != Set(metrics).count {
        section.error("a metric is listed twice", key: "metrics", fix: "list each metric once")
        return nil
      }
      if attribution.models.count != Set(attribution.models).count {
        section.error(
          "an attribution model is listed twice", key: "attribution",
          fix: "list each model once")
        return nil
      }
      return MeasurementConfig(
        conversionEvent: conversion.event, conversionProduct: conversion.product,
        window: window, metrics: metrics, attributionLookback: attribution.lookback,
        attributionModels: attribution.models)
    }
  }

  static var conversionReader:
    ConfigReader<(event: String, product: ConversionProduct)>
  {
    .object("a conversion such as { event: \"Order Completed\", product: \"any\" }") {
      conversion in
      let event = conversion.optional(
        "event", .oneOf(["Order Completed"]), default: "Order Completed")
      let product = conversion.optional("product", .oneOf(ConversionProduct.self), default: .any)
      return (event, product)
    }
  }

  static var attributionReader:
    ConfigReader<(lookback: SimDuration, models: [AttributionModel])>
  {
    .object("an attribution section such as { lookback: \"30d\", models: [\"linear\"] }") {
      attribution in
      let lookback = attribution.optional("lookback", .positiveDuration, default: .days(30))
      let models = attribution.optional(
        "models", .array(of: .oneOf(AttributionModel.self)), default: [])
      return (lookback, models)
    }
  }
}

extension MeasurementConfig: ConfigEncodable {
  public var configValue: JSONValue {
    var members: [String: JSONValue] = [
      "conversion": ["event": .string(conversionEvent), "product": .string(conversionProduct.rawValue)],
      "metrics": .array(metrics.map { .string($0.rawValue) }),
      "attribution": [
        "lookback": attributionLookback.configValue,
        "models": .array(attributionModels.map { .string($0.rawValue) }),
      ],
    ]
    if let window {
      members["window"] = window.configValue
    }
    return .object(members)
  }
}

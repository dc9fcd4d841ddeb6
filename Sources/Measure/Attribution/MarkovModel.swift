/// The Markov chain's removal effects and how they were solved.
public struct MarkovDetail: Hashable, Sendable {
  /// The order k: each state is up to k consecutive channels.
  public let order: Int
  /// Whether consecutive touches on the same channel were kept rather than merged.
  public let keepsRepeats: Bool
  /// The number of transient states other than (start).
  public let stateCount: Int
  /// The number of distinct transitions, those into (conversion) and (null) included.
  public let transitionCount: Int
  public let solver: MarkovSolver
  /// GMRES's relative residual tolerance, or nil for the dense LU solver.
  public let tolerance: Double?
  /// The largest relative residual ‖b − M n‖₂ / ‖b‖₂ over every solve (one per channel with
  /// states, plus the chain without removal), recomputed from the transitions.
  public let maximumRelativeResidual: Double
  /// P(conversion) of a walk from (start) in the chain without removal.
  public let conversionProbability: AttributionQuantity
  /// The expected conversion value of a walk from (start) in the chain without removal.
  public let expectedValue: AttributionQuantity
  /// Each channel's removal effect 1 − P(conversion without the channel) / P(conversion),
  /// parallel to `Attribution.channels`.
  public let removalEffects: [AttributionQuantity]
  /// Each channel's removal effect on the expected value, 1 − E(value without it) / E(value).
  public let valueRemovalEffects: [AttributionQuantity]
}

/// Markov chain attribution with removal effects (Anderl, Becker, von Wangenheim and Schumann
/// 2016, "Mapping the customer journey: lessons learned from graph-based online attribution
/// modeling", International Journal of Research in Marketing 33(3), 457–474).
///
/// The paths become an absorbing chain of order k (see `MarkovChain` for the construction):
/// states (start), the observed k-tuples of channels, (conversion) and (null), with
/// transition probabilities in proportion to the paths' conversions plus nulls. Removing a
/// channel redirects every transition into a state that contains it to (null). Its removal
/// effect is
///
///     RE(c) = 1 − P(conversion | c removed) / P(conversion)
///
/// with both probabilities from (start), solved exactly from the fundamental matrix (see
/// `AbsorbingChainSolver`). Channel c then gets
///
///     credit(c) = attributable conversions × RE(c) / Σ RE
///
/// and the value is credited the same way with value removal effects. The expected value of a
/// walk is Σ P(ending in conversion from state s) × (value per conversion leaving s), and
/// its removal effect takes the place of the probability's in the formula above. In expectation these are
/// the removal effects and credits that ChannelAttribution 2.2.5 estimates by simulating
/// walks. Removal effects lie in [0, 1]; a rounding residue below 0 is reported as 0.
public struct MarkovModel: AttributionModel {
  /// The highest order supported.
  public static let maximumOrder = 4
  /// The default relative residual tolerance of GMRES.
  public static let defaultTolerance = 1e-12
  /// The maximum number of states, (start) included, for the dense LU solver. Its matrix
  /// then takes at most 8 MB, and each factorization about 0.7 billion floating-point
  /// operations; larger chains use GMRES.
  public static let maximumDenseStates = 1_000
  /// The maximum number of GMRES restart cycles, each of up to 30 iterations.
  public static let maximumRestarts = 1_000

  public let order: Int
  public let keepsRepeats: Bool
  /// The requested solver, or nil for the default: dense LU for orders 1 and 2 unless the
  /// chain has more than `maximumDenseStates` states, GMRES otherwise.
  public let requestedSolver: MarkovSolver?
  /// GMRES's relative residual tolerance.
  public let tolerance: Double

  /// - Throws: `AttributionError.invalidParameter` for an order outside 1...4 or a
  ///   tolerance outside (0, 1).
  public init(
    order: Int = 1, keepsRepeats: Bool = false, solver: MarkovSolver? = nil,
    tolerance: Double = defaultTolerance
  ) throws(AttributionError) {
    guard (1...Self.maximumOrder).contains(order) else {
      throw .invalidParameter(
        name: "Markov order", value: "\(order)", expected: "1 to \(Self.maximumOrder)")
    }
    guard tolerance.isFinite, tolerance > 0, tolerance < 1 else {
      throw .invalidParameter(
        name: "GMRES tolerance", value: "\(tolerance)",
        expected: "a number between 0 and 1, such as \(Self.defaultTolerance)")
    }
    self.order = order
    self.keepsRepeats = keepsRepeats
    self.requestedSolver = solver
    self.tolerance = tolerance
  }

  public var name: String { "markov" }

  public func attribute(_ paths: ConversionPaths) throws(AttributionError) -> Attribution {
    let chain = MarkovChain(paths: paths, order: order, keepsRepeats: keepsRepeats)
    let solver = try chooseSolver(stateCount: chain.count)
    let channelCount = paths.channels.count

    guard chain.totalWeight[0] > 0 else {
      let detail = MarkovDetail(
        order: order, keepsRepeats: keepsRepeats, stateCount: chain.count - 1,
        transitionCount: chain.transitionCount, solver: solver,
        tolerance: solver == .sparseGMRES ? tolerance : nil, maximumRelativeResidual: 0,
        conversionProbability: .undefined(.noPaths), expectedValue: .undefined(.noPaths),
        removalEffects: Array(repeating: .undefined(.noPaths), count: channelCount),
        valueRemovalEffects: Array(repeating: .undefined(.noPaths), count: channelCount))
      let zeros = [Double](repeating: 0, count: channelCount)
      return try Attribution(
        model: name, paths: paths, conversionCredits: zeros, valueCredits: zeros, markov: detail)
    }

    let absorbing = AbsorbingChainSolver(
      chain: chain, solver: solver, tolerance: tolerance, maximumRestarts: Self.maximumRestarts)
    var removed = [Bool](repeating: false, count: chain.count)
    let full = try absorbing.solve(removed: removed)
    var maximumResidual = full.relativeResidual
    var conversionEffects: [Double] = []
    var valueEffects: [Double] = []
    for channel in 0..<channelCount {
      let states = chain.statesByChannel[channel]
      guard !states.isEmpty else {
        conversionEffects.append(0)
        valueEffects.append(0)
        continue
      }
      for state in states { removed[state] = true }
      let without = try absorbing.solve(removed: removed)
      for state in states { removed[state] = false }
      maximumResidual = max(maximumResidual, without.relativeResidual)
      conversionEffects.append(
        Self.removalEffect(without.conversionProbability, full.conversionProbability))
      valueEffects.append(Self.removalEffect(without.expectedValue, full.expectedValue))
    }

    let conversions = Self.credits(
      total: paths.attributableConversions, effects: conversionEffects,
      defined: full.conversionProbability > 0)
    let value = Self.credits(
      total: paths.attributableValue, effects: valueEffects, defined: full.expectedValue > 0)
    let detail = MarkovDetail(
      order: order, keepsRepeats: keepsRepeats, stateCount: chain.count - 1,
      transitionCount: chain.transitionCount, solver: solver,
      tolerance: solver == .sparseGMRES ? tolerance : nil,
      maximumRelativeResidual: maximumResidual,
      conversionProbability: .defined(full.conversionProbability),
      expectedValue: .defined(full.expectedValue),
      removalEffects: conversionEffects.map {
        full.conversionProbability > 0 ? .defined($0) : .undefined(.noConversions)
      },
      valueRemovalEffects: valueEffects.map {
        full.expectedValue > 0 ? .defined($0) : .undefined(.noValue)
      })
    return try Attribution(
      model: name, paths: paths, conversionCredits: conversions, valueCredits: value,
      markov: detail)
  }

  /// Chooses the solver for a chain of `stateCount` states, (start) included.
  func chooseSolver(stateCount: Int) throws(AttributionError) -> MarkovSolver {
    switch requestedSolver {
    case .denseLU:
      guard stateCount <= Self.maximumDenseStates else {
        throw .invalidParameter(
          name: "solver", value: "denseLU",
          expected: "sparseGMRES for a chain of \(stateCount) states, above the dense limit "
            + "of \(Self.maximumDenseStates)")
      }
      return .denseLU
    case .sparseGMRES:
      return .sparseGMRES
    case nil:
      return order <= 2 && stateCount <= Self.maximumDenseStates ? .denseLU : .sparseGMRES
    }
  }

  /// 1 − without / with, clamped to [0, 1]; 0 when `with` is 0.
  static func removalEffect(_ without: Double, _ with: Double) -> Double {
    guard with > 0 else { return 0 }
    return min(1, max(0, 1 - without / with))
  }

  /// Distributes `total` in proportion to `effects`, or gives every channel 0 when the
  /// effects are undefined or all 0.
  static func credits(total: Double, effects: [Double], defined: Bool) -> [Double] {
    var sum = CompensatedSum()
    for effect in effects { sum.add(effect) }
    guard defined, sum.value > 0 else { return effects.map { _ in 0 } }
    return effects.map { total * ($0 / sum.value) }
  }
}

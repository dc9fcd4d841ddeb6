import Dispatch
import Foundation
import Simulation

/// Bootstrap confidence intervals for the difference of means μ_treatment − μ_control of two
/// independent samples: the percentile interval and the bias-corrected and accelerated (BCa)
/// interval.
///
/// Each of B resamples draws n_t values with replacement from the treatment sample and n_c
/// from the control sample, and records the replicate θ*_b = mean(treatment*) −
/// mean(control*). Resample b draws from LoopSim's keyed random streams: purpose
/// `randomPurpose` under `seed`, occurrence b, customer 0 for the treatment sample and
/// customer 1 for the control sample. A replicate therefore depends only on the seed, b and
/// the data, not on thread timing or on B, and the same seed gives the same intervals.
///
/// The percentile interval runs from the α/2 to the 1 − α/2 quantile of the replicates.
///
/// The BCa interval (B. Efron (1987), "Better bootstrap confidence intervals", Journal of the
/// American Statistical Association 82, 171–185) runs between the quantiles at levels
///
///     α₁ = Φ(z₀ + (z₀ − z) / (1 − a (z₀ − z)))
///     α₂ = Φ(z₀ + (z₀ + z) / (1 − a (z₀ + z)))       z = z(1 − α/2)
///
/// with the bias correction z₀ = Φ⁻¹((#{θ*_b < θ̂} + #{θ*_b ≤ θ̂}) / 2B), in which ties with the
/// estimate θ̂ count half as scipy 1.17.1's `bootstrap` counts them. The acceleration a comes
/// from the jackknife, which for two samples leaves out one value of one sample at a time.
/// With Uⱼᵢ = (nⱼ − 1)(θ̄₍ⱼ₎ − θ₍ⱼᵢ₎) for value i of sample j,
///
///     a = Σⱼ Σᵢ Uⱼᵢ³ / nⱼ³  /  (6 (Σⱼ Σᵢ Uⱼᵢ² / nⱼ²)^(3/2))
///
/// which is the formula of scipy 1.17.1's `bootstrap`. For a difference of means the
/// leave-one-out values give Uₜᵢ = xᵢ − x̄ and U꜀ᵢ = −(yᵢ − ȳ), so a is computed in closed
/// form from the deviations, in O(n) time. |a| ≤ 1/6 always.
///
/// Quantiles interpolate linearly between order statistics: the q quantile of sorted
/// replicates r₀ ≤ … ≤ r_(B−1) is r_k + δ (r_(k+1) − r_k) with k + δ = q (B − 1), numpy's
/// default "linear" method and GSL's `gsl_stats_quantile_from_sorted_data`.
///
/// Degenerate cases:
/// - Both samples constant: replicate means are computed as the sample mean plus the mean of
///   resampled deviations, which are all 0, so every replicate equals θ̂ exactly. Both
///   intervals are then [θ̂, θ̂], z₀ = 0, and a is undefined (`zeroVariance`).
/// - Every replicate on one side of θ̂, which small samples allow: z₀ is infinite, so z₀ and
///   the BCa interval are undefined (`bootstrapReplicatesOnOneSide`).
/// - 1 − a (z₀ ± z) ≤ 0 at a limit: the BCa interval is undefined (`bcaAccelerationTooLarge`).
///
/// Cost: B (n_t + n_c) random draws and a sort of the B replicates.
public struct Bootstrap: Hashable, Sendable, Codable {
  /// The number of resamples when none is given.
  public static let defaultResampleCount = 2_000
  /// The largest number of resamples, 10⁷: 80 MB of replicates, far more than the few
  /// thousand that stable intervals need. It is also well below the 2³² occurrences that a
  /// stream key can tell apart.
  public static let maximumResampleCount = 10_000_000
  /// The purpose name of the random streams the resamples draw from.
  public static let randomPurpose = "bootstrap"

  /// The seed of the random streams.
  public let seed: UInt64
  /// The coverage 1 − α of both intervals.
  public let confidenceLevel: Double
  /// The observed difference of means θ̂ = x̄_t − x̄_c.
  public let observedDifference: Double
  /// The replicates θ*_b, in resample order b = 0, 1, ….
  public let replicates: [Double]
  /// The percentile interval.
  public let percentileInterval: ConfidenceInterval
  /// The BCa interval.
  public let bcaInterval: MaybeDefined<ConfidenceInterval>
  /// The BCa bias correction z₀.
  public let biasCorrection: MaybeDefined<Double>
  /// The BCa acceleration a.
  public let acceleration: MaybeDefined<Double>

  /// The number of resamples B.
  public var resampleCount: Int { replicates.count }

  /// Resamples two samples and computes both intervals for the difference of their means.
  ///
  /// - Parameters:
  ///   - seed: the seed of the random streams; the same seed gives the same result.
  ///   - resamples: the number of resamples B, 1 to `maximumResampleCount`.
  /// - Throws: `SampleError.tooFewValues` when a sample has fewer than two values,
  ///   `.nonFiniteValue` for NaN or infinity, `.valuesTooLarge` when a sum overflows,
  ///   `.invalidConfidenceLevel` unless 0 < confidenceLevel < 1, `.invalidResampleCount`,
  ///   `.sampleTooLargeForBootstrap` for more than `RandomStream.maximumIntegerBound` values,
  ///   and `.randomStreamsUnavailable` when libcrypto fails.
  public init(
    treatment: [Double], control: [Double], seed: UInt64,
    resamples: Int = Self.defaultResampleCount, confidenceLevel: Double = 0.95
  ) throws(SampleError) {
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw .invalidConfidenceLevel(confidenceLevel)
    }
    guard resamples >= 1, resamples <= Self.maximumResampleCount else {
      throw .invalidResampleCount(resamples)
    }
    let treatmentSummary = try SampleSummary(treatment, name: "treatment")
    let controlSummary = try SampleSummary(control, name: "control")
    for (name, sample) in [("treatment", treatment), ("control", control)]
    where sample.count > RandomStream.maximumIntegerBound {
      throw .sampleTooLargeForBootstrap(
        sample: name, count: sample.count, maximum: RandomStream.maximumIntegerBound)
    }
    let purpose: RandomPurpose
    do {
      purpose = try RandomStreams(seed: seed).purpose(Self.randomPurpose)
    } catch {
      throw .randomStreamsUnavailable(String(describing: error))
    }

    let observed = treatmentSummary.mean - controlSummary.mean
    guard observed.isFinite else { throw .valuesTooLarge(sample: "treatment and control") }
    let treatmentDeviations = treatment.map { $0 - treatmentSummary.mean }
    let controlDeviations = control.map { $0 - controlSummary.mean }

    let replicates = Self.replicates(
      resamples, observed: observed, treatment: treatmentDeviations,
      control: controlDeviations, purpose: purpose)

    self.seed = seed
    self.confidenceLevel = confidenceLevel
    self.observedDifference = observed
    self.replicates = replicates

    let sorted = replicates.sorted()
    let alpha = 1 - confidenceLevel
    percentileInterval = ConfidenceInterval(
      lower: Self.quantile(sorted, alpha / 2), upper: Self.quantile(sorted, 1 - alpha / 2),
      confidenceLevel: confidenceLevel)

    let accelerationValue = Self.acceleration(treatmentDeviations, controlDeviations)
    if let accelerationValue {
      acceleration = .defined(accelerationValue)
    } else {
      acceleration = .undefined(.zeroVariance)
    }
    let bca = Self.bcaInterval(
      sorted: sorted, estimate: observed, acceleration: accelerationValue,
      confidenceLevel: confidenceLevel)
    biasCorrection = bca.biasCorrection
    bcaInterval = bca.interval
  }

  /// Returns the replicates θ*_b for b = 0, 1, …, `count` − 1. Each replicate draws from
  /// streams of its own, so large bootstraps run in chunks of resamples on every core.
  /// Each replicate goes to its own slot, so the result is the same on any number of cores.
  private static func replicates(
    _ count: Int, observed: Double, treatment: [Double], control: [Double],
    purpose: RandomPurpose
  ) -> [Double] {
    @Sendable func replicate(_ resample: Int) -> Double {
      let occurrence = UInt32(resample)
      var treatmentStream = purpose.stream(customer: 0, occurrence: occurrence)
      var controlStream = purpose.stream(customer: 1, occurrence: occurrence)
      let treatmentShift = resampledMeanShift(treatment, &treatmentStream)
      let controlShift = resampledMeanShift(control, &controlStream)
      return observed + (treatmentShift - controlShift)
    }
    // Below about a million draws, starting threads costs more than it saves.
    let draws = count * (treatment.count + control.count)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    guard draws >= 1_000_000, cores > 1, count > 1 else {
      return (0..<count).map(replicate)
    }
    var values = [Double](repeating: 0, count: count)
    let chunks = min(count, cores * 8)
    values.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      let slots = Slots(base: base)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        for resample in (chunk * count / chunks)..<((chunk + 1) * count / chunks) {
          slots.base[resample] = replicate(resample)
        }
      }
    }
    return values
  }

  /// The replicates' memory, shared by the chunks. Unchecked `Sendable`: each chunk writes
  /// its own range of indices, and the memory outlives `concurrentPerform`.
  private struct Slots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
  }

  /// Returns the mean of n deviations drawn with replacement, with each index from
  /// `RandomStream.uniformInteger(below:)`.
  private static func resampledMeanShift(_ deviations: [Double], _ stream: inout RandomStream)
    -> Double
  {
    var sum = 0.0
    for _ in 0..<deviations.count {
      sum += deviations[stream.uniformInteger(below: deviations.count)]
    }
    return sum / Double(deviations.count)
  }

  /// Returns the linearly interpolated quantile at level q ∈ [0, 1] of non-empty sorted
  /// values, written so that two equal neighbours give exactly their value.
  static func quantile(_ sorted: [Double], _ level: Double) -> Double {
    let position = level * Double(sorted.count - 1)
    let lowerIndex = min(max(Int(position.rounded(.down)), 0), sorted.count - 1)
    guard lowerIndex < sorted.count - 1 else { return sorted[lowerIndex] }
    let fraction = position - Double(lowerIndex)
    let lower = sorted[lowerIndex]
    return lower + fraction * (sorted[lowerIndex + 1] - lower)
  }

  /// Returns the jackknife acceleration of the difference of means, or nil when both samples
  /// are constant.
  ///
  /// The deviations are divided by their largest magnitude first, which leaves a unchanged
  /// (its numerator and denominator are both of degree 3) and keeps the cubes finite.
  static func acceleration(_ treatmentDeviations: [Double], _ controlDeviations: [Double])
    -> Double?
  {
    let scale = (treatmentDeviations + controlDeviations).reduce(0) { max($0, abs($1)) }
    guard scale > 0 else { return nil }

    func scaledMoments(_ deviations: [Double]) -> (squares: Double, cubes: Double) {
      var squares = CompensatedSum()
      var cubes = CompensatedSum()
      for deviation in deviations {
        let u = deviation / scale
        squares.add(u * u)
        cubes.add(u * u * u)
      }
      let n = Double(deviations.count)
      return (squares.value / (n * n), cubes.value / (n * n * n))
    }
    let treatment = scaledMoments(treatmentDeviations)
    let control = scaledMoments(controlDeviations)
    let spread = treatment.squares + control.squares
    return (treatment.cubes - control.cubes) / (6 * spread * spread.squareRoot())
  }

  /// Computes the BCa bias correction and interval from the sorted replicates.
  private static func bcaInterval(
    sorted: [Double], estimate: Double, acceleration: Double?, confidenceLevel: Double
  ) -> (biasCorrection: MaybeDefined<Double>, interval: MaybeDefined<ConfidenceInterval>) {
    let below = sorted.partitioningIndex { $0 >= estimate }
    let atOrBelow = sorted.partitioningIndex { $0 > estimate }
    let share = Double(below + atOrBelow) / (2 * Double(sorted.count))
    guard share > 0, share < 1 else {
      return (.undefined(.bootstrapReplicatesOnOneSide), .undefined(.bootstrapReplicatesOnOneSide))
    }
    let z0 = StandardNormal.quantile(share)

    guard let acceleration else {
      // Both samples are constant, so every replicate equals the estimate.
      let point = ConfidenceInterval(
        lower: estimate, upper: estimate, confidenceLevel: confidenceLevel)
      return (.defined(z0), .defined(point))
    }

    let z = StandardNormal.upperCriticalValue(tailProbability: (1 - confidenceLevel) / 2)
    var limits: [Double] = []
    for normalQuantile in [-z, z] {
      let shifted = z0 + normalQuantile
      let denominator = 1 - acceleration * shifted
      guard denominator > 0 else { return (.defined(z0), .undefined(.bcaAccelerationTooLarge)) }
      let level = StandardNormal.cumulative(z0 + shifted / denominator)
      // Φ of a finite argument lies in [0, 1]; the guard keeps a NaN from GSL out of the
      // index arithmetic of `quantile`.
      guard level >= 0, level <= 1 else {
        return (.defined(z0), .undefined(.bcaAccelerationTooLarge))
      }
      limits.append(quantile(sorted, level))
    }
    return (
      .defined(z0),
      .defined(
        ConfidenceInterval(lower: limits[0], upper: limits[1], confidenceLevel: confidenceLevel))
    )
  }
}

extension Array {
  /// Returns the index of the first element for which `belongsInSecondPartition` is true, in
  /// an array already partitioned by it (all false elements first), by binary search.
  fileprivate func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = low + (high - low) / 2
      if belongsInSecondPartition(self[middle]) {
        high = middle
      } else {
        low = middle + 1
      }
    }
    return low
  }
}

/// How far a run or a replay has got, as reported to a progress display.
public struct ProgressUpdate: Sendable, Equatable {
  /// The phase: `factual pass`, `pass forcing ARM`, `replicates` or `replay`.
  public var phase: String
  /// The share of the phase done, from 0 to 1: of simulated time in a pass, of the
  /// replicates finished with `--replicates`.
  public var fraction: Double
  /// Calendar events processed so far in the phase, or nil when the phase counts none.
  public var events: Int?
  /// Customers that have arrived so far in a pass, or nil outside a pass.
  public var customersArrived: Int?
  /// The population of the pass, or nil outside a pass.
  public var customers: Int?

  public init(
    phase: String = "", fraction: Double, events: Int? = nil, customersArrived: Int? = nil,
    customers: Int? = nil
  ) {
    self.phase = phase
    self.fraction = fraction
    self.events = events
    self.customersArrived = customersArrived
    self.customers = customers
  }

  /// Returns the update with its phase set.
  func named(_ phase: String) -> ProgressUpdate {
    var update = self
    update.phase = phase
    return update
  }
}

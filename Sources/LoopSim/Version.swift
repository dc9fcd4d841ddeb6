/// LoopSim's version, recorded in every run's metadata.
public enum LoopSimVersion {
  public static let current = "0.1.0"
}

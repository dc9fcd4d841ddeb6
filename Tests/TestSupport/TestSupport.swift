import Foundation

/// Paths and process helpers shared by the end-to-end tests.
public enum TestSupport {
  /// The repository root, found from this file's location.
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The flagship scenario file.
  public static var flagshipScenario: String {
    repositoryRoot.appendingPathComponent("Scenarios/masterclass-abandoned-cart.json5").path
  }

  /// The `loopsim` binary built beside the test bundle (`swift build` puts both in the
  /// same folder), or the path in `LOOPSIM_BINARY` when set.
  public static var loopsimExecutable: String {
    if let path = ProcessInfo.processInfo.environment["LOOPSIM_BINARY"] { return path }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    var directory = bundle.deletingLastPathComponent()
    // The test binary may sit inside a `.xctest` bundle folder.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("loopsim").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("loopsim").path
  }

  /// Creates a new empty folder under the system's temporary folder.
  public static func temporaryDirectory(_ label: String = "loopsim-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The result of running the `loopsim` binary.
  public struct ProcessResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
  }

  /// Runs `loopsim` with `arguments` in `directory` and waits for it to exit. Output goes
  /// through temporary files, so a chatty child can never block on a full pipe.
  public static func runLoopSim(
    _ arguments: [String], in directory: URL? = nil,
    afterLaunch: ((Process) -> Void)? = nil
  ) throws -> ProcessResult {
    let scratch = try temporaryDirectory("loopsim-process")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outputURL = scratch.appendingPathComponent("stdout")
    let errorURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: loopsimExecutable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    afterLaunch?(process)
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
      standardError: try String(contentsOf: errorURL, encoding: .utf8))
  }
}

/// SplitMix64: a small generator that drives fuzz tests and random scenarios. Simulation
/// draws never use it.
public struct SplitMix64: RandomNumberGenerator {
  public var state: UInt64

  public init(state: UInt64) {
    self.state = state
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in 0..<bound, by the remainder of the next output.
  public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

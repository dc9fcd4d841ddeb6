// swift-tools-version:6.0
// LoopSim: one target per stage of the simulated marketing loop. Lower stages never import
// higher ones; the dependency lists below are the architecture.

import PackageDescription

let package = Package(
  name: "LoopSim",
  products: [
    .executable(name: "loopsim", targets: ["LoopSimCLI"]),
    .executable(name: "calendar-bench", targets: ["CalendarBench"]),
  ],
  targets: [
    // C libraries from Debian's -dev packages.
    .systemLibrary(
      name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(
      name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // C code of our own: the counter-based generator registered as a gsl_rng_type.
    .target(name: "CRandom", dependencies: ["CGSL"]),

    // Stages, lowest first.
    .target(name: "Config"),
    .target(name: "Warehouse", dependencies: ["CSQLite"]),
    .target(name: "Simulation", dependencies: ["CGSL", "CRandom", "CCrypto", "Config"]),
    .target(name: "Customers", dependencies: ["Simulation", "Config"]),
    .target(name: "Pipeline", dependencies: ["Customers", "Simulation", "Warehouse", "Config"]),
    .target(
      name: "Engage", dependencies: ["Pipeline", "Customers", "Simulation", "Config"]),
    .target(
      name: "Measure",
      dependencies: ["Engage", "Pipeline", "Customers", "Simulation", "Warehouse", "CGSL"]),
    .target(
      name: "LoopSim",
      dependencies: [
        "Measure", "Engage", "Pipeline", "Customers", "Simulation", "Warehouse", "Config",
      ]),
    .executableTarget(
      name: "LoopSimCLI", dependencies: ["LoopSim", "Config", "Simulation", "Warehouse"]),

    // The benchmark's hold model of the event calendar against a plain binary heap.
    .executableTarget(
      name: "CalendarBench", dependencies: ["Simulation"], path: "bench/CalendarBench"),

    // Tests.
    .target(name: "TestSupport", dependencies: ["LoopSim"], path: "Tests/TestSupport"),
    .testTarget(name: "ConfigTests", dependencies: ["Config"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "CGSL", "TestSupport"]),
    .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "TestSupport"]),
    .testTarget(name: "CustomersTests", dependencies: ["Customers", "Simulation", "Config"]),
    .testTarget(
      name: "PipelineTests", dependencies: ["Pipeline", "Customers", "Simulation", "Config"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "EngageTests",
      dependencies: ["Engage", "Pipeline", "Customers", "Simulation", "Config"]),
    .testTarget(
      name: "MeasureTests", dependencies: ["Measure", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["LoopSim", "LoopSimCLI", "TestSupport", "Warehouse", "Config"],
      exclude: ["Fixtures"]),
  ]
)

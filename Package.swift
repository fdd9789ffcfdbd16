// swift-tools-version: 6.1
import PackageDescription

// Release builds keep bounds checks (-O, not -Ounchecked) but drop dynamic exclusivity checks,
// which cost 17x on loops that mutate captured arrays (MACHINE-NOTES §3). Hot loops live in
// TensorCore/Kernels over unsafe pointers anyway.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "ddpm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ddpm", targets: ["ddpm"]),
        .library(name: "DDPMKit", targets: ["TensorCore", "NN", "Diffusion", "DataIO", "Figures", "Training", "Inception", "Metrics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - System libraries and C shims
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // libpng reports errors by longjmp, which Swift cannot catch, so the full API (text chunks)
        // is wrapped in C.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]),
        // zlib's gzread reads .gz and plain files alike (IDX datasets ship gzipped).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Per-ISA C kernels (AVX2, AVX-512) chosen by a CPU check at run time, so one binary stays portable.
        .target(name: "CKernels"),
        // LAPACK's dsyevd_/dpotrf_/dpotrs_/dpotri_/dtrtrs_ and BLAS's dgemm_/dsyrk_ as libopenblas exports them
        // (Fortran ABI; no LAPACKE needed).
        .systemLibrary(name: "CLAPACK"),

        // MARK: - Public API (dependency arrows: TensorCore <- NN <- Diffusion <- Training <- ddpm)
        .target(name: "TensorCore", dependencies: ["CBLAS", "CKernels"], swiftSettings: fast),
        .target(name: "NN", dependencies: ["TensorCore"], swiftSettings: fast),
        .target(name: "Diffusion", dependencies: ["TensorCore"], swiftSettings: fast),
        // DataIO uses TensorCore only for its one check helper (`shapeCheck`).
        .target(name: "DataIO", dependencies: ["TensorCore", "CPNG", "CZlib"], swiftSettings: fast),
        // Plots (loss curves, schedule figures) drawn into DataIO's PNGImage: DataIO <- Figures <- Training.
        .target(name: "Figures", dependencies: ["TensorCore", "DataIO"], swiftSettings: fast),
        .target(name: "Training", dependencies: ["TensorCore", "NN", "Diffusion", "DataIO", "Figures", "Metrics", "Inception",
                                                 .product(name: "Yams", package: "Yams")],
                swiftSettings: fast),
        // The FID Inception-v3 (pytorch-fid's network) for `ddpm evaluate`: beside the chain, like DataIO.
        .target(name: "Inception", dependencies: ["TensorCore", "DataIO"], swiftSettings: fast),
        // Evaluation metrics (FID with a feature network, KID, IS, precision/recall) beside the chain.
        .target(name: "Metrics", dependencies: ["TensorCore", "NN", "DataIO", "CLAPACK"], swiftSettings: fast),
        // Hyperparameter search (`ddpm tune`): search space, GP-EI/TPE/random samplers, median pruner,
        // the shared study journal, trials run by the Trainer, reports.
        .target(name: "Tuning", dependencies: ["CLAPACK", "TensorCore", "DataIO", "Figures", "Training",
                                               .product(name: "Yams", package: "Yams")],
                swiftSettings: fast),
        .target(name: "Benchmarks", dependencies: ["TensorCore", "NN", "Diffusion", "Training"], swiftSettings: fast),
        .executableTarget(
            name: "ddpm",
            dependencies: ["TensorCore", "NN", "Diffusion", "DataIO", "Figures", "Training", "Inception", "Tuning", "Benchmarks", "Metrics",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: fast),

        // MARK: - Implementation details
        .target(name: "_TestSupport", dependencies: ["TensorCore"], swiftSettings: fast),

        // MARK: - Unit test bundles
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "_TestSupport"], swiftSettings: fast),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorCore", "DataIO", "_TestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: fast),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "TensorCore", "_TestSupport"], swiftSettings: fast),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "DataIO", "NN", "Diffusion", "TensorCore", "_TestSupport"],
                    swiftSettings: fast),
        // Runs the built `ddpm` binary (argument-parser's AssertExecuteCommand style).
        .testTarget(name: "CLITests", dependencies: ["ddpm", "DataIO", "_TestSupport"], swiftSettings: fast),
        .testTarget(name: "InceptionTests", dependencies: ["Inception", "TensorCore", "DataIO", "_TestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: fast),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "TensorCore", "NN", "DataIO", "_TestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: fast),
        .testTarget(name: "TuningTests", dependencies: ["Tuning", "Training", "TensorCore", "_TestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: fast),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO", "_TestSupport"], resources: [.copy("Fixtures")], swiftSettings: fast),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "DataIO", "_TestSupport"], swiftSettings: fast),
    ],
    // Swift 5 mode: kernels share raw pointers across Dispatch workers by design; Swift 6's
    // Sendable checking would need a wrapper at every capture without catching a real race.
    swiftLanguageModes: [.v5]
)

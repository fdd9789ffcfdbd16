import ArgumentParser
import Benchmarks
import Foundation
import TensorCore
import Training

extension DDPM {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the kernels (and models) in this release build.",
            discussion: """
                Prints median and best times over repeated runs, GFLOP/s, and the share of the machine's peak. \
                With --model, times a full training step (tiny, small, and config paths) and a sampling forward pass \
                at batch 64, and prints the peak of live tensor memory and the process's peak RSS so far.
                """)

        enum Suite: String, ExpressibleByArgument, CaseIterable { case kernels, unet, all }

        @Option(help: "Which benchmarks to run (default: kernels, or unet when --model is given).")
        var suite: Suite?

        @Option(help: ArgumentHelp("UNet configurations: tiny, small, cifar, all, or paths to config files (repeatable).",
                                   valueName: "name|path"))
        var model: [String] = []

        @Option(help: "Batch size of the UNet workloads.")
        var batch = 64

        @Option(help: "Timed repetitions of each workload.")
        var repeats = 10

        @Option(help: ArgumentHelp("Peak fp32 GFLOP/s of this machine, for the percentage column (default: the best 2-worker sgemm measured here).",
                                   valueName: "gflops"))
        var peak = 145.0

        @Option(help: "Worker threads (default: all cores).")
        var threads: Int?

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1 (got \(repeats)).") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
            if suite == .kernels && !model.isEmpty { throw ValidationError("--model has no effect with --suite kernels.") }
            for name in modelNames where effectiveSuite != .kernels && !FileManager.default.fileExists(atPath: Self.configPath(name)) {
                throw ValidationError("--model \(name): no such file, and no \(Self.configPath(name)) (run from the repository root).")
            }
        }

        private var effectiveSuite: Suite { suite ?? (model.isEmpty ? .kernels : .unet) }
        private var modelNames: [String] { model.isEmpty || model == ["all"] ? ["tiny", "small", "cifar"] : model }

        /// A config file path as given, else the named config in configs/.
        private static func configPath(_ name: String) -> String {
            FileManager.default.fileExists(atPath: name) ? name : "configs/\(name).yaml"
        }

        func run() throws {
            if let threads { Parallel.workers = threads }
            print("threads: \(Parallel.workers)   peak: \(peak) GFLOP/s   repeats: \(repeats)")
            if effectiveSuite != .unet {
                for r in [KernelBenchmarks.gemm(repeats: repeats), KernelBenchmarks.conv2dForwardBackward(repeats: repeats)] {
                    print(BenchReport.line(r, peak: peak))
                }
            }
            guard effectiveSuite != .kernels else { return }
            for name in modelNames {
                let config = try TrainConfig.load(path: Self.configPath(name))
                // The workloads: cifar is timed for sampling only (a training step takes minutes).
                if name != "cifar" {
                    report(try UNetBenchmarks.trainingStep(name, config: config, batch: batch, repeats: repeats))
                }
                report(UNetBenchmarks.samplingForward(name, config: config, batch: batch, repeats: repeats))
            }
        }

        private func report(_ m: BenchMeasurement) {
            print(BenchReport.line(m, peak: peak)
                  + String(format: "  max RSS %6.0f MB", Double(UNetBenchmarks.maxResidentBytes()) / 1e6))
        }
    }
}

enum BenchReport {
    static func line(_ m: BenchMeasurement, peak: Double) -> String {
        var s = m.name.padding(toLength: 44, withPad: " ", startingAt: 0)
        s += String(format: " median %8.2f ms  min %8.2f ms", m.median * 1e3, m.min * 1e3)
        if m.flops > 0 {
            s += String(format: "  %6.1f GFLOP/s (best %6.1f, %3.0f%% of peak)", m.gflops(m.median), m.gflops(m.min), 100 * m.gflops(m.min) / peak)
        }
        if m.images > 0 { s += String(format: "  %7.1f images/s", Double(m.images) / m.median) }
        if m.peakBytes > 0 { s += String(format: "  tensors peak %6.0f MB", Double(m.peakBytes) / 1e6) }
        return s
    }
}

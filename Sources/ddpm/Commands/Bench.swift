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
                Prints median and best times over repeated runs, GFLOP/s, and the share of this machine's fp32 peak \
                (measured by an FMA loop unless --peak is given). With --model, times a full training step (tiny, \
                small, cifar, and config paths) and a sampling forward pass at batch 64, and prints the peak of live \
                tensor memory and the process's peak RSS so far. --suite peak runs only the FMA loop. --suite data --model C \
                times the data path of config C without the model: opening its dataset (the first time: decoding it into \
                the byte cache) and one shuffled epoch of --batch batches converted to Float. --json prints \
                one JSON object per measurement (scripts/bench-vs-pytorch.sh reads it).
                """)

        enum Suite: String, ExpressibleByArgument, CaseIterable { case kernels, unet, peak, data, all }
        enum Workload: String, ExpressibleByArgument, CaseIterable { case train, sample, both }

        @Option(help: "Which benchmarks to run (default: kernels, or unet when --model is given).")
        var suite: Suite?

        @Option(help: ArgumentHelp("UNet configurations: tiny, small, cifar, all, or paths to config files (repeatable).",
                                   valueName: "name|path"))
        var model: [String] = []

        @Option(help: "Which UNet workloads to time: a training step, a sampling forward pass, or both.")
        var workload: Workload = .both

        @Option(help: "Batch size of the UNet workloads.")
        var batch = 64

        @Option(help: "Timed repetitions of each workload.")
        var repeats = 10

        @Option(help: ArgumentHelp("Peak fp32 GFLOP/s of this machine, for the percentage column (default: measured by an FMA loop).",
                                   valueName: "gflops"))
        var peak: Double?

        @Option(help: "Worker threads (default: all cores).")
        var threads: Int?

        @Flag(help: "Print one JSON object per measurement instead of a table line.")
        var json = false

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1 (got \(repeats)).") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1 (got \(batch)).") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
            if let peak, !(peak > 0) { throw ValidationError("--peak must be a positive GFLOP/s figure (got \(peak)).") }
            if (suite == .kernels || suite == .peak) && !model.isEmpty {
                throw ValidationError("--model has no effect with --suite \(suite!.rawValue).")
            }
            if suite == .data && model.count != 1 { throw ValidationError("--suite data needs one --model (a config naming the dataset).") }
            for name in modelNames where effectiveSuite == .unet || effectiveSuite == .all || effectiveSuite == .data {
                if !FileManager.default.fileExists(atPath: Self.configPath(name)) {
                    throw ValidationError("--model \(name): no such file, and no \(Self.configPath(name)) (run from the repository root).")
                }
            }
        }

        private var effectiveSuite: Suite { suite ?? (model.isEmpty ? .kernels : .unet) }
        private var modelNames: [String] { model.isEmpty || model == ["all"] ? ["tiny", "small", "cifar"] : model }

        /// A config file path as given, else the named config in configs/.
        private static func configPath(_ name: String) -> String {
            FileManager.default.fileExists(atPath: name) ? name : "configs/\(name).yaml"
        }

        func run() throws {
            try Parallel.withWorkers(threads ?? Parallel.workers) { try measureAll() }
        }

        private func measureAll() throws {
            let fma = KernelBenchmarks.fmaPeak(repeats: max(3, min(repeats, 5)))
            let peakGFLOPS = peak ?? fma.gflops(fma.min)
            if json {
                report(fma, peak: peakGFLOPS)
            } else {
                print("threads: \(Parallel.workers)   OpenBLAS kernels: \(BLASCore.name)   CPU ISA: \(BLASCore.cpuISA)   "
                      + String(format: "peak: %.0f GFLOP/s (%@)   repeats: %d", peakGFLOPS, peak == nil ? "FMA loop, best" : "--peak", repeats))
            }
            if effectiveSuite == .peak {
                if !json { print(BenchReport.line(fma, peak: peakGFLOPS)) }
                return
            }
            if effectiveSuite == .data {
                let config = try TrainConfig.load(path: Self.configPath(model[0]))
                let name = URL(fileURLWithPath: model[0]).deletingPathExtension().lastPathComponent
                let (open, data) = try DataBenchmarks.load(name, config: config)
                report(open, peak: peakGFLOPS)
                report(DataBenchmarks.epoch(name, images: data.train, batch: batch, repeats: repeats), peak: peakGFLOPS)
                return
            }
            if effectiveSuite == .kernels || effectiveSuite == .all {
                for r in [KernelBenchmarks.gemm(repeats: repeats), KernelBenchmarks.conv2dForwardBackward(repeats: repeats)] {
                    report(r, peak: peakGFLOPS)
                }
            }
            guard effectiveSuite == .unet || effectiveSuite == .all else { return }
            for name in modelNames {
                let config = try TrainConfig.load(path: Self.configPath(name))
                if workload != .sample {
                    report(try UNetBenchmarks.trainingStep(name, config: config, batch: batch, repeats: repeats), peak: peakGFLOPS)
                }
                if workload != .train {
                    report(UNetBenchmarks.samplingForward(name, config: config, batch: batch, repeats: repeats), peak: peakGFLOPS)
                }
            }
        }

        private func report(_ m: BenchMeasurement, peak: Double) {
            let rss = UNetBenchmarks.maxResidentBytes()
            if json {
                print(BenchReport.json(m, maxResidentBytes: rss))
            } else {
                print(BenchReport.line(m, peak: peak) + String(format: "  max RSS %6.0f MB", Double(rss) / 1e6))
            }
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
        if !m.cpuSeconds.isEmpty {
            s += String(format: "  CPU %8.2f ms", m.cpuSeconds.sorted()[m.cpuSeconds.count / 2] * 1e3)
        }
        if m.peakBytes > 0 { s += String(format: "  tensors peak %6.0f MB", Double(m.peakBytes) / 1e6) }
        return s
    }

    /// One measurement as a JSON object (all times in seconds).
    static func json(_ m: BenchMeasurement, maxResidentBytes: Int) -> String {
        let record: [String: Any] = [
            "name": m.name, "seconds": m.seconds, "cpu_seconds": m.cpuSeconds, "flops": m.flops, "images": m.images,
            "tensors_peak_bytes": m.peakBytes, "max_rss_bytes": maxResidentBytes,
            "threads": Parallel.workers, "blas_core": BLASCore.name, "isa": BLASCore.cpuISA,
        ]
        let data = try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

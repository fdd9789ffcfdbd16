import ArgumentParser
import Benchmarks
import Foundation
import TensorCore

extension DDPM {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the kernels (and models) in this release build.",
            discussion: "Prints median and best times over repeated runs, GFLOP/s, and the share of the machine's peak.")

        @Option(help: "Timed repetitions of each workload.")
        var repeats = 10

        @Option(help: ArgumentHelp("Peak fp32 GFLOP/s of this machine, for the percentage column.", valueName: "gflops"))
        var peak = 80.0

        @Option(help: "Worker threads (default: all cores).")
        var threads: Int?

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1 (got \(repeats)).") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
        }

        func run() throws {
            if let threads { Parallel.workers = threads }
            print("threads: \(Parallel.workers)   peak: \(peak) GFLOP/s   repeats: \(repeats)")
            let results = [KernelBenchmarks.gemm(repeats: repeats), KernelBenchmarks.conv2dForwardBackward(repeats: repeats)]
            for r in results { print(BenchReport.line(r, peak: peak)) }
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
        return s
    }
}

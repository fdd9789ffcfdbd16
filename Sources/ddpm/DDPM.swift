import ArgumentParser
import Foundation
import TensorCore
import Training

@main
struct DDPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and sample denoising diffusion models on the CPU.",
        discussion: "Exit codes (every command):\n" + ExitStatus.table,
        version: DDPMVersion.current,
        subcommands: [Train.self, Sample.self, Evaluate.self, Inpaint.self, Schedule.self, Noise.self, Plot.self, Info.self, Export.self, Bench.self,
                      InceptionFeatures.self, Tune.self])

    /// Runs the command with `DDPM_THREADS` workers when that is set to a positive integer (the
    /// library never reads the environment; it takes the count from here), under ddpm's rules for
    /// arguments, errors and exit codes (CommandLineRunner).
    static func main() {
        BLASCore.reexecutingForWidestKernels()   // OpenBLAS's AVX-512 kernels on CPUs it predates
        let threads = ProcessInfo.processInfo.environment["DDPM_THREADS"].flatMap(Int.init).flatMap { $0 >= 1 ? $0 : nil }
        Parallel.withWorkers(threads ?? Parallel.defaultWorkers) {
            CommandLineRunner.run(DDPM.self, arguments: Array(CommandLine.arguments.dropFirst()))
        }
    }
}

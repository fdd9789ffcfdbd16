import ArgumentParser
import TensorCore

@main
struct DDPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and sample denoising diffusion models on the CPU.",
        subcommands: [Train.self, Sample.self, Schedule.self, Info.self, Export.self, Bench.self])

    static func main() {
        BLASCore.reexecutingForWidestKernels()   // OpenBLAS's AVX-512 kernels on CPUs it predates
        main(nil)
    }
}

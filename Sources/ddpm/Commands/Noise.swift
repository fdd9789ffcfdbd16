import ArgumentParser
import DataIO
import Diffusion
import Foundation
import TensorCore
import Training

extension DDPM {
    struct Noise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the forward process on a few dataset images.",
            discussion: """
                One row per --t (labelled; t = 0 is x_0, added as the first row unless listed), one column per image: \
                x_t = sqrt(alpha-bar_t)·x_0 + sqrt(1 − alpha-bar_t)·eps, a draw from q(x_t | x_0) (seed 001 Figure 3, \
                seed 003 Figure 3). Each image keeps one eps (from --seed) for every t, so rows differ only by the noise level.
                """)

        @Option(name: .customLong("t"), help: ArgumentHelp("Timesteps to show, comma-separated, each in 0…T.", valueName: "t,t,…"))
        var timesteps = IntegerList([20, 50, 100, 300])
        @Option(help: "Beta schedule.") var schedule: BetaSchedule = .linear
        @OptionGroup var range: ScheduleParameterOptions
        @Option(help: "Dataset the images come from (its training split).") var dataset: DatasetKind = .fashionMNIST
        @Option(help: ArgumentHelp("Folder of --dataset's files (default: the standard place).", valueName: "dir")) var dataDir: String?
        @Option(help: "Image size for --dataset folder (the others have a fixed size).") var imageSize = 64
        @Option(help: "Channels for --dataset folder: 1 (gray) or 3 (RGB).") var channels = 3
        @Option(help: ArgumentHelp("Training-split images to show, comma-separated.", valueName: "i,j,…")) var indices = IntegerList([0, 1, 2, 3])
        @Option(help: "Seed of the noise.") var seed: UInt64 = 0
        @Option(help: ArgumentHelp("PNG figure to write.", valueName: "path")) var out = "noise.png"
        @Flag(help: "Overwrite an existing --out. (default: off)") var force = false

        func validate() throws {
            guard (1...64).contains(indices.values.count) else { throw ValidationError("--indices: give 1…64 images (got \(indices.values.count)).") }
            guard (1...64).contains(timesteps.values.count) else { throw ValidationError("--t: give 1…64 timesteps (got \(timesteps.values.count)).") }
            guard channels == 1 || channels == 3 else { throw ValidationError("--channels must be 1 or 3 (got \(channels)).") }
            try InputLimits.check("--image-size", imageSize, atMost: InputLimits.maxImageSize)
        }

        func run() throws {
            let T = range.timesteps
            try timesteps.check("--t", within: 0...T, "t = 0 is x_0 and T = --timesteps is the last step")
            try FileSystem.checkWritableFile(out, overwrite: force, flag: "--out")
            let tables = try NoiseTables(schedule: schedule, parameters: range.parameters)
            let locator = try DatasetLocator(kind: dataset, dataDir: dataDir, cache: DatasetCache(folder: DatasetCache.defaultFolder()))
            let images = try locator.load(.train, imageSize: imageSize, channels: channels)
            guard images.count > 0 else { throw CLIError("--dataset \(dataset.rawValue): the training split holds no images") }
            try indices.check("--indices", within: 0...(images.count - 1), "the \(dataset.rawValue) training split has \(images.count) images")
            let x0 = Tensor(shape: [indices.values.count, images.channels, images.height, images.width],
                            values: images.gather(indices: indices.values))
            let shown = (timesteps.values.contains(0) ? [] : [0]) + timesteps.values
            let strip = tables.forwardStrip(x0: x0, timesteps: shown, seed: seed)
            let n = indices.values.count
            var png = PNGImage.grid(strip.scalars, n: shown.count * n, c: images.channels, h: images.height, w: images.width,
                                    nrow: n, rowLabels: shown.map { $0 == 0 ? "x0" : "t=\($0)" })
            png.text = [("Software", "ddpm noise"), ("command", CommandLine.arguments.joined(separator: " ")),
                        ("figure", "rows: x_t of q(x_t | x_0) at t = \(shown.map(String.init).joined(separator: ",")); columns: \(dataset.rawValue) training images \(indices.defaultValueDescription)"),
                        ("schedule", schedule.rawValue), ("timesteps", String(T)), ("beta-min", String(range.betaMin)),
                        ("beta-max", String(range.betaMax)), ("seed", String(seed))]
            try png.write(to: out, overwrite: force)
            print("wrote \(out)")
        }
    }
}

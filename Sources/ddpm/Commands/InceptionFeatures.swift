import ArgumentParser
import DataIO
import Foundation
import Inception

extension DDPM {
    struct InceptionFeatures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inception-features",
            abstract: "Write the FID Inception-v3 pool3 features of a folder of PNGs as .npy.",
            discussion: """
                The network is pytorch-fid's (2015 TensorFlow weights), run by ddpm's own tensor core: images \
                become RGB, are resized to 299x299 (bilinear, as pytorch-fid) and give 2048 features each. \
                The .npy holds [N, 2048] float32, rows in file-name order, for FID with any tool. \
                Weights: \(InceptionV3.howToGetWeights).
                """)

        @Option(help: ArgumentHelp("Inception-v3 weights (safetensors, from scripts/convert-inception.sh).", valueName: "file"))
        var weights: String
        @Option(help: ArgumentHelp("Folder of PNG files of one size (top level, sorted by name).", valueName: "dir"))
        var images: String
        @Option(help: ArgumentHelp("The .npy file to write.", valueName: "file"))
        var out: String
        @Option(help: "Images per forward pass (about 60 MB of memory each).")
        var batchSize = 16
        @Flag(help: "Overwrite --out if it exists.")
        var force = false

        func validate() throws {
            if batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        }

        func run() throws {
            try FileSystem.checkWritableFile(out, overwrite: force, flag: "--out")
            let network = try InceptionV3(weightsAt: weights)
            let files = try ImageFolder.pngFiles(in: images, recursive: false)
            let batch = try InceptionImages.load(files)
            let bar = ProgressBar(label: "inception")
            let start = Date()
            let features = network.poolFeatures(images: batch, batchSize: batchSize) { done in
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double(done) / max(elapsed, 1e-9)
                bar.update(done: done, total: files.count, unit: "image", rate: rate,
                           etaSeconds: Double(files.count - done) / max(rate, 1e-9))
            }
            bar.finish()
            try NPYArray(shape: features.shape, values: features.scalars).write(to: out)
            print("wrote \(out): \(files.count) x \(InceptionV3.featureCount) pool3 features of \(images)")
        }
    }
}

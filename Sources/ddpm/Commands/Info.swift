import ArgumentParser
import DataIO
import Foundation
import Training

extension DDPM {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a PNG, checkpoint or model folder holds.",
            discussion: "PNGs: the provenance ddpm wrote into them. Checkpoints and run folders: config, step and parameter count.")

        @Argument(help: ArgumentHelp("A PNG, a checkpoint, a run folder or a diffusers model folder.", valueName: "path"))
        var path: String

        func run() throws {
            if path.lowercased().hasSuffix(".png") {
                let png = try PNGImage.read(from: path)
                print("\(path): \(png.width)×\(png.height), \(png.channels == 1 ? "grayscale" : "RGB")")
                for (k, v) in png.text { print("  \(k): \(v)") }
                return
            }
            // A checkpoint file, or a run folder's latest checkpoint: described only once validated.
            let (exists, isFolder) = FileSystem.kind(of: path)
            let runCheckpoint = isFolder && !FileSystem.kind(of: path + "/" + ModelSource.diffusersConfig).exists
                ? try ModelSource.runCheckpoint(RunDirectory(path: path)) : nil
            if let note = runCheckpoint?.note { print(note) }
            if let file = exists && !isFolder ? path : runCheckpoint?.file {
                let c = try Checkpoint.read(from: file)
                let parameters = try c.validate(path: file)
                print("\(file): ddpm checkpoint (weights match the config)")
                try printSummary(step: c.progress.step, epoch: c.progress.epoch, parameters: parameters, hasEMA: c.ema != nil, config: c.config)
                if let best = c.progress.bestValidationLoss { print("best validation loss: \(best) (step \(c.progress.bestStep ?? 0))") }
                return
            }
            let source = try ModelSource.load(path)
            print("\(path): \(source.weightsFile)")
            try printSummary(step: source.step, epoch: nil, parameters: source.model.parameterCount, hasEMA: nil, config: source.config)
        }

        private func printSummary(step: Int?, epoch: Int?, parameters: Int, hasEMA: Bool?, config: TrainConfig) throws {
            if let step { print("step: \(step)" + (epoch.map { "  epoch: \($0)" } ?? "")) }
            print("parameters: \(parameters)" + (hasEMA.map { $0 ? "  (with EMA weights)" : "" } ?? ""))
            print("config:")
            print(try config.yaml().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}

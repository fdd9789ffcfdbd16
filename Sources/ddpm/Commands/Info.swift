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
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                let c = try Checkpoint.read(from: path)
                print("\(path): ddpm checkpoint")
                printSummary(step: c.progress.step, epoch: c.progress.epoch, parameters: c.model.values.reduce(0) { $0 + $1.values.count },
                             hasEMA: c.ema != nil, config: c.config)
                if let best = c.progress.bestValidationLoss { print("best validation loss: \(best) (step \(c.progress.bestStep ?? 0))") }
                return
            }
            let source = try ModelSource.load(path)
            print("\(path): \(source.weightsFile)")
            printSummary(step: source.step, epoch: nil, parameters: source.model.parameterCount, hasEMA: nil, config: source.config)
        }

        private func printSummary(step: Int?, epoch: Int?, parameters: Int, hasEMA: Bool?, config: TrainConfig) {
            if let step { print("step: \(step)" + (epoch.map { "  epoch: \($0)" } ?? "")) }
            print("parameters: \(parameters)" + (hasEMA.map { $0 ? "  (with EMA weights)" : "" } ?? ""))
            print("config:")
            print(((try? config.yaml()) ?? "").split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}

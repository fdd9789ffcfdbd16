import ArgumentParser
import DataIO
import Foundation
import Training

/// Which trained model to use.
struct CheckpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A checkpoint file, a run folder (its latest checkpoint; best.safetensors if it stopped early) or an exported diffusers folder (default: the only run in runs/).", valueName: "path"))
    var checkpoint: String?

    @Flag(inversion: .prefixedNo, help: "Use the EMA weights.") var useEMA = true

    @Option(help: ArgumentHelp("The noise schedule of a diffusers model folder that has no scheduler_config.json: a diffusers DDPMScheduler config (JSON with num_train_timesteps, beta_start, beta_end, beta_schedule or trained_betas). (default: the folder's own)", valueName: "file"))
    var schedulerConfig: String?

    /// The model; says on stderr when a run folder gave its best checkpoint rather than its latest.
    func resolve() throws -> ModelSource {
        let source = try ModelSource.load(checkpoint ?? Self.onlyRun(), useEMA: useEMA, schedulerConfig: schedulerConfig)
        if let note = source.note { printError(note) }
        return source
    }

    /// The single run folder under runs/ that has a checkpoint; anything else is ambiguous.
    static func onlyRun() throws -> String {
        let names = FileSystem.kind(of: "runs").exists ? try FileSystem.contents(of: "runs") : []
        let runs = try names.sorted().map { "runs/" + $0 }.filter { try RunDirectory(path: $0).latestCheckpoint() != nil }
        switch runs.count {
        case 1: return runs[0]
        case 0: throw CLIError("--checkpoint not given and no run with a checkpoint in runs/; train first or pass --checkpoint PATH")
        default: throw CLIError("--checkpoint not given and runs/ holds \(runs.count) runs (\(runs.prefix(3).joined(separator: ", ")), …); pass --checkpoint PATH")
        }
    }
}

import ArgumentParser
import Tuning

extension SamplerKind: ExpressibleByArgument {}
extension ObjectiveKind: ExpressibleByArgument {}

/// `ddpm tune`'s own flags (the training flags come from TrainOptions and are fixed for every trial).
struct TuneOptions: ParsableArguments {
    @Option(name: .customLong("search"), help: ArgumentHelp(
        "A searched setting: NAME=LOW..HIGH[:int][:log] or NAME=A,B,C; NAME is a training flag (beta-min) or config key (diffusion.betaMin). Repeat for more.",
        valueName: "spec"))
    var searches: [String] = []

    @Option(help: "Trials in the study (finished ones: complete, pruned or failed).") var trials = 20
    @Option(help: "Training budget of each trial, in minutes.") var minutesPerTrial = 3.0
    @Option(help: "gp: Gaussian process + Expected Improvement (seed 000); tpe: Bergstra et al. 2011; random.") var sampler: SamplerKind = .gp
    @Option(help: "Space-filling (gp) or random (tpe) trials before the model is used (default 5 for gp, 10 for tpe).") var startupTrials: Int?
    @Option(help: "What a trial is scored by (lower is better); fid samples --evaluate-n images per trial (default 2000).") var objective: ObjectiveKind = .valLoss
    @Flag(inversion: .prefixedNo, help: "Stop trials early by the median rule on their validation losses.") var prune = true
    @Option(help: "Complete trials before the median rule prunes anything.") var pruneStartupTrials = 5
    @Option(help: "Training steps before the median rule prunes anything.") var pruneWarmupSteps = 0
    @Option(help: "Seed of the sampler (the training seed is --seed).") var studySeed: UInt64 = 0
    @Option(help: ArgumentHelp("Run one study per schedule (subfolders of --study) and report them side by side.", valueName: "a,b"))
    var schedules: String?
    @Option(help: ArgumentHelp("Study folder (default: runs/tune-DATASET-TIME).", valueName: "dir")) var study: String?
    @Option(help: "This process runs at most N trials, then stops (others may continue the study).") var maxTrials: Int?
}

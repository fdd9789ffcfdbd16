import ArgumentParser
import Training

/// How long a run goes and how often it validates, checkpoints and previews: the only flags
/// `--resume` accepts (changing them does not change any step's arithmetic).
struct BoundsOptions: ParsableArguments {
    /// The built-in defaults, shown in every flag's help.
    private static let D = TrainingSettings()

    @Option(help: "Stop after this many epochs. (default: no bound)") var epochs: Int?
    @Option(help: "Stop after this many steps. (default: no bound)") var steps: Int?
    @Option(help: "Stop after this many minutes. (default: no bound)") var minutes: Double?
    @Option(help: "Validation every N steps (0 = every epoch). (default: \(D.validateEvery))") var validateEvery: Int?
    @Option(help: "Images per validation. (default: \(D.validationImages))") var validationImages: Int?
    @Option(help: ArgumentHelp("Stop after this many validations without improvement. (default: never)", valueName: "patience")) var earlyStopping: Int?
    @Option(help: "What --early-stopping watches (fid needs --evaluate-every). (default: validation-loss)") var earlyStoppingMetric: EarlyStoppingMetric?
    @Option(help: "Feature-net FID and KID every N steps (0 = never; needs `ddpm evaluate --train-feature-net` once). (default: \(D.evaluateEvery))") var evaluateEvery: Int?
    @Option(name: .customLong("evaluate-n"), help: "Samples per --evaluate-every evaluation (50 DDIM steps, EMA weights). (default: \(D.evaluateCount))") var evaluateCount: Int?
    @Option(help: "Checkpoint every N steps. (default: \(D.checkpointEvery))") var checkpointEvery: Int?
    @Option(help: "Keep the latest K step checkpoints. (default: \(D.keepCheckpoints))") var keepCheckpoints: Int?
    @Option(help: "Preview grid every N steps (0 = never). (default: \(D.sampleEvery))") var sampleEvery: Int?

    /// The given bounds, each as its change to the config.
    var patches: [ConfigPatch] {
        [
            epochs.patch("--epochs") { $0.training.epochs = $1 },
            steps.patch("--steps") { $0.training.steps = $1 },
            minutes.patch("--minutes") { $0.training.minutes = $1 },
            validateEvery.patch("--validate-every") { $0.training.validateEvery = $1 },
            validationImages.patch("--validation-images") { $0.training.validationImages = $1 },
            earlyStopping.patch("--early-stopping") { $0.training.earlyStopping = $1 },
            earlyStoppingMetric.patch("--early-stopping-metric") { $0.training.earlyStoppingMetric = $1 },
            evaluateEvery.patch("--evaluate-every") { $0.training.evaluateEvery = $1 },
            evaluateCount.patch("--evaluate-n") { $0.training.evaluateCount = $1 },
            checkpointEvery.patch("--checkpoint-every") { $0.training.checkpointEvery = $1 },
            keepCheckpoints.patch("--keep-checkpoints") { $0.training.keepCheckpoints = $1 },
            sampleEvery.patch("--sample-every") { $0.training.sampleEvery = $1 },
        ].compactMap { $0 }
    }
}

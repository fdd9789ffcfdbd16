import ArgumentParser
import DataIO
import Diffusion
import NN
import TensorCore
import Training

/// Flags that override the config file. Every flag is optional: an absent flag keeps the
/// config's value. Names match the YAML keys (`--beta-min` ↔ `diffusion.betaMin`).
struct TrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("YAML config (see configs/); flags override it.", valueName: "file"))
    var config: String?

    // Data
    @Option(help: "Training data.") var dataset: DatasetKind?
    @Option(help: ArgumentHelp("Folder holding the dataset's files (default: the dataset's standard place).", valueName: "dir"))
    var dataDir: String?
    @Option(help: "Use only the first N training images.") var limit: Int?
    @Flag(inversion: .prefixedNo, help: "Random horizontal flips.") var flip: Bool?

    // Diffusion
    @Option(help: "Beta schedule.") var schedule: BetaSchedule?
    @Option(help: "Diffusion steps T.") var timesteps: Int?
    @Option(help: "First beta (beta_min).") var betaMin: Double?
    @Option(help: "Last beta (beta_max).") var betaMax: Double?
    @Option(help: "The logarithmic schedule's constant c.") var logScale: Double?
    @Option(help: "Loss on the predicted noise.") var loss: LossKind?

    // Model
    @Option(help: "Image side in pixels (folder datasets are resized to it).") var imageSize: Int?
    @Option(help: "UNet base channels.") var baseChannels: Int?
    @Option(help: ArgumentHelp("Channel multiplier per level, comma-separated.", valueName: "1,2,2")) var channelMultipliers: String?
    @Option(help: "Residual blocks per level.") var resBlocks: Int?
    @Option(help: ArgumentHelp("Feature-map sizes with self-attention, comma-separated; 'none' for no attention.", valueName: "7"))
    var attentionResolutions: String?
    @Option(help: "Dropout in residual blocks.") var dropout: Float?
    @Option(help: "Number of classes for a class-conditional model.") var classes: Int?

    // Training
    @Option(help: "Images per step.") var batchSize: Int?
    @Option(help: "Stop after this many epochs.") var epochs: Int?
    @Option(help: "Stop after this many steps.") var steps: Int?
    @Option(help: "Stop after this many minutes.") var minutes: Double?
    @Option(help: "Peak learning rate.") var learningRate: Float?
    @Option(help: "Learning-rate schedule.") var lrSchedule: LRSchedule?
    @Option(help: "Length of the cosine/one-cycle schedule (default: the --steps/--epochs bound).") var scheduleSteps: Int?
    @Option(help: "Linear warm-up steps.") var warmupSteps: Int?
    @Option(help: "Weight decay (decoupled for adamw, L2 for adam).") var weightDecay: Float?
    @Option(help: "Optimizer.") var optimizer: OptimizerKind?
    @Option(help: "Global gradient-norm clip (0 = off).") var gradClip: Float?
    @Option(help: "EMA decay.") var emaDecay: Float?
    @Option(help: "Random seed (weights, data order, noise).") var seed: UInt64?
    @Option(help: "Validation every N steps (0 = every epoch).") var validateEvery: Int?
    @Option(help: "Images per validation.") var validationImages: Int?
    @Option(help: ArgumentHelp("Stop after this many validations without improvement.", valueName: "patience")) var earlyStopping: Int?
    @Option(help: "Checkpoint every N steps.") var checkpointEvery: Int?
    @Option(help: "Keep the latest K step checkpoints.") var keepCheckpoints: Int?
    @Option(help: "Preview grid every N steps (0 = never).") var sampleEvery: Int?

    /// The config from --config (or the defaults) with every given flag applied.
    func resolved() throws -> TrainConfig {
        var c = TrainConfig()
        if let config {
            do { c = try TrainConfig.load(path: config) } catch { throw CLIError("--config \(error)") }
        }
        try apply(to: &c)
        return c
    }

    func apply(to c: inout TrainConfig) throws {
        if let dataset { c.data.dataset = dataset; if dataset == .cifar10 && imageSize == nil { c.model.imageSize = 32; c.model.channels = 3 } }
        if let dataDir { c.data.dataDir = dataDir }
        if let limit { c.data.limit = limit }
        if let flip { c.data.flip = flip }
        if let schedule { c.diffusion.schedule = schedule }
        if let timesteps { c.diffusion.timesteps = timesteps }
        if let betaMin { c.diffusion.betaMin = betaMin }
        if let betaMax { c.diffusion.betaMax = betaMax }
        if let logScale { c.diffusion.logScale = logScale }
        if let loss { c.diffusion.loss = loss }
        if let imageSize { c.model.imageSize = imageSize }
        if let baseChannels { c.model.baseChannels = baseChannels }
        if let channelMultipliers { c.model.channelMultipliers = try Self.integers(channelMultipliers, flag: "--channel-multipliers") }
        if let resBlocks { c.model.resBlocks = resBlocks }
        if let attentionResolutions {
            c.model.attentionResolutions = attentionResolutions == "none" ? [] : try Self.integers(attentionResolutions, flag: "--attention-resolutions")
        }
        if let dropout { c.model.dropout = dropout }
        if let classes { c.model.classes = classes }
        if let batchSize { c.training.batchSize = batchSize }
        if let epochs { c.training.epochs = epochs }
        if let steps { c.training.steps = steps }
        if let minutes { c.training.minutes = minutes }
        if let learningRate { c.training.learningRate = learningRate }
        if let lrSchedule { c.training.lrSchedule = lrSchedule }
        if let warmupSteps { c.training.warmupSteps = warmupSteps }
        if let scheduleSteps { c.training.scheduleSteps = scheduleSteps }
        if let weightDecay { c.training.weightDecay = weightDecay }
        if let optimizer { c.training.optimizer = optimizer }
        if let gradClip { c.training.gradClip = gradClip }
        if let emaDecay { c.training.emaDecay = emaDecay }
        if let seed { c.training.seed = seed }
        if let validateEvery { c.training.validateEvery = validateEvery }
        if let validationImages { c.training.validationImages = validationImages }
        if let earlyStopping { c.training.earlyStopping = earlyStopping }
        if let checkpointEvery { c.training.checkpointEvery = checkpointEvery }
        if let keepCheckpoints { c.training.keepCheckpoints = keepCheckpoints }
        if let sampleEvery { c.training.sampleEvery = sampleEvery }
    }

    /// Flags that may change when resuming: the run's bounds and bookkeeping, not the model,
    /// data or optimization (those must match the checkpoint for the continuation to be exact).
    var changesOnlyBounds: Bool {
        let fixed: [Any?] = [config, dataset, dataDir, limit, flip, schedule, timesteps, betaMin, betaMax, logScale, loss, imageSize,
                             baseChannels, channelMultipliers, resBlocks, attentionResolutions, dropout, classes, batchSize,
                             learningRate, lrSchedule, scheduleSteps, warmupSteps, weightDecay, optimizer, gradClip, emaDecay, seed]
        return fixed.allSatisfy { $0 == nil }
    }

    static func integers(_ text: String, flag: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw CLIError("\(flag) \(text): expected positive integers separated by commas, e.g. 1,2,2")
        }
        return parts.map { $0! }
    }

    /// Cross-field checks, as sentences.
    static func validate(_ c: TrainConfig) throws {
        let t = c.training
        if t.batchSize < 1 { throw CLIError("--batch-size must be at least 1 (got \(t.batchSize)).") }
        if let s = t.steps, s < 1 { throw CLIError("--steps must be at least 1 (got \(s)).") }
        if let e = t.epochs, e < 1 { throw CLIError("--epochs must be at least 1 (got \(e)).") }
        if let m = t.minutes, !(m > 0) { throw CLIError("--minutes must be positive (got \(m)).") }
        if !(t.learningRate > 0) { throw CLIError("--learning-rate must be positive (got \(t.learningRate)).") }
        if c.diffusion.timesteps < 2 { throw CLIError("--timesteps must be at least 2 (got \(c.diffusion.timesteps)).") }
        if let l = c.data.limit, l < 1 { throw CLIError("--limit must be at least 1 (got \(l)).") }
        if t.validationImages < 1 { throw CLIError("--validation-images must be at least 1 (got \(t.validationImages)).") }
        if t.validateEvery < 0 { throw CLIError("--validate-every must be >= 0, 0 meaning every epoch (got \(t.validateEvery)).") }
        if t.checkpointEvery < 0 { throw CLIError("--checkpoint-every must be >= 0 (got \(t.checkpointEvery)).") }
        if t.sampleEvery < 0 { throw CLIError("--sample-every must be >= 0 (got \(t.sampleEvery)).") }
        if t.keepCheckpoints < 1 { throw CLIError("--keep-checkpoints must be at least 1 (got \(t.keepCheckpoints)).") }
        if let p = t.earlyStopping, p < 1 { throw CLIError("--early-stopping must be at least 1 validation (got \(p)).") }
        if let k = c.model.classes, k < 1 { throw CLIError("--classes must be at least 1 (got \(k)).") }
        let problems = c.model.unetConfig.validationErrors()
        if !problems.isEmpty { throw CLIError("model: " + problems.joined(separator: "; ")) }
    }
}

import Foundation

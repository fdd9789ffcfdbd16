import DataIO
import Diffusion
import NN
import TensorCore

/// Everything that defines a training run: one versioned `Codable` struct read from
/// `configs/NAME.yaml`, overridden by command-line flags, and stored in the run directory and in
/// every checkpoint. Keys are the flags' names in camelCase (`--beta-min` ↔ `betaMin`); a missing
/// key takes its default.
public struct TrainConfig: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public var version = TrainConfig.currentVersion
    public var model = ModelSettings()
    public var diffusion = DiffusionSettings()
    public var data = DataSettings()
    public var training = TrainingSettings()

    public init() {}

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Self.currentVersion
        guard version <= Self.currentVersion else { throw ConfigError.unsupportedVersion(version, highestSupported: Self.currentVersion) }
        model = try c.decodeIfPresent(ModelSettings.self, forKey: .model) ?? ModelSettings()
        diffusion = try c.decodeIfPresent(DiffusionSettings.self, forKey: .diffusion) ?? DiffusionSettings()
        data = try c.decodeIfPresent(DataSettings.self, forKey: .data) ?? DataSettings()
        training = try c.decodeIfPresent(TrainingSettings.self, forKey: .training) ?? TrainingSettings()
    }
}

/// The UNet's hyperparameters in DDPM terms (converted to diffusers' layout by `unetConfig`).
public struct ModelSettings: Codable, Equatable, Sendable {
    public var imageSize = 28
    public var channels = 1
    public var baseChannels = 32
    public var channelMultipliers = [1, 2, 2]
    public var resBlocks = 2
    /// Feature-map sizes that get self-attention (e.g. [7] for 28×28 with three levels); [] = none.
    public var attentionResolutions = [7]
    /// Self-attention in the middle block (diffusers' `add_attention`); `--attention-resolutions none`
    /// turns it off too, so an attention-free ablation has no attention anywhere.
    public var midAttention = true
    /// Channels per attention head; nil = a single head.
    public var headDim: Int? = nil
    /// The time embedding as a scale and shift of each residual block's second GroupNorm
    /// (improved-diffusion's AdaGN; diffusers' resnet_time_scale_shift "scale_shift") instead of a sum.
    public var scaleShift = false
    @ShortestDecimal public var dropout: Float = 0.1
    public var groups = 8
    @ShortestDecimal public var normEps: Float = 1e-5
    /// Number of classes for class conditioning (nil = unconditional).
    public var classes: Int? = nil
    /// Name of each class, label order (set by `--class-conditional` from the dataset; nil: the
    /// dataset's built-in names, see `classNames(dataset:)`).
    public var classNames: [String]? = nil

    public init() {}

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let d = ModelSettings(), c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? d.imageSize
        channels = try c.decodeIfPresent(Int.self, forKey: .channels) ?? d.channels
        baseChannels = try c.decodeIfPresent(Int.self, forKey: .baseChannels) ?? d.baseChannels
        channelMultipliers = try c.decodeIfPresent([Int].self, forKey: .channelMultipliers) ?? d.channelMultipliers
        resBlocks = try c.decodeIfPresent(Int.self, forKey: .resBlocks) ?? d.resBlocks
        attentionResolutions = try c.decodeIfPresent([Int].self, forKey: .attentionResolutions) ?? d.attentionResolutions
        midAttention = try c.decodeIfPresent(Bool.self, forKey: .midAttention) ?? d.midAttention
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? d.headDim
        scaleShift = try c.decodeIfPresent(Bool.self, forKey: .scaleShift) ?? d.scaleShift
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? d.dropout
        groups = try c.decodeIfPresent(Int.self, forKey: .groups) ?? d.groups
        normEps = try c.decodeIfPresent(Float.self, forKey: .normEps) ?? d.normEps
        classes = try c.decodeIfPresent(Int.self, forKey: .classes) ?? d.classes
        classNames = try c.decodeIfPresent([String].self, forKey: .classNames) ?? d.classNames
    }

    /// The names of a class-conditional model's labels: its stored names, else the dataset's
    /// built-in ones when the counts agree, else "0", "1", …; nil for an unconditional model.
    public func classNames(dataset: DatasetKind) -> ClassNames? {
        guard let classes else { return nil }
        if let classNames, classNames.count == classes { return ClassNames(classNames) }
        if let builtIn = ClassNames.builtIn(dataset), builtIn.count == classes { return builtIn }
        return ClassNames(count: classes)
    }

    /// The feature-map sizes of the UNet's levels, finest first (28, 14, 7 for 28×28 and [1, 2, 2]).
    public var levelResolutions: [Int] { channelMultipliers.indices.map { imageSize >> $0 } }

    /// `attentionResolutions` moved to the same levels of a UNet for `imageSize` (a size that is
    /// no level stays as it is, for `validate` to report).
    public func attentionResolutionsAt(imageSize newSize: Int) -> [Int] {
        attentionResolutions.map { r in levelResolutions.firstIndex(of: r).map { newSize >> $0 } ?? r }
    }

    public var unetConfig: UNetConfig {
        UNetConfig(imageSize: imageSize, channels: channels, baseChannels: baseChannels, channelMultipliers: channelMultipliers,
                   resBlocks: resBlocks, attentionResolutions: attentionResolutions, headDim: headDim, dropout: dropout,
                   groups: groups, eps: normEps, classes: classes, midAttention: midAttention,
                   timeScaleShift: scaleShift ? .scaleShift : .default)
    }
}

/// The forward process and the loss.
public struct DiffusionSettings: Codable, Equatable, Sendable {
    public var schedule: BetaSchedule = .linear
    public var timesteps = 1000
    @ShortestDecimal public var betaMin: Double = 1e-4
    @ShortestDecimal public var betaMax: Double = 0.02
    /// The logarithmic schedule's constant c.
    @ShortestDecimal public var logScale: Double = 1.0
    @ShortestDecimal public var cosineOffset: Double = 0.008
    /// β_1 … β_T given as numbers (`--betas-file`); when set they replace `schedule` and its
    /// parameters, and `timesteps` is their count. Stored in the config so a run resumes and an
    /// export samples with exactly these betas.
    @ShortestDecimals public var betas: [Double]? = nil
    /// Rescale the betas to zero terminal SNR, ᾱ_T = 0 (Lin et al. 2023, Algorithm 1), after the
    /// schedule (or `betas`) gives them.
    public var rescaleZeroTerminalSnr = false
    public var loss: LossKind = .l2

    public init() {}

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let d = DiffusionSettings(), c = try decoder.container(keyedBy: CodingKeys.self)
        schedule = try c.decodeChoiceIfPresent(BetaSchedule.self, forKey: .schedule) ?? d.schedule
        timesteps = try c.decodeIfPresent(Int.self, forKey: .timesteps) ?? d.timesteps
        betaMin = try c.decodeIfPresent(Double.self, forKey: .betaMin) ?? d.betaMin
        betaMax = try c.decodeIfPresent(Double.self, forKey: .betaMax) ?? d.betaMax
        logScale = try c.decodeIfPresent(Double.self, forKey: .logScale) ?? d.logScale
        cosineOffset = try c.decodeIfPresent(Double.self, forKey: .cosineOffset) ?? d.cosineOffset
        betas = try c.decodeIfPresent([Double].self, forKey: .betas) ?? d.betas
        rescaleZeroTerminalSnr = try c.decodeIfPresent(Bool.self, forKey: .rescaleZeroTerminalSnr) ?? d.rescaleZeroTerminalSnr
        loss = try c.decodeChoiceIfPresent(LossKind.self, forKey: .loss) ?? d.loss
    }

    /// How the schedule is named in run folders and PNG provenance.
    public var scheduleName: String {
        (betas == nil ? schedule.rawValue : "betas-file") + (rescaleZeroTerminalSnr ? "-zero-snr" : "")
    }

    /// β_1 … β_T: the given `betas` or the schedule's, then rescaled to zero terminal SNR when asked.
    public func resolvedBetas() throws -> [Double] {
        let raw = try betas ?? schedule.betas(scheduleParameters)
        return rescaleZeroTerminalSnr ? try rescaledToZeroTerminalSNR(raw) : raw
    }

    public var scheduleParameters: ScheduleParameters {
        ScheduleParameters(timesteps: timesteps, betaMin: betaMin, betaMax: betaMax, logScale: logScale, cosineOffset: cosineOffset)
    }

    public func noiseTables() throws -> NoiseTables {
        try NoiseTables(betas: resolvedBetas(), schedule: betas == nil ? schedule : nil)
    }
}

/// Where the images come from.
public struct DataSettings: Codable, Equatable, Sendable {
    public var dataset: DatasetKind = .fashionMNIST
    public var dataDir: String? = nil
    /// Random horizontal flips (seed 001); off by default (digits are not symmetric).
    public var flip = false
    /// Use a random N of the training images (seeded by training.seed; quick experiments, seed
    /// 001's 20k faces); nil = all.
    public var limit: Int? = nil
    /// How `limit` picks its images. New configs use `random` and always write it; a config file
    /// (or checkpoint) from before the setting existed has a `limit` meaning the first N images, so
    /// a missing key with a `limit` decodes as `first` and the run resumes on the same images.
    public var limitSampling: LimitSampling = .random
    /// Train (and validate) on the images with these labels only (`--classes-subset`, seed 002's
    /// single- and 5-class runs); nil = all. Labels keep the dataset's numbering.
    public var classesSubset: [Int]? = nil

    public init() {}

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let d = DataSettings(), c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decodeChoiceIfPresent(DatasetKind.self, forKey: .dataset) ?? d.dataset
        dataDir = try c.decodeIfPresent(String.self, forKey: .dataDir) ?? d.dataDir
        flip = try c.decodeIfPresent(Bool.self, forKey: .flip) ?? d.flip
        limit = try c.decodeIfPresent(Int.self, forKey: .limit) ?? d.limit
        limitSampling = try c.decodeChoiceIfPresent(LimitSampling.self, forKey: .limitSampling)
            ?? (limit == nil ? d.limitSampling : .first)
        classesSubset = try c.decodeIfPresent([Int].self, forKey: .classesSubset) ?? d.classesSubset
    }
}

/// The optimization loop and its bookkeeping.
public struct TrainingSettings: Codable, Equatable, Sendable {
    public var batchSize = 64
    /// Micro-batches of `batchSize` images whose gradients are summed before each optimizer step,
    /// so a step sees `batchSize × gradAccumulation` images (the effective batch) in the memory of one.
    public var gradAccumulation = 1
    /// Stop after this many epochs / steps / minutes, whichever comes first (nil = no limit).
    public var epochs: Int? = nil
    public var steps: Int? = nil
    public var minutes: Double? = nil
    @ShortestDecimal public var learningRate: Float = 2e-4
    public var lrSchedule: LRSchedule = .constant
    /// Length of the cosine / one-cycle schedule in steps. Fixed when a run starts (from --steps or
    /// --epochs) and kept on --resume, so a continuation follows the same curve.
    public var scheduleSteps: Int? = nil
    public var warmupSteps = 200
    /// `adamw` decays weights decoupled from the gradient; `adam` adds weightDecay·θ to the gradient (L2).
    public var optimizer: OptimizerKind = .adamw
    @ShortestDecimal public var weightDecay: Float = 0
    /// Global gradient-norm clip (0 = off).
    @ShortestDecimal public var gradClip: Float = 1
    @ShortestDecimal public var emaDecay: Float = 0.999
    public var seed: UInt64 = 0
    /// Validation loss every N steps (0 = once per epoch).
    public var validateEvery = 0
    /// Images used for each validation loss (fixed draws, so values are comparable).
    public var validationImages = 1024
    /// Stop after this many validations without improvement (nil = never).
    public var earlyStopping: Int? = nil
    /// What early stopping watches: the validation loss, or the feature-net FID of --evaluate-every.
    public var earlyStoppingMetric: EarlyStoppingMetric = .validationLoss
    /// Feature-net FID and KID every N steps on `evaluateCount` EMA samples (0 = never).
    public var evaluateEvery = 0
    public var evaluateCount = 500
    public var checkpointEvery = 500
    public var keepCheckpoints = 3
    public var sampleEvery = 1000
    public var sampleCount = 16
    /// Classifier-free guidance training: probability p_uncond of replacing the label with "no
    /// class" (`--p-uncond`; seed 002 uses 0.1).
    @ShortestDecimal public var classDropout: Float = 0.1

    /// Images per optimizer step: `batchSize × gradAccumulation`.
    public var effectiveBatchSize: Int { batchSize * gradAccumulation }

    public init() {}

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let d = TrainingSettings(), c = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        gradAccumulation = try c.decodeIfPresent(Int.self, forKey: .gradAccumulation) ?? d.gradAccumulation
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        minutes = try c.decodeIfPresent(Double.self, forKey: .minutes) ?? d.minutes
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        lrSchedule = try c.decodeChoiceIfPresent(LRSchedule.self, forKey: .lrSchedule) ?? d.lrSchedule
        scheduleSteps = try c.decodeIfPresent(Int.self, forKey: .scheduleSteps) ?? d.scheduleSteps
        optimizer = try c.decodeChoiceIfPresent(OptimizerKind.self, forKey: .optimizer) ?? d.optimizer
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? d.warmupSteps
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        gradClip = try c.decodeIfPresent(Float.self, forKey: .gradClip) ?? d.gradClip
        emaDecay = try c.decodeIfPresent(Float.self, forKey: .emaDecay) ?? d.emaDecay
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        validateEvery = try c.decodeIfPresent(Int.self, forKey: .validateEvery) ?? d.validateEvery
        validationImages = try c.decodeIfPresent(Int.self, forKey: .validationImages) ?? d.validationImages
        earlyStopping = try c.decodeIfPresent(Int.self, forKey: .earlyStopping) ?? d.earlyStopping
        earlyStoppingMetric = try c.decodeIfPresent(EarlyStoppingMetric.self, forKey: .earlyStoppingMetric) ?? d.earlyStoppingMetric
        evaluateEvery = try c.decodeIfPresent(Int.self, forKey: .evaluateEvery) ?? d.evaluateEvery
        evaluateCount = try c.decodeIfPresent(Int.self, forKey: .evaluateCount) ?? d.evaluateCount
        checkpointEvery = try c.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? d.checkpointEvery
        keepCheckpoints = try c.decodeIfPresent(Int.self, forKey: .keepCheckpoints) ?? d.keepCheckpoints
        sampleEvery = try c.decodeIfPresent(Int.self, forKey: .sampleEvery) ?? d.sampleEvery
        sampleCount = try c.decodeIfPresent(Int.self, forKey: .sampleCount) ?? d.sampleCount
        classDropout = try c.decodeIfPresent(Float.self, forKey: .classDropout) ?? d.classDropout
    }
}

/// Keys of `decoder`'s object that `Keys` does not know, as a thrown error naming them with their
/// path: a misspelt key must not silently fall back to its default.
func rejectUnknownKeys<Keys: CodingKey>(_ decoder: Decoder, _: Keys.Type) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    let unknown = container.allKeys.map(\.stringValue).filter { Keys(stringValue: $0) == nil }.sorted()
    guard let first = unknown.first else { return }
    let path = (decoder.codingPath.map(\.stringValue) + [first]).joined(separator: ".")
    throw ConfigError.invalid("unknown key \(path)" + (unknown.count > 1 ? " (and \(unknown.count - 1) more)" : ""))
}

struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A config file that cannot be used.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unsupportedVersion(Int, highestSupported: Int)
    case unreadable(path: String, reason: String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .unsupportedVersion(v, h): "config version \(v) is newer than this ddpm understands (up to \(h))"
        case let .unreadable(path, reason): "\(path): \(reason)"
        case let .invalid(message): message
        }
    }
}

import ArgumentParser
import DataIO
import Diffusion
import Foundation
import NN
import TensorCore
import Training

/// The flags that define a run: data, diffusion, model, optimization and seed. A resumed run
/// takes all of them from its checkpoint (exact resume needs them unchanged), so `--resume`
/// refuses every one that is given. Names match the YAML keys (`--beta-min` ↔ `diffusion.betaMin`).
struct RunSettingsOptions: ParsableArguments {
    /// The built-in defaults, shown in every flag's help.
    private static let D = TrainConfig()

    @Option(help: ArgumentHelp("YAML config (see configs/); flags override it. (default: none, the built-in defaults)", valueName: "file"))
    var config: String?

    // Data
    @Option(help: "Training data. (default: \(D.data.dataset.rawValue))") var dataset: DatasetKind?
    @Option(help: ArgumentHelp("Folder holding the dataset's files (default: the dataset's standard place).", valueName: "dir"))
    var dataDir: String?
    @Option(help: "Use a random N of the training images, drawn with --seed; only those are decoded. (default: all)") var limit: Int?
    @Option(help: ArgumentHelp("Train on some classes only, by name or number, comma-separated (e.g. automobile or 0,1,3); labels keep the dataset's numbering. (default: all)", valueName: "list"))
    var classesSubset: String?
    @Option(help: "Image channels: 1 (gray) or 3 (RGB). A folder's PNGs are converted to it (gray → RGB replicates, RGB → gray is BT.601 luma); without it a folder's channel count is detected from its PNGs, and a mixed folder is an error. (default: \(D.model.channels); 3 with --dataset cifar10; detected for --dataset folder)")
    var channels: Int?
    @Flag(inversion: .prefixedNo, help: "Random horizontal flips. (default: \(D.data.flip ? "on" : "off"))") var flip: Bool?

    // Diffusion
    @Option(help: "Beta schedule. (default: \(D.diffusion.schedule.rawValue))") var schedule: BetaSchedule?
    @Option(help: "Diffusion steps T. (default: \(D.diffusion.timesteps))") var timesteps: Int?
    @Option(help: "First beta (beta_min). (default: \(D.diffusion.betaMin))") var betaMin: Double?
    @Option(help: "Last beta (beta_max). (default: \(D.diffusion.betaMax))") var betaMax: Double?
    @Option(help: "The logarithmic schedule's constant c. (default: \(D.diffusion.logScale))") var logScale: Double?
    @Option(help: ArgumentHelp("A custom schedule β_1 … β_T replacing --schedule: a .npy 1-D float64/float32 array, or text with one beta per line (# comments allowed); T is their count, each 0 < β < 1. (default: none)", valueName: "file"))
    var betasFile: String?
    @Flag(inversion: .prefixedNo, help: "Rescale the betas (of any schedule or --betas-file) to zero terminal SNR, alphaBar_T = 0 (Lin et al. 2023, Algorithm 1); at t = T the ε-model then cannot recover x_0 and the sampler takes x̂_0 = 0 there. (default: \(D.diffusion.rescaleZeroTerminalSnr ? "on" : "off"))")
    var rescaleZeroTerminalSnr: Bool?
    @Option(help: "Loss on the predicted noise. (default: \(D.diffusion.loss.rawValue))") var loss: LossKind?

    // Model
    @Option(help: "Image side in pixels (folder datasets are resized to it). (default: \(D.model.imageSize); 32 with --dataset cifar10)") var imageSize: Int?
    @Option(help: "UNet base channels. (default: \(D.model.baseChannels))") var baseChannels: Int?
    @Option(help: ArgumentHelp("Channel multiplier per level, comma-separated. (default: \(D.model.channelMultipliers.map(String.init).joined(separator: ",")))", valueName: "1,2,2")) var channelMultipliers: String?
    @Option(help: "Residual blocks per level. (default: \(D.model.resBlocks))") var resBlocks: Int?
    @Option(help: ArgumentHelp("Feature-map sizes with self-attention, comma-separated; 'none' for no attention anywhere "
                               + "(also turns off --mid-attention). (default: \(D.model.attentionResolutions.map(String.init).joined(separator: ",")))", valueName: "7"))
    var attentionResolutions: String?
    @Flag(inversion: .prefixedNo, help: "Self-attention in the middle block (diffusers' add_attention). (default: \(D.model.midAttention ? "on" : "off"))")
    var midAttention: Bool?
    @Flag(inversion: .prefixedNo, help: "Time embedding as a scale and shift of each residual block's second GroupNorm, norm(h)·(1 + scale) + shift (improved-diffusion's AdaGN, diffusers' resnet_time_scale_shift \"scale_shift\"), instead of added. (default: \(D.model.scaleShift ? "on" : "off"))")
    var scaleShift: Bool?
    @Option(help: "Dropout in residual blocks. (default: \(D.model.dropout))") var dropout: Float?
    @Option(help: "Number of classes for a class-conditional model. (default: unconditional)") var classes: Int?
    @Flag(help: "Condition on the dataset's labels (for classifier-free guidance): mnist, fashion-mnist and cifar10 have built-in class names; a folder dataset needs one subfolder per class (DIR/CLASS/*.png), named by the subfolders. (default: off)")
    var classConditional = false
    @Option(name: .customLong("p-uncond"), help: "Probability of replacing a label by the null class while training a class-conditional model (config key training.classDropout; seed 002 uses 0.1). (default: \(D.training.classDropout))")
    var pUncond: Float?

    // Optimization
    @Option(help: "Images per step (per micro-batch with --grad-accumulation). (default: \(D.training.batchSize))") var batchSize: Int?
    @Option(help: ArgumentHelp("Sum the gradients of K micro-batches of --batch-size images before each optimizer step (effective batch K × batch size). (default: \(D.training.gradAccumulation))", valueName: "k"))
    var gradAccumulation: Int?
    @Option(help: "Peak learning rate. (default: \(D.training.learningRate))") var learningRate: Float?
    @Option(help: "Learning-rate schedule. (default: \(D.training.lrSchedule.rawValue))") var lrSchedule: LRSchedule?
    @Option(help: "Length of the cosine/one-cycle schedule (default: the --steps/--epochs bound).") var scheduleSteps: Int?
    @Option(help: "Linear warm-up steps. (default: \(D.training.warmupSteps))") var warmupSteps: Int?
    @Option(help: "Weight decay (decoupled for adamw, L2 for adam). (default: \(D.training.weightDecay))") var weightDecay: Float?
    @Option(help: "Optimizer. (default: \(D.training.optimizer.rawValue))") var optimizer: OptimizerKind?
    @Option(help: "Global gradient-norm clip (0 = off). (default: \(D.training.gradClip))") var gradClip: Float?
    @Option(help: "EMA decay. (default: \(D.training.emaDecay))") var emaDecay: Float?
    @Option(help: "Random seed (weights, data order, noise). (default: \(D.training.seed))") var seed: UInt64?

    /// The config of --config, or the defaults.
    func baseConfig() throws -> TrainConfig {
        guard let config else { return TrainConfig() }
        do { return try TrainConfig.load(path: config) } catch { throw CLIError("--config \(error)") }
    }

    /// The flags that were given (what `--resume` refuses).
    var givenFlags: [String] { (config == nil ? [] : ["--config"]) + patches.map(\.flag) }

    /// The given flags, each as its change to the config.
    var patches: [ConfigPatch] {
        [
            dataset.patch("--dataset") { [imageSize, attentionResolutions] c, d in
                c.data.dataset = d
                if d == .cifar10 && imageSize == nil {
                    // The implied 32×32 keeps attention at the same UNet levels (7×7 of 28 → 8×8 of 32),
                    // unless --attention-resolutions says where.
                    if attentionResolutions == nil { c.model.attentionResolutions = c.model.attentionResolutionsAt(imageSize: 32) }
                    c.model.imageSize = 32; c.model.channels = 3
                }
            },
            dataDir.patch("--data-dir") { $0.data.dataDir = $1 },
            limit.patch("--limit") { $0.data.limit = $1 },
            flip.patch("--flip") { $0.data.flip = $1 },
            classesSubset.patch("--classes-subset") { c, text in c.data.classesSubset = try Self.classLabels(text, data: c.data) },
            channels.patch("--channels") { $0.model.channels = $1 },
            schedule.patch("--schedule") { [betasFile] c, s in
                if betasFile != nil { throw CLIError("--schedule \(s.rawValue) and --betas-file both give the betas; pass only one") }
                c.diffusion.schedule = s
                c.diffusion.betas = nil   // a config's betas would otherwise override the flag
            },
            timesteps.patch("--timesteps") { $0.diffusion.timesteps = $1 },
            betasFile.patch("--betas-file") { [timesteps] c, path in
                let betas = try BetasFile.read(path)
                if let timesteps, timesteps != betas.count {
                    throw CLIError("--timesteps \(timesteps) contradicts --betas-file \(path), which holds \(betas.count) betas (T is their count)")
                }
                c.diffusion.betas = betas
                c.diffusion.timesteps = betas.count
            },
            rescaleZeroTerminalSnr.patch("--rescale-zero-terminal-snr") { $0.diffusion.rescaleZeroTerminalSnr = $1 },
            betaMin.patch("--beta-min") { $0.diffusion.betaMin = $1 },
            betaMax.patch("--beta-max") { $0.diffusion.betaMax = $1 },
            logScale.patch("--log-scale") { $0.diffusion.logScale = $1 },
            loss.patch("--loss") { $0.diffusion.loss = $1 },
            imageSize.patch("--image-size") { $0.model.imageSize = $1 },
            baseChannels.patch("--base-channels") { $0.model.baseChannels = $1 },
            channelMultipliers.patch("--channel-multipliers") { $0.model.channelMultipliers = try Self.integers($1, flag: "--channel-multipliers") },
            resBlocks.patch("--res-blocks") { $0.model.resBlocks = $1 },
            attentionResolutions.patch("--attention-resolutions") {
                if $1 == "none" {
                    $0.model.attentionResolutions = []
                    $0.model.midAttention = false
                } else {
                    $0.model.attentionResolutions = try Self.integers($1, flag: "--attention-resolutions")
                }
            },
            // After --attention-resolutions, so `none --mid-attention` keeps only the middle block's.
            midAttention.patch("--mid-attention") { $0.model.midAttention = $1 },
            scaleShift.patch("--scale-shift") { $0.model.scaleShift = $1 },
            dropout.patch("--dropout") { $0.model.dropout = $1 },
            classes.patch("--classes") { $0.model.classes = $1 },
            (classConditional ? true : nil).patch("--class-conditional") { [classes] c, _ in try Self.makeClassConditional(&c, classes: classes) },
            pUncond.patch("--p-uncond") { c, p in
                guard c.model.classes != nil else { throw CLIError("--p-uncond \(p): the model is not class-conditional; add --class-conditional") }
                c.training.classDropout = p
            },
            batchSize.patch("--batch-size") { $0.training.batchSize = $1 },
            gradAccumulation.patch("--grad-accumulation") { $0.training.gradAccumulation = $1 },
            learningRate.patch("--learning-rate") { $0.training.learningRate = $1 },
            lrSchedule.patch("--lr-schedule") { $0.training.lrSchedule = $1 },
            scheduleSteps.patch("--schedule-steps") { $0.training.scheduleSteps = $1 },
            warmupSteps.patch("--warmup-steps") { $0.training.warmupSteps = $1 },
            weightDecay.patch("--weight-decay") { $0.training.weightDecay = $1 },
            optimizer.patch("--optimizer") { $0.training.optimizer = $1 },
            gradClip.patch("--grad-clip") { $0.training.gradClip = $1 },
            emaDecay.patch("--ema-decay") { $0.training.emaDecay = $1 },
            seed.patch("--seed") { $0.training.seed = $1 },
        ].compactMap { $0 }
    }

    /// Classes and names from the dataset's labels (built in, or a folder's class subfolders).
    static func makeClassConditional(_ c: inout TrainConfig, classes: Int?) throws {
        let names: ClassNames
        do { names = try DatasetLocator(kind: c.data.dataset, dataDir: c.data.dataDir).classNames() } catch {
            throw CLIError("--class-conditional: \(error)")
        }
        if let classes, classes != names.count {
            throw CLIError("--classes \(classes) contradicts --class-conditional: the dataset has \(names.count) classes (\(names.listing()))")
        }
        c.model.classes = names.count
        c.model.classNames = names.names
    }

    /// `--classes-subset` items (names or numbers) as the dataset's labels, each at most once.
    static func classLabels(_ text: String, data: DataSettings) throws -> [Int] {
        let names: ClassNames
        do { names = try DatasetLocator(kind: data.dataset, dataDir: data.dataDir).classNames() } catch {
            throw CLIError("--classes-subset \(text): \(error)")
        }
        var labels: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let label: Int
            do { label = try names.label(for: item) } catch { throw CLIError("--classes-subset \(text): \(error)") }
            if !labels.contains(label) { labels.append(label) }
        }
        return labels.sorted()
    }

    static func integers(_ text: String, flag: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw CLIError("\(flag) \(text): expected positive integers separated by commas, e.g. 1,2,2")
        }
        return parts.map { $0! }
    }
}

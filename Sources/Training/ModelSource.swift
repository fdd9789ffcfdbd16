import DataIO
import Diffusion
import Foundation
import NN

/// A trained model ready for sampling, from any of the places a user may point at:
/// a ddpm checkpoint file, a run folder (its latest checkpoint), or a diffusers model folder
/// (`config.json` + `diffusion_pytorch_model.safetensors`, the export format).
public struct ModelSource {
    /// Which weights a source holds: a checkpoint's EMA or raw weights, or an exported model's.
    /// The raw value is what PNG provenance records.
    public enum WeightsKind: String, Sendable {
        case ema, raw, exported
    }

    public let model: UNet
    /// The training config (for diffusers folders: the model part plus default diffusion settings).
    public let config: TrainConfig
    public let path: String
    /// The file the weights came from, and a short content hash of it (for PNG provenance).
    public let weightsFile: String
    public let weightsHash: String
    public let step: Int?
    /// Which weights were loaded.
    public let weightsKind: WeightsKind
    /// Something the user should know about the choice of weights (a run folder that stopped early
    /// gives its best checkpoint, not its latest), or nil.
    public var note: String?

    public static let diffusersConfig = "config.json"
    public static let diffusersWeights = "diffusion_pytorch_model.safetensors"
    public static let diffusersScheduler = "scheduler_config.json"

    /// `schedulerConfig`: a diffusers DDPMScheduler JSON (`--scheduler-config`) giving the schedule of
    /// a diffusers folder that has none of its own; only a diffusers folder takes one.
    public static func load(_ path: String, useEMA: Bool = true, schedulerConfig: String? = nil) throws -> ModelSource {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CheckpointError.unreadable(path: path, reason: "no such file or folder")
        }
        let isDiffusers = isDir.boolValue && FileManager.default.fileExists(atPath: path + "/" + diffusersConfig)
        if let schedulerConfig, !isDiffusers {
            throw CheckpointError.unreadable(path: schedulerConfig, reason: "--scheduler-config applies only to a diffusers model folder; "
                                             + "\(path) is a ddpm checkpoint or run, which states its own schedule")
        }
        if isDir.boolValue {
            if isDiffusers { return try loadDiffusers(folder: path, schedulerConfig: schedulerConfig) }
            guard let (file, note) = try runCheckpoint(RunDirectory(path: path)) else {
                throw CheckpointError.unreadable(path: path, reason: "neither a run folder with checkpoints/step-*.safetensors "
                                                 + "nor a diffusers folder with \(diffusersConfig)")
            }
            var source = try loadCheckpoint(file, useEMA: useEMA)
            source.note = note
            return source
        }
        return try loadCheckpoint(path, useEMA: useEMA)
    }

    /// The checkpoint a run folder stands for: its latest step checkpoint, or `best.safetensors` when
    /// the run stopped early (the latest checkpoint's count of checks without improvement reached
    /// its --early-stopping patience): the weights it kept for being best, not the later ones it
    /// stopped at. The note says which was taken, for the user. nil: the run has no checkpoint.
    public static func runCheckpoint(_ run: RunDirectory) throws -> (file: String, note: String?)? {
        guard let latest = try run.latestCheckpoint() else { return nil }
        let best = run.bestCheckpointPath
        guard FileSystem.kind(of: best).exists else { return (latest, nil) }
        let last = try Checkpoint.read(from: latest)
        guard let patience = last.config.training.earlyStopping, last.progress.validationsWithoutImprovement >= patience else {
            return (latest, nil)
        }
        let metric = last.config.training.earlyStoppingMetric.rawValue
        return (best, "\(run.path) stopped early at step \(last.progress.step): using \(best) (step \(last.progress.bestStep ?? 0), "
                + "its best \(metric.replacingOccurrences(of: "-", with: " "))); pass --checkpoint \(latest) for the last weights")
    }

    static func loadCheckpoint(_ file: String, useEMA: Bool) throws -> ModelSource {
        let c = try Checkpoint.read(from: file)
        let unetConfig = c.config.model.unetConfig
        let problems = unetConfig.validationErrors()
        if !problems.isEmpty { throw CheckpointError.doesNotFit(path: file, reason: problems.joined(separator: "; ")) }
        let model = UNet(unetConfig)
        let weights = useEMA ? (c.ema ?? c.model) : c.model
        let kind: WeightsKind = useEMA && c.ema != nil ? .ema : .raw
        do { try model.load(weights) } catch { throw CheckpointError.doesNotFit(path: file, reason: "\(error)") }
        return ModelSource(model: model, config: c.config, path: file, weightsFile: file, weightsHash: try fileHash(file),
                           step: c.progress.step, weightsKind: kind)
    }

    static func loadDiffusers(folder: String, schedulerConfig: String? = nil) throws -> ModelSource {
        let configPath = folder + "/" + diffusersConfig, weightsPath = folder + "/" + diffusersWeights
        let unetConfig: UNetConfig
        let configBytes = try DurableFile.read(configPath)  // a FileError names the file
        do {
            unetConfig = try JSONDecoder().decode(UNetConfig.self, from: Data(configBytes))
        } catch {
            throw CheckpointError.unreadable(path: configPath, reason: "not a diffusers UNet2DModel config: \(error)")
        }
        let problems = unetConfig.validationErrors()
        if !problems.isEmpty { throw CheckpointError.doesNotFit(path: configPath, reason: problems.joined(separator: "; ")) }
        let file = try SafetensorsFile.read(from: weightsPath)  // its errors name the file
        let model = UNet(unetConfig)
        do { try model.load(file.tensors.mapValues { NamedTensorData(shape: $0.shape, values: $0.floats) }) } catch {
            throw CheckpointError.doesNotFit(path: weightsPath, reason: "\(error)")
        }
        var config = TrainConfig()
        config.model = ModelSettings(unetConfig)
        // The schedule: --scheduler-config when given; else ddpm's own exports carry their exact
        // settings in the weights' metadata (a block that is present but unreadable is an error);
        // any other folder must state it in diffusers' scheduler_config.json. Nothing is assumed:
        // a wrong schedule samples garbage.
        if let schedulerConfig {
            config.diffusion = try readScheduler(at: schedulerConfig)
        } else if let json = file.metadata["ddpm_diffusion"] {
            do { config.diffusion = try JSONDecoder().decode(DiffusionSettings.self, from: Data(json.utf8)) } catch {
                throw CheckpointError.unreadable(path: weightsPath, reason: "the ddpm_diffusion metadata is not valid diffusion settings: \(error)")
            }
        } else {
            config.diffusion = try readScheduler(folder: folder)
        }
        // Class names ride along like the diffusion settings; without them a label is its number.
        // A block that is present but unreadable, or names another number of classes, is an error.
        if let classes = config.model.classes {
            config.model.classNames = ClassNames(count: classes).names
            if let json = file.metadata["ddpm_class_names"] {
                guard let names = try? JSONDecoder().decode([String].self, from: Data(json.utf8)), names.count == classes else {
                    throw CheckpointError.unreadable(path: weightsPath, reason: "the ddpm_class_names metadata is not a list of \(classes) class names")
                }
                config.model.classNames = names
            }
        }
        return ModelSource(model: model, config: config, path: folder, weightsFile: weightsPath, weightsHash: try fileHash(weightsPath), step: nil,
                           weightsKind: .exported)
    }

    /// The diffusion settings of a diffusers folder's scheduler_config.json.
    static func readScheduler(folder: String) throws -> DiffusionSettings {
        let path = folder + "/" + diffusersScheduler
        guard FileSystem.kind(of: path).exists else {
            throw CheckpointError.unreadable(path: folder, reason: "no \(diffusersScheduler), so the model's noise schedule is unknown; "
                                             + "pass --scheduler-config FILE, a diffusers DDPMScheduler config (num_train_timesteps, beta_start, "
                                             + "beta_end, beta_schedule or trained_betas), or put that file as \(diffusersScheduler) next to \(diffusersConfig)")
        }
        return try readScheduler(at: path)
    }

    /// The diffusion settings of a DDPMScheduler config file.
    static func readScheduler(at path: String) throws -> DiffusionSettings {
        let bytes = try DurableFile.read(path)
        do {
            return try JSONDecoder().decode(DiffusersScheduler.self, from: Data(bytes)).diffusionSettings()
        } catch let error as DiffusersSchedulerError {
            throw CheckpointError.unreadable(path: path, reason: error.description)
        } catch {
            throw CheckpointError.unreadable(path: path, reason: "not a diffusers scheduler config: \(error)")
        }
    }

    /// Writes a model-only export in the diffusers layout: config.json + diffusion_pytorch_model.safetensors
    /// + scheduler_config.json (the diffusion settings and class names also ride along in the
    /// safetensors metadata for ddpm to read back).
    public static func exportDiffusers(model: UNet, diffusion: DiffusionSettings, classNames: ClassNames? = nil,
                                       to folder: String, overwrite: Bool) throws {
        let configPath = folder + "/" + diffusersConfig, weightsPath = folder + "/" + diffusersWeights
        if !overwrite && (FileSystem.kind(of: configPath).exists || FileSystem.kind(of: weightsPath).exists) {
            throw FileError(path: folder, operation: .write, problem: "it already holds an exported model", advice: "pass --force to overwrite it")
        }
        try FileSystem.createFolder(folder)
        // config.json is what makes the folder a model (ModelSource.load): it goes first out and last
        // in, so a failure part-way leaves no folder that looks like a complete export.
        try FileSystem.remove(configPath)
        var file = SafetensorsFile()
        for (name, t) in model.stateDict() { file.tensors[name] = SafetensorsTensor(shape: t.shape, floats: t.values) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        file.metadata = ["format": "pt", "ddpm_diffusion": String(decoding: try encoder.encode(diffusion), as: UTF8.self)]
        if let classNames { file.metadata["ddpm_class_names"] = String(decoding: try encoder.encode(classNames.names), as: UTF8.self) }
        try file.write(to: weightsPath)
        // diffusers reads the schedule from here (ddpm reads the metadata, which also has the loss).
        try DurableFile.write(Array(try encoder.encode(DiffusersScheduler(diffusion))), to: folder + "/" + diffusersScheduler)
        try DurableFile.write(Array(try encoder.encode(model.config)), to: configPath)
    }

    /// FNV-1a 64 of the file's bytes, hex: enough to tell checkpoints apart in PNG provenance.
    public static func fileHash(_ path: String) throws -> String { try ContentHash.file(path) }
}

extension ModelSettings {
    /// The DDPM-style settings of a diffusers config (uniform block structure assumed; the
    /// exact layout lives in the UNetConfig the model was built from).
    init(_ u: UNetConfig) {
        self.init()
        imageSize = u.sampleSize
        channels = u.inChannels
        baseChannels = u.blockOutChannels[0]
        channelMultipliers = u.blockOutChannels.map { $0 / max(u.blockOutChannels[0], 1) }
        resBlocks = u.layersPerBlock
        attentionResolutions = u.downBlockTypes.enumerated().filter { $0.element == .attention }.map { u.sampleSize >> $0.offset }
        midAttention = u.addAttention
        scaleShift = u.resnetTimeScaleShift == .scaleShift
        headDim = u.attentionHeadDim
        dropout = u.dropout
        groups = u.normNumGroups
        normEps = u.normEps
        classes = u.classCount
    }
}

import DataIO
import Foundation
import NN
import TensorCore

/// A training checkpoint in safetensors: the model's weights (`model.<name>`), the EMA weights
/// (`ema.<name>`), Adam's moments (`optimizer.m`, `optimizer.v`, flat in parameter order), and in
/// the metadata the full `TrainConfig` (JSON) and the loop's position.
///
/// Randomness needs no saved generator state: every training step draws from
/// `RandomGenerator(seed: config.training.seed, stream: step)`, so (seed, step) is the RNG state
/// and `--resume` continues with exactly the draws an uninterrupted run would have made.
public struct Checkpoint {
    public static let format = "ddpm-checkpoint"
    public static let formatVersion = 1

    public var config: TrainConfig
    public var progress: TrainingProgress
    public var model: [String: NamedTensorData]
    public var ema: [String: NamedTensorData]?
    public var optimizerM: [Float]?
    public var optimizerV: [Float]?

    public init(config: TrainConfig, progress: TrainingProgress, model: [String: NamedTensorData],
                ema: [String: NamedTensorData]?, optimizerM: [Float]?, optimizerV: [Float]?) {
        self.config = config; self.progress = progress; self.model = model; self.ema = ema
        self.optimizerM = optimizerM; self.optimizerV = optimizerV
    }

    /// Writes atomically and durably (temporary file, fsync, rename, directory fsync): a crash at
    /// any moment leaves the previous file or this one, never a torn file.
    public func write(to path: String) throws {
        var file = SafetensorsFile()
        for (name, t) in model { file.tensors["model." + name] = SafetensorsTensor(shape: t.shape, floats: t.values) }
        for (name, t) in ema ?? [:] { file.tensors["ema." + name] = SafetensorsTensor(shape: t.shape, floats: t.values) }
        if let m = optimizerM, let v = optimizerV {
            file.tensors["optimizer.m"] = SafetensorsTensor(shape: [m.count], floats: m)
            file.tensors["optimizer.v"] = SafetensorsTensor(shape: [v.count], floats: v)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        file.metadata = [
            "format": Self.format,
            "format_version": String(Self.formatVersion),
            "config": String(decoding: try encoder.encode(config), as: UTF8.self),
            "progress": String(decoding: try encoder.encode(progress), as: UTF8.self),
            "parameter_count": String(model.values.reduce(0) { $0 + $1.values.count }),
        ]
        try file.write(to: path)
    }

    /// Reads a checkpoint; every problem is one line naming the file.
    public static func read(from path: String) throws -> Checkpoint {
        // A DataFileError is already one line naming the file (wrapping it printed the path twice).
        let file = try SafetensorsFile.read(from: path)
        guard file.metadata["format"] == format else {
            throw CheckpointError.notACheckpoint(path: path)
        }
        guard let v = file.metadata["format_version"].flatMap(Int.init), v <= formatVersion else {
            throw CheckpointError.unreadable(path: path, reason: "checkpoint format version \(file.metadata["format_version"] ?? "?") is newer than this ddpm")
        }
        let decoder = JSONDecoder()
        guard let configJSON = file.metadata["config"], let progressJSON = file.metadata["progress"] else {
            throw CheckpointError.unreadable(path: path, reason: "metadata lacks the config or progress entry")
        }
        let config: TrainConfig, progress: TrainingProgress
        do {
            config = try decoder.decode(TrainConfig.self, from: Data(configJSON.utf8))
            progress = try decoder.decode(TrainingProgress.self, from: Data(progressJSON.utf8))
        } catch {
            throw CheckpointError.unreadable(path: path, reason: "metadata is not a valid ddpm config: \(error)")
        }
        func group(_ prefix: String) -> [String: NamedTensorData] {
            var out: [String: NamedTensorData] = [:]
            for (name, t) in file.tensors where name.hasPrefix(prefix) {
                out[String(name.dropFirst(prefix.count))] = NamedTensorData(shape: t.shape, values: t.floats)
            }
            return out
        }
        let ema = group("ema.")
        return Checkpoint(config: config, progress: progress, model: group("model."), ema: ema.isEmpty ? nil : ema,
                          optimizerM: file.tensors["optimizer.m"]?.floats, optimizerV: file.tensors["optimizer.v"]?.floats)
    }
}

/// Where the training loop stands (saved in checkpoints, restored on resume).
public struct TrainingProgress: Codable, Equatable, Sendable {
    /// Optimizer steps completed.
    public var step = 0
    /// Epochs completed, and batches done in the current epoch.
    public var epoch = 0
    public var batchInEpoch = 0
    public var emaUpdates = 0
    public var bestValidationLoss: Double? = nil
    /// The best feature-net FID so far, when early stopping watches FID.
    public var bestFID: Double? = nil
    public var bestStep: Int? = nil
    public var validationsWithoutImprovement = 0
    /// The steps since the last metrics line (their losses are averaged into the next line).
    public var window = LogWindow()
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decode(Int.self, forKey: .step)
        epoch = try c.decode(Int.self, forKey: .epoch)
        batchInEpoch = try c.decode(Int.self, forKey: .batchInEpoch)
        emaUpdates = try c.decode(Int.self, forKey: .emaUpdates)
        bestValidationLoss = try c.decodeIfPresent(Double.self, forKey: .bestValidationLoss)
        bestFID = try c.decodeIfPresent(Double.self, forKey: .bestFID)
        bestStep = try c.decodeIfPresent(Int.self, forKey: .bestStep)
        validationsWithoutImprovement = try c.decode(Int.self, forKey: .validationsWithoutImprovement)
        window = try c.decodeIfPresent(LogWindow.self, forKey: .window) ?? LogWindow()
    }
}

/// Running sums for the next metrics line.
public struct LogWindow: Codable, Equatable, Sendable {
    public var losses: [Double] = []
    public var images = 0
    public var quarterSums: [Double] = [0, 0, 0, 0]
    public var quarterCounts: [Int] = [0, 0, 0, 0]
    public init() {}
}

/// A checkpoint that cannot be used, as one line naming the file and the problem.
public enum CheckpointError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notACheckpoint(path: String)
    case doesNotFit(path: String, reason: String)
    case configMismatch(path: String, key: String, checkpoint: String, requested: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): \(reason)"
        case let .notACheckpoint(path): "\(path): a safetensors file but not a ddpm checkpoint (no format metadata); for diffusers weights pass their folder"
        case let .doesNotFit(path, reason): "\(path): does not fit the model: \(reason)"
        case let .configMismatch(path, key, a, b): "\(path): the checkpoint was trained with \(key) = \(a), but this run asks for \(b)"
        }
    }
}

import Diffusion
import NN
import TensorCore

/// The model and everything that changes while it trains: flat parameters, AdamW, EMA.
public final class TrainingState {
    /// The run's configuration (`training.scheduleSteps` is filled in when a run starts).
    public internal(set) var config: TrainConfig
    public let model: UNet
    public let parameters: ParameterSet
    public let optimizer: AdamW
    public let ema: EMA
    public let tables: NoiseTables
    public var progress = TrainingProgress()

    /// A freshly initialized model (weights from `config.training.seed`, on the initialization stream).
    public init(config: TrainConfig) throws {
        self.config = config
        // Only the model must be valid here (tests train with, e.g., a zero learning rate);
        // `TrainConfig.validate()` is the full check a user's config goes through.
        let unetConfig = config.model.unetConfig
        let problems = unetConfig.validationErrors()
        if !problems.isEmpty { throw ConfigError.invalid("model: " + problems.joined(separator: "; ")) }
        tables = try config.diffusion.noiseTables()
        model = UNet(unetConfig, using: RandomGenerator(seed: config.training.seed, stream: RandomStreams.initialization))
        parameters = ParameterSet(model)
        optimizer = AdamW(parameters, settings: .init(weightDecay: config.training.weightDecay, kind: config.training.optimizer))
        ema = EMA(of: parameters, decay: config.training.emaDecay)
    }

    /// Restores weights, EMA, optimizer moments and progress from `checkpoint` (which must have
    /// been made with this config's model).
    public convenience init(resuming checkpoint: Checkpoint, path: String) throws {
        try self.init(config: checkpoint.config)
        try restore(checkpoint, path: path)
    }

    func restore(_ c: Checkpoint, path: String) throws {
        do { try parameters.load(c.model) } catch { throw CheckpointError.doesNotFit(path: path, reason: "\(error)") }
        if let ema = c.ema {
            do { try parameters.load(ema, into: self.ema.shadow) } catch {
                throw CheckpointError.doesNotFit(path: path, reason: "EMA weights: \(error)")
            }
        } else {
            self.ema.shadow.copy(from: parameters.values)
        }
        if let m = c.optimizerM, let v = c.optimizerV {
            guard m.count == parameters.count && v.count == parameters.count else {
                throw CheckpointError.doesNotFit(path: path, reason: "optimizer state has \(m.count) values for \(parameters.count) parameters")
            }
            optimizer.m.copy(from: m)
            optimizer.v.copy(from: v)
        }
        progress = c.progress
        optimizer.step = c.progress.step
        ema.updates = c.progress.emaUpdates
    }

    /// The model's parameters as a checkpoint (with EMA and optimizer state).
    public func checkpoint() -> Checkpoint {
        var p = progress
        p.emaUpdates = ema.updates
        return Checkpoint(config: config, progress: p, model: parameters.stateDict(), ema: emaStateDict(),
                          optimizerM: optimizer.m.scalars, optimizerV: optimizer.v.scalars)
    }

    /// The EMA weights keyed like the model's parameters.
    public func emaStateDict() -> [String: NamedTensorData] { parameters.namedValues(of: ema.shadow) }

    /// Runs `body` with the model holding the EMA weights, then restores the trained weights
    /// exactly (previews sample from the EMA without a second model).
    public func withEMAWeights<R>(_ body: () throws -> R) rethrows -> R { try parameters.withValues(ema.shadow, body) }
}

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

    /// A freshly initialized model (weights from `config.training.seed`).
    public init(config: TrainConfig) throws {
        self.config = config
        let unetConfig = config.model.unetConfig
        let problems = unetConfig.validationErrors()
        if !problems.isEmpty { throw ConfigError.invalid("model: " + problems.joined(separator: "; ")) }
        tables = try config.diffusion.noiseTables()
        model = UNet(unetConfig, seed: config.training.seed)
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
        do { try model.load(c.model) } catch { throw CheckpointError.doesNotFit(path: path, reason: "\(error)") }
        if let ema = c.ema {
            let shadowModel = UNet(config.model.unetConfig)
            do { try shadowModel.load(ema) } catch { throw CheckpointError.doesNotFit(path: path, reason: "EMA weights: \(error)") }
            copyFlat(shadowModel, into: self.ema.shadow)
        } else {
            self.ema.shadow.copy(from: parameters.values)
        }
        if let m = c.optimizerM, let v = c.optimizerV {
            guard m.count == parameters.count && v.count == parameters.count else {
                throw CheckpointError.doesNotFit(path: path, reason: "optimizer state has \(m.count) values for \(parameters.count) parameters")
            }
            optimizer.m.withUnsafeMutableBufferPointer { p in for i in 0..<m.count { p[i] = m[i] } }
            optimizer.v.withUnsafeMutableBufferPointer { p in for i in 0..<v.count { p[i] = v[i] } }
        }
        progress = c.progress
        optimizer.step = c.progress.step
        ema.updates = c.progress.emaUpdates
    }

    /// The model's parameters as a checkpoint (with EMA and optimizer state).
    public func checkpoint() -> Checkpoint {
        var p = progress
        p.emaUpdates = ema.updates
        return Checkpoint(config: config, progress: p, model: model.stateDict(), ema: emaStateDict(),
                          optimizerM: optimizer.m.scalars, optimizerV: optimizer.v.scalars)
    }

    /// The EMA weights keyed like the model's parameters.
    public func emaStateDict() -> [String: NamedTensorData] {
        let shadow = ema.shadow.scalars
        var out: [String: NamedTensorData] = [:]
        for e in parameters.entries {
            let n = e.shape.reduce(1, *)
            out[e.name] = NamedTensorData(shape: e.shape, values: Array(shadow[e.offset..<(e.offset + n)]))
        }
        return out
    }

    /// Copies `source`'s parameters, in this model's flat order, into `flat`.
    private func copyFlat(_ source: UNet, into flat: Tensor) {
        let state = source.stateDict()
        flat.withUnsafeMutableBufferPointer { p in
            for e in parameters.entries {
                for (i, v) in state[e.name]!.values.enumerated() { p[e.offset + i] = v }
            }
        }
    }
}

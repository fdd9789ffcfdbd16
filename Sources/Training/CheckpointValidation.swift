import NN

extension Checkpoint {
    /// Checks that the checkpoint can be used as it says: its config builds a UNet, the weights and
    /// the EMA weights hold every tensor of that UNet with the right shape, and Adam's moments have
    /// one value per parameter. Returns the parameter count; throws `CheckpointError.doesNotFit`
    /// naming the first problem (what `sample` and `export` would refuse).
    @discardableResult
    public func validate(path: String) throws -> Int {
        let unetConfig = config.model.unetConfig
        let problems = unetConfig.validationErrors()
        if !problems.isEmpty { throw CheckpointError.doesNotFit(path: path, reason: "its config: " + problems.joined(separator: "; ")) }
        let unet = UNet(unetConfig)
        do { try unet.load(model) } catch { throw CheckpointError.doesNotFit(path: path, reason: "model weights: \(error)") }
        if let ema {
            do { try unet.load(ema) } catch { throw CheckpointError.doesNotFit(path: path, reason: "EMA weights: \(error)") }
        }
        let count = unet.parameterCount
        for (name, moments) in [("optimizer.m", optimizerM), ("optimizer.v", optimizerV)] {
            if let moments, moments.count != count {
                throw CheckpointError.doesNotFit(path: path, reason: "\(name) holds \(moments.count) values for \(count) parameters")
            }
        }
        return count
    }
}

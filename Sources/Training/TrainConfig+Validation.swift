// The cross-field checks of a training config: what the Codable decoding cannot catch (ranges,
// and the UNet's own consistency). `ddpm train` runs them on every config it resolves or resumes;
// library users call them the same way.

extension TrainConfig {
    /// Throws `ConfigError.invalid` with one sentence naming the flag (= the YAML key) and what it
    /// needs, for the first setting that cannot run.
    public func validate() throws {
        let t = training
        func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw ConfigError.invalid(message()) }
        }
        try require(t.batchSize >= 1, "--batch-size must be at least 1 (got \(t.batchSize)).")
        try require(t.gradAccumulation >= 1, "--grad-accumulation must be at least 1 (got \(t.gradAccumulation)).")
        try require(t.batchSize.multipliedReportingOverflow(by: t.gradAccumulation).overflow == false,
                    "--batch-size \(t.batchSize) × --grad-accumulation \(t.gradAccumulation) overflows.")
        if let s = t.steps { try require(s >= 1, "--steps must be at least 1 (got \(s)).") }
        if let e = t.epochs { try require(e >= 1, "--epochs must be at least 1 (got \(e)).") }
        if let m = t.minutes { try require(m > 0, "--minutes must be positive (got \(m)).") }
        try require(t.learningRate > 0, "--learning-rate must be positive (got \(t.learningRate)).")
        try require(diffusion.timesteps >= 2, "--timesteps must be at least 2 (got \(diffusion.timesteps)).")
        if let betas = diffusion.betas {
            try require(betas.count == diffusion.timesteps,
                        "diffusion.betas holds \(betas.count) betas but diffusion.timesteps is \(diffusion.timesteps); they must agree (T = the number of betas).")
            if let i = betas.firstIndex(where: { !($0 > 0 && $0 < 1) }) {
                throw ConfigError.invalid("diffusion.betas: beta \(i + 1) is \(betas[i]); every beta must be in (0, 1).")
            }
        }
        if let l = data.limit { try require(l >= 1, "--limit must be at least 1 (got \(l)).") }
        try require([1, 3].contains(model.channels), "--channels must be 1 (gray) or 3 (RGB) (got \(model.channels)).")
        if let subset = data.classesSubset {
            try require(!subset.isEmpty && subset.allSatisfy { $0 >= 0 }, "--classes-subset needs at least one class (labels are >= 0).")
        }
        try require(t.validationImages >= 1, "--validation-images must be at least 1 (got \(t.validationImages)).")
        try require(t.validateEvery >= 0, "--validate-every must be >= 0, 0 meaning every epoch (got \(t.validateEvery)).")
        try require(t.checkpointEvery >= 0, "--checkpoint-every must be >= 0 (got \(t.checkpointEvery)).")
        try require(t.sampleEvery >= 0, "--sample-every must be >= 0 (got \(t.sampleEvery)).")
        try require(t.keepCheckpoints >= 1, "--keep-checkpoints must be at least 1 (got \(t.keepCheckpoints)).")
        if let p = t.earlyStopping { try require(p >= 1, "--early-stopping must be at least 1 validation (got \(p)).") }
        try require(t.evaluateEvery >= 0, "--evaluate-every must be >= 0, 0 meaning never (got \(t.evaluateEvery)).")
        try require(t.evaluateCount >= 2, "--evaluate-n must be at least 2 (got \(t.evaluateCount)).")
        try require(t.earlyStoppingMetric != .fid || t.evaluateEvery > 0,
                    "--early-stopping-metric fid needs --evaluate-every N (FID is measured only then).")
        if let k = model.classes { try require(k >= 1, "--classes must be at least 1 (got \(k)).") }
        try require((0...1).contains(t.classDropout), "--p-uncond must be between 0 and 1 (got \(t.classDropout)).")
        if let names = model.classNames {
            try require(names.count == model.classes, "model.classNames: \(names.count) names for \(model.classes.map(String.init) ?? "no") classes")
        }
        let problems = model.unetConfig.validationErrors()
        try require(problems.isEmpty, "model: " + problems.joined(separator: "; "))
        // Stated size limits and the machine's memory, before anything is allocated.
        try InputLimits.checkTraining(self)
        // After the size limits: a size beyond them is the message to see, not the levels it implies.
        let levels = model.levelResolutions
        for r in model.attentionResolutions {
            try require(levels.contains(r), "--attention-resolutions \(r) matches no level of the UNet (image size \(model.imageSize), "
                        + "\(levels.count) levels); valid resolutions: \(levels.map(String.init).joined(separator: ", ")), or 'none'.")
        }
    }
}

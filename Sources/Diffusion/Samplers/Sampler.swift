import TensorCore

/// The DDPM/DDIM sampler chosen by `SamplerSettings`: the matching step policy plus the driver.
///
/// Reproducibility: image k's noise (x_T and every z) comes from its own generator
/// `RandomGenerator(seed:stream: k)`, so an image does not change with the batch size or with
/// which other images are drawn alongside it (see `SamplingBatch`).
public struct Sampler {
    public let tables: NoiseTables
    public let settings: SamplerSettings
    /// Original 0-based timestep indices visited, in order (descending), e.g. T = 10, 5 steps,
    /// linspace → [9, 7, 4, 2, 0].
    public let visited: [Int]
    /// The step policy: `AncestralPolicy` or `DDIMPolicy`.
    public let policy: any SamplingPolicy

    public init(tables: NoiseTables, settings: SamplerSettings) throws {
        self.tables = tables
        self.settings = settings
        visited = try settings.spacing.visitedIndices(steps: settings.resolvedSteps(timesteps: tables.timesteps), of: tables.timesteps)
        switch settings.kind {
        case .ddpm:
            policy = try AncestralPolicy(tables: tables, visited: visited, variance: settings.variance, clipDenoised: settings.clipDenoised)
        case .ddim:
            policy = DDIMPolicy(tables: tables, visited: visited, eta: settings.eta, clipDenoised: settings.clipDenoised)
        }
    }

    /// Number of model evaluations per image.
    public var stepCount: Int { policy.stepCount }

    /// A model evaluation that needs no image indices: (x_t `[B, C, H, W]`, timesteps `[B]`) → ε̂.
    public typealias PlainNoisePredictor = (Tensor, [Float]) -> Tensor

    /// Samples images `first ..< first + count` of the seeded sequence, `[count, C, H, W]` in [-1, 1],
    /// all at once. Use `SamplingDriver.run` to stream batches instead.
    /// - Parameters:
    ///   - progress: called after every step of every batch with (steps done, total steps).
    ///   - trajectory: when given, receives (step number, x_t, x̂_0) after each step of the FIRST batch.
    public func sample(count: Int, imageShape: [Int], seed: UInt64, first: Int = 0, batchSize: Int,
                       model: PlainNoisePredictor, progress: ((Int, Int) -> Void)? = nil,
                       trajectory: ((Int, Tensor, Tensor) -> Void)? = nil) -> Tensor {
        sample(count: count, imageShape: imageShape, seed: seed, first: first, batchSize: batchSize,
               batchModel: { x, t, _ in model(x, t) }, progress: progress, trajectory: trajectory)
    }

    /// `sample` with a model that is told each batch's image indices.
    public func sample(count: Int, imageShape: [Int], seed: UInt64, first: Int = 0, batchSize: Int,
                       batchModel model: NoisePredictor, progress: ((Int, Int) -> Void)? = nil,
                       trajectory: ((Int, Tensor, Tensor) -> Void)? = nil) -> Tensor {
        SamplingDriver(imageShape: imageShape, seed: seed, batchSize: batchSize)
            .sampleAll(count: count, first: first, policy: policy, model: model, progress: progress,
                       trajectory: trajectory.map { observe in { observe($0.step, $0.x, $0.predictedX0!) } })
    }
}

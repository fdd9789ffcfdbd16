import TensorCore

/// Draws images from a noise-prediction model by running the reverse process.
///
/// Reproducibility: image k's noise (x_T and every z) comes from its own generator
/// `RandomGenerator(seed:stream: k)`, so an image does not change with the batch size or with
/// which other images are drawn alongside it.
public struct Sampler {
    public let tables: NoiseTables
    public let settings: SamplerSettings
    /// Original 0-based timestep indices visited, in order (descending), e.g. T = 10, 5 steps,
    /// linspace → [9, 7, 4, 2, 0].
    public let visited: [Int]
    /// For respaced ancestral sampling, tables over the visited subsequence (index k ↔ visited
    /// ascending[k]); equal to `tables` when every step is visited.
    private let stepTables: NoiseTables
    private let isRespaced: Bool

    public init(tables: NoiseTables, settings: SamplerSettings) throws {
        self.tables = tables
        self.settings = settings
        let steps = settings.resolvedSteps(timesteps: tables.timesteps)
        visited = try settings.spacing.visitedIndices(steps: steps, of: tables.timesteps)
        if settings.kind == .ddpm && steps < tables.timesteps {
            let respaced = try tables.respaced(visiting: visited)
            stepTables = try NoiseTables(betas: respaced.betas)
            isRespaced = true
        } else {
            stepTables = tables
            isRespaced = false
        }
    }

    /// Number of model evaluations per image.
    public var stepCount: Int { visited.count }

    /// A model evaluation: (x_t `[B, C, H, W]`, timesteps `[B]`) → predicted noise.
    public typealias NoisePredictor = (Tensor, [Float]) -> Tensor
    /// The same, also told which images of the sequence the batch holds (for per-image class labels).
    public typealias BatchNoisePredictor = (Tensor, [Float], Range<Int>) -> Tensor

    /// Samples images `first ..< first + count` of the seeded sequence, `[count, C, H, W]` in [-1, 1].
    /// - Parameters:
    ///   - progress: called after every step of every batch with (steps done, total steps).
    ///   - trajectory: when given, receives (step number, x_t, x̂_0) after each step of the FIRST batch.
    public func sample(count: Int, imageShape: [Int], seed: UInt64, first: Int = 0, batchSize: Int,
                       model: NoisePredictor, progress: ((Int, Int) -> Void)? = nil,
                       trajectory: ((Int, Tensor, Tensor) -> Void)? = nil) -> Tensor {
        sample(count: count, imageShape: imageShape, seed: seed, first: first, batchSize: batchSize,
               batchModel: { x, t, _ in model(x, t) }, progress: progress, trajectory: trajectory)
    }

    /// `sample` with a model that is told each batch's image indices (`first + start ..< …`).
    public func sample(count: Int, imageShape: [Int], seed: UInt64, first: Int = 0, batchSize: Int,
                       batchModel model: BatchNoisePredictor, progress: ((Int, Int) -> Void)? = nil,
                       trajectory: ((Int, Tensor, Tensor) -> Void)? = nil) -> Tensor {
        shapeCheck(imageShape.count == 3 && count >= 0 && batchSize >= 1,
                   "Sampler.sample: image shape \(describe(imageShape)) must be [C, H, W], count \(count) ≥ 0, batch size \(batchSize) ≥ 1")
        let per = imageShape.reduce(1, *)
        var out = [Float](repeating: 0, count: count * per)
        let total = ((count + batchSize - 1) / batchSize) * stepCount
        var done = 0
        for start in stride(from: 0, to: count, by: batchSize) {
            let b = min(batchSize, count - start)
            var generators = (0..<b).map { RandomGenerator(seed: seed, stream: UInt64(first + start + $0)) }
            var x = Self.noise(b: b, imageShape: imageShape, generators: &generators)
            for (j, t) in visited.enumerated() {
                let isLast = j == visited.count - 1
                let eps = withoutGrad { model(x, [Float](repeating: Float(t), count: b), (first + start)..<(first + start + b)) }
                let needsNoise = !isLast && (settings.kind == .ddpm || settings.eta > 0)
                let z = needsNoise ? Self.noise(b: b, imageShape: imageShape, generators: &generators) : nil
                let step = withoutGrad { self.step(j: j, t: t, xt: x, eps: eps, noise: z) }
                x = step.previous
                if start == 0 { trajectory?(j, x, step.predictedX0) }
                done += 1
                progress?(done, total)
            }
            x = withoutGrad { x.clamped(to: -1...1) }
            x.withUnsafeBufferPointer { p in for i in 0..<(b * per) { out[start * per + i] = p[i] } }
        }
        return Tensor(shape: [count] + imageShape, values: out)
    }

    /// The j-th step (visiting original index t).
    public func step(j: Int, t: Int, xt: Tensor, eps: Tensor, noise: Tensor?) -> StepResult {
        switch settings.kind {
        case .ddpm:
            // In respaced tables, step j of visited (descending) is index count − 1 − j.
            let k = isRespaced ? visited.count - 1 - j : t
            return ReverseStep.ddpm(xt: xt, eps: eps, index: k, tables: stepTables, variance: settings.variance,
                                    clip: settings.clipDenoised, noise: noise)
        case .ddim:
            let prev = j + 1 < visited.count ? tables.alphaBar[visited[j + 1]] : 1
            return ReverseStep.ddim(xt: xt, eps: eps, alphaBar: tables.alphaBar[t], alphaBarPrev: prev, eta: settings.eta,
                                    clip: settings.clipDenoised, noise: noise)
        }
    }

    /// `[b, C, H, W]` standard normal, image i drawn from `generators[i]`.
    static func noise(b: Int, imageShape: [Int], generators: inout [RandomGenerator]) -> Tensor {
        let per = imageShape.reduce(1, *)
        let x = Tensor.zeros([b] + imageShape)
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<b { generators[i].fillNormal(UnsafeMutableBufferPointer(rebasing: p[(i * per)..<((i + 1) * per)])) }
        }
        return x
    }
}

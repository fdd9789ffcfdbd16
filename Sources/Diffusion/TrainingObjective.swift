import TensorCore

/// The simplified DDPM objective (Ho et al. Algorithm 1, eq. 14):
/// ```
/// t ~ Uniform{1, …, T},  ε ~ N(0, I),  loss = ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²
/// ```
/// with the distance chosen by `LossKind` (seed 001 compares L1 and L2).
///
/// Model timestep convention: the network receives the 0-based index (t − 1) as its timestep,
/// as diffusers' DDPMScheduler and Ho et al.'s code do, so published checkpoints work unchanged.
public struct TrainingObjective {
    public let tables: NoiseTables
    public let loss: LossKind

    public init(tables: NoiseTables, loss: LossKind) {
        self.tables = tables
        self.loss = loss
    }

    /// One batch's draw: timestep indices and noise, from the training generator.
    public struct Draw {
        public let indices: [Int]
        public let noise: Tensor

        public init(indices: [Int], noise: Tensor) {
            self.indices = indices
            self.noise = noise
        }
    }

    public func draw(batch N: Int, shape: [Int], using generator: inout RandomGenerator) -> Draw {
        let indices = (0..<N).map { _ in generator.nextInt(below: tables.timesteps) }
        return Draw(indices: indices, noise: Tensor.randn(shape, using: &generator))
    }

    /// The batch loss (a `[]` tensor to call `backward()` on) and each image's own loss value
    /// (for the per-timestep-quarter log), given the model as a closure (x_t, timesteps) → ε̂.
    public func evaluate(x0: Tensor, draw: Draw, model: (Tensor, [Float]) -> Tensor) -> (loss: Tensor, perImage: [Float]) {
        let xt = withoutGrad { tables.qSample(x0: x0, indices: draw.indices, noise: draw.noise) }
        let predicted = model(xt, draw.indices.map { Float($0) })
        let l = predicted.loss(loss, target: draw.noise)
        let perImage: [Float] = withoutGrad {
            let n = x0.shape[0], per = x0.count / max(n, 1)
            let p = predicted.scalars, e = draw.noise.scalars
            return (0..<n).map { i in
                var s: Float = 0
                for j in (i * per)..<((i + 1) * per) {
                    let d = p[j] - e[j]
                    switch loss {
                    case .l2: s += d * d
                    case .l1: s += abs(d)
                    case .huber: s += abs(d) <= 1 ? 0.5 * d * d : abs(d) - 0.5
                    }
                }
                return s / Float(per)
            }
        }
        return (l, perImage)
    }
}

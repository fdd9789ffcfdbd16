import TensorCore

extension NoiseTables {
    /// Samples q(x_t | x_0) in closed form (Ho et al. eq. 4):
    /// ```
    /// x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε,   ε ~ N(0, I)
    /// ```
    /// - Parameters:
    ///   - x0: `[N, C, H, W]` clean images in [-1, 1].
    ///   - indices: one 0-based timestep index per image (index i is the paper's t = i + 1).
    ///   - noise: ε, x0's shape.
    public func qSample(x0: Tensor, indices: [Int], noise: Tensor) -> Tensor {
        let N = x0.shape[0]
        shapeCheck(indices.count == N && noise.shape == x0.shape,
                   "qSample: \(indices.count) indices and noise \(describe(noise.shape)) for x0 \(describe(x0.shape))")
        let ones = [Int](repeating: 1, count: x0.rank - 1)
        let a = Tensor(shape: [N] + ones, values: indices.map { Float(sqrtAlphaBar[$0]) })
        let b = Tensor(shape: [N] + ones, values: indices.map { Float(sqrtOneMinusAlphaBar[$0]) })
        return x0 * a + noise * b
    }
}

extension NoiseTables {
    /// A forward-process strip (seed 001 Figure 3, seed 003 Figure 3): every image of `x0` at every
    /// paper timestep in `timesteps` (t = 0 is x_0 itself, t = T the last step), as rows of images:
    /// `[timesteps.count · N, C, H, W]`, row r holding all N images at `timesteps[r]`.
    ///
    /// Image i draws one ε from stream i of `seed` and keeps it for every t, so a row differs from
    /// the next only by the noise level; each x_t is still an exact draw from q(x_t | x_0).
    public func forwardStrip(x0: Tensor, timesteps ts: [Int], seed: UInt64) -> Tensor {
        shapeCheck(ts.allSatisfy { (0...timesteps).contains($0) }, "forwardStrip: timesteps \(ts) must lie in 0…\(timesteps)")
        let n = x0.shape[0]
        var generators = (0..<n).map { RandomGenerator(seed: seed, stream: UInt64($0)) }
        let noise = Tensor.standardNormal(imageShape: Array(x0.shape.dropFirst()), generators: &generators)
        let rows = ts.map { t in t == 0 ? x0 : qSample(x0: x0, indices: [Int](repeating: t - 1, count: n), noise: noise) }
        return Tensor.concatenate(rows, axis: 0)
    }
}

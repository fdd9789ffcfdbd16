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

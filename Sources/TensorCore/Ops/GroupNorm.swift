extension Tensor {
    /// Group Normalization [1] over `[N, C, ...]`, with per-channel affine `gamma`, `beta` ([C]).
    ///
    /// ```
    /// y = (x − μ_g) / √(σ²_g + eps) · γ_c + β_c      μ_g, σ²_g over the C/G channels × spatial of group g
    /// ```
    /// With `fusedSiLU`, returns silu(y) in one pass (the UNet's norm→SiLU pair), saving a full
    /// read and write of the activation in both directions.
    /// ### References
    /// 1. Wu & He, "Group Normalization", https://arxiv.org/abs/1803.08494
    public func groupNorm(groups G: Int, gamma: Tensor, beta: Tensor, eps: Float = 1e-5, fusedSiLU: Bool = false) -> Tensor {
        let x = self
        shapeCheck(x.rank >= 2, "groupNorm: input \(describe(x.shape)) must be [N, C, ...]")
        let N = x.shape[0], C = x.shape[1]
        shapeCheck(G >= 1 && C % G == 0, "groupNorm: \(C) channels of input \(describe(x.shape)) are not divisible into \(G) groups")
        shapeCheck(gamma.shape == [C] && beta.shape == [C],
                   "groupNorm: gamma \(describe(gamma.shape)) and beta \(describe(beta.shape)) must both be [\(C)] for input \(describe(x.shape))")
        let s = GroupNormShape(N: N, C: C, L: x.count / max(N * C, 1), G: G)
        let y = Tensor.uninitialized(x.shape)
        let stats = Tensor.uninitialized([2, N * G])
        let mean = stats.pointer, rstd = stats.pointer + N * G
        Kernels.groupNormForward(s, eps: eps, silu: fusedSiLU, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer,
                                 y: y.pointer, mean: mean, rstd: rstd)
        return y.recordingBackward(fusedSiLU ? "groupNorm+silu" : "groupNorm", inputs: [x, gamma, beta]) { dy in
            let partials = Tensor.uninitialized([2, N * C])
            let scratch = Tensor.uninitialized([Kernels.groupNormBackwardScratchCount(s, silu: fusedSiLU)])
            Kernels.groupNormBackward(s, silu: fusedSiLU, x: x.pointer, gamma: gamma.pointer, beta: beta.pointer,
                                      mean: stats.pointer, rstd: stats.pointer + N * G, dy: dy.pointer,
                                      dx: x.gradForAccumulation(), partialGamma: partials.pointer,
                                      partialBeta: partials.pointer + N * C, scratch: scratch.pointer)
            Kernels.reduceGroupNormParameters(N: N, C: C, partialGamma: partials.pointer, partialBeta: partials.pointer + N * C,
                                              dGamma: gamma.gradForAccumulation(), dBeta: beta.gradForAccumulation())
        }
    }
}

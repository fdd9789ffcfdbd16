import Foundation

// GroupNorm over NCHW, optionally fused with the SiLU that follows it in every UNet block.
// x: [N, C, L] (L = H·W), G groups of C/G channels: group (n, g) is one contiguous block of
// (C/G)·L floats. mean, rstd: [N, G], saved by the forward for the backward.

/// Shape of a GroupNorm problem.
struct GroupNormShape {
    let N: Int, C: Int, L: Int, G: Int
    var channelsPerGroup: Int { C / G }
    var groupSize: Int { channelsPerGroup * L }
}

extension Kernels {
    // MARK: - Forward

    /// y = x̂·γ + β (then y·σ(y) when `silu`), x̂ = (x − mean) · rstd per group.
    static func groupNormForward(_ s: GroupNormShape, eps: Float, silu: Bool,
                                 x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        let Ga = SharedPointer(UnsafeMutablePointer(mutating: gamma)), Be = SharedPointer(UnsafeMutablePointer(mutating: beta))
        let M = SharedPointer(mean), R = SharedPointer(rstd)
        let cpg = s.channelsPerGroup, L = s.L
        Parallel.forRange(s.N * s.G, grain: max(1, 65_536 / max(s.groupSize, 1))) { groups in
            for ng in groups {
                let g = ng % s.G
                let xs = X.p + ng * s.groupSize, ys = Y.p + ng * s.groupSize
                // Two passes in Double: the one-pass E[x²] − E[x]² cancels badly when |mean| ≫ std.
                var sum = 0.0
                for i in 0..<s.groupSize { sum += Double(xs[i]) }
                let mu = sum / Double(s.groupSize)
                var sq = 0.0
                for i in 0..<s.groupSize { let d = Double(xs[i]) - mu; sq += d * d }
                let r = Float(1 / (sq / Double(s.groupSize) + Double(eps)).squareRoot())
                let m = Float(mu)
                M.p[ng] = m
                R.p[ng] = r
                for cc in 0..<cpg {
                    let c = g * cpg + cc
                    let scale = Ga.p[c] * r, shift = Be.p[c] - m * scale
                    let xr = xs + cc * L, yr = ys + cc * L
                    if silu {
                        for i in 0..<L { let h = xr[i] * scale + shift; yr[i] = h / (1 + Foundation.exp(-h)) }
                    } else {
                        for i in 0..<L { yr[i] = xr[i] * scale + shift }
                    }
                }
            }
        }
    }

    // MARK: - Backward

    /// Accumulates dx, and writes per-(n, c) partial sums for dγ and dβ into `partialGamma`,
    /// `partialBeta` ([N, C]); `reduceGroupNormParameters` adds them over n in order.
    ///
    /// With h = x̂γ + β (pre-activation) and dh = dy (or dy·silu'(h) when fused):
    ///   dβ_c = Σ dh,  dγ_c = Σ dh·x̂,
    ///   dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂·x̂)),  dx̂ = dh·γ_c   (means over the group).
    static func groupNormBackward(_ s: GroupNormShape, silu: Bool,
                                  x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>?, partialGamma: UnsafeMutablePointer<Float>,
                                  partialBeta: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), DY = SharedPointer(UnsafeMutablePointer(mutating: dy))
        let Ga = SharedPointer(UnsafeMutablePointer(mutating: gamma)), Be = SharedPointer(UnsafeMutablePointer(mutating: beta))
        let M = SharedPointer(UnsafeMutablePointer(mutating: mean)), R = SharedPointer(UnsafeMutablePointer(mutating: rstd))
        let DX = dx.map(SharedPointer.init), PG = SharedPointer(partialGamma), PB = SharedPointer(partialBeta)
        let DH = SharedPointer(scratch)   // dh for the whole tensor (only written when fused)
        let cpg = s.channelsPerGroup, L = s.L
        Parallel.forRange(s.N * s.G, grain: max(1, 32_768 / max(s.groupSize, 1))) { groups in
            for ng in groups {
                let n = ng / s.G, g = ng % s.G
                let base = ng * s.groupSize
                let xs = X.p + base
                var dhs = DY.p + base
                let m = M.p[ng], r = R.p[ng]
                // 1. Fused SiLU: dh = dy · σ(h)(1 + h(1 − σ(h))), h recomputed from x.
                if silu {
                    for cc in 0..<cpg {
                        let c = g * cpg + cc
                        let scale = Ga.p[c] * r, shift = Be.p[c] - m * scale
                        for i in (cc * L)..<((cc + 1) * L) {
                            let h = xs[i] * scale + shift
                            let sg = 1 / (1 + Foundation.exp(-h))
                            DH.p[base + i] = DY.p[base + i] * sg * (1 + h * (1 - sg))
                        }
                    }
                    dhs = DH.p + base
                }
                // 2. Per-channel sums: Σ dh (dβ) and Σ dh·x̂ (dγ); the group means of dx̂ and dx̂·x̂.
                var sumDxhat: Float = 0, sumDxhatXhat: Float = 0
                for cc in 0..<cpg {
                    let c = g * cpg + cc
                    var sdh: Float = 0, sdhx: Float = 0
                    for i in (cc * L)..<((cc + 1) * L) {
                        let xhat = (xs[i] - m) * r
                        sdh += dhs[i]
                        sdhx += dhs[i] * xhat
                    }
                    PB.p[n * s.C + c] = sdh
                    PG.p[n * s.C + c] = sdhx
                    sumDxhat += sdh * Ga.p[c]
                    sumDxhatXhat += sdhx * Ga.p[c]
                }
                // 3. dx += rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂))
                guard let DX else { continue }
                let inv = 1 / Float(s.groupSize)
                let meanDxhat = sumDxhat * inv, meanDxhatXhat = sumDxhatXhat * inv
                let dxs = DX.p + base
                for cc in 0..<cpg {
                    let gm = Ga.p[g * cpg + cc]
                    for i in (cc * L)..<((cc + 1) * L) {
                        let xhat = (xs[i] - m) * r
                        dxs[i] += r * (dhs[i] * gm - meanDxhat - xhat * meanDxhatXhat)
                    }
                }
            }
        }
    }

    /// dγ[c] += Σ_n partialGamma[n, c] (and likewise β), in n order.
    static func reduceGroupNormParameters(N: Int, C: Int, partialGamma: UnsafePointer<Float>, partialBeta: UnsafePointer<Float>,
                                          dGamma: UnsafeMutablePointer<Float>?, dBeta: UnsafeMutablePointer<Float>?) {
        for n in 0..<N {
            for c in 0..<C {
                dGamma?[c] += partialGamma[n * C + c]
                dBeta?[c] += partialBeta[n * C + c]
            }
        }
    }
}

import CKernels

// GroupNorm over NCHW, optionally fused with the SiLU that follows it in every UNet block.
// x: [N, C, L] (L = H·W), G groups of C/G channels: group (n, g) is one contiguous block of
// (C/G)·L floats. mean, rstd: [N, G], saved by the forward for the backward.
//
// `groupNormForward`/`groupNormBackward` run the per-ISA C kernels (CKernels/groupnorm.c,
// AVX-512 or AVX2 chosen at load time); the Swift `...Reference` kernels below compute the same
// passes and are what the tests hold the C kernels to.

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
        Parallel.forRange(s.N * s.G, grain: max(1, 65_536 / max(s.groupSize, 1))) { groups in
            ddpm_groupnorm_forward(groups.lowerBound, groups.count, s.C, s.G, s.L, eps, silu ? 1 : 0,
                                   X.p, Ga.p, Be.p, Y.p, M.p, R.p)
        }
    }

    /// The Swift reference of `groupNormForward`.
    static func groupNormForwardReference(_ s: GroupNormShape, eps: Float, silu: Bool,
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
                let mu = sumInDouble(xs, count: s.groupSize) / Double(s.groupSize)
                let variance = sumOfSquaredDeviations(xs, count: s.groupSize, from: mu) / Double(s.groupSize)
                let r = Float(1 / (variance + Double(eps)).squareRoot())
                let m = Float(mu)
                M.p[ng] = m
                R.p[ng] = r
                for cc in 0..<cpg {
                    let c = g * cpg + cc
                    let scale = Ga.p[c] * r, shift = Be.p[c] - m * scale
                    let xr = xs + cc * L, yr = ys + cc * L
                    if silu {
                        for i in 0..<L { let h = xr[i] * scale + shift; yr[i] = h * sigmoid(h) }
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
    /// `scratch` holds `groupNormBackwardScratchCount(s, silu:)` floats.
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
        let DH = SharedPointer(scratch)
        Parallel.forEachPart(count: s.N * s.G, parts: backwardParts(s)) { part, groups in
            ddpm_groupnorm_backward(groups.lowerBound, groups.count, s.C, s.G, s.L, silu ? 1 : 0, X.p, Ga.p, Be.p,
                                    M.p, R.p, DY.p, DX?.p, PG.p, PB.p, DH.p + (silu ? part * s.groupSize : 0))
        }
    }

    /// The Swift reference of `groupNormBackward`.
    static func groupNormBackwardReference(_ s: GroupNormShape, silu: Bool,
                                  x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>?, partialGamma: UnsafeMutablePointer<Float>,
                                  partialBeta: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), DY = SharedPointer(UnsafeMutablePointer(mutating: dy))
        let Ga = SharedPointer(UnsafeMutablePointer(mutating: gamma)), Be = SharedPointer(UnsafeMutablePointer(mutating: beta))
        let M = SharedPointer(UnsafeMutablePointer(mutating: mean)), R = SharedPointer(UnsafeMutablePointer(mutating: rstd))
        let DX = dx.map(SharedPointer.init), PG = SharedPointer(partialGamma), PB = SharedPointer(partialBeta)
        let DH = SharedPointer(scratch)   // one group's dh per worker (only used when fused)
        let cpg = s.channelsPerGroup, L = s.L
        Parallel.forEachPart(count: s.N * s.G, parts: backwardParts(s)) { part, groups in
            for ng in groups {
                let n = ng / s.G, g = ng % s.G
                let base = ng * s.groupSize
                let xs = X.p + base
                var dhs = UnsafePointer(DY.p + base)
                let m = M.p[ng], r = R.p[ng]
                // 1. Fused SiLU: dh = dy · σ(h)(1 + h(1 − σ(h))), h recomputed from x.
                if silu {
                    let dh = DH.p + part * s.groupSize
                    for cc in 0..<cpg {
                        let c = g * cpg + cc
                        let scale = Ga.p[c] * r, shift = Be.p[c] - m * scale
                        let xr = xs + cc * L, dyr = DY.p + base + cc * L, dhr = dh + cc * L
                        for i in 0..<L {
                            let h = xr[i] * scale + shift
                            let sg = sigmoid(h)
                            dhr[i] = dyr[i] * sg * (1 + h * (1 - sg))
                        }
                    }
                    dhs = UnsafePointer(dh)
                }
                // 2. Per-channel sums: Σ dh (dβ) and Σ dh·x̂ (dγ); the group means of dx̂ and dx̂·x̂.
                var sumDxhat: Float = 0, sumDxhatXhat: Float = 0
                for cc in 0..<cpg {
                    let c = g * cpg + cc
                    let (sdh, sdhx) = gradientSums(dh: dhs + cc * L, x: xs + cc * L, mean: m, rstd: r, count: L)
                    PB.p[n * s.C + c] = sdh
                    PG.p[n * s.C + c] = sdhx
                    sumDxhat += sdh * Ga.p[c]
                    sumDxhatXhat += sdhx * Ga.p[c]
                }
                // 3. dx += rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂))
                guard let DX else { continue }
                let inv = 1 / Float(s.groupSize)
                let meanDxhat = sumDxhat * inv, meanDxhatXhat = sumDxhatXhat * inv
                for cc in 0..<cpg {
                    let gm = Ga.p[g * cpg + cc]
                    let xr = xs + cc * L, dhr = dhs + cc * L, dxr = DX.p + base + cc * L
                    for i in 0..<L {
                        let xhat = (xr[i] - m) * r
                        dxr[i] += r * (dhr[i] * gm - meanDxhat - xhat * meanDxhatXhat)
                    }
                }
            }
        }
    }

    /// Floats of scratch `groupNormBackward` needs.
    static func groupNormBackwardScratchCount(_ s: GroupNormShape, silu: Bool) -> Int {
        silu ? backwardParts(s) * s.groupSize : 1
    }

    private static func backwardParts(_ s: GroupNormShape) -> Int {
        Parallel.partCount(s.N * s.G, grain: max(1, 32_768 / max(s.groupSize, 1)))
    }

    /// (Σ dh, Σ dh·x̂) over one channel, x̂ = (x − mean)·rstd, in eight lanes added in lane order
    /// (as `sumInDouble`): the loop vectorizes and the result depends only on the data.
    @inline(__always)
    private static func gradientSums(dh: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: Float, rstd: Float,
                                     count n: Int) -> (Float, Float) {
        var sumDh = SIMD8<Float>(), sumDhXhat = SIMD8<Float>()
        let m = SIMD8<Float>(repeating: mean), r = SIMD8<Float>(repeating: rstd)
        var i = 0
        while i + 8 <= n {
            let d = UnsafeRawPointer(dh + i).loadUnaligned(as: SIMD8<Float>.self)
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            sumDh += d
            sumDhXhat += d * ((xv - m) * r)
            i += 8
        }
        var a: Float = 0, b: Float = 0
        for k in 0..<8 { a += sumDh[k]; b += sumDhXhat[k] }
        while i < n { a += dh[i]; b += dh[i] * ((x[i] - mean) * rstd); i += 1 }
        return (a, b)
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

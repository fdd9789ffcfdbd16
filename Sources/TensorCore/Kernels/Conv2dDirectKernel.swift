import CKernels

// 2-D convolution as im2col + GEMM with the products in `Kernels.directGemm` (the unpacked
// AVX-512 kernel), one image at a time (`ConvPlan.direct` makes every chunk one image). Same
// mathematics and the same scratch discipline as Conv2dKernel.swift, which stays the reference
// path the tests compare this with:
// - forward: y = bias, then y += W[Cout, K] · col[K, L] (col read from x itself for `isShift` geometries);
// - data gradient: as a convolution of dy when `dataGradientByConvolution`, else dcol = Wᵀ · dy and col2im;
// - weight gradient transposed, dWᵀ[K, Cout] += col[K, L] · dyᵀ[L, Cout], so that B of every product
//   is row-major with the output's columns contiguous (what the kernel reads in place); the
//   workers' partials are added into dWeight, transposed back, in worker order.

extension Kernels {
    /// y = conv(x, weight) + bias through `directGemm`. `scratch` as `conv2dForward`'s.
    static func conv2dForwardDirect(_ plan: ConvPlan, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
                                    scratch: UnsafeMutablePointer<Float>) {
        let g = plan.g, Cout = plan.outChannels, K = g.K, L = g.L
        let inImage = g.channels * g.height * g.width, outImage = Cout * L
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Wt = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let Bs = bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let Y = SharedPointer(y), S = SharedPointer(scratch)
        Parallel.forEachPart(count: plan.batch, parts: plan.parts) { part, images in
            let col = S.p + part * plan.forwardScratchPerPart
            for n in images {
                let xn = X.p + n * inImage, yn = Y.p + n * outImage
                for co in 0..<Cout { (yn + co * L).update(repeating: Bs?.p[co] ?? 0, count: L) }
                if let shifted = plan.shifted {
                    shiftedGemm(shifted, channels: g.channels, m: Cout, a: Wt.p, lda: K, x: xn, accumulate: true, c: yn, ldc: L)
                    continue
                }
                if !g.isPointwise { im2col(g, images: 1, x: xn, col: col) }
                directGemm(m: Cout, n: L, k: K, a: Wt.p, lda: K, b: g.isPointwise ? xn : col, ldb: L,
                           accumulate: true, c: yn, ldc: L)
            }
        }
    }

    /// Accumulates dx (if given), dWeight and dBias (if given) from dy through `directGemm`.
    /// `scratch` holds `plan.parts × plan.backwardScratchPerPart` floats.
    static func conv2dBackwardDirect(_ plan: ConvPlan, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                                     dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
                                     scratch: UnsafeMutablePointer<Float>) {
        let g = plan.g, Cout = plan.outChannels, K = g.K, L = g.L, Cin = g.channels
        let inImage = Cin * g.height * g.width, outImage = Cout * L
        let per = plan.backwardScratchPerPart, dWOffset = plan.backwardColFloats + plan.transposedOutputFloats
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Wt = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), S = SharedPointer(scratch)
        let DX = dx.map(SharedPointer.init)
        let wantW = dWeight != nil, wantB = dBias != nil
        let byConvolution = dx != nil && plan.dataGradientByConvolution
        let dyGeometry = plan.outputGeometry
        Parallel.forEachPart(count: plan.batch, parts: plan.parts) { part, images in
            let col = S.p + part * per
            let dyT = col + plan.backwardColFloats      // [L, Cout]
            let dWTPart = col + dWOffset                // [K, Cout]
            let dBPart = dWTPart + Cout * K
            let flipped = dBPart + Cout
            if wantW { dWTPart.update(repeating: 0, count: Cout * K) }
            if wantB { dBPart.update(repeating: 0, count: Cout) }
            if byConvolution { flipTransposed(weight: Wt.p, outChannels: Cout, g, into: flipped) }
            for n in images {
                let xn = X.p + n * inImage, dyn = UnsafePointer(DY.p + n * outImage)
                // dBias += row sums of dy; dyᵀ for the weight gradient, in one pass.
                if wantB || wantW { ddpm_transpose_rowsums(Cout, L, dyn, wantW ? dyT : nil, wantB ? dBPart : nil) }
                if wantW {
                    if !g.isPointwise { im2col(g, images: 1, x: xn, col: col) }
                    directGemm(m: K, n: Cout, k: L, a: g.isPointwise ? xn : col, lda: L, b: dyT, ldb: Cout,
                               accumulate: true, c: dWTPart, ldc: Cout)
                }
                guard let DX else { continue }
                let dxn = DX.p + n * inImage
                if byConvolution, let shifted = plan.shifted {
                    // dy has x's geometry (stride 1, "same"), so x's taps serve it.
                    shiftedGemm(shifted, channels: Cout, m: Cin, a: flipped, lda: dyGeometry.K, x: dyn, accumulate: true,
                                c: dxn, ldc: L)
                } else if byConvolution {
                    im2col(dyGeometry, images: 1, x: dyn, col: col)
                    directGemm(m: Cin, n: L, k: dyGeometry.K, a: flipped, lda: dyGeometry.K, b: col, ldb: L,
                               accumulate: true, c: dxn, ldc: L)
                } else if g.isPointwise {
                    directGemm(transA: true, m: K, n: L, k: Cout, a: Wt.p, lda: K, b: dyn, ldb: L, accumulate: true, c: dxn, ldc: L)
                } else {
                    directGemm(transA: true, m: K, n: L, k: Cout, a: Wt.p, lda: K, b: dyn, ldb: L, accumulate: false, c: col, ldc: L)
                    col2im(g, images: 1, col: col, dx: dxn)
                }
            }
        }
        // The workers' partials in worker order (deterministic), dWᵀ transposed back.
        for part in 0..<plan.parts {
            let dWTPart = scratch + part * per + dWOffset
            if let dWeight {
                for co in 0..<Cout {
                    let row = dWeight + co * K
                    for k in 0..<K { row[k] += dWTPart[k * Cout + co] }
                }
            }
            if let dBias { for co in 0..<Cout { dBias[co] += dWTPart[Cout * K + co] } }
        }
    }
}

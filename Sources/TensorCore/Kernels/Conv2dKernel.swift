// 2-D convolution as im2col + GEMM, NCHW. x: [N, Cin, H, W], weight: [Cout, Cin, kh, kw] viewed
// as [Cout, K], y: [N, Cout, Ho, Wo]. Most of the UNet's running time is spent here.
//
// The batch is cut into chunks of `imagesPerChunk` images; the chunks are split into one
// contiguous run per worker, and each worker uses its own scratch (col, a staging buffer, and
// partial dWeight/dBias) so the workers share nothing but read-only inputs. Partial weight
// gradients are added in worker order: the result does not depend on timing.

/// How a convolution over a batch is cut into per-worker work.
struct ConvPlan {
    let g: ConvGeometry
    let batch: Int, outChannels: Int
    let imagesPerChunk: Int, chunks: Int, parts: Int
    /// Whether the backward may use `dataGradientByConvolution` (false: always dcol + col2im, the
    /// reference path the tests compare it with).
    let fastDataGradient: Bool
    /// Whether the products go through `Kernels.directGemm` (Conv2dDirectKernel.swift) rather
    /// than OpenBLAS, the reference path.
    let direct: Bool
    /// The direct path's implicit im2col (ShiftedGEMMKernel.swift), for the forward product and the
    /// data gradient by convolution of a 3×3 (or any odd, square) "same" convolution.
    let shifted: ShiftedTaps?

    init(_ g: ConvGeometry, batch: Int, outChannels: Int, workers: Int, fastDataGradient: Bool = true,
         direct: Bool = Kernels.directGEMMAvailable) {
        self.g = g
        self.fastDataGradient = fastDataGradient
        self.direct = direct
        self.batch = batch
        self.outChannels = outChannels
        // For BLAS, small images (7×7, 14×14) batch several per GEMM so N = b·L stays large enough
        // for it to run at speed; 28×28 and up run one image per GEMM, which measured fastest. The
        // direct kernel packs nothing, so one image per GEMM costs it no setup, and the multi-image
        // staging copies (12% of a tiny training step in `memmove`) go away.
        let wanted = direct ? 1 : max(1, (512 + g.L - 1) / g.L)
        imagesPerChunk = max(1, min(wanted, batch / max(1, workers)))
        chunks = (batch + imagesPerChunk - 1) / imagesPerChunk
        parts = max(1, min(workers, chunks))
        shifted = direct && g.isShift && !g.isPointwise ? ShiftedTaps(g) : nil
    }

    /// The data gradient of a stride-1 "same" convolution, one image per chunk, is itself such a
    /// convolution: dx = conv(dy, W′) with W′[ci, co, i, j] = W[co, ci, kh−1−i, kw−1−j]. Its GEMM,
    /// W′[Cin, Cout·kh·kw] · im2col(dy), accumulates straight into dx (beta = 1), so the backward
    /// needs neither the zeroed dcol[K, L] nor col2im's nine read-modify-write passes over dx.
    var dataGradientByConvolution: Bool {
        fastDataGradient && imagesPerChunk == 1 && g.stride == 1 && !g.isPointwise && g.kernelH == g.kernelW && g.kernelH % 2 == 1
            && 2 * g.padding == g.kernelH - 1
    }
    /// The geometry of dy as the input of that convolution.
    var outputGeometry: ConvGeometry {
        ConvGeometry(channels: outChannels, height: g.outH, width: g.outW, kernelH: g.kernelH, kernelW: g.kernelW,
                     stride: 1, padding: g.padding)
    }
    private var flippedWeightFloats: Int { dataGradientByConvolution ? outChannels * g.K : 0 }

    var colFloats: Int { g.K * imagesPerChunk * g.L }
    /// col of the backward: im2col of x, then (when `dataGradientByConvolution`) of dy.
    var backwardColFloats: Int { dataGradientByConvolution ? max(g.K, outputGeometry.K) * g.L : colFloats }
    var stagingFloats: Int { imagesPerChunk > 1 ? outChannels * imagesPerChunk * g.L : 0 }
    /// Scratch floats one worker needs in the forward pass.
    var forwardScratchPerPart: Int { (shifted == nil ? colFloats : 0) + stagingFloats }
    /// The direct path's weight gradient reads dy transposed, [L, Cout] (Conv2dDirectKernel.swift).
    var transposedOutputFloats: Int { direct ? outChannels * g.L : 0 }
    /// Scratch floats one worker needs in the backward pass (adds partial dWeight and dBias, and W′).
    var backwardScratchPerPart: Int {
        backwardColFloats + stagingFloats + transposedOutputFloats + outChannels * g.K + outChannels + flippedWeightFloats
    }

    func images(ofChunk c: Int) -> Range<Int> { (c * imagesPerChunk)..<min(batch, (c + 1) * imagesPerChunk) }
}

extension Kernels {
    // MARK: - Forward

    /// y = conv(x, weight) + bias. `scratch` holds `plan.parts × plan.forwardScratchPerPart` floats.
    static func conv2dForward(_ plan: ConvPlan, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
                              scratch: UnsafeMutablePointer<Float>) {
        if plan.direct {
            conv2dForwardDirect(plan, x: x, weight: weight, bias: bias, y: y, scratch: scratch)
            return
        }
        let g = plan.g, Cout = plan.outChannels, K = g.K, L = g.L
        let inImage = g.channels * g.height * g.width, outImage = Cout * L
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Wt = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let Bs = bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        let Y = SharedPointer(y), S = SharedPointer(scratch)
        Parallel.forEachPart(count: plan.chunks, parts: plan.parts) { part, chunkRange in
            let col = S.p + part * plan.forwardScratchPerPart
            let staging = col + plan.colFloats
            for chunk in chunkRange {
                let images = plan.images(ofChunk: chunk)
                let b = images.count, n0 = images.lowerBound
                // A 1×1 convolution of one image reads the image itself as its col.
                let pointwise = b == 1 && g.isPointwise
                if !pointwise { im2col(g, images: b, x: X.p + n0 * inImage, col: col) }
                let unfolded = pointwise ? X.p + n0 * inImage : col
                // 1. Write the bias into the output rows, then let the GEMM add W·col (beta = 1):
                //    bias+GEMM fused, no second pass over y.
                let out = b == 1 ? Y.p + n0 * outImage : staging
                for co in 0..<Cout {
                    out.advanced(by: co * b * L).update(repeating: Bs?.p[co] ?? 0, count: b * L)
                }
                gemm(m: Cout, n: b * L, k: K, a: Wt.p, lda: K, b: unfolded, ldb: b * L, beta: 1, c: out, ldc: b * L)
                // 2. A multi-image chunk computed [Cout, b·L]; scatter it to [b, Cout, L].
                if b > 1 {
                    for i in 0..<b {
                        for co in 0..<Cout {
                            (Y.p + (n0 + i) * outImage + co * L).update(from: staging + co * b * L + i * L, count: L)
                        }
                    }
                }
            }
        }
    }

    // MARK: - Backward

    /// Accumulates dx (if given), dWeight and dBias (if given) from dy.
    /// `scratch` holds `plan.parts × plan.backwardScratchPerPart` floats.
    static func conv2dBackward(_ plan: ConvPlan, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                               dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
                               scratch: UnsafeMutablePointer<Float>) {
        if plan.direct {
            conv2dBackwardDirect(plan, x: x, weight: weight, dy: dy, dx: dx, dWeight: dWeight, dBias: dBias, scratch: scratch)
            return
        }
        let g = plan.g, Cout = plan.outChannels, K = g.K, L = g.L
        let inImage = g.channels * g.height * g.width, outImage = Cout * L
        let per = plan.backwardScratchPerPart
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Wt = SharedPointer(UnsafeMutablePointer(mutating: weight))
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), S = SharedPointer(scratch)
        let DX = dx.map(SharedPointer.init)
        let wantW = dWeight != nil, wantB = dBias != nil
        let byConvolution = dx != nil && plan.dataGradientByConvolution
        Parallel.forEachPart(count: plan.chunks, parts: plan.parts) { part, chunkRange in
            let col = S.p + part * per
            let staging = col + plan.backwardColFloats
            let dWPart = staging + plan.stagingFloats
            let dBPart = dWPart + Cout * K
            let flipped = dBPart + Cout
            if wantW { dWPart.update(repeating: 0, count: Cout * K) }
            if wantB { dBPart.update(repeating: 0, count: Cout) }
            if byConvolution { flipTransposed(weight: Wt.p, outChannels: Cout, g, into: flipped) }
            for chunk in chunkRange {
                let images = plan.images(ofChunk: chunk)
                let b = images.count, n0 = images.lowerBound
                // 1. dy of the chunk as [Cout, b·L] (a gather when the chunk has several images).
                var dyc = UnsafePointer(DY.p + n0 * outImage)
                if b > 1 {
                    for i in 0..<b {
                        for co in 0..<Cout {
                            (staging + co * b * L + i * L).update(from: DY.p + (n0 + i) * outImage + co * L, count: L)
                        }
                    }
                    dyc = UnsafePointer(staging)
                }
                // 2. dBias[co] += Σ dy[co, :]
                if wantB {
                    for co in 0..<Cout {
                        var s: Float = 0
                        let row = dyc + co * b * L
                        for j in 0..<(b * L) { s += row[j] }
                        dBPart[co] += s
                    }
                }
                // 3. dWeight[Cout, K] += dy[Cout, b·L] · colᵀ — col is recomputed rather than kept
                //    from the forward pass: keeping it would cost K·L floats per image per layer.
                let pointwise = b == 1 && g.isPointwise   // col is the image itself, as in the forward pass
                if wantW {
                    let unfolded = pointwise ? X.p + n0 * inImage : col
                    if !pointwise { im2col(g, images: b, x: X.p + n0 * inImage, col: col) }
                    gemm(transB: true, m: Cout, n: K, k: b * L, a: dyc, lda: b * L, b: unfolded, ldb: b * L,
                         beta: 1, c: dWPart, ldc: K)
                }
                // 4. dcol[K, b·L] = Wᵀ · dy, folded back onto dx (col's memory is free again); for a
                //    pointwise image, dcol is dx's own layout and the GEMM accumulates into it (beta = 1).
                if let DX {
                    if byConvolution {
                        im2col(plan.outputGeometry, images: 1, x: dyc, col: col)
                        gemm(m: g.channels, n: L, k: plan.outputGeometry.K, a: flipped, lda: plan.outputGeometry.K,
                             b: col, ldb: L, beta: 1, c: DX.p + n0 * inImage, ldc: L)
                    } else if pointwise {
                        gemm(transA: true, m: K, n: L, k: Cout, a: Wt.p, lda: K, b: dyc, ldb: L,
                             beta: 1, c: DX.p + n0 * inImage, ldc: L)
                    } else {
                        gemm(transA: true, m: K, n: b * L, k: Cout, a: Wt.p, lda: K, b: dyc, ldb: b * L,
                             beta: 0, c: col, ldc: b * L)
                        col2im(g, images: b, col: col, dx: DX.p + n0 * inImage)
                    }
                }
            }
        }
        // 5. Sum the workers' partials in worker order (deterministic).
        for part in 0..<plan.parts {
            let dWPart = scratch + part * per + plan.backwardColFloats + plan.stagingFloats
            if let dWeight { for i in 0..<(Cout * K) { dWeight[i] += dWPart[i] } }
            if let dBias { for i in 0..<Cout { dBias[i] += dWPart[Cout * K + i] } }
        }
    }

    /// W′[ci, co·kh·kw + i·kw + j] = W[co, ci, kh−1−i, kw−1−j]: the weights of the data-gradient
    /// convolution (`ConvPlan.dataGradientByConvolution`), as a [Cin, Cout·kh·kw] GEMM operand.
    static func flipTransposed(weight: UnsafePointer<Float>, outChannels: Int, _ g: ConvGeometry,
                               into out: UnsafeMutablePointer<Float>) {
        let (kh, kw, Cin) = (g.kernelH, g.kernelW, g.channels)
        let taps = kh * kw
        for co in 0..<outChannels {
            for ci in 0..<Cin {
                let src = weight + (co * Cin + ci) * taps, dst = out + ci * outChannels * taps + co * taps
                for t in 0..<taps { dst[t] = src[taps - 1 - t] }
            }
        }
    }
}

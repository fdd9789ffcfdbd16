// Kernels that move elements without arithmetic (permute, strided blocks, padding, nearest
// upsampling, row gathers) and the adjoints that add them back.

// MARK: - Permute

extension Kernels {
    /// out = x with axes reordered (out axis i = x axis order[i]); contiguous output.
    static func permute(_ x: UnsafePointer<Float>, shape: [Int], order: [Int], out: UnsafeMutablePointer<Float>) {
        let r = shape.count
        var inStrides = [Int](repeating: 1, count: r)
        for i in stride(from: r - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let outShape = order.map { shape[$0] }
        let srcStrides = order.map { inStrides[$0] }
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let n = outShape.last ?? 1, sInner = srcStrides.last ?? 1
        let rows = total / max(n, 1)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), O = SharedPointer(out)
        Parallel.forRange(rows, grain: max(1, 32_768 / max(n, 1))) { range in
            for row in range {
                var rem = row, off = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    off += (rem % outShape[d]) * srcStrides[d]
                    rem /= outShape[d]
                }
                let dst = O.p + row * n, src = X.p + off
                for i in 0..<n { dst[i] = src[i * sInner] }
            }
        }
    }
}

// MARK: - Strided blocks (concatenate, slice)

extension Kernels {
    /// Copies `blocks` blocks of `blockLength` from `src + k·srcStride` to `dst + k·dstStride`
    /// (the pieces of a concatenation or a slice), in parallel over blocks.
    static func copyBlocks(_ src: UnsafePointer<Float>, srcStride: Int, into dst: UnsafeMutablePointer<Float>, dstStride: Int,
                           blockLength: Int, blocks: Int) {
        let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
        Parallel.forRange(blocks, grain: max(1, 65_536 / max(blockLength, 1))) { r in
            for k in r { (D.p + k * dstStride).update(from: S.p + k * srcStride, count: blockLength) }
        }
    }

    /// dst[k·dstStride + i] += src[k·srcStride + i]: the adjoint of `copyBlocks`, in parallel over
    /// blocks (the destination blocks are disjoint, so each element receives one addition).
    static func accumulateBlocks(_ src: UnsafePointer<Float>, srcStride: Int, into dst: UnsafeMutablePointer<Float>, dstStride: Int,
                                 blockLength: Int, blocks: Int) {
        let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
        Parallel.forRange(blocks, grain: max(1, 65_536 / max(blockLength, 1))) { r in
            for k in r {
                let s = S.p + k * srcStride, d = D.p + k * dstStride
                for i in 0..<blockLength { d[i] += s[i] }
            }
        }
    }
}

// MARK: - Zero padding of [planes, H, W]

extension Kernels {
    /// y[p, i + top, j + left] = x[p, i, j]; y is `[planes, Ho, Wo]` and already zeroed.
    static func pad2dForward(x: UnsafePointer<Float>, planes: Int, H: Int, W: Int, y: UnsafeMutablePointer<Float>,
                             Ho: Int, Wo: Int, top: Int, left: Int) {
        for p in 0..<planes {
            for i in 0..<H { (y + (p * Ho + i + top) * Wo + left).update(from: x + (p * H + i) * W, count: W) }
        }
    }

    /// dx[p, i, j] += dy[p, i + top, j + left] (crop the gradient back to the input window).
    static func pad2dBackward(dy: UnsafePointer<Float>, Ho: Int, Wo: Int, top: Int, left: Int, dx: UnsafeMutablePointer<Float>,
                              planes: Int, H: Int, W: Int) {
        for p in 0..<planes {
            for i in 0..<H { accumulate(dy + (p * Ho + i + top) * Wo + left, into: dx + (p * H + i) * W, count: W) }
        }
    }
}

// MARK: - Nearest-neighbour 2x upsampling of [planes, H, W]

extension Kernels {
    /// y[p, 2i + a, 2j + b] = x[p, i, j] for a, b in {0, 1}.
    static func upsampleNearest2xForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, planes: Int, H: Int, W: Int) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        Parallel.forRange(planes, grain: max(1, 16_384 / max(H * W, 1))) { r in
            for p in r {
                let src = X.p + p * H * W, dst = Y.p + p * 4 * H * W
                for i in 0..<H {
                    let row0 = dst + (2 * i) * 2 * W
                    for j in 0..<W { let v = src[i * W + j]; row0[2 * j] = v; row0[2 * j + 1] = v }
                    (row0 + 2 * W).update(from: row0, count: 2 * W)
                }
            }
        }
    }

    /// dx[p, i, j] += the sum of dy over the 2×2 block that x[p, i, j] was copied to.
    static func upsampleNearest2xBackward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, planes: Int, H: Int, W: Int) {
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), DX = SharedPointer(dx)
        Parallel.forRange(planes, grain: max(1, 16_384 / max(H * W, 1))) { r in
            for p in r {
                let src = DY.p + p * 4 * H * W, dst = DX.p + p * H * W
                for i in 0..<H {
                    let r0 = src + (2 * i) * 2 * W, r1 = r0 + 2 * W
                    for j in 0..<W { dst[i * W + j] += r0[2 * j] + r0[2 * j + 1] + r1[2 * j] + r1[2 * j + 1] }
                }
            }
        }
    }
}

// MARK: - Row gather of a [R, D] table

extension Kernels {
    /// y[k] = table[indices[k]] (rows of length D).
    static func gatherRows(_ table: UnsafePointer<Float>, indices: [Int], rowLength D: Int, into y: UnsafeMutablePointer<Float>) {
        for (k, i) in indices.enumerated() { (y + k * D).update(from: table + i * D, count: D) }
    }

    /// dTable[indices[k]] += dy[k], in k order (an index may repeat, so this stays serial).
    static func scatterAddRows(_ dy: UnsafePointer<Float>, indices: [Int], rowLength D: Int, into dTable: UnsafeMutablePointer<Float>) {
        for (k, i) in indices.enumerated() { accumulate(dy + k * D, into: dTable + i * D, count: D) }
    }
}

// The one im2col and the one col2im. Shapes: x is [B, C, H, W] (B images of a chunk), col is
// [K, B·L] with K = C·kh·kw and L = Ho·Wo, row (c·kh + i)·kw + j, column b·L + oh·Wo + ow.
// Rows are contiguous so the GEMM reads col with unit stride.

/// Geometry of a 2-D convolution window.
struct ConvGeometry {
    let channels: Int, height: Int, width: Int
    let kernelH: Int, kernelW: Int, stride: Int, padding: Int
    var outH: Int { (height + 2 * padding - kernelH) / stride + 1 }
    var outW: Int { (width + 2 * padding - kernelW) / stride + 1 }
    var K: Int { channels * kernelH * kernelW }
    var L: Int { outH * outW }
    /// Stride 1 and rows as wide as the input's (a "same" convolution, or any 1×1): each window
    /// tap (i, j) reads the image shifted by a constant, `(i − p)·W + (j − p)`, in flat indices.
    var isShift: Bool { stride == 1 && outW == width }
    /// 1×1, stride 1, no padding: one image's col is the image itself ([C, H·W]).
    var isPointwise: Bool { kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0 }
}

extension Kernels {
    /// Unfolds `images` images starting at `x` into `col` (overwrites). Out-of-image taps are 0.
    static func im2col(_ g: ConvGeometry, images: Int, x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
        if g.isShift { im2colShift(g, images: images, x: x, col: col); return }
        let (H, W, Ho, Wo, s, p, L) = (g.height, g.width, g.outH, g.outW, g.stride, g.padding, g.L)
        let rowLength = images * L
        for c in 0..<g.channels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * rowLength
                    // Valid output columns ow have 0 <= ow·s - p + j < W.
                    let owLo = max(0, (p - j + s - 1) / s)
                    let owHi = min(Wo, (W - 1 + p - j) / s + 1)
                    for b in 0..<images {
                        let plane = x + (b * g.channels + c) * H * W
                        let out = row + b * L
                        for oh in 0..<Ho {
                            let dst = out + oh * Wo
                            let ih = oh * s - p + i
                            if ih < 0 || ih >= H || owLo >= owHi {
                                dst.update(repeating: 0, count: Wo)
                                continue
                            }
                            if owLo > 0 { dst.update(repeating: 0, count: owLo) }
                            let src = plane + ih * W - p + j
                            if s == 1 {
                                (dst + owLo).update(from: src + owLo, count: owHi - owLo)
                            } else {
                                for ow in owLo..<owHi { dst[ow] = src[ow * s] }
                            }
                            if owHi < Wo { (dst + owHi).update(repeating: 0, count: Wo - owHi) }
                        }
                    }
                }
            }
        }
    }

    /// Folds `col` back onto `images` images at `dx`, ACCUMULATING (the adjoint of `im2col`).
    /// May overwrite `col`'s entries for out-of-image taps (they are discarded anyway).
    static func col2im(_ g: ConvGeometry, images: Int, col: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        if g.isShift { col2imShift(g, images: images, col: col, dx: dx); return }
        let (H, W, Ho, Wo, s, p, L) = (g.height, g.width, g.outH, g.outW, g.stride, g.padding, g.L)
        let rowLength = images * L
        for c in 0..<g.channels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * rowLength
                    let owLo = max(0, (p - j + s - 1) / s)
                    let owHi = min(Wo, (W - 1 + p - j) / s + 1)
                    if owLo >= owHi { continue }
                    for b in 0..<images {
                        let plane = dx + (b * g.channels + c) * H * W
                        let src = row + b * L
                        for oh in 0..<Ho {
                            let ih = oh * s - p + i
                            if ih < 0 || ih >= H { continue }
                            let dst = plane + ih * W - p + j
                            let from = src + oh * Wo
                            if s == 1 {
                                for ow in owLo..<owHi { dst[ow] += from[ow] }
                            } else {
                                for ow in owLo..<owHi { dst[ow * s] += from[ow] }
                            }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - Stride 1, full-width rows (the UNet's 3×3 "same" and 1×1 convolutions)

/// Where tap (i, j) of a shift geometry reads: column k of an image's col row (k = oh·W + ow)
/// holds x[k + shift] for k in `copy`, and 0 elsewhere. Rows whose input row is outside the image
/// are cut off by `copy`; within the valid rows, the |j − p| columns that wrap around to the
/// neighbouring input row are the `edge` columns of every row.
private struct ShiftTap {
    let shift: Int
    /// Rows oh of the output whose input row oh − p + i is inside the image.
    let rows: Range<Int>
    /// Flat output indices whose source x[k + shift] is inside the image plane.
    let copy: Range<Int>
    /// Columns ow (in every row of `rows`) whose input column ow − p + j is outside the image.
    let edge: Range<Int>

    init(_ g: ConvGeometry, i: Int, j: Int) {
        let (H, W, p) = (g.height, g.width, g.padding)
        let dj = j - p
        shift = (i - p) * W + dj
        let firstRow = min(g.outH, max(0, p - i))
        rows = firstRow..<max(firstRow, min(g.outH, H + p - i))
        let lo = min(max(rows.lowerBound * W, -shift), rows.upperBound * W)
        copy = lo..<max(lo, min(rows.upperBound * W, H * W - shift))
        edge = dj < 0 ? 0..<min(W, -dj) : max(0, W - dj)..<W
    }
}

extension Kernels {
    /// im2col for `isShift` geometries: per (channel, tap, image), one contiguous copy of the
    /// shifted plane, then zeros for the padding (instead of one short copy per output row).
    fileprivate static func im2colShift(_ g: ConvGeometry, images: Int, x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
        let (H, W, L) = (g.height, g.width, g.L)
        for c in 0..<g.channels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let tap = ShiftTap(g, i: i, j: j)
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * images * L
                    for b in 0..<images {
                        let out = row + b * L, plane = x + (b * g.channels + c) * H * W
                        out.update(repeating: 0, count: tap.copy.lowerBound)
                        (out + tap.copy.lowerBound).update(from: plane + tap.copy.lowerBound + tap.shift, count: tap.copy.count)
                        (out + tap.copy.upperBound).update(repeating: 0, count: L - tap.copy.upperBound)
                        if tap.edge.isEmpty { continue }
                        for oh in tap.rows { for ow in tap.edge { out[oh * W + ow] = 0 } }
                    }
                }
            }
        }
    }

    /// col2im for `isShift` geometries: zero the wrap-around (edge) entries of col, then one
    /// contiguous accumulation per (channel, tap, image). Adds in the same order as the general
    /// path, so dx is the same to the bit.
    fileprivate static func col2imShift(_ g: ConvGeometry, images: Int, col: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let (H, W, L) = (g.height, g.width, g.L)
        for c in 0..<g.channels {
            for i in 0..<g.kernelH {
                for j in 0..<g.kernelW {
                    let tap = ShiftTap(g, i: i, j: j)
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * images * L
                    for b in 0..<images {
                        let src = row + b * L, plane = dx + (b * g.channels + c) * H * W + tap.shift
                        for oh in tap.rows { for ow in tap.edge { src[oh * W + ow] = 0 } }
                        for k in tap.copy { plane[k] += src[k] }
                    }
                }
            }
        }
    }
}

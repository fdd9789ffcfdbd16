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
}

extension Kernels {
    /// Unfolds `images` images starting at `x` into `col` (overwrites). Out-of-image taps are 0.
    static func im2col(_ g: ConvGeometry, images: Int, x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>) {
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
    static func col2im(_ g: ConvGeometry, images: Int, col: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
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

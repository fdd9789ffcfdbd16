// Bilinear resizing of NCHW planes with PyTorch's `interpolate(mode="bilinear", align_corners=False,
// antialias=False)` sampling: output pixel centres map onto input coordinates
//
//     src = max((dst + 0.5) · in/out − 0.5, 0),   i0 = ⌊src⌋,  i1 = min(i0 + 1, in − 1),  λ = src − i0
//
// and each output is (1−λh)·((1−λw)·x[i0,j0] + λw·x[i0,j1]) + λh·((1−λw)·x[i1,j0] + λw·x[i1,j1]).
// Shrinking samples (no area averaging), exactly as pytorch-fid's resize to 299×299 does.

/// The two source indices and weights of each output index along one axis.
struct LinearTaps {
    let i0: [Int], i1: [Int], w0: [Float], w1: [Float]

    /// Taps for resizing an axis of `input` elements to `output` elements.
    init(input: Int, output: Int) {
        // PyTorch computes the scale and the source coordinate in float for float tensors.
        let scale = Float(input) / Float(output)
        var i0 = [Int](), i1 = [Int](), w0 = [Float](), w1 = [Float]()
        for d in 0..<output {
            let src = Swift.max(scale * (Float(d) + 0.5) - 0.5, 0)
            let lo = Swift.min(Int(src), input - 1)
            let lambda = src - Float(lo)
            i0.append(lo)
            i1.append(Swift.min(lo + 1, input - 1))
            w0.append(1 - lambda)
            w1.append(lambda)
        }
        (self.i0, self.i1, self.w0, self.w1) = (i0, i1, w0, w1)
    }
}

/// Shape of one resize: `planes` images of `inH × inW` to `outH × outW`, and the per-axis taps.
struct ResizeGeometry {
    let planes: Int, inH: Int, inW: Int, outH: Int, outW: Int
    let rows: LinearTaps, columns: LinearTaps

    init(planes: Int, inH: Int, inW: Int, outH: Int, outW: Int) {
        (self.planes, self.inH, self.inW, self.outH, self.outW) = (planes, inH, inW, outH, outW)
        rows = LinearTaps(input: inH, output: outH)
        columns = LinearTaps(input: inW, output: outW)
    }

    var grain: Int { Swift.max(1, 32_768 / Swift.max(outH * outW, 1)) }
}

extension Kernels {
    /// y = bilinear resize of x, plane by plane (see the file header for the formula).
    static func resizeBilinearForward(_ g: ResizeGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let xp = X.p + p * g.inH * g.inW, yp = Y.p + p * g.outH * g.outW
                for oh in 0..<g.outH {
                    let r0 = xp + g.rows.i0[oh] * g.inW, r1 = xp + g.rows.i1[oh] * g.inW
                    let h0 = g.rows.w0[oh], h1 = g.rows.w1[oh]
                    let out = yp + oh * g.outW
                    for ow in 0..<g.outW {
                        let j0 = g.columns.i0[ow], j1 = g.columns.i1[ow]
                        let c0 = g.columns.w0[ow], c1 = g.columns.w1[ow]
                        out[ow] = h0 * (c0 * r0[j0] + c1 * r0[j1]) + h1 * (c0 * r1[j0] + c1 * r1[j1])
                    }
                }
            }
        }
    }

    /// dx += the adjoint of the resize: each dy spreads onto its four source pixels with the
    /// forward's weights. Within a plane the order is fixed, so results are reproducible.
    static func resizeBilinearBackward(_ g: ResizeGeometry, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), DX = SharedPointer(dx)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let dxp = DX.p + p * g.inH * g.inW, dyp = DY.p + p * g.outH * g.outW
                for oh in 0..<g.outH {
                    let r0 = dxp + g.rows.i0[oh] * g.inW, r1 = dxp + g.rows.i1[oh] * g.inW
                    let h0 = g.rows.w0[oh], h1 = g.rows.w1[oh]
                    let grad = dyp + oh * g.outW
                    for ow in 0..<g.outW {
                        let j0 = g.columns.i0[ow], j1 = g.columns.i1[ow]
                        let c0 = g.columns.w0[ow], c1 = g.columns.w1[ow]
                        let d = grad[ow]
                        r0[j0] += h0 * c0 * d
                        r0[j1] += h0 * c1 * d
                        r1[j0] += h1 * c0 * d
                        r1[j1] += h1 * c1 * d
                    }
                }
            }
        }
    }
}

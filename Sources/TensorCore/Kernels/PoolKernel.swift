// 2-D max and average pooling over NCHW planes (square window, no dilation, floor output size),
// with PyTorch's semantics: max pooling ignores the padding (as if it held −∞); average pooling
// divides by k² (count_include_pad) or by the number of in-image elements of the window.
// Planes (n, c) are independent, so every loop runs over a range of planes and workers never share
// an output element.

/// Geometry of one pooling problem: `planes` = N·C images of `height × width`.
struct PoolGeometry {
    let planes: Int, height: Int, width: Int
    let kernel: Int, stride: Int, padding: Int

    var outH: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outW: Int { (width + 2 * padding - kernel) / stride + 1 }
    var inPlane: Int { height * width }
    var outPlane: Int { outH * outW }

    /// In-image rows (or columns) covered by the window that starts at output index `o`.
    @inline(__always)
    func window(_ o: Int, size: Int) -> Range<Int> {
        let start = o * stride - padding
        return Swift.max(start, 0)..<Swift.min(start + kernel, size)
    }

    /// Planes per parallel part: about 32k input elements of work each.
    var grain: Int { Swift.max(1, 32_768 / Swift.max(inPlane, 1)) }

    /// Calls `body(o, rows, columns)` for every output position o (row-major in the output plane)
    /// with the in-image rows and columns of its window.
    @inline(__always)
    func forEachWindow(_ body: (_ o: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        for oh in 0..<outH {
            let rows = window(oh, size: height)
            for ow in 0..<outW { body(oh * outW + ow, rows, window(ow, size: width)) }
        }
    }
}

extension Kernels {
    // MARK: - Max pooling

    /// y[p, oh, ow] = max over the window's in-image elements of x[p, ·, ·].
    static func maxPool2dForward(_ g: PoolGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let xp = X.p + p * g.inPlane, yp = Y.p + p * g.outPlane
                g.forEachWindow { o, rows, columns in yp[o] = xp[maxIndex(xp, rows: rows, columns: columns, width: g.width)] }
            }
        }
    }

    /// dx[argmax of each window] += dy. The argmax is found again from x (first maximum in row-major
    /// window order, as PyTorch's CPU kernel), so the forward saves nothing.
    static func maxPool2dBackward(_ g: PoolGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), DY = SharedPointer(UnsafeMutablePointer(mutating: dy))
        let DX = SharedPointer(dx)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let xp = X.p + p * g.inPlane, dyp = DY.p + p * g.outPlane, dxp = DX.p + p * g.inPlane
                g.forEachWindow { o, rows, columns in dxp[maxIndex(xp, rows: rows, columns: columns, width: g.width)] += dyp[o] }
            }
        }
    }

    /// Index in the plane of the first largest element of the window (a NaN wins, as in PyTorch).
    @inline(__always)
    private static func maxIndex(_ xp: UnsafePointer<Float>, rows: Range<Int>, columns: Range<Int>, width: Int) -> Int {
        var best = rows.lowerBound * width + columns.lowerBound
        var bestValue = xp[best]
        for i in rows {
            for j in columns {
                let v = xp[i * width + j]
                if v > bestValue || v.isNaN { best = i * width + j; bestValue = v; if v.isNaN { return best } }
            }
        }
        return best
    }

    // MARK: - Average pooling

    /// y[p, oh, ow] = Σ window x / divisor, divisor = k² when `countIncludePad`, else the number of
    /// in-image elements of the window (TensorFlow's "SAME" average pool, which Inception-v3 uses).
    static func avgPool2dForward(_ g: PoolGeometry, countIncludePad: Bool, x: UnsafePointer<Float>,
                                 y: UnsafeMutablePointer<Float>) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let xp = X.p + p * g.inPlane, yp = Y.p + p * g.outPlane
                g.forEachWindow { o, rows, columns in
                    var s: Float = 0
                    for i in rows { for j in columns { s += xp[i * g.width + j] } }
                    yp[o] = s / divisor(g, rows: rows, columns: columns, countIncludePad: countIncludePad)
                }
            }
        }
    }

    /// dx[window] += dy / divisor for every window (the forward's sum spreads its gradient evenly).
    static func avgPool2dBackward(_ g: PoolGeometry, countIncludePad: Bool, dy: UnsafePointer<Float>,
                                  dx: UnsafeMutablePointer<Float>) {
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), DX = SharedPointer(dx)
        Parallel.forRange(g.planes, grain: g.grain) { planes in
            for p in planes {
                let dyp = DY.p + p * g.outPlane, dxp = DX.p + p * g.inPlane
                g.forEachWindow { o, rows, columns in
                    let share = dyp[o] / divisor(g, rows: rows, columns: columns, countIncludePad: countIncludePad)
                    for i in rows { for j in columns { dxp[i * g.width + j] += share } }
                }
            }
        }
    }

    @inline(__always)
    private static func divisor(_ g: PoolGeometry, rows: Range<Int>, columns: Range<Int>, countIncludePad: Bool) -> Float {
        // With floor-mode output sizes a window never reaches past the padded border, so the
        // padded window is always k × k.
        countIncludePad ? Float(g.kernel * g.kernel) : Float(rows.count * columns.count)
    }
}

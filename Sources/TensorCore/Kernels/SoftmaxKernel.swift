// Softmax along the last axis of [rows, n], and its backward.

extension Kernels {
    // MARK: - Forward

    /// y[r, i] = exp(x[r, i] − max_j x[r, j]) / Σ_j exp(x[r, j] − max_j x[r, j])
    static func softmaxForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), Y = SharedPointer(y)
        Parallel.forRange(rows, grain: max(1, 16_384 / n)) { r in
            for row in r {
                let xr = X.p + row * n, yr = Y.p + row * n
                // Subtracting the max keeps exp from overflowing; it cancels in the ratio.
                let mx = Kernels.maximum(xr, count: n)
                for i in 0..<n { yr[i] = Kernels.exp(xr[i] - mx) }
                let inv = 1 / Kernels.sum(yr, count: n)
                for i in 0..<n { yr[i] *= inv }
            }
        }
    }

    // MARK: - Backward

    /// dx[r, i] += y[r, i] · (dy[r, i] − Σ_j dy[r, j] y[r, j]), from the forward's saved output y.
    static func softmaxBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        let DY = SharedPointer(UnsafeMutablePointer(mutating: dy)), S = SharedPointer(UnsafeMutablePointer(mutating: y))
        let DX = SharedPointer(dx)
        Parallel.forRange(rows, grain: max(1, 16_384 / n)) { r in
            for row in r {
                let dyr = DY.p + row * n, yr = S.p + row * n, dxr = DX.p + row * n
                let dot = Kernels.dot(dyr, yr, count: n)
                for i in 0..<n { dxr[i] += yr[i] * (dyr[i] - dot) }
            }
        }
    }
}

extension Tensor {
    /// Softmax along the last axis: y_i = exp(x_i − max x) / Σ_j exp(x_j − max x).
    /// Backward: dx_i = y_i · (dy_i − Σ_j dy_j y_j).
    public func softmax() -> Tensor {
        let x = self
        shapeCheck(rank >= 1 && shape.last! > 0, "softmax: input \(describe(shape)) needs a non-empty last axis")
        let n = shape.last!, rows = count / n
        let y = Tensor.uninitialized(shape)
        let X = SharedPointer(x.pointer), Y = SharedPointer(y.pointer)
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
        let saved = y.detached()
        return y.recordingBackward("softmax", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            let DY = SharedPointer(dy.pointer), S = SharedPointer(saved.pointer), DX = SharedPointer(dx)
            Parallel.forRange(rows, grain: max(1, 16_384 / n)) { r in
                for row in r {
                    let dyr = DY.p + row * n, yr = S.p + row * n, dxr = DX.p + row * n
                    let dot = Kernels.dot(dyr, yr, count: n)
                    for i in 0..<n { dxr[i] += yr[i] * (dyr[i] - dot) }
                }
            }
        }
    }
}

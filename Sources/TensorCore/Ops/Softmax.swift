extension Tensor {
    /// Softmax along the last axis: y_i = exp(x_i − max x) / Σ_j exp(x_j − max x).
    /// Backward: dx_i = y_i · (dy_i − Σ_j dy_j y_j).
    public func softmax() -> Tensor {
        let x = self
        shapeCheck(rank >= 1 && shape.last! > 0, "softmax: input \(describe(shape)) needs a non-empty last axis")
        let n = shape.last!, rows = count / n
        let y = Tensor.uninitialized(shape)
        Kernels.softmaxForward(x: x.pointer, y: y.pointer, rows: rows, n: n)
        let saved = y.detached()
        return y.recordingBackward("softmax", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.softmaxBackward(y: saved.pointer, dy: dy.pointer, dx: dx, rows: rows, n: n)
        }
    }
}

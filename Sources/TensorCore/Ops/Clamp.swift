extension Tensor {
    /// Elementwise clamp to `[low, high]`. Gradient passes where the input was inside the range.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        let (lo, hi) = (range.lowerBound, range.upperBound)
        Kernels.map(x.pointer, y.pointer, count: count) { Swift.min(Swift.max($0, lo), hi) }
        return y.recordingBackward("clamp", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.clampBackward(x: x.pointer, dy: dy.pointer, dx: dx, count: x.count, low: lo, high: hi)
        }
    }
}

extension Tensor {
    /// Inverted dropout: zeroes each element with probability `p` and scales survivors by 1/(1−p),
    /// so evaluation needs no rescaling. Identity when `p == 0` or when `training` is false.
    /// The mask comes from `generator`, so a seeded run drops the same elements every time.
    public func dropout(_ p: Float, training: Bool, using generator: inout RandomGenerator) -> Tensor {
        shapeCheck(p >= 0 && p < 1, "dropout: probability \(p) must be in [0, 1)")
        guard training && p > 0 else { return self }
        let x = self
        let mask = Tensor.uninitialized(shape)
        let keep = 1 / (1 - p)
        Kernels.dropoutMask(mask.pointer, count: count, p: p, keep: keep, using: &generator)
        let y = Tensor.uninitialized(shape)
        Kernels.dropoutForward(x: x.pointer, mask: mask.pointer, y: y.pointer, count: count)
        return y.recordingBackward("dropout", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.dropoutBackward(dy: dy.pointer, mask: mask.pointer, dx: dx, count: x.count)
        }
    }
}

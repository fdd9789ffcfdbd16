// In-place updates of flat parameter-sized buffers (optimizer, EMA, clipping). None is
// recorded by autograd; each checks that its operands have one element count.

extension Tensor {
    /// One Adam/AdamW step on these parameters (θ = self), with moments `m`, `v` updated in place.
    /// The formula is in `Kernels.adamUpdate`; `AdamW` in NN computes the coefficients.
    public func applyAdam(gradient: Tensor, m: Tensor, v: Tensor, _ coefficients: AdamCoefficients) {
        shapeCheck(gradient.count == count && m.count == count && v.count == count,
                   "applyAdam: parameters \(describe(shape)), gradient \(describe(gradient.shape)), m \(describe(m.shape)) and v \(describe(v.shape)) differ in size")
        Kernels.adamUpdate(theta: pointer, gradient: gradient.pointer, m: m.pointer, v: v.pointer, count: count, coefficients)
    }

    /// self ← decay·self + (1 − decay)·`target` (an exponential moving average of the weights).
    public func moveAverage(toward target: Tensor, decay: Float) {
        shapeCheck(target.count == count, "moveAverage: average \(describe(shape)) and target \(describe(target.shape)) differ in size")
        Kernels.emaUpdate(shadow: pointer, toward: target.pointer, count: count, decay: decay)
    }

    /// self ← s·self.
    public func scale(by s: Float) { Kernels.scale(pointer, count: count, by: s) }
}

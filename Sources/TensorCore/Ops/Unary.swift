import Foundation

// Pointwise functions with their derivatives. Backward closures capture the detached output
// when the derivative is cheaper from y than from x (exp), as MLX passes `outputs` to its VJPs.

extension Tensor {
    /// SiLU: y = x · σ(x).   dy/dx = σ(x) · (1 + x · (1 − σ(x))).
    public func silu() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.siluForward(x: x.pointer, y: y.pointer, count: count)
        return y.recordingBackward("silu", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() { Kernels.siluBackward(x: x.pointer, dy: dy.pointer, dx: dx, count: x.count) }
        }
    }

    /// ReLU: y = max(x, 0).   dy/dx = 1 for x > 0, else 0 (PyTorch's choice at x = 0).
    public func relu() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { Swift.max($0, 0) }
        return y.recordingBackward("relu", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: x.pointer, dx: dx, count: x.count) { v, _ in v > 0 ? 1 : 0 }
            }
        }
    }

    /// exp(x).   d/dx = exp(x) = y.
    public func exp() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { Foundation.exp($0) }
        let saved = y.detached()
        return y.recordingBackward("exp", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: saved.pointer, dx: dx, count: x.count) { _, y in y }
            }
        }
    }

    /// sin(x).   d/dx = cos(x).
    public func sin() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { Foundation.sin($0) }
        return y.recordingBackward("sin", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: x.pointer, dx: dx, count: x.count) { v, _ in Foundation.cos(v) }
            }
        }
    }

    /// cos(x).   d/dx = −sin(x).
    public func cos() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { Foundation.cos($0) }
        return y.recordingBackward("cos", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: x.pointer, dx: dx, count: x.count) { v, _ in -Foundation.sin(v) }
            }
        }
    }

    /// x².   d/dx = 2x.
    public func squared() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { $0 * $0 }
        return y.recordingBackward("square", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: x.pointer, dx: dx, count: x.count) { v, _ in 2 * v }
            }
        }
    }

    /// √x.   d/dx = 1 / (2√x) = 1 / (2y).
    public func sqrt() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        Kernels.map(x.pointer, y.pointer, count: count) { $0.squareRoot() }
        let saved = y.detached()
        return y.recordingBackward("sqrt", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() {
                Kernels.accumulateChain(dy: dy.pointer, x: x.pointer, y: saved.pointer, dx: dx, count: x.count) { _, y in 0.5 / y }
            }
        }
    }
}

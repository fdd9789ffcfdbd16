// add / sub / mul / div with NumPy broadcasting, and their scalar forms.
// Backward of a broadcast input sums the gradient over the stretched dimensions.

extension Tensor {
    private func broadcasting<F: BinaryFunction>(_ f: F.Type, _ other: Tensor, name: String) -> (Tensor, [Int]) {
        guard let outShape = broadcastShape(shape, other.shape) else {
            fatalError("\(name): shapes \(describe(shape)) and \(describe(other.shape)) do not broadcast")
        }
        let y = Tensor.uninitialized(outShape)
        Kernels.binary(f, BroadcastPlan(out: outShape, a: shape, b: other.shape), a: pointer, b: other.pointer, out: y.pointer)
        return (y, outShape)
    }

    /// dInput += reduce(g) over the dimensions `input` was broadcast along.
    fileprivate static func accumulate(_ g: Tensor, into input: Tensor, scale: Float = 1) {
        guard let d = input.gradForAccumulation() else { return }
        if g.shape == input.shape {
            Kernels.accumulate(g.pointer, into: d, count: g.count, scale: scale)
        } else {
            Kernels.accumulateReduced(src: g.pointer, srcShape: g.shape, dst: d, dstShape: input.shape, scale: scale)
        }
    }

    /// Elementwise a + b (broadcasting).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (y, _) = a.broadcasting(AddFunction.self, b, name: "add")
        return y.recordingBackward("add", inputs: [a, b]) { dy in
            accumulate(dy, into: a)
            accumulate(dy, into: b)
        }
    }

    /// Elementwise a − b (broadcasting).
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (y, _) = a.broadcasting(SubFunction.self, b, name: "sub")
        return y.recordingBackward("sub", inputs: [a, b]) { dy in
            accumulate(dy, into: a)
            accumulate(dy, into: b, scale: -1)
        }
    }

    /// Elementwise a · b (broadcasting). d/da = b, d/db = a.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (y, _) = a.broadcasting(MulFunction.self, b, name: "mul")
        return y.recordingBackward("mul", inputs: [a, b]) { dy in
            withoutGrad {
                if a.needsGrad { accumulate(dy * b.detached(), into: a) }
                if b.needsGrad { accumulate(dy * a.detached(), into: b) }
            }
        }
    }

    /// Elementwise a / b (broadcasting). d/da = 1/b, d/db = −a/b².
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (y, _) = a.broadcasting(DivFunction.self, b, name: "div")
        return y.recordingBackward("div", inputs: [a, b]) { dy in
            withoutGrad {
                let bd = b.detached()
                if a.needsGrad { accumulate(dy / bd, into: a) }
                if b.needsGrad { accumulate(dy * a.detached() / (bd * bd), into: b, scale: -1) }
            }
        }
    }

    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// x · s
    public static func * (a: Tensor, s: Float) -> Tensor {
        let y = Tensor.uninitialized(a.shape)
        Kernels.binary(MulFunction.self, a.pointer, scalar: s, out: y.pointer, count: a.count)
        return y.recordingBackward("mulScalar", inputs: [a]) { dy in
            if let d = a.gradForAccumulation() { Kernels.accumulate(dy.pointer, into: d, count: a.count, scale: s) }
        }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }

    /// x + s
    public static func + (a: Tensor, s: Float) -> Tensor {
        let y = Tensor.uninitialized(a.shape)
        Kernels.binary(AddFunction.self, a.pointer, scalar: s, out: y.pointer, count: a.count)
        return y.recordingBackward("addScalar", inputs: [a]) { dy in
            if let d = a.gradForAccumulation() { Kernels.accumulate(dy.pointer, into: d, count: a.count) }
        }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { (a * -1) + s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}

// Sums and means (the loops are in Kernels/ReduceKernel.swift).

extension Tensor {
    /// Σ of all elements, as a one-element tensor of shape `[]`.
    public func sum() -> Tensor {
        let x = self
        let y = Tensor(scalar: Float(Kernels.sumAll(x.pointer, count: x.count)))
        return y.recordingBackward("sum", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.addScalar(dy.item(), into: dx, count: x.count)
        }
    }

    /// Σ x² in Double (a gradient norm's square), independent of the thread count. Not recorded
    /// by autograd.
    public func sumOfSquares() -> Double { Kernels.sumOfSquares(pointer, count: count) }

    /// Mean of all elements, shape `[]`.
    public func mean() -> Tensor {
        shapeCheck(count > 0, "mean: empty tensor \(describe(shape))")
        return sum() * (1 / Float(count))
    }

    /// Σ over `axes`; reduced axes are kept with size 1 when `keepingDimensions`.
    public func sum(axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let x = self
        let axes = axes.map { $0 < 0 ? $0 + rank : $0 }
        shapeCheck(axes.allSatisfy { $0 >= 0 && $0 < rank }, "sum(axes:): axes \(axes) out of range for \(describe(shape))")
        var kept = shape
        for a in axes { kept[a] = 1 }
        let yk = Tensor.zeros(kept)
        Kernels.accumulateReduced(src: x.pointer, srcShape: x.shape, dst: yk.pointer, dstShape: kept)
        let outShape = keepingDimensions ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let y = Tensor(shape: outShape, storage: yk.storage)
        return y.recordingBackward("sum(axes:)", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            // d/dx of a sum is dy broadcast back over the reduced axes.
            // In place: each output element reads only the same element of dx.
            let plan = BroadcastPlan(out: x.shape, a: x.shape, b: kept)
            Kernels.binary(AddFunction.self, plan, a: dx, b: dy.pointer, out: dx)
        }
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let n = axes.map { shape[$0 < 0 ? $0 + rank : $0] }.reduce(1, *)
        return sum(axes: axes, keepingDimensions: keepingDimensions) * (1 / Float(n))
    }
}

// Sums and means. Totals are accumulated in Double over fixed contiguous parts, then added in
// part order: large sums keep their precision and do not depend on timing.

extension Kernels {
    static func sumAll(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let parts = Parallel.partCount(count)
        var partials = [Double](repeating: 0, count: parts)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x))
        partials.withUnsafeMutableBufferPointer { buf in
            let out = buf.baseAddress!
            Parallel.forEachPart(count: count, parts: parts) { part, r in
                var s: Double = 0
                for i in r { s += Double(X.p[i]) }
                out[part] = s
            }
        }
        return partials.reduce(0, +)
    }

    /// Σ x² in Double over fixed blocks of 2¹⁶ elements (lanes within a block, blocks added in
    /// order), the blocks in parallel: the result depends on neither timing nor thread count.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let block = 1 << 16, blocks = (count + block - 1) / block
        var partials = [Double](repeating: 0, count: blocks)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x))
        partials.withUnsafeMutableBufferPointer { buf in
            let out = buf.baseAddress!
            Parallel.forRange(blocks, grain: 1) { r in
                for b in r {
                    let start = b * block, n = Swift.min(block, count - start)
                    out[b] = sumOfSquaredDeviations(X.p + start, count: n, from: 0)
                }
            }
        }
        return partials.reduce(0, +)
    }
}

extension Tensor {
    /// Σ of all elements, as a one-element tensor of shape `[]`.
    public func sum() -> Tensor {
        let x = self
        let y = Tensor(scalar: Float(Kernels.sumAll(x.pointer, count: x.count)))
        return y.recordingBackward("sum", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            let g = dy.pointer[0]
            for i in 0..<x.count { dx[i] += g }
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

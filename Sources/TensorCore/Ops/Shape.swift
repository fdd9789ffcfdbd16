// Reshape (a view), and the ops that move elements: permute, transpose, slice, concatenation.

extension Tensor {
    /// The same elements with a new shape (shares memory). One dimension may be -1.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            shapeCheck(known > 0 && count % known == 0, "reshaped: cannot infer -1 in \(describe(newShape)) from \(describe(shape))")
            s[i] = count / known
        }
        shapeCheck(s.reduce(1, *) == count, "reshaped: \(describe(shape)) has \(count) elements, \(describe(newShape)) has \(s.reduce(1, *))")
        let x = self
        let y = Tensor(shape: s, storage: storage, offset: offset)
        return y.recordingBackward("reshape", inputs: [x]) { dy in
            if let dx = x.gradForAccumulation() { Kernels.accumulate(dy.pointer, into: dx, count: x.count) }
        }
    }

    /// Dimensions reordered: output dimension i is input dimension `order[i]` (copies).
    public func permuted(_ order: [Int]) -> Tensor {
        shapeCheck(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation of the \(rank) axes of \(describe(shape))")
        let x = self
        let outShape = order.map { shape[$0] }
        let y = Tensor.uninitialized(outShape)
        Kernels.permute(x.pointer, shape: shape, order: order, out: y.pointer)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return y.recordingBackward("permute", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            let back = Tensor.uninitialized(x.shape)
            Kernels.permute(dy.pointer, shape: outShape, order: inverse, out: back.pointer)
            Kernels.accumulate(back.pointer, into: dx, count: x.count)
        }
    }

    /// Swaps two axes (copies).
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(a < 0 ? a + rank : a, b < 0 ? b + rank : b)
        return permuted(order)
    }

    /// Elements `range` along `axis` (copies).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        shapeCheck(axis >= 0 && axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                   "slice: range \(range) on axis \(axis) out of bounds for \(describe(shape))")
        let x = self
        var outShape = shape
        outShape[axis] = range.count
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let y = Tensor.uninitialized(outShape)
        for o in 0..<outer {
            (y.pointer + o * range.count * inner).update(from: x.pointer + (o * shape[axis] + range.lowerBound) * inner,
                                                        count: range.count * inner)
        }
        let full = shape[axis]
        return y.recordingBackward("slice", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            for o in 0..<outer {
                Kernels.accumulate(dy.pointer + o * range.count * inner, into: dx + (o * full + range.lowerBound) * inner,
                                   count: range.count * inner)
            }
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        shapeCheck(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let axis = axis < 0 ? axis + first.rank : axis
        for t in tensors {
            var a = t.shape, b = first.shape
            shapeCheck(a.count == b.count && axis < a.count,
                       "concatenate: \(describe(t.shape)) and \(describe(first.shape)) differ in rank or axis \(axis) is out of range")
            a[axis] = 0; b[axis] = 0
            shapeCheck(a == b, "concatenate: \(describe(t.shape)) and \(describe(first.shape)) differ outside axis \(axis)")
        }
        var outShape = first.shape
        outShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let total = outShape[axis]
        let y = Tensor.uninitialized(outShape)
        var starts: [Int] = []
        var start = 0
        for t in tensors { starts.append(start); start += t.shape[axis] }
        for (t, s) in zip(tensors, starts) {
            Kernels.copyBlocks(t.pointer, blockLength: t.shape[axis] * inner, blocks: outer,
                               into: y.pointer + s * inner, stride: total * inner)
        }
        return y.recordingBackward("concatenate", inputs: tensors) { dy in
            for (t, s) in zip(tensors, starts) {
                guard let dt = t.gradForAccumulation() else { continue }
                Kernels.accumulateBlocks(dy.pointer + s * inner, stride: total * inner, blockLength: t.shape[axis] * inner,
                                         blocks: outer, into: dt)
            }
        }
    }
}

extension Kernels {
    /// out = x with axes reordered (out axis i = x axis order[i]); contiguous output.
    static func permute(_ x: UnsafePointer<Float>, shape: [Int], order: [Int], out: UnsafeMutablePointer<Float>) {
        let r = shape.count
        var inStrides = [Int](repeating: 1, count: r)
        for i in stride(from: r - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let outShape = order.map { shape[$0] }
        let srcStrides = order.map { inStrides[$0] }
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let n = outShape.last ?? 1, sInner = srcStrides.last ?? 1
        let rows = total / max(n, 1)
        let X = SharedPointer(UnsafeMutablePointer(mutating: x)), O = SharedPointer(out)
        Parallel.forRange(rows, grain: max(1, 32_768 / max(n, 1))) { range in
            for row in range {
                var rem = row, off = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    off += (rem % outShape[d]) * srcStrides[d]
                    rem /= outShape[d]
                }
                let dst = O.p + row * n, src = X.p + off
                for i in 0..<n { dst[i] = src[i * sInner] }
            }
        }
    }
}

extension Kernels {
    /// Copies `blocks` contiguous blocks of `blockLength` from `src` to `dst + k·stride` (the
    /// pieces of a concatenation), in parallel over blocks.
    static func copyBlocks(_ src: UnsafePointer<Float>, blockLength: Int, blocks: Int, into dst: UnsafeMutablePointer<Float>, stride: Int) {
        let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
        Parallel.forRange(blocks, grain: max(1, 65_536 / max(blockLength, 1))) { r in
            for k in r { (D.p + k * stride).update(from: S.p + k * blockLength, count: blockLength) }
        }
    }

    /// dst[k·blockLength + i] += src[k·stride + i]: the adjoint of `copyBlocks`, in parallel over blocks.
    static func accumulateBlocks(_ src: UnsafePointer<Float>, stride: Int, blockLength: Int, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
        let S = SharedPointer(UnsafeMutablePointer(mutating: src)), D = SharedPointer(dst)
        Parallel.forRange(blocks, grain: max(1, 65_536 / max(blockLength, 1))) { r in
            for k in r {
                let s = S.p + k * stride, d = D.p + k * blockLength
                for i in 0..<blockLength { d[i] += s[i] }
            }
        }
    }
}

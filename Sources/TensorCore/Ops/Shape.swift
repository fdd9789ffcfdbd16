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
        let full = shape[axis], block = range.count * inner
        Kernels.copyBlocks(x.pointer + range.lowerBound * inner, srcStride: full * inner, into: y.pointer, dstStride: block,
                           blockLength: block, blocks: outer)
        return y.recordingBackward("slice", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.accumulateBlocks(dy.pointer, srcStride: block, into: dx + range.lowerBound * inner, dstStride: full * inner,
                                     blockLength: block, blocks: outer)
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
            let block = t.shape[axis] * inner
            Kernels.copyBlocks(t.pointer, srcStride: block, into: y.pointer + s * inner, dstStride: total * inner,
                               blockLength: block, blocks: outer)
        }
        return y.recordingBackward("concatenate", inputs: tensors) { dy in
            for (t, s) in zip(tensors, starts) {
                guard let dt = t.gradForAccumulation() else { continue }
                let block = t.shape[axis] * inner
                Kernels.accumulateBlocks(dy.pointer + s * inner, srcStride: total * inner, into: dt, dstStride: block,
                                         blockLength: block, blocks: outer)
            }
        }
    }
}

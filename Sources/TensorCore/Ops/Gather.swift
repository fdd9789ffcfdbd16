extension Tensor {
    /// Rows of a `[R, D]` table: `out[i] = self[indices[i]]`, shape `[indices.count, D]`
    /// (an embedding lookup). Backward scatter-adds each output row's gradient into its source row.
    public func rows(_ indices: [Int]) -> Tensor {
        let table = self
        shapeCheck(rank == 2, "rows: table \(describe(shape)) must be [R, D]")
        let (R, D) = (shape[0], shape[1])
        for i in indices {
            shapeCheck(i >= 0 && i < R, "rows: index \(i) out of range for table \(describe(shape))")
        }
        let y = Tensor.uninitialized([indices.count, D])
        Kernels.gatherRows(table.pointer, indices: indices, rowLength: D, into: y.pointer)
        return y.recordingBackward("rows", inputs: [table]) { dy in
            guard let dt = table.gradForAccumulation() else { return }
            Kernels.scatterAddRows(dy.pointer, indices: indices, rowLength: D, into: dt)
        }
    }
}

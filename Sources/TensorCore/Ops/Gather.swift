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
        for (k, i) in indices.enumerated() { (y.pointer + k * D).update(from: table.pointer + i * D, count: D) }
        return y.recordingBackward("rows", inputs: [table]) { dy in
            guard let dt = table.gradForAccumulation() else { return }
            for (k, i) in indices.enumerated() { Kernels.accumulate(dy.pointer + k * D, into: dt + i * D, count: D) }
        }
    }
}

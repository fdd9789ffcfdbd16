extension Tensor {
    /// Mean softmax cross-entropy of logits `[N, K]` against class indices:
    /// ```
    /// L = −(1/N) Σₙ log softmax(xₙ)[yₙ]        dL/dxₙⱼ = (softmax(xₙ)ⱼ − [j = yₙ]) / N
    /// ```
    /// Gradient flows to the logits; the labels are data. Shape `[]`.
    public func crossEntropy(labels: [Int]) -> Tensor {
        let x = self
        shapeCheck(rank == 2 && shape[0] > 0 && shape[1] > 0, "crossEntropy: logits \(describe(shape)) must be a non-empty [N, K]")
        let rows = shape[0], k = shape[1]
        shapeCheck(labels.count == rows, "crossEntropy: \(labels.count) labels for logits \(describe(shape))")
        shapeCheck(labels.allSatisfy { (0..<k).contains($0) }, "crossEntropy: labels must lie in 0..<\(k) for logits \(describe(shape))")
        let probabilities = Tensor.uninitialized(shape)
        let total = Kernels.crossEntropyForward(logits: x.pointer, labels: labels, rows: rows, classes: k, probabilities: probabilities.pointer)
        let y = Tensor(scalar: Float(total / Double(rows)))
        return y.recordingBackward("crossEntropy", inputs: [x]) { dy in
            guard let dx = x.gradForAccumulation() else { return }
            Kernels.crossEntropyBackward(probabilities: probabilities.pointer, labels: labels, rows: rows, classes: k,
                                         scale: dy.pointer[0] / Float(rows), dLogits: dx)
        }
    }
}

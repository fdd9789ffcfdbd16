/// How a per-element loss is reduced to a scalar.
public enum LossKind: String, CaseIterable, Codable, Sendable {
    /// mean (p − t)²
    case l2
    /// mean |p − t|
    case l1
    /// mean of ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond (PyTorch's HuberLoss, δ = 1).
    case huber
}

extension Tensor {
    /// Mean loss between `self` (prediction) and `target` (same shape), as a `[]` tensor.
    /// Gradient flows to the prediction only; `target` is treated as data.
    public func loss(_ kind: LossKind, target: Tensor, delta: Float = 1) -> Tensor {
        let p = self
        shapeCheck(p.shape == target.shape, "loss(\(kind.rawValue)): prediction \(describe(p.shape)) and target \(describe(target.shape)) differ")
        shapeCheck(p.count > 0, "loss(\(kind.rawValue)): empty prediction")
        let n = p.count
        let total = Kernels.lossSum(kind, p: p.pointer, target: target.pointer, count: n, delta: delta)
        let y = Tensor(scalar: Float(total / Double(n)))
        return y.recordingBackward("loss(\(kind.rawValue))", inputs: [p]) { dy in
            guard let dp = p.gradForAccumulation() else { return }
            Kernels.lossBackward(kind, p: p.pointer, target: target.pointer, dp: dp, count: n, g: dy.item() / Float(n), delta: delta)
        }
    }

    /// Mean squared error (`loss(.l2, ...)`).
    public func mseLoss(_ target: Tensor) -> Tensor { loss(.l2, target: target) }
}

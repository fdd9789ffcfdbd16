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
        var total = 0.0
        for i in 0..<n {
            let d = Double(p.pointer[i] - target.pointer[i])
            switch kind {
            case .l2: total += d * d
            case .l1: total += abs(d)
            case .huber: total += abs(d) <= Double(delta) ? 0.5 * d * d : Double(delta) * (abs(d) - 0.5 * Double(delta))
            }
        }
        let y = Tensor(scalar: Float(total / Double(n)))
        return y.recordingBackward("loss(\(kind.rawValue))", inputs: [p]) { dy in
            guard let dp = p.gradForAccumulation() else { return }
            let g = dy.pointer[0] / Float(n)
            for i in 0..<n {
                let d = p.pointer[i] - target.pointer[i]
                switch kind {
                case .l2: dp[i] += g * 2 * d
                // The subgradient at d = 0 is taken as 0, as PyTorch does.
                case .l1: dp[i] += g * (d > 0 ? 1 : (d < 0 ? -1 : 0))
                case .huber: dp[i] += g * (abs(d) <= delta ? d : delta * (d > 0 ? 1 : -1))
                }
            }
        }
    }

    /// Mean squared error (`loss(.l2, ...)`).
    public func mseLoss(_ target: Tensor) -> Tensor { loss(.l2, target: target) }
}

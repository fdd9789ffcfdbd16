// Per-element losses between a prediction p and a target t, summed in Double (forward) and
// their gradients (backward). Also the other pointwise ops whose backward is not a plain chain
// rule: clamp and dropout.

extension Kernels {
    // MARK: - Forward

    /// Σ_i ℓ(p_i − t_i) in Double, in index order: ℓ(d) = d² (l2), |d| (l1), or Huber with `delta`.
    static func lossSum(_ kind: LossKind, p: UnsafePointer<Float>, target: UnsafePointer<Float>, count n: Int, delta: Float) -> Double {
        var total = 0.0
        for i in 0..<n {
            let d = Double(p[i] - target[i])
            switch kind {
            case .l2: total += d * d
            case .l1: total += abs(d)
            case .huber: total += abs(d) <= Double(delta) ? 0.5 * d * d : Double(delta) * (abs(d) - 0.5 * Double(delta))
            }
        }
        return total
    }

    // MARK: - Backward

    /// dp_i += g · ℓ'(p_i − t_i), g being the upstream gradient already divided by the count.
    static func lossBackward(_ kind: LossKind, p: UnsafePointer<Float>, target: UnsafePointer<Float>, dp: UnsafeMutablePointer<Float>,
                             count n: Int, g: Float, delta: Float) {
        for i in 0..<n {
            let d = p[i] - target[i]
            switch kind {
            case .l2: dp[i] += g * 2 * d
            // The subgradient at d = 0 is taken as 0, as PyTorch does.
            case .l1: dp[i] += g * (d > 0 ? 1 : (d < 0 ? -1 : 0))
            case .huber: dp[i] += g * (abs(d) <= delta ? d : delta * (d > 0 ? 1 : -1))
            }
        }
    }
}

// MARK: - Clamp

extension Kernels {
    /// dx_i += dy_i where lo ≤ x_i ≤ hi (the gradient passes inside the range).
    static func clampBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int,
                              low lo: Float, high hi: Float) {
        for i in 0..<count where x[i] >= lo && x[i] <= hi { dx[i] += dy[i] }
    }
}

// MARK: - Dropout

extension Kernels {
    /// mask_i = 0 with probability p, else `keep` (= 1/(1−p)); draws one uniform per element in order.
    static func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, keep: Float, using generator: inout RandomGenerator) {
        var g = generator   // a local copy stays in registers through the loop
        for i in 0..<count { mask[i] = g.nextFloat() < p ? 0 : keep }
        generator = g
    }

    /// y_i = x_i · mask_i
    static func dropoutForward(x: UnsafePointer<Float>, mask: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = x[i] * mask[i] }
    }

    /// dx_i += dy_i · mask_i
    static func dropoutBackward(dy: UnsafePointer<Float>, mask: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += dy[i] * mask[i] }
    }
}

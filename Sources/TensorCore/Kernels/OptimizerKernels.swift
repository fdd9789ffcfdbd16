// The per-element updates of training: Adam/AdamW, the EMA of the weights, and gradient
// scaling (global-norm clipping). Each is elementwise, so splitting it over the workers
// changes no result.

/// Adam's scalars for one step, computed once by the optimizer (bias corrections in Double).
public struct AdamCoefficients: Sendable {
    public var learningRate: Float
    public var beta1: Float, beta2: Float, epsilon: Float
    /// 1 − β1^t and 1 − β2^t.
    public var correction1: Float, correction2: Float
    /// λ added to the gradient as λθ (Adam's L2 form), and λ applied to θ directly (AdamW's decoupled form).
    public var l2: Float, decoupledDecay: Float

    public init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, correction1: Float, correction2: Float,
                l2: Float, decoupledDecay: Float) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.correction1 = correction1; self.correction2 = correction2; self.l2 = l2; self.decoupledDecay = decoupledDecay
    }
}

extension Kernels {
    /// ```
    /// g ← g + l2·θ
    /// m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
    /// θ ← θ − lr·((m / c1) / (√(v / c2) + ε) + λ·θ)
    /// ```
    static func adamUpdate(theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                           v: UnsafeMutablePointer<Float>, count: Int, _ k: AdamCoefficients) {
        let T = SharedPointer(theta), G = SharedPointer(UnsafeMutablePointer(mutating: gradient))
        let M = SharedPointer(m), V = SharedPointer(v)
        let (b1, b2, eps, c1, c2, lr) = (k.beta1, k.beta2, k.epsilon, k.correction1, k.correction2, k.learningRate)
        let (l2, decoupled) = (k.l2, k.decoupledDecay)
        Parallel.forRange(count) { r in
            let theta = T.p, g = G.p, m = M.p, v = V.p
            for i in r {
                let gi = g[i] + l2 * theta[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                let update = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                theta[i] -= lr * (update + decoupled * theta[i])
            }
        }
    }

    /// shadow ← decay·shadow + (1 − decay)·θ
    static func emaUpdate(shadow: UnsafeMutablePointer<Float>, toward theta: UnsafePointer<Float>, count: Int, decay d: Float) {
        let S = SharedPointer(shadow), P = SharedPointer(UnsafeMutablePointer(mutating: theta))
        Parallel.forRange(count) { r in for i in r { S.p[i] = d * S.p[i] + (1 - d) * P.p[i] } }
    }

    /// x ← s·x
    static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by s: Float) {
        let X = SharedPointer(x)
        Parallel.forRange(count) { r in for i in r { X.p[i] *= s } }
    }
}

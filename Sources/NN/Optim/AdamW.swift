import Foundation
import TensorCore

/// Which Adam variant `AdamW` runs.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    /// Adam with L2 regularization: g ← g + λθ before the moments (PyTorch's Adam weight_decay).
    case adam
    /// Adam with decoupled weight decay (Loshchilov & Hutter).
    case adamw
}

/// Adam, bias-corrected, with decoupled weight decay (AdamW) or L2 regularization (Adam), chosen by
/// `Settings.kind`, over a `ParameterSet`'s flat buffers:
/// ```
/// m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
/// m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
/// θ ← θ − lr·(m̂ / (√v̂ + ε) + λ·θ)      (`adamw`; `adam` instead adds λθ to g, PyTorch's L2 form)
/// ```
/// ### References
/// 1. Kingma & Ba, "Adam", https://arxiv.org/abs/1412.6980 (Algorithm 1)
/// 2. Loshchilov & Hutter, "Decoupled Weight Decay Regularization", https://arxiv.org/abs/1711.05101 (Algorithm 2)
public final class AdamW {
    public struct Settings: Codable, Equatable, Sendable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0
        public var kind: OptimizerKind = .adamw
        public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                    kind: OptimizerKind = .adamw) {
            self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay; self.kind = kind
        }
    }

    public let parameters: ParameterSet
    public var settings: Settings
    /// First and second moment estimates, flat like the parameters.
    public let m: Tensor, v: Tensor
    /// Updates taken so far (t in the bias correction).
    public var step: Int = 0

    public init(_ parameters: ParameterSet, settings: Settings = Settings()) {
        self.parameters = parameters
        self.settings = settings
        m = Tensor.zeros([parameters.count])
        v = Tensor.zeros([parameters.count])
    }

    /// One update with learning rate `lr` (and, for one-cycle, β1 = `beta1` when given).
    public func update(learningRate lr: Float, beta1 overrideBeta1: Float? = nil) {
        step += 1
        let b1 = overrideBeta1 ?? settings.beta1, b2 = settings.beta2, eps = settings.epsilon
        let decoupled = settings.kind == .adamw ? settings.weightDecay : 0, l2 = settings.kind == .adam ? settings.weightDecay : 0
        // Bias corrections in Double: β2^t for t ~ 10⁵ underflows nothing but loses digits in Float.
        let c1 = Float(1 - Foundation.pow(Double(b1), Double(step)))
        let c2 = Float(1 - Foundation.pow(Double(b2), Double(step)))
        parameters.values.applyAdam(gradient: parameters.gradients, m: m, v: v,
                                    AdamCoefficients(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, correction1: c1,
                                                     correction2: c2, l2: l2, decoupledDecay: decoupled))
    }
}

import TensorCore

/// An exponential moving average of the weights, used for sampling:
/// ```
/// decay_t = min(decay, (1 + t) / (10 + t))      (warm-up: early averages forget the random init fast)
/// θ_ema ← decay_t · θ_ema + (1 − decay_t) · θ
/// ```
/// The warm-up form is the one of TensorFlow's ExponentialMovingAverage with num_updates, used by
/// the DDPM reference code.
public final class EMA {
    public let decay: Float
    public let warmup: Bool
    public let shadow: Tensor
    public var updates: Int = 0

    public init(of parameters: ParameterSet, decay: Float = 0.9999, warmup: Bool = true) {
        self.decay = decay
        self.warmup = warmup
        shadow = Tensor.zeros([parameters.count])
        shadow.copy(from: parameters.values)
    }

    public var currentDecay: Float {
        warmup ? min(decay, Float(1 + updates) / Float(10 + updates)) : decay
    }

    public func update(from parameters: ParameterSet) {
        let d = currentDecay
        updates += 1
        shadow.moveAverage(toward: parameters.values, decay: d)
    }
}

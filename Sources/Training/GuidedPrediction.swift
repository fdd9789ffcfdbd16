import Diffusion
import NN

extension UNet {
    /// The model as classifier-free guidance's (x_t, t, labels) → ε̂, in inference mode.
    public var conditionalNoisePredictor: ConditionalNoisePredictor {
        { x, t, labels in
            var context = ForwardContext.inference
            return self(x, timesteps: t, classLabels: labels, context: &context)
        }
    }

    /// ε̂ for image k of the seeded sequence guided towards `label(k)` with strength w (seed 002's
    /// convention); nil for an unconditional model.
    public func guidedNoisePredictor(weight: Float, label: @escaping (Int) -> Int) -> NoisePredictor? {
        config.nullClassLabel.map { ClassifierFreeGuidance(weight: weight, nullLabel: $0).noisePredictor(model: conditionalNoisePredictor, label: label) }
    }
}

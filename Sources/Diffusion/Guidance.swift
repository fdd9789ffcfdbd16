import TensorCore

// Classifier-free guidance (Ho & Salimans 2022; seed 002, Algorithm 2 line 3) as a wrapper around
// the noise predictor: the step policies (DDPM, DDIM, RePaint) see an ordinary `NoisePredictor`
// and need no change.

/// A class-conditional model evaluation: (x_t `[B, C, H, W]`, timesteps `[B]`, class label per
/// image `[B]`, the null class allowed) → ε̂ `[B, C, H, W]`.
public typealias ConditionalNoisePredictor = (_ x: Tensor, _ timesteps: [Float], _ classLabels: [Int]) -> Tensor

/// Guided noise ε̂ = (1 + w)·ε(x, c) − w·ε(x, ∅).
///
/// Convention: w is seed 002's (and Ho & Salimans') guidance strength: w = 0 is the plain
/// conditional model, larger w trades diversity for fidelity. diffusers and most Stable Diffusion
/// tools write the same formula as ε(x, ∅) + s·(ε(x, c) − ε(x, ∅)) with guidance_scale s = 1 + w,
/// so their s = 3 is our w = 2.
public struct ClassifierFreeGuidance: Sendable, Equatable {
    /// w (seed 002's convention).
    public let weight: Float
    /// The label that means "no class" (`UNetConfig.nullClassLabel`).
    public let nullLabel: Int

    public init(weight: Float, nullLabel: Int) {
        shapeCheck(weight.isFinite, "ClassifierFreeGuidance: weight \(weight) must be finite")
        self.weight = weight
        self.nullLabel = nullLabel
    }

    /// The same strength as diffusers' `guidance_scale` (1 + w).
    public var diffusersGuidanceScale: Float { 1 + weight }

    /// PNG text chunks (Latin-1) that record w and its convention, so numbers compare across tools.
    public static func provenance(weight: Float) -> [(key: String, value: String)] {
        [("guidance", String(weight)),
         ("guidance-convention", "seed 002: eps = (1 + w) eps(x, c) - w eps(x, null) with w = guidance; diffusers guidance_scale = \(1 + weight)")]
    }

    /// (1 + w)·ε_c − w·ε_∅, elementwise.
    public static func combine(conditional: Tensor, unconditional: Tensor, weight: Float) -> Tensor {
        shapeCheck(conditional.shape == unconditional.shape,
                   "ClassifierFreeGuidance.combine: conditional \(describe(conditional.shape)) and unconditional \(describe(unconditional.shape)) differ")
        return conditional * (1 + weight) - unconditional * weight
    }

    /// Guided ε̂ for a batch. The conditional and unconditional halves run as ONE forward pass of
    /// batch 2B ([x; x] with [c; ∅]): one set of large GEMMs instead of two half-size ones. w = 0
    /// is exactly the conditional model and skips the unconditional half.
    public func predict(_ x: Tensor, timesteps: [Float], classLabels: [Int], model: ConditionalNoisePredictor) -> Tensor {
        let b = x.shape[0]
        shapeCheck(timesteps.count == b && classLabels.count == b,
                   "ClassifierFreeGuidance: \(timesteps.count) timesteps and \(classLabels.count) labels for a batch of \(b)")
        if weight == 0 { return model(x, timesteps, classLabels) }
        let both = model(Tensor.concatenate([x, x], axis: 0), timesteps + timesteps,
                         classLabels + [Int](repeating: nullLabel, count: b))
        return Self.combine(conditional: both.slice(axis: 0, 0..<b), unconditional: both.slice(axis: 0, b..<(2 * b)), weight: weight)
    }

    /// The sampler's `NoisePredictor`: image k of the seeded sequence is guided towards `label(k)`.
    public func noisePredictor(model: @escaping ConditionalNoisePredictor, label: @escaping (Int) -> Int) -> NoisePredictor {
        let guidance = self
        return { x, t, images in guidance.predict(x, timesteps: t, classLabels: images.map(label), model: model) }
    }
}

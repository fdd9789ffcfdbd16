/// Which reverse process draws the samples.
public enum SamplerKind: String, CaseIterable, Codable, Sendable {
    /// Ancestral sampling, Ho et al. Algorithm 2 (optionally on a respaced subsequence).
    case ddpm
    /// Song et al.'s DDIM, deterministic at η = 0.
    case ddim
}

/// The variance σ_t² of the ancestral step.
public enum VarianceKind: String, CaseIterable, Codable, Sendable {
    /// σ_t² = β_t (Ho et al.: optimal for x_0 ~ N(0, I)).
    case beta
    /// σ_t² = β̃_t (optimal for x_0 deterministic); seed 004 shows both.
    case betaTilde = "beta-tilde"
}

/// Everything that decides how samples are drawn from a trained model.
public struct SamplerSettings: Codable, Equatable, Sendable {
    public var kind: SamplerKind = .ddpm
    /// Number of denoising steps; nil = all T (DDPM) or 50 (DDIM).
    public var steps: Int?
    /// DDIM's η: 0 deterministic, 1 the ancestral variance.
    public var eta: Double = 0
    public var variance: VarianceKind = .beta
    public var spacing: TimestepSpacing = .linspace
    /// Clip the predicted x_0 to [-1, 1] at every step (the data range).
    public var clipDenoised: Bool = true

    public init(kind: SamplerKind = .ddpm, steps: Int? = nil, eta: Double = 0, variance: VarianceKind = .beta,
                spacing: TimestepSpacing = .linspace, clipDenoised: Bool = true) {
        self.kind = kind; self.steps = steps; self.eta = eta; self.variance = variance; self.spacing = spacing
        self.clipDenoised = clipDenoised
    }

    public func resolvedSteps(timesteps T: Int) -> Int { steps ?? (kind == .ddpm ? T : min(50, T)) }
}

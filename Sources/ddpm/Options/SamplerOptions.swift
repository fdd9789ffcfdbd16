import ArgumentParser
import Diffusion

/// How to draw samples (shared by `sample` and, later, `inpaint`).
struct SamplerOptions: ParsableArguments {
    @Option(help: "Reverse process: ancestral DDPM or DDIM.") var sampler: SamplerKind = .ddpm
    @Option(help: "Denoising steps (default: all T for ddpm, 50 for ddim).") var steps: Int?
    @Option(help: "DDIM eta: 0 deterministic, 1 ancestral variance.") var eta: Double = 0
    @Option(help: "Ancestral variance sigma_t^2 (ddpm; default beta).") var variance: VarianceKind?
    @Option(help: "Which timesteps a shortened sampler visits.") var spacing: TimestepSpacing = .linspace
    @Flag(inversion: .prefixedNo, help: "Clip the predicted x_0 to [-1, 1] at every step.") var clipDenoised = true
    @Option(help: "Seed: the same seed gives the same images, whatever the batch size.") var seed: UInt64 = 0

    var settings: SamplerSettings {
        SamplerSettings(kind: sampler, steps: steps, eta: eta, variance: variance ?? .beta, spacing: spacing, clipDenoised: clipDenoised)
    }

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps)).") }
        if !(eta >= 0) { throw ValidationError("--eta must be >= 0 (got \(eta)).") }
        if sampler == .ddpm && eta != 0 { throw ValidationError("--eta applies to --sampler ddim only.") }
        if sampler == .ddim && variance != nil { throw ValidationError("--variance applies to --sampler ddpm only (DDIM's variance is set by --eta).") }
        // A respaced ancestral sampler needs two visited steps to define its betas.
        if sampler == .ddpm, let steps, steps < 2 { throw ValidationError("--steps must be at least 2 for --sampler ddpm (got \(steps)).") }
    }
}

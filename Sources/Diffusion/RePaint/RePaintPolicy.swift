import TensorCore

/// RePaint inpainting (Lugmayr et al. 2022) as a sampling policy: the known region comes from the
/// forward process at the step's noise level, the unknown region from the model's reverse step,
/// merged by the mask; the jump schedule re-noises and denoises stretches again (resampling).
///
/// ### Which reading of Algorithm 1 this implements
/// Seed 000's appendix transcribes RePaint's Algorithm 1 with two index slips; so does the RePaint
/// paper itself in line 5. Settled against the paper's text (eq. 8 and §4.2) and the two
/// implementations (the authors' `gaussian_diffusion.py` and diffusers' `RePaintScheduler`):
///
/// 1. **The known part of x_{t−1} is at the noise level of t − 1, with a square root**:
///    `x_{t−1}^known = √ᾱ_{t−1} x_0 + √(1 − ᾱ_{t−1}) ε`. The seed (and the paper's line 5) write
///    `√ᾱ_t x_0 + (1 − ᾱ_t) ε`, which is the wrong level and not even a variance. diffusers'
///    step computes `alpha_prod_t_prev ** 0.5 * original_image + (1 - alpha_prod_t_prev) ** 0.5 * noise`;
///    the authors' code merges at the start of the next step with `alphas_cumprod[t]`, the same
///    level. At the last step ᾱ_0 = 1, so the known region of x_0 is the input exactly.
/// 2. **Re-noising x_{t−1} back to x_t uses β_t**: `x_t ~ N(√(1 − β_t) x_{t−1}, β_t I)`, i.e.
///    q(x_t | x_{t−1}); the seed's line 10 writes β_{t−1}. The authors' `undo` applies
///    `betas[t_last + 1]` to the sample at t_last, i.e. β of the level it moves TO.
///    On a respaced chain (S of T steps) the step from visited index τ_{k−1} up to τ_k uses the
///    respaced β'_k = 1 − ᾱ[τ_k]/ᾱ[τ_{k−1}] (the authors' SpacedDiffusion does the same).
///    diffusers' `undo_step(sample, t)` instead applies the r = T/S original betas
///    β[t], …, β[t + r − 1] to a sample at level t − r, which reaches ᾱ[t − r]·Π α ≠ ᾱ[t] unless
///    r = 1; the parity test compares at r = 1, where both agree.
///
/// Further choices: the reverse step for the unknown region is the one `SamplerSettings` picks
/// (ancestral with β or β̃, or DDIM with η; diffusers uses DDIM with η, which at η = 1 is ancestral
/// with β̃); the known part and the reverse step draw separate noise (diffusers reuses one draw
/// for both, "no impact on quality has been observed"); x_T ~ N(0, I) is not merged (as in the
/// paper and diffusers), and the final x_0 is merged (as in the paper), so known pixels are exact.
///
/// Randomness: every draw (x_T, the reverse step's z, the known part's ε, each re-noising) comes
/// from the batch's per-image streams, in that order, so results do not depend on batch size.
public struct RePaintPolicy: SamplingPolicy {
    /// The reverse step of the unknown region, over the same visited timesteps.
    public enum ReverseKind {
        case ancestral(AncestralPolicy)
        case ddim(DDIMPolicy)
    }

    public let tables: NoiseTables
    /// Original 0-based timestep indices visited, descending (S entries); step index k ↔ visited[S − 1 − k].
    public let visited: [Int]
    public let schedule: JumpSchedule
    public let reverse: ReverseKind
    public let inputs: InpaintingInputs

    /// - Parameters:
    ///   - settings: the reverse step and the visited timesteps (`steps`: S; nil means all T).
    /// - Throws: `ScheduleError` for bad steps, jump length or resampling count.
    public init(tables: NoiseTables, settings: SamplerSettings, jumpLength: Int, resamplings: Int,
                inputs: InpaintingInputs) throws {
        let sampler = try Sampler(tables: tables, settings: settings)
        switch sampler.policy {
        case let p as AncestralPolicy: reverse = .ancestral(p)
        case let p as DDIMPolicy: reverse = .ddim(p)
        default: fatalError("RePaintPolicy: unexpected base policy \(type(of: sampler.policy))")
        }
        self.tables = tables
        visited = sampler.visited
        schedule = try JumpSchedule(steps: visited.count, jumpLength: jumpLength, resamplings: resamplings)
        self.inputs = inputs
    }

    public var stepCount: Int { schedule.moveCount }
    public var modelEvaluations: Int { schedule.modelEvaluations }

    /// The original timestep index of step index k (−1: x_0).
    public func timestep(ofStepIndex k: Int) -> Int { k >= 0 ? visited[visited.count - 1 - k] : -1 }

    public func timestep(after j: Int) -> Int { timestep(ofStepIndex: schedule.times[j + 1]) }

    /// ᾱ at step index k (1 at k = −1, i.e. x_0).
    public func alphaBar(ofStepIndex k: Int) -> Double { k >= 0 ? tables.alphaBar[timestep(ofStepIndex: k)] : 1 }

    public func step(_ j: Int, x: Tensor, batch: inout SamplingBatch, model: NoisePredictor) -> StepResult {
        let from = schedule.times[j], to = schedule.times[j + 1]
        if to > from { return StepResult(previous: renoise(x, to: to, noise: batch.standardNormal()), predictedX0: nil) }
        let position = visited.count - 1 - from
        let eps = model(x, batch.timesteps(visited[position]), batch.images)
        let z = needsNoise(position) ? batch.standardNormal() : nil
        let unknown = reverseStep(position, xt: x, eps: eps, noise: z)
        let known = inputs.batch(batch.images)
        let noisedKnown = Self.knownPart(x0: known.x0, alphaBar: alphaBar(ofStepIndex: to),
                                         noise: to >= 0 ? batch.standardNormal() : nil)
        return StepResult(previous: Self.merge(known: noisedKnown, unknown: unknown.previous, mask: known.mask),
                          predictedX0: unknown.predictedX0)
    }

    /// The finished images: clamped to [-1, 1] (inputs already are, so known pixels stay exact).
    public func finish(_ x: Tensor, batch: SamplingBatch) -> Tensor { x.clamped(to: -1...1) }

    // MARK: - The step's mathematics (no model, no random draws)

    /// Whether the reverse step at visited position `position` adds noise.
    public func needsNoise(_ position: Int) -> Bool {
        switch reverse {
        case .ancestral: return position < visited.count - 1
        case .ddim(let p): return position < visited.count - 1 && p.eta > 0
        }
    }

    /// The unknown region's reverse step from visited position `position` to the next.
    public func reverseStep(_ position: Int, xt: Tensor, eps: Tensor, noise: Tensor?) -> StepResult {
        switch reverse {
        case .ancestral(let p): return p.reverseStep(position, xt: xt, eps: eps, noise: noise)
        case .ddim(let p): return p.reverseStep(position, xt: xt, eps: eps, noise: noise)
        }
    }

    /// One re-noising ("undo") step from step index k − 1 up to k: q(x_k | x_{k−1}) =
    /// N(√(1 − β'_k) x_{k−1}, β'_k I) with β'_k = 1 − ᾱ(k)/ᾱ(k − 1).
    public func renoise(_ x: Tensor, to k: Int, noise: Tensor) -> Tensor {
        let beta = 1 - alphaBar(ofStepIndex: k) / alphaBar(ofStepIndex: k - 1)
        return x * Float((1 - beta).squareRoot()) + noise * Float(beta.squareRoot())
    }

    /// The known region at noise level ᾱ: √ᾱ x_0 + √(1 − ᾱ) ε, exactly x_0 when ᾱ = 1 (no noise).
    public static func knownPart(x0: Tensor, alphaBar: Double, noise: Tensor?) -> Tensor {
        guard alphaBar < 1, let noise else { return x0 }
        return x0 * Float(alphaBar.squareRoot()) + noise * Float((1 - alphaBar).squareRoot())
    }

    /// m ⊙ known + (1 − m) ⊙ unknown, with m `[B, 1, H, W]` broadcast over channels. m is 0 or 1,
    /// so each pixel is copied from one side exactly (no rounding from the blend).
    public static func merge(known: Tensor, unknown: Tensor, mask: Tensor) -> Tensor {
        let k = known.scalars, u = unknown.scalars, m = mask.scalars
        let s = known.shape, plane = s[2] * s[3], per = s[1] * plane
        shapeCheck(unknown.shape == s && mask.shape == [s[0], 1, s[2], s[3]],
                   "RePaintPolicy.merge: known \(s), unknown \(unknown.shape), mask \(mask.shape)")
        var out = u
        for i in 0..<out.count where m[(i / per) * plane + i % plane] == 1 { out[i] = k[i] }
        return Tensor(shape: s, values: out)
    }
}

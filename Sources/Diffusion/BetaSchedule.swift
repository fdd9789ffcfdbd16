// Beta schedules: the formulas that turn `ScheduleParameters` into β_1 … β_T, in Double.
// The tables derived from the betas (ᾱ, β̃, posterior coefficients) live in NoiseTables.swift.

import Foundation

/// The forward-process variance schedules β_1 … β_T. Raw values are the CLI/YAML spellings.
///
/// Arrays are 0-based: `betas[i]` is the paper's β_t with t = i + 1, for i in 0..<T.
///
/// ## The t/T trap in seed 000, and how it is settled
/// Seed 000 (appendix 8.2) writes its curves in t/T with t = 1 … T. Read literally, t/T never
/// reaches 0, so its linear curve would start at β_min + (β_max − β_min)/T instead of β_min,
/// which contradicts Ho et al. (β_1 = β_min, β_T = β_max: `np.linspace(β_min, β_max, T)`).
/// Every seed-000 curve is therefore read with t/T replaced by
/// ```
/// u_i = i / (T − 1),   i = t − 1 = 0 … T − 1
/// ```
/// which runs over [0, 1] exactly, so each curve takes its u = 0 value at the first step and its
/// u = 1 value at the last. For `linear`, `quadratic`, `exponential` and `log` that is
/// β_1 = β_min and β_T = β_max exactly. `log` has t and T outside a ratio, and is read with
/// t → i and T → T − 1, the same substitution. `cosine-beta` gets the same reading but is a
/// decreasing curve (see its case).
///
/// Curves that blend β_min and β_max use `(1 − w)·β_min + w·β_max`, which returns each
/// endpoint exactly at w = 0 and w = 1, where `β_min + w·(β_max − β_min)` can miss by an ulp.
///
/// ### References
/// 1. Ho et al., Denoising Diffusion Probabilistic Models, §4. <https://arxiv.org/abs/2006.11239>
/// 2. Nichol & Dhariwal, Improved Denoising Diffusion Probabilistic Models, §3.2, eq. 17. <https://arxiv.org/abs/2102.09672>
/// 3. Ridene & Bouhadida, "Denoising Diffusion Probabilistic Model and Image Inpainting" (seed 000),
///    appendix 8.2 "Scheduler formulas".
public enum BetaSchedule: String, CaseIterable, Codable, Sendable {
    /// Ho et al.'s linear schedule, `np.linspace(β_min, β_max, T)`:
    /// ```
    /// β_t = β_min + (β_max − β_min) · u,   u = (t − 1)/(T − 1)
    /// ```
    /// Seed 000 writes t/T for u; see the type's discussion for why we read it as linspace.
    case linear

    /// Nichol & Dhariwal's cosine schedule, defined through ᾱ (seed 001, eq. 5; ref. 2, eq. 17):
    /// ```
    /// f(t) = cos²( (t/T + s)/(1 + s) · π/2 ),   ᾱ_t = f(t)/f(0),   t = 0 … T
    /// β_t  = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999)
    /// ```
    /// t/T is right here: ᾱ is defined on t = 0 … T and ᾱ_0 = 1. The clip at 0.999 stops the
    /// last step (where f(T) = 0 and β_T would be 1) from being singular. Reads only T and s.
    case cosine

    /// Seed 000's quadratic schedule, quadratic in t (not in √β; compare `scaled-linear`):
    /// ```
    /// β_t = β_min + (β_max − β_min) · u²,   u = (t − 1)/(T − 1)
    /// ```
    case quadratic

    /// Linear in √β, then squared (diffusers' `scaled_linear`, the Stable Diffusion schedule):
    /// ```
    /// β_t = ( √β_min + (√β_max − √β_min) · u )²,   u = (t − 1)/(T − 1)
    /// ```
    /// A different curve from `quadratic`: it starts with slope 2√β_min(√β_max − √β_min), not 0.
    case scaledLinear = "scaled-linear"

    /// Seed 000's exponential schedule, a geometric progression (`np.geomspace`):
    /// ```
    /// β_t = β_min · (β_max/β_min)^u = β_min^(1−u) · β_max^u,   u = (t − 1)/(T − 1)
    /// ```
    case exponential

    /// Seed 000's logarithmic schedule, with the scaling constant c = `logScale`:
    /// ```
    /// β_t = β_min + (β_max − β_min) · log(1 + c·i) / log(1 + c·(T − 1)),   i = t − 1
    /// ```
    /// The seed writes log(1 + c·t)/log(1 + c·T); t → i, T → T − 1 is the endpoint reading.
    case log

    /// The sigmoid schedule of GeoDiff, as implemented by diffusers' `DDPMScheduler(beta_schedule: "sigmoid")`:
    /// ```
    /// β_t = β_min + (β_max − β_min) · σ(x_t),   x_t = −6 + 12 · (t − 1)/(T − 1),   σ(x) = 1/(1 + e^−x)
    /// ```
    /// Seed 004 plots a sigmoid schedule but gives no formula; this is the common one that takes
    /// β_min and β_max. It is kept exactly as published, so it does not reach the endpoints:
    /// β_1 = β_min + σ(−6)·(β_max − β_min) ≈ β_min + 0.0025·(β_max − β_min), and symmetrically at β_T.
    /// Xu et al., GeoDiff, <https://arxiv.org/abs/2203.02923>.
    case sigmoid

    /// Seed 000's "cosine" schedule, a curve in β-space unlike Nichol & Dhariwal's `cosine`:
    /// ```
    /// β_t = β_min + (β_max − β_min) · ( cos(u + s)/cos(s) )²,   u = (t − 1)/(T − 1)
    /// ```
    /// NOTE: taken as printed, the argument is in radians without a π/2, so this curve
    /// *decreases*: β_1 = β_max exactly, and β_T = β_min + (β_max − β_min)·cos²(1 + s)/cos²(s)
    /// ≈ β_min + 0.285·(β_max − β_min). It never reaches β_min. We implement the formula as
    /// printed rather than invent the curve the authors may have meant.
    case cosineBeta = "cosine-beta"
}

extension BetaSchedule {
    /// Nichol & Dhariwal clip cosine betas here (ref. 2, §3.2: "to prevent singularities at the end
    /// of the diffusion process near t = T").
    public static let maxCosineBeta = 0.999

    /// GeoDiff's sigmoid runs over x ∈ [−6, 6]; σ(±6) is within 0.25% of 0 and 1.
    static let sigmoidHalfWidth = 6.0

    /// Returns β_1 … β_T for `parameters`, after validating them.
    ///
    /// - Parameter parameters: T, β_min, β_max, c and s. Every field is validated, used or not.
    /// - Returns: T betas; `betas[i]` is β_t for t = i + 1.
    /// - Throws: `ScheduleError` naming the first invalid parameter.
    public func betas(_ parameters: ScheduleParameters) throws -> [Double] {
        try parameters.validate()
        let p = parameters
        let T = p.timesteps
        // u_i = i/(T − 1) is exactly 0 at i = 0 and exactly 1 at i = T − 1.
        let u = (0..<T).map { Double($0) / Double(T - 1) }
        switch self {
        case .linear:
            return u.map { blend(p.betaMin, p.betaMax, weight: $0) }
        case .cosine:
            return cosineBetas(timesteps: T, offset: p.cosineOffset)
        case .quadratic:
            return u.map { blend(p.betaMin, p.betaMax, weight: $0 * $0) }
        case .scaledLinear:
            return u.map {
                let root = blend(p.betaMin.squareRoot(), p.betaMax.squareRoot(), weight: $0)
                return root * root
            }
        case .exponential:
            // β_min^(1−u) · β_max^u returns each endpoint exactly (x^0 = 1, x^1 = x).
            return u.map { Foundation.pow(p.betaMin, 1 - $0) * Foundation.pow(p.betaMax, $0) }
        case .log:
            // log1p keeps the digits of log(1 + c·i) when c·i ≪ 1, i.e. for a small logScale.
            let c = p.logScale
            let denominator = Foundation.log1p(c * Double(T - 1))
            return (0..<T).map { blend(p.betaMin, p.betaMax, weight: Foundation.log1p(c * Double($0)) / denominator) }
        case .sigmoid:
            let w = Self.sigmoidHalfWidth
            return u.map {
                let x = blend(-w, w, weight: $0)
                return blend(p.betaMin, p.betaMax, weight: 1 / (1 + Foundation.exp(-x)))
            }
        case .cosineBeta:
            let s = p.cosineOffset
            return u.map {
                let ratio = Foundation.cos($0 + s) / Foundation.cos(s)
                return blend(p.betaMin, p.betaMax, weight: ratio * ratio)
            }
        }
    }
}

/// (1 − w)·a + w·b: exactly a at w = 0 and exactly b at w = 1.
private func blend(_ a: Double, _ b: Double, weight w: Double) -> Double {
    (1 - w) * a + w * b
}

/// Nichol & Dhariwal's cosine betas (ref. 2, eq. 17), in the seed-001 form ᾱ_t = f(t)/f(0).
///
/// Floating-point hazard: 1 − ᾱ_t/ᾱ_{t−1} cancels when β_t is small, losing about 5e-12 of
/// relative accuracy at t = 1 for T = 1000. We keep the published form anyway: the same
/// operations in the same order round the same way, so our betas can be compared with the
/// reference implementations (improved-diffusion, lucidrains) bit for bit, not just to 11 digits.
private func cosineBetas(timesteps T: Int, offset s: Double) -> [Double] {
    func f(_ t: Int) -> Double {
        let c = Foundation.cos((Double(t) / Double(T) + s) / (1 + s) * Double.pi / 2)
        return c * c
    }
    let f0 = f(0)
    let alphaBar = (0...T).map { f($0) / f0 }
    return (1...T).map { t in min(1 - alphaBar[t] / alphaBar[t - 1], BetaSchedule.maxCosineBeta) }
}

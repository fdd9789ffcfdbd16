// Precomputed Double tables of the forward process q(x_t | x_0) and of the posterior
// q(x_{t−1} | x_t, x_0), built once from the betas. No tensors here; samplers read these.
//
// Notation (paper symbol → Swift name), Ho et al. 2020, eqs. (4), (6), (7):
//   t ∈ 1 … T               → index i = t − 1 ∈ 0..<T; every array has T entries
//   β_t                     → betas[i]
//   α_t = 1 − β_t           → alphas[i]
//   ᾱ_t = Π_{s ≤ t} α_s     → alphaBar[i]
//   ᾱ_{t−1}  (ᾱ_0 = 1)      → alphaBarPrev[i]            alphaBarPrev[0] = 1
//   √ᾱ_t                    → sqrtAlphaBar[i]            q(x_t | x_0) mean coefficient
//   √(1 − ᾱ_t)              → sqrtOneMinusAlphaBar[i]    q(x_t | x_0) standard deviation
//   1/√ᾱ_t                  → sqrtRecipAlphaBar[i]       x_0 from ε (eq. 4 solved for x_0):
//   √(1/ᾱ_t − 1)            → sqrtRecipAlphaBarMinusOne[i]   x_0 = sqrtRecipAlphaBar·x_t − sqrtRecipAlphaBarMinusOne·ε
//   β̃_t                     → betaTilde[i]               posterior variance
//   log β̃_t, clipped        → posteriorLogVarianceClipped[i]
//   μ̃_t = c1·x_0 + c2·x_t   → posteriorMeanCoef1[i] (c1), posteriorMeanCoef2[i] (c2)

import Foundation

/// The forward-process and posterior tables for one beta schedule, all in `Double`.
///
/// ```
/// ᾱ_t       = Π_{s=1}^{t} (1 − β_s)                                  (Ho et al., eq. 4)
/// β̃_t       = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t                        (eq. 7)
/// μ̃_t(x_t, x_0) = √ᾱ_{t−1} β_t / (1 − ᾱ_t) · x_0
///               + √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · x_t              (eq. 7)
/// ```
/// Index i holds the paper's t = i + 1 (see the notation block at the top of this file).
///
/// ### References
/// 1. Ho et al., Denoising Diffusion Probabilistic Models, §2, eqs. 4–7. <https://arxiv.org/abs/2006.11239>
/// 2. "Denoising Diffusion Probabilistic Models (DDPMs)", presentation (seed 004): derivation of β̃_t and μ̃_t.
public struct NoiseTables: Sendable {
    /// The schedule the betas came from, or nil when built from raw betas; used in messages.
    public let schedule: BetaSchedule?

    // MARK: - q(x_t | x_{t−1}) and q(x_t | x_0)
    public let betas: [Double]
    public let alphas: [Double]
    public let alphaBar: [Double]
    public let alphaBarPrev: [Double]
    public let sqrtAlphaBar: [Double]
    public let sqrtOneMinusAlphaBar: [Double]
    public let sqrtRecipAlphaBar: [Double]
    public let sqrtRecipAlphaBarMinusOne: [Double]

    // MARK: - Posterior q(x_{t−1} | x_t, x_0)
    public let betaTilde: [Double]
    /// log β̃_t with the t = 1 entry replaced by log β̃_2.
    ///
    /// β̃_1 = 0 because ᾱ_0 = 1 (x_0 is known exactly given x_1 and x_0), so log β̃_1 = −∞.
    /// Ho et al.'s code (`np.append(posterior_variance[1], posterior_variance[1:])`) and
    /// lucidrains clip it to log β̃_2 so that learned-variance interpolation and KL terms stay
    /// finite; the sampler adds no noise at t = 1, so the replaced value is never used as a variance.
    public let posteriorLogVarianceClipped: [Double]
    public let posteriorMeanCoef1: [Double]
    public let posteriorMeanCoef2: [Double]

    /// T, the number of diffusion steps.
    public var timesteps: Int { betas.count }

    /// True when ᾱ_T = 0 (β_T = 1): x_T is pure noise, as `--rescale-zero-terminal-snr` makes it.
    public var hasZeroTerminalSNR: Bool { alphaBar[timesteps - 1] == 0 }

    /// Builds the tables from raw betas, e.g. respaced ones.
    ///
    /// - Parameters:
    ///   - betas: β_1 … β_T, T ≥ 2, each finite and in (0, 1); β_T may also be exactly 1, which
    ///     makes ᾱ_T = 0 (zero terminal SNR, see `rescaledToZeroTerminalSNR`). Then
    ///     `sqrtRecipAlphaBar` and `sqrtRecipAlphaBarMinusOne` are infinite at t = T, and x̂_0 at
    ///     that step comes from `ReverseStep.predictX0`'s zero-SNR rule instead.
    ///   - schedule: where the betas came from, for messages only.
    /// - Throws: `ScheduleError` naming the first bad beta, or ᾱ_T when it underflows.
    public init(betas: [Double], schedule: BetaSchedule? = nil) throws {
        let origin = schedule.map { " of schedule \($0.rawValue)" } ?? ""
        guard betas.count >= 2 else {
            throw ScheduleError(
                parameter: "timesteps", value: "\(betas.count)",
                requirement: "must be at least 2 (the clipped posterior log-variance at t = 1 borrows betaTilde at t = 2)")
        }
        for (i, beta) in betas.enumerated() where !(beta > 0 && beta < 1) {   // also rejects NaN
            if i == betas.count - 1 && beta == 1 { continue }   // zero terminal SNR
            throw ScheduleError(
                parameter: "betas[\(i)] (t = \(i + 1))\(origin)", value: "\(beta)",
                requirement: "must be in (0, 1) (only the last may be exactly 1: zero terminal SNR)")
        }

        // 1. Forward process (eq. 4). A running product, in the same order as np.cumprod.
        let alphas = betas.map { 1 - $0 }
        var alphaBar = [Double](repeating: 0, count: betas.count)
        var product = 1.0
        for i in alphas.indices {
            product *= alphas[i]
            alphaBar[i] = product
        }
        let T = betas.count
        guard (1 / alphaBar[T - 1]).isFinite || betas[T - 1] == 1 else {
            throw ScheduleError(
                parameter: "alphaBar[\(T - 1)] (t = T = \(T))\(origin)", value: "\(alphaBar[T - 1])",
                requirement: "underflows, so 1/sqrt(alphaBar) is infinite; use fewer timesteps or a smaller betaMax")
        }
        let alphaBarPrev = [1.0] + alphaBar.dropLast()

        // 2. Posterior (eq. 7), in Ho et al.'s operation order.
        let betaTilde = (0..<T).map { betas[$0] * (1 - alphaBarPrev[$0]) / (1 - alphaBar[$0]) }

        self.schedule = schedule
        self.betas = betas
        self.alphas = alphas
        self.alphaBar = alphaBar
        self.alphaBarPrev = alphaBarPrev
        self.sqrtAlphaBar = alphaBar.map { $0.squareRoot() }
        self.sqrtOneMinusAlphaBar = alphaBar.map { (1 - $0).squareRoot() }
        self.sqrtRecipAlphaBar = alphaBar.map { (1 / $0).squareRoot() }
        self.sqrtRecipAlphaBarMinusOne = alphaBar.map { (1 / $0 - 1).squareRoot() }
        self.betaTilde = betaTilde
        self.posteriorLogVarianceClipped = ([betaTilde[1]] + betaTilde.dropFirst()).map { Foundation.log($0) }
        self.posteriorMeanCoef1 = (0..<T).map { betas[$0] * alphaBarPrev[$0].squareRoot() / (1 - alphaBar[$0]) }
        self.posteriorMeanCoef2 = (0..<T).map { (1 - alphaBarPrev[$0]) * alphas[$0].squareRoot() / (1 - alphaBar[$0]) }
    }

    /// Builds the tables for `schedule` with `parameters`.
    ///
    /// - Throws: `ScheduleError` naming the first invalid parameter or resulting beta.
    public init(schedule: BetaSchedule, parameters: ScheduleParameters = ScheduleParameters()) throws {
        try self.init(betas: schedule.betas(parameters), schedule: schedule)
    }
}

// MARK: - Terminal signal

extension NoiseTables {
    /// The largest √ᾱ_T we accept before warning that x_T still carries x_0.
    ///
    /// x_T = √ᾱ_T · x_0 + √(1 − ᾱ_T) · ε, and sampling starts from pure N(0, I), so √ᾱ_T is the
    /// fraction of the image the sampler must pretend is not there. Reference points:
    /// Ho et al.'s linear schedule (T = 1000) has 0.0064 and cosine about 5e-5; Stable
    /// Diffusion's scaled-linear (0.00085 … 0.012) has 0.068, which Lin et al. 2023 show leaks
    /// enough low-frequency signal (mean brightness) to bias samples. 0.05 sits below the
    /// flawed case and almost an order of magnitude above Ho et al.'s.
    /// Lin et al., <https://arxiv.org/abs/2305.08891>, §3.1.
    public static let terminalSignalThreshold = 0.05

    /// A one-line warning when √ᾱ_T > `terminalSignalThreshold`, i.e. when x_T is not close to
    /// N(0, I); nil otherwise. With the default β_min, β_max this fires for `linear` when
    /// T ≤ 592 and for `exponential` even at T = 1000 (√ᾱ_T = 0.15).
    public var terminalSignalWarning: String? {
        let residual = sqrtAlphaBar[timesteps - 1]
        guard residual > Self.terminalSignalThreshold else { return nil }
        let origin = schedule.map { "schedule \($0.rawValue)" } ?? "these betas"
        let shown = String(format: "%.3g", residual)
        return "warning: \(origin) with T = \(timesteps) leaves sqrt(alphaBar_T) = \(shown) > "
            + "\(Self.terminalSignalThreshold) of x_0 in x_T, so x_T is not close to N(0, I); "
            + "increase timesteps or betaMax"
    }
}

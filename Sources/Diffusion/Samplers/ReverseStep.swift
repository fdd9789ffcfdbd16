import Foundation
import TensorCore

// One step of the reverse process, given x_t and the predicted noise ε̂ = ε_θ(x_t, t).
//
// Notation (paper → Swift): ᾱ_t → alphaBar, ᾱ_{t−1} or ᾱ of the next visited step → alphaBarPrev,
// x̂_0 → x0, ε̂ → eps, z → noise (nil at the last step: no noise added at t = 1).

public enum ReverseStep {
    /// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t   (eq. 4 solved for x_0), optionally clipped to [-1, 1].
    ///
    /// At ᾱ_t = 0 (zero terminal SNR, t = T) x_t is pure noise and ε̂ carries no information about
    /// x_0 (the formula is 0/0), so x̂_0 = 0: the step then draws x_{t−1} around 0 with the posterior
    /// variance, as the forward process does when x_0 is unknown (see `rescaledToZeroTerminalSNR`).
    public static func predictX0(xt: Tensor, eps: Tensor, alphaBar: Double, clip: Bool) -> Tensor {
        if alphaBar == 0 { return xt * 0 }
        let x0 = xt * Float(1 / alphaBar.squareRoot()) - eps * Float(((1 - alphaBar) / alphaBar).squareRoot())
        return clip ? x0.clamped(to: -1...1) : x0
    }

    /// Ancestral step (Ho et al. Algorithm 2 in posterior form, eqs. 6–7):
    /// ```
    /// x_{t−1} = μ̃_t(x_t, x̂_0) + σ_t z,   μ̃_t = c1·x̂_0 + c2·x_t,   σ_t² = β_t or β̃_t
    /// ```
    /// Without clipping this equals Algorithm 2's 1/√α_t (x_t − β_t/√(1 − ᾱ_t) ε̂) + σ_t z;
    /// the posterior form lets x̂_0 be clipped first.
    /// - Parameter index: the 0-based step index into `tables` (possibly respaced tables).
    public static func ddpm(xt: Tensor, eps: Tensor, index i: Int, tables: NoiseTables, variance: VarianceKind,
                            clip: Bool, noise: Tensor?) -> StepResult {
        let x0 = predictX0(xt: xt, eps: eps, alphaBar: tables.alphaBar[i], clip: clip)
        let mean = x0 * Float(tables.posteriorMeanCoef1[i]) + xt * Float(tables.posteriorMeanCoef2[i])
        guard let noise, i > 0 else { return StepResult(previous: mean, predictedX0: x0) }
        let sigma = (variance == .beta ? tables.betas[i] : tables.betaTilde[i]).squareRoot()
        return StepResult(previous: mean + noise * Float(sigma), predictedX0: x0)
    }

    /// DDIM step from ᾱ_t to ᾱ_prev (Song et al. 2021, eq. 12 with eq. 16's σ):
    /// ```
    /// σ = η · √((1 − ᾱ_prev)/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev)
    /// x_prev = √ᾱ_prev · x̂_0 + √(1 − ᾱ_prev − σ²) · ε̂ + σ z
    /// ```
    /// When x̂_0 is clipped, ε̂ is recomputed from it (diffusers' use_clipped_model_output) so the
    /// pair stays consistent with x_t; with that, η = 1 over all T steps is exactly the ancestral
    /// step with σ² = β̃_t.
    public static func ddim(xt: Tensor, eps: Tensor, alphaBar: Double, alphaBarPrev: Double, eta: Double,
                            clip: Bool, noise: Tensor?) -> StepResult {
        let x0 = predictX0(xt: xt, eps: eps, alphaBar: alphaBar, clip: clip)
        let e = clip ? (xt - x0 * Float(alphaBar.squareRoot())) * Float(1 / (1 - alphaBar).squareRoot()) : eps
        let sigma = eta * ((1 - alphaBarPrev) / (1 - alphaBar)).squareRoot() * (1 - alphaBar / alphaBarPrev).squareRoot()
        let direction = max(0, 1 - alphaBarPrev - sigma * sigma).squareRoot()
        var previous = x0 * Float(alphaBarPrev.squareRoot()) + e * Float(direction)
        if let noise, sigma > 0 { previous = previous + noise * Float(sigma) }
        return StepResult(previous: previous, predictedX0: x0)
    }
}

// Lin et al. 2023's rescaling of a beta schedule to zero terminal SNR (Algorithm 1).

/// Rescales β_1 … β_T so that ᾱ_T = 0 (zero signal-to-noise ratio at t = T), keeping ᾱ_1:
/// ```
/// s_t  = √ᾱ_t                                   (ᾱ_t = Π_{u ≤ t} (1 − β_u))
/// s'_t = (s_t − s_T) · s_1 / (s_1 − s_T)       shift so s'_T = 0, scale so s'_1 = s_1
/// ᾱ'_t = s'_t²,   β'_1 = 1 − ᾱ'_1,   β'_t = 1 − ᾱ'_t / ᾱ'_{t−1}   (so β'_T = 1 exactly)
/// ```
/// Every schedule leaves some signal in x_T (√ᾱ_T = 0.0064 for Ho et al.'s linear one); sampling
/// starts from pure noise, so training and sampling disagree at t = T. After rescaling they agree.
///
/// Consequence for an ε-predicting model (ddpm's only kind): at t = T the input is pure noise, so
/// the model learns ε̂ = x_T and x_0 cannot be recovered from it (x̂_0 = (x_T − ε̂)/√ᾱ_T is 0/0).
/// The samplers then take x̂_0 = 0 at that step (`ReverseStep.predictX0`): the step to T − 1
/// draws x_{T−1} from N(0, 1 − ᾱ_{T−1}), which is what the forward process gives with x_0 unknown.
/// Lin et al. pair the rescaling with v-prediction, which ddpm does not have.
///
/// Reference: Lin et al., "Common Diffusion Noise Schedules and Sample Steps are Flawed",
/// WACV 2024, Algorithm 1. <https://arxiv.org/abs/2305.08891>
public func rescaledToZeroTerminalSNR(_ betas: [Double]) throws -> [Double] {
    guard betas.count >= 2 else {
        throw ScheduleError(parameter: "timesteps", value: "\(betas.count)",
                            requirement: "must be at least 2 to rescale to zero terminal SNR")
    }
    var product = 1.0
    let root = betas.map { beta -> Double in
        product *= 1 - beta
        return product.squareRoot()
    }
    let (first, last) = (root[0], root[root.count - 1])
    guard first > last else {
        throw ScheduleError(parameter: "rescaleZeroTerminalSnr", value: "true",
                            requirement: "needs alphaBar to decrease from t = 1 to t = T (it is constant)")
    }
    let rescaled = root.map { ($0 - last) * first / (first - last) }
    let alphaBar = rescaled.map { $0 * $0 }
    return alphaBar.indices.map { i in i == 0 ? 1 - alphaBar[0] : 1 - alphaBar[i] / alphaBar[i - 1] }
}

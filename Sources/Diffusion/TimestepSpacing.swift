// Which of the T training timesteps a sampler with fewer steps visits. Index lists only; the
// betas for such a subsequence come from Respacing.swift.

/// How `steps` sampling steps are spread over T training timesteps. Raw values are the CLI/YAML spellings.
///
/// Indices are 0-based like the noise tables: index i is the paper's t = i + 1, so T − 1 is the
/// last (noisiest) step. Lists are descending, in the order a sampler visits them.
/// The definitions follow Lin et al. 2023, Table 2, with diffusers' `steps_offset` = 0.
/// ```
/// T = 1000, steps = 10
///   linspace  [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]
///   leading   [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]
///   trailing  [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]
/// T = 10, steps = 5
///   linspace  [9, 7, 4, 2, 0]     round(linspace(0, 9, 5)) = round([0, 2.25, 4.5, 6.75, 9]); 4.5 → 4
///   leading   [8, 6, 4, 2, 0]
///   trailing  [9, 7, 5, 3, 1]
/// ```
/// Only `trailing` always starts at the last step T − 1, where x_T ~ N(0, I) is the right start;
/// `leading` never visits it unless steps = T, which is Lin et al.'s point.
///
/// ### References
/// 1. Lin et al., Common Diffusion Noise Schedules and Sample Steps are Flawed, §3.3, Table 2. <https://arxiv.org/abs/2305.08891>
/// 2. Song et al., Denoising Diffusion Implicit Models, §4.2 and appendix D.2. <https://arxiv.org/abs/2010.02502>
public enum TimestepSpacing: String, CaseIterable, Codable, Sendable {
    /// `round(linspace(0, T − 1, steps))`, reversed. Visits both 0 and T − 1 (for steps ≥ 2).
    case linspace
    /// `⌊T / steps⌋ · k` for k = 0 … steps − 1, reversed: evenly spaced from 0 upwards.
    case leading
    /// `round(T − k · T/steps) − 1` for k = 0 … steps − 1: evenly spaced from T − 1 downwards.
    case trailing
}

extension TimestepSpacing {
    /// The descending 0-based timestep indices visited by a sampler with `steps` steps out of `timesteps`.
    ///
    /// - Parameters:
    ///   - steps: the number of sampling steps, 1 ≤ steps ≤ T.
    ///   - timesteps: T, the number of training timesteps.
    /// - Returns: `steps` distinct indices in 0..<T, in descending order. With steps = T every
    ///   spacing returns [T − 1, …, 0]. With steps = 1, `linspace` and `leading` return [0]
    ///   (numpy's `linspace(0, T − 1, 1)` is [0]) and `trailing` returns [T − 1].
    /// - Throws: `ScheduleError` naming `steps` when it is outside 1 … T.
    public func visitedIndices(steps: Int, of timesteps: Int) throws -> [Int] {
        guard steps >= 1, steps <= timesteps else {
            throw ScheduleError(
                parameter: "steps", value: "\(steps)",
                requirement: "must be in 1...\(timesteps) (the number of training timesteps T)")
        }
        let T = timesteps
        switch self {
        case .linspace:
            guard steps > 1 else { return [0] }
            // numpy's linspace, step by step: k · step, with the last point pinned to T − 1.
            // Rounding is half to even like np.round; Swift's default .rounded() would send
            // 4.5 to 5, not 4.
            let step = Double(T - 1) / Double(steps - 1)
            let ascending = (0..<steps).map { k in
                k == steps - 1 ? T - 1 : Int((Double(k) * step).rounded(.toNearestOrEven))
            }
            return ascending.reversed()
        case .leading:
            let ratio = T / steps
            return (0..<steps).map { k in (steps - 1 - k) * ratio }
        case .trailing:
            // T·(steps − k)/steps in one rounding, so exact halves stay exact and go to even.
            // diffusers accumulates T − k·(T/steps) with np.arange, which for some (T, steps),
            // e.g. (17, 7), yields steps + 1 entries ending in −1; it agrees with this for
            // T = 1000 and steps in {10, 20, 25, 50, 100, 200, 250, 500, 1000}.
            return (0..<steps).map { k in
                Int((Double(T) * Double(steps - k) / Double(steps)).rounded(.toNearestOrEven)) - 1
            }
        }
    }
}

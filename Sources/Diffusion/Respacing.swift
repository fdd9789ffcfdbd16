// Betas for ancestral (DDPM) sampling on a subsequence of the training timesteps, so that the
// shorter chain has the same ᾱ at every visited step as the full one.

/// A shorter diffusion process whose step k stands for training index `indices[k]`.
///
/// `try NoiseTables(betas: respaced.betas)` gives the tables a sampler uses on the subsequence;
/// the network is still called with the original index `indices[k]`.
public struct RespacedSchedule: Equatable, Sendable {
    /// The visited training indices τ_0 < τ_1 < … (0-based, ascending).
    public let indices: [Int]
    /// β'_k for k = 0 …, aligned with `indices`.
    public let betas: [Double]
}

extension NoiseTables {
    /// Respaces this schedule onto the visited indices τ (Nichol & Dhariwal 2021, §4):
    /// ```
    /// β'_k = 1 − ᾱ[τ_k] / ᾱ[τ_{k−1}],   with ᾱ[τ_{−1}] = 1, i.e. β'_0 = 1 − ᾱ[τ_0]
    /// ```
    /// so that Π_{j ≤ k} (1 − β'_j) = ᾱ[τ_k]: the subsequence reaches the same noise level at
    /// every visited step. When τ is every index, β' = β up to rounding.
    /// ```
    /// T = 10, visited [9, 7, 5, 3, 1] → indices [1, 3, 5, 7, 9],
    ///   betas [1 − ᾱ[1], 1 − ᾱ[3]/ᾱ[1], 1 − ᾱ[5]/ᾱ[3], 1 − ᾱ[7]/ᾱ[5], 1 − ᾱ[9]/ᾱ[7]]
    /// ```
    ///
    /// - Parameter visited: distinct indices in 0..<T in any order, e.g. the descending output
    ///   of `TimestepSpacing.visitedIndices(steps:of:)`.
    /// - Returns: the indices in ascending order and their betas.
    /// - Throws: `ScheduleError` naming `visited` when it is empty, repeats an index or leaves 0..<T.
    ///
    /// ### References
    /// 1. Nichol & Dhariwal, Improved DDPM, §4 "Improving Sampling Speed". <https://arxiv.org/abs/2102.09672>
    public func respaced(visiting visited: [Int]) throws -> RespacedSchedule {
        let indices = visited.sorted()
        guard let first = indices.first, let last = indices.last, first >= 0, last < timesteps else {
            throw ScheduleError(
                parameter: "visited", value: "\(visited)",
                requirement: "must be a non-empty list of indices in 0..<\(timesteps)")
        }
        for k in indices.indices.dropFirst() where indices[k] == indices[k - 1] {
            throw ScheduleError(
                parameter: "visited", value: "\(visited)", requirement: "repeats index \(indices[k])")
        }
        var betas: [Double] = []
        betas.reserveCapacity(indices.count)
        var previousAlphaBar = 1.0
        for i in indices {
            betas.append(1 - alphaBar[i] / previousAlphaBar)
            previousAlphaBar = alphaBar[i]
        }
        return RespacedSchedule(indices: indices, betas: betas)
    }
}

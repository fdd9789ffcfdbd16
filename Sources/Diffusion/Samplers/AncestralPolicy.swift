import TensorCore

/// Ancestral sampling (Ho et al. Algorithm 2), optionally on a respaced subsequence of timesteps
/// (Nichol & Dhariwal §4): step j visits original index `visited[j]` and moves x to the next
/// visited index; the last step adds no noise.
public struct AncestralPolicy: SamplingPolicy {
    public let tables: NoiseTables
    public let variance: VarianceKind
    public let clipDenoised: Bool
    /// Original 0-based timestep indices visited, descending, e.g. T = 10, 5 steps, linspace →
    /// [9, 7, 4, 2, 0].
    public let visited: [Int]
    /// Tables over the visited subsequence (index k ↔ visited ascending[k]) when respaced; else `tables`.
    private let stepTables: NoiseTables
    private let isRespaced: Bool

    public init(tables: NoiseTables, visited: [Int], variance: VarianceKind, clipDenoised: Bool) throws {
        self.tables = tables
        self.visited = visited
        self.variance = variance
        self.clipDenoised = clipDenoised
        if visited.count < tables.timesteps {
            stepTables = try NoiseTables(betas: try tables.respaced(visiting: visited).betas)
            isRespaced = true
        } else {
            stepTables = tables
            isRespaced = false
        }
    }

    public var stepCount: Int { visited.count }

    public func timestep(after j: Int) -> Int { j + 1 < visited.count ? visited[j + 1] : -1 }

    public func step(_ j: Int, x: Tensor, batch: inout SamplingBatch, model: NoisePredictor) -> StepResult {
        let t = visited[j]
        let eps = model(x, batch.timesteps(t), batch.images)
        let isLast = j == visited.count - 1
        let z = isLast ? nil : batch.standardNormal()
        return reverseStep(j, xt: x, eps: eps, noise: z)
    }

    /// The step's mathematics on given ε̂ and z (no model, no random draws).
    public func reverseStep(_ j: Int, xt: Tensor, eps: Tensor, noise: Tensor?) -> StepResult {
        // In respaced tables, step j of visited (descending) is index count − 1 − j.
        let k = isRespaced ? visited.count - 1 - j : visited[j]
        return ReverseStep.ddpm(xt: xt, eps: eps, index: k, tables: stepTables, variance: variance,
                                clip: clipDenoised, noise: noise)
    }
}

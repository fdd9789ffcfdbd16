import TensorCore

/// DDIM (Song et al. 2021): step j moves x from ᾱ at `visited[j]` to ᾱ at `visited[j + 1]`
/// (ᾱ = 1 after the last step), deterministic at η = 0.
public struct DDIMPolicy: SamplingPolicy {
    public let tables: NoiseTables
    public let eta: Double
    public let clipDenoised: Bool
    /// Original 0-based timestep indices visited, descending.
    public let visited: [Int]

    public init(tables: NoiseTables, visited: [Int], eta: Double, clipDenoised: Bool) {
        self.tables = tables
        self.visited = visited
        self.eta = eta
        self.clipDenoised = clipDenoised
    }

    public var stepCount: Int { visited.count }

    public func timestep(after j: Int) -> Int { j + 1 < visited.count ? visited[j + 1] : -1 }

    public func step(_ j: Int, x: Tensor, batch: inout SamplingBatch, model: NoisePredictor) -> StepResult {
        let eps = model(x, batch.timesteps(visited[j]), batch.images)
        let isLast = j == visited.count - 1
        let z = !isLast && eta > 0 ? batch.standardNormal() : nil
        return reverseStep(j, xt: x, eps: eps, noise: z)
    }

    /// The step's mathematics on given ε̂ and z.
    public func reverseStep(_ j: Int, xt: Tensor, eps: Tensor, noise: Tensor?) -> StepResult {
        let previous = j + 1 < visited.count ? tables.alphaBar[visited[j + 1]] : 1
        return ReverseStep.ddim(xt: xt, eps: eps, alphaBar: tables.alphaBar[visited[j]], alphaBarPrev: previous, eta: eta,
                                clip: clipDenoised, noise: noise)
    }
}

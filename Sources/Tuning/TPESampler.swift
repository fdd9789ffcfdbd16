import Foundation
import TensorCore

/// The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate as in Optuna's default
/// `TPESampler`: after `startupTrials` random trials, the finished trials are split into the best
/// γ(n) = min(⌈0.1 n⌉, 25) ("below") and the rest ("above", pruned trials always there); each
/// parameter gets two Parzen estimators l(x) and g(x) over its unit interval, and the value of
/// largest l(x)/g(x) among 24 draws from l is taken.
public struct TPESampler: Sampler {
    public var startupTrials: Int
    static let candidates = 24
    static let priorWeight = 1.0

    public init(startupTrials: Int = 10) { self.startupTrials = max(1, startupTrials) }

    public func suggest(_ context: SamplingContext) throws -> [String: ParameterValue] {
        let history = context.history
        guard history.count >= startupTrials, context.complete.count >= 1 else { return try RandomSampler().suggest(context) }
        let ordered = history.filter { !$0.pruned }.sorted { $0.objective < $1.objective } + history.filter(\.pruned)
        let nBelow = min(Int((0.1 * Double(history.count)).rounded(.up)), 25, context.complete.count)
        let below = Array(ordered.prefix(nBelow)), above = Array(ordered.dropFirst(nBelow))
        var rng = context.generator
        var values: [String: ParameterValue] = [:]
        for p in context.space.parameters {
            if case let .categorical(choices) = p.domain {
                let l = Self.categorical(choices, below.map { $0.values[p.name]! }, weights: Self.weights(below.count, ramp: false))
                let g = Self.categorical(choices, above.map { $0.values[p.name]! }, weights: Self.weights(above.count, ramp: true))
                var best = 0, bestScore = -Double.infinity
                for _ in 0..<Self.candidates {
                    let k = Self.draw(l, &rng)
                    let score = log(l[k]) - log(g[k])
                    if score > bestScore { (best, bestScore) = (k, score) }
                }
                values[p.name] = .choice(choices[best])
            } else {
                let l = ParzenEstimator(below.map { p.unit($0.values[p.name]!)! }, weights: Self.weights(below.count, ramp: false))
                let g = ParzenEstimator(above.map { p.unit($0.values[p.name]!)! }, weights: Self.weights(above.count, ramp: true))
                var best = 0.5, bestScore = -Double.infinity
                for _ in 0..<Self.candidates {
                    let u = l.sample(&rng)
                    let score = l.logDensity(u) - g.logDensity(u)
                    if score > bestScore { (best, bestScore) = (u, score) }
                }
                values[p.name] = p.value(atUnit: best)
            }
        }
        return values
    }

    /// Observation weights: flat for "below"; for "above" (in the order finished trials were
    /// ranked) Optuna's ramp that down-weights all but the last 25.
    static func weights(_ n: Int, ramp: Bool) -> [Double] {
        guard ramp, n > 25 else { return [Double](repeating: 1, count: n) }
        let rising = n - 25
        return (0..<rising).map { 1 / Double(n) + (1 - 1 / Double(n)) * Double($0) / Double(max(1, rising - 1)) }
            + [Double](repeating: 1, count: 25)
    }

    /// Choice probabilities: the prior's weight spread evenly plus each observation's weight.
    static func categorical(_ choices: [String], _ observed: [ParameterValue], weights: [Double]) -> [Double] {
        var mass = [Double](repeating: priorWeight / Double(choices.count), count: choices.count)
        for (v, w) in zip(observed, weights) {
            if case let .choice(c) = v, let k = choices.firstIndex(of: c) { mass[k] += w }
        }
        let total = mass.reduce(0, +)
        return mass.map { $0 / total }
    }

    static func draw(_ probabilities: [Double], _ rng: inout RandomGenerator) -> Int {
        var u = rng.nextDouble()
        for (k, p) in probabilities.enumerated() {
            u -= p
            if u < 0 { return k }
        }
        return probabilities.count - 1
    }
}

/// A mixture of Gaussians truncated to [0, 1]: one per observation, with a bandwidth equal to the
/// larger distance to its neighbours (Bergstra et al. 2011), clipped to [1/min(100, n+1), 1]
/// (Optuna's "magic clip"), plus a prior component N(0.5, 1) of weight 1.
struct ParzenEstimator {
    let mus: [Double]
    let sigmas: [Double]
    let weights: [Double]

    init(_ observations: [Double], weights observationWeights: [Double]) {
        let order = observations.indices.sorted { observations[$0] < observations[$1] }
        let sorted = order.map { observations[$0] }
        let n = sorted.count
        var sigmas = [Double](repeating: 1, count: n)
        for (k, x) in sorted.enumerated() {
            let left = k > 0 ? x - sorted[k - 1] : x
            let right = k < n - 1 ? sorted[k + 1] - x : 1 - x
            sigmas[k] = max(left, right)
        }
        let minimum = 1 / Double(min(100, n + 1))
        sigmas = sigmas.map { min(1, max(minimum, $0)) }
        mus = sorted + [0.5]
        self.sigmas = sigmas + [1]
        let w = order.map { observationWeights[$0] } + [TPESampler.priorWeight]
        let total = w.reduce(0, +)
        weights = w.map { $0 / total }
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    func logDensity(_ x: Double) -> Double {
        var p = 0.0
        for k in mus.indices {
            let z = (x - mus[k]) / sigmas[k]
            let mass = Self.normalCDF((1 - mus[k]) / sigmas[k]) - Self.normalCDF(-mus[k] / sigmas[k])
            p += weights[k] * exp(-0.5 * z * z) / (sigmas[k] * (2 * Double.pi).squareRoot() * max(mass, 1e-300))
        }
        return log(max(p, 1e-300))
    }

    func sample(_ rng: inout RandomGenerator) -> Double {
        let k = TPESampler.draw(weights, &rng)
        for _ in 0..<100 {
            let x = mus[k] + sigmas[k] * rng.nextGaussian()
            if x >= 0 && x <= 1 { return x }
        }
        return min(1, max(0, mus[k]))
    }
}

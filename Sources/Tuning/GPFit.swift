import Foundation
import TensorCore

/// Type-II maximum likelihood for the GP's hyperparameters: maximizes the log marginal likelihood
///
///   log p(z | X, θ) = −½ zᵀK⁻¹z − ½ log|K| − n/2 log 2π
///
/// over θ = (log ℓ_1…ℓ_d, log σ_f², log σ_n²) with its analytic gradient
/// ∂/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j), α = K⁻¹z, by Adam steps projected onto a box, from a fixed
/// start and a few seeded random starts; the best point seen wins. Deterministic for a seed.
struct GPFit {
    let inputs: [[Double]]
    let targets: [Double]
    let standardized: [Double]

    /// The box, in log space: length scales 0.01…20 (a unit-cube input's span is 1), signal variance
    /// 0.05…20 and noise variance 1e-6…1 (on the standardized objective).
    static let logLengthScale = (log(0.01), log(20.0))
    static let logSignal = (log(0.05), log(20.0))
    static let logNoise = (log(1e-6), log(1.0))
    static let starts = 4
    static let iterations = 120

    init(inputs: [[Double]], targets: [Double]) {
        self.inputs = inputs
        self.targets = targets
        let n = Double(targets.count), m = targets.reduce(0, +) / n
        let sd = (targets.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        standardized = targets.map { ($0 - m) / (sd > 1e-12 ? sd : 1) }
    }

    var dimension: Int { inputs[0].count }

    func hyperparameters(_ theta: [Double]) -> GPHyperparameters {
        GPHyperparameters(lengthScales: theta[0..<dimension].map { exp($0) }, signalVariance: exp(theta[dimension]),
                          noiseVariance: exp(theta[dimension + 1]))
    }

    func clamp(_ theta: inout [Double]) {
        for i in 0..<dimension { theta[i] = min(Self.logLengthScale.1, max(Self.logLengthScale.0, theta[i])) }
        theta[dimension] = min(Self.logSignal.1, max(Self.logSignal.0, theta[dimension]))
        theta[dimension + 1] = min(Self.logNoise.1, max(Self.logNoise.0, theta[dimension + 1]))
    }

    /// Log marginal likelihood and its gradient with respect to θ; nil when K cannot be factored.
    func objective(_ theta: [Double]) -> (value: Double, gradient: [Double])? {
        let h = hyperparameters(theta)
        let n = inputs.count, d = dimension
        guard let chol = try? Cholesky(symmetric: GaussianProcess.covariance(inputs, h), n: n) else { return nil }
        let alpha = chol.solve(standardized)
        let value = -0.5 * zip(standardized, alpha).reduce(0) { $0 + $1.0 * $1.1 } - 0.5 * chol.logDeterminant
            - 0.5 * Double(n) * log(2 * Double.pi)
        let inverse = chol.inverse()
        var gradient = [Double](repeating: 0, count: d + 2)
        let root5 = 5.0.squareRoot()
        for a in 0..<n {
            // Diagonal: ∂K_aa/∂log σ_f² = σ_f², ∂K_aa/∂log σ_n² = σ_n²; length scales do not touch it.
            let wDiagonal = alpha[a] * alpha[a] - inverse[a * n + a]
            gradient[d] += 0.5 * wDiagonal * h.signalVariance
            gradient[d + 1] += 0.5 * wDiagonal * h.noiseVariance
            for b in 0..<a {
                let w = alpha[a] * alpha[b] - inverse[a * n + b]  // counted twice (a,b) and (b,a): ½·2 = 1
                var r2 = 0.0
                var scaled = [Double](repeating: 0, count: d)
                for i in 0..<d {
                    let t = (inputs[a][i] - inputs[b][i]) / h.lengthScales[i]
                    scaled[i] = t * t
                    r2 += scaled[i]
                }
                let r = r2.squareRoot(), e = exp(-root5 * r)
                let k = h.signalVariance * (1 + root5 * r + 5 * r2 / 3) * e
                gradient[d] += w * k
                // ∂k/∂log ℓ_i = (5/3) σ_f² (1 + √5 r) e^{−√5 r} (Δ_i/ℓ_i)²
                let common = 5.0 / 3.0 * h.signalVariance * (1 + root5 * r) * e
                for i in 0..<d { gradient[i] += w * common * scaled[i] }
            }
        }
        return (value, gradient)
    }

    func maximize(seed: UInt64) throws -> GPHyperparameters {
        let d = dimension
        var rng = RandomGenerator(seed: seed, stream: 0x6770_6669)  // "gpfi"
        var best: (value: Double, theta: [Double])?
        for start in 0..<Self.starts {
            var theta = [Double](repeating: log(0.5), count: d) + [0, log(1e-3)]
            if start > 0 {
                for i in 0..<d { theta[i] = log(0.05) + rng.nextDouble() * (log(2.0) - log(0.05)) }
                theta[d] = log(0.3) + rng.nextDouble() * (log(3.0) - log(0.3))
                theta[d + 1] = log(1e-5) + rng.nextDouble() * (log(1e-1) - log(1e-5))
            }
            if let found = ascend(from: theta), found.value > (best?.value ?? -.infinity) { best = found }
        }
        guard let best else { throw TuningError.numerical("the GP likelihood could not be evaluated at any starting point") }
        return hyperparameters(best.theta)
    }

    /// Projected Adam ascent; returns the best point visited.
    private func ascend(from start: [Double]) -> (value: Double, theta: [Double])? {
        var theta = start
        clamp(&theta)
        var m = [Double](repeating: 0, count: theta.count), v = m
        var best: (value: Double, theta: [Double])?
        let rate = 0.08, beta1 = 0.9, beta2 = 0.999
        for t in 1...Self.iterations {
            guard let (value, g) = objective(theta) else { break }
            if value > (best?.value ?? -.infinity) { best = (value, theta) }
            for i in theta.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let mh = m[i] / (1 - pow(beta1, Double(t))), vh = v[i] / (1 - pow(beta2, Double(t)))
                theta[i] += rate * mh / (vh.squareRoot() + 1e-8)
            }
            clamp(&theta)
        }
        return best
    }
}

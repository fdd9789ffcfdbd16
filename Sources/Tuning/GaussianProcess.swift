import Foundation

/// Kernel hyperparameters of the GP surrogate: one length scale per input coordinate (ARD), the
/// signal variance and the noise variance, all on the standardized objective.
public struct GPHyperparameters: Equatable, Sendable {
    public var lengthScales: [Double]
    public var signalVariance: Double
    public var noiseVariance: Double

    public init(lengthScales: [Double], signalVariance: Double, noiseVariance: Double) {
        self.lengthScales = lengthScales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
    }
}

/// Gaussian-process regression with a Matérn 5/2 ARD kernel (Snoek et al. 2012, the surrogate
/// seed 000 cites) on inputs in the unit cube:
///
///   k(x, x') = σ_f² (1 + √5 r + 5r²/3) exp(−√5 r),  r² = Σ_i ((x_i − x'_i)/ℓ_i)²
///
/// The objective is standardized (zero mean, unit variance) before fitting; predictions are
/// returned on the original scale. The variance is that of the latent function (no noise term).
public struct GaussianProcess {
    public let inputs: [[Double]]
    public let targets: [Double]
    public let hyperparameters: GPHyperparameters
    let mean: Double
    let scale: Double
    let cholesky: Cholesky
    /// K⁻¹ z, z the standardized targets.
    let alpha: [Double]

    /// A GP with the given hyperparameters (no fitting).
    public init(inputs: [[Double]], targets: [Double], hyperparameters: GPHyperparameters) throws {
        precondition(!inputs.isEmpty && inputs.count == targets.count, "GaussianProcess: \(inputs.count) inputs for \(targets.count) targets")
        precondition(inputs.allSatisfy { $0.count == hyperparameters.lengthScales.count }, "GaussianProcess: input width differs from the length scales")
        self.inputs = inputs
        self.targets = targets
        self.hyperparameters = hyperparameters
        let n = Double(targets.count)
        let m = targets.reduce(0, +) / n
        let sd = (targets.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        let s = sd > 1e-12 ? sd : 1
        let factor = try Cholesky(symmetric: Self.covariance(inputs, hyperparameters), n: inputs.count)
        mean = m
        scale = s
        cholesky = factor
        alpha = factor.solve(targets.map { ($0 - m) / s })
    }

    /// A GP whose hyperparameters maximize the log marginal likelihood (see `GPFit`).
    public static func fitted(inputs: [[Double]], targets: [Double], seed: UInt64 = 0) throws -> GaussianProcess {
        let h = try GPFit(inputs: inputs, targets: targets).maximize(seed: seed)
        return try GaussianProcess(inputs: inputs, targets: targets, hyperparameters: h)
    }

    /// Posterior mean and variance of f at `x`.
    public func predict(_ x: [Double]) -> (mean: Double, variance: Double) {
        let h = hyperparameters
        let k = inputs.map { Self.matern52(x, $0, h) }
        let mu = zip(k, alpha).reduce(0) { $0 + $1.0 * $1.1 }
        let v = cholesky.solveLower(k)
        let variance = max(1e-12 * h.signalVariance, h.signalVariance - v.reduce(0) { $0 + $1 * $1 })
        return (mean + scale * mu, scale * scale * variance)
    }

    /// Log marginal likelihood of the standardized targets under the hyperparameters.
    public var logMarginalLikelihood: Double {
        let z = targets.map { ($0 - mean) / scale }
        let fit = zip(z, alpha).reduce(0) { $0 + $1.0 * $1.1 }
        return -0.5 * fit - 0.5 * cholesky.logDeterminant - 0.5 * Double(z.count) * log(2 * Double.pi)
    }

    // MARK: - Kernel

    static func scaledDistanceSquared(_ a: [Double], _ b: [Double], _ lengthScales: [Double]) -> Double {
        var s = 0.0
        for i in a.indices {
            let d = (a[i] - b[i]) / lengthScales[i]
            s += d * d
        }
        return s
    }

    static func matern52(_ a: [Double], _ b: [Double], _ h: GPHyperparameters) -> Double {
        let r = scaledDistanceSquared(a, b, h.lengthScales).squareRoot()
        let s5r = 5.0.squareRoot() * r
        return h.signalVariance * (1 + s5r + 5 * r * r / 3) * exp(-s5r)
    }

    /// K(X, X) + σ_n² I, column-major (symmetric).
    static func covariance(_ x: [[Double]], _ h: GPHyperparameters) -> [Double] {
        let n = x.count
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            k[i * n + i] = h.signalVariance + h.noiseVariance
            for j in 0..<i {
                let v = matern52(x[i], x[j], h)
                k[i * n + j] = v
                k[j * n + i] = v
            }
        }
        return k
    }
}

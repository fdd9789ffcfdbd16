// The mean and covariance of a feature set: the Gaussian that the Fréchet distance compares.

import TensorCore

/// Mean μ and unbiased covariance Σ of `count` feature vectors, in Double.
///
/// ```
/// μ = (1/n) Σᵢ xᵢ        Σ = 1/(n − 1) · Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ     (numpy.cov, as pytorch-fid uses)
/// ```
public struct GaussianStatistics: Equatable, Sendable {
    public let count: Int
    public let dimension: Int
    public let mean: [Double]
    /// d×d, row-major, symmetric.
    public let covariance: [Double]

    public init(count: Int, mean: [Double], covariance: [Double]) {
        shapeCheck(covariance.count == mean.count * mean.count,
                     "GaussianStatistics: covariance of \(covariance.count) values for a mean of dimension \(mean.count)")
        self.count = count
        self.dimension = mean.count
        self.mean = mean
        self.covariance = covariance
    }

    /// The statistics of `features` (at least two rows: a covariance needs n − 1 ≥ 1).
    public init(_ features: FeatureMatrix) {
        let n = features.count, d = features.dimension
        shapeCheck(n >= 2, "GaussianStatistics: \(n) feature vector(s); a covariance needs at least 2")
        var x = features.doubles
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        // Centre first, then one product: Σ(x − μ)(x − μ)ᵀ, not Σxxᵀ − nμμᵀ, which cancels
        // catastrophically when |μ| is large against the spread.
        for i in 0..<n { for j in 0..<d { x[i * d + j] -= mean[j] } }
        let scale = 1 / Double(n - 1)
        self.init(count: n, mean: mean, covariance: DenseLinearAlgebra.gram(x, rows: n, columns: d).map { $0 * scale })
    }

    public var trace: Double { (0..<dimension).reduce(0) { $0 + covariance[$1 * dimension + $1] } }
}

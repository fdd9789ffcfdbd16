// Kernel Inception Distance: an unbiased MMD² estimate with a cubic polynomial kernel, averaged
// over random subsets (Bińkowski et al. 2018). Unlike FID it has an unbiased estimator, so small-N
// values are comparable across N; its spread over subsets is reported with it.
import TensorCore

/// KID's mean and standard deviation over subsets.
public struct KIDEstimate: Codable, Equatable, Sendable {
    public let mean: Double
    /// Population standard deviation of the per-subset estimates (numpy.std, as torch-fidelity).
    public let standardDeviation: Double
    public let subsets: Int
    public let subsetSize: Int
}

/// ```
/// k(x, y) = (xᵀy / d + 1)³
/// MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ)
/// ```
/// ### References
/// 1. Bińkowski et al., "Demystifying MMD GANs", https://arxiv.org/abs/1801.01401 (§4, eq. 4 and the kernel of §5)
public enum KernelInceptionDistance {
    /// Subsets and subset size of torch-fidelity and the paper's experiments.
    public static let defaultSubsets = 100
    public static let defaultSubsetSize = 1000

    /// The unbiased MMD² estimate between the rows of `x` and `y`.
    public static func unbiasedMMD2(_ x: FeatureMatrix, _ y: FeatureMatrix) -> Double {
        shapeCheck(x.dimension == y.dimension && x.count >= 2 && y.count >= 2,
                     "KID: needs at least 2 rows per set of one dimension (got \(x.count)×\(x.dimension) and \(y.count)×\(y.dimension))")
        let d = x.dimension, m = x.count, n = y.count
        let xd = x.doubles, yd = y.doubles
        func kernelSum(_ a: [Double], _ rowsA: Int, _ b: [Double], _ rowsB: Int, skipDiagonal: Bool) -> Double {
            let g = DenseLinearAlgebra.matmul(a, b, m: rowsA, n: rowsB, k: d, transposeB: true)
            var s = 0.0
            for i in 0..<rowsA {
                for j in 0..<rowsB where !(skipDiagonal && i == j) {
                    let k = g[i * rowsB + j] / Double(d) + 1
                    s += k * k * k
                }
            }
            return s
        }
        let xx = kernelSum(xd, m, xd, m, skipDiagonal: true) / Double(m * (m - 1))
        let yy = kernelSum(yd, n, yd, n, skipDiagonal: true) / Double(n * (n - 1))
        let xy = kernelSum(xd, m, yd, n, skipDiagonal: false) / Double(m * n)
        return xx + yy - 2 * xy
    }

    /// The mean and spread of `unbiasedMMD2` over `subsets` random subsets of `subsetSize` rows
    /// of each set (without replacement within a subset; capped at the smaller set's size).
    /// Subset k draws from `RandomGenerator(seed:, stream: k)`, so the estimate is reproducible.
    public static func estimate(real: FeatureMatrix, generated: FeatureMatrix, subsets: Int = defaultSubsets,
                                subsetSize: Int = defaultSubsetSize, seed: UInt64 = 0) -> KIDEstimate {
        let size = min(subsetSize, real.count, generated.count)
        var values: [Double] = []
        for k in 0..<subsets {
            var g = RandomGenerator(seed: seed, stream: UInt64(k))
            let r = Array(Array(0..<real.count).shuffled(using: &g).prefix(size))
            let f = Array(Array(0..<generated.count).shuffled(using: &g).prefix(size))
            values.append(unbiasedMMD2(real.rows(r), generated.rows(f)))
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return KIDEstimate(mean: mean, standardDeviation: variance.squareRoot(), subsets: subsets, subsetSize: size)
    }
}

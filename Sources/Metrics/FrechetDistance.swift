// The Fréchet distance between two Gaussians (Heusel et al. 2017's FID, given the features of a
// network), in double precision, with the matrix square root from a symmetric eigendecomposition.

import TensorCore

/// Squared Fréchet (2-Wasserstein) distance between N(μ₁, Σ₁) and N(μ₂, Σ₂):
/// ```
/// d² = |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½
/// ```
/// How the trace term is computed: Σ₁Σ₂ is not symmetric, but it is similar to the symmetric
/// positive semi-definite M = Σ₁^½ Σ₂ Σ₁^½ (conjugate by Σ₁^½), so tr (Σ₁Σ₂)^½ = Σₖ √λₖ(M).
/// Both square roots come from LAPACK's symmetric eigensolver (dsyevd): Σ₁^½ = V·diag(√λ)·Vᵀ.
/// This needs no iteration and no ε added to the diagonal, and it stays exact for rank-deficient
/// covariances (fewer samples than dimensions), where scipy's general `sqrtm` that pytorch-fid
/// uses loses digits or turns complex.
///
/// Floating-point hazard: a PSD matrix's zero eigenvalues come back as ±n·ε·λ_max rounding noise,
/// and √ turns noise of 1e-16 into 1e-8. Eigenvalues below n·ε·λ_max (numpy.matrix_rank's
/// cut-off) cannot be told from zero, so they count as zero before the square root.
/// ### References
/// 1. Heusel et al., "GANs Trained by a Two Time-Scale Update Rule…", https://arxiv.org/abs/1706.08500 (eq. 6)
/// 2. Dowson & Landau, "The Fréchet distance between multivariate normal distributions", 1982
public enum FrechetDistance {
    public static func between(_ a: GaussianStatistics, _ b: GaussianStatistics) throws -> Double {
        shapeCheck(a.dimension == b.dimension, "FrechetDistance: dimensions \(a.dimension) and \(b.dimension) differ")
        let d = a.dimension
        let meanTerm = zip(a.mean, b.mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let rootA = try symmetricSquareRoot(a.covariance, n: d)
        let m = DenseLinearAlgebra.matmul(DenseLinearAlgebra.matmul(rootA, b.covariance, m: d, n: d, k: d), rootA, m: d, n: d, k: d)
        let traceRoot = try resolvedEigenvalues(DenseLinearAlgebra.symmetricEigen(symmetrized(m, n: d), n: d, vectors: false).values)
            .reduce(0.0) { $0 + $1.squareRoot() }
        return meanTerm + a.trace + b.trace - 2 * traceRoot
    }

    /// S^½ = V·diag(√λ)·Vᵀ for a symmetric positive semi-definite S (λ resolved as below).
    static func symmetricSquareRoot(_ s: [Double], n: Int) throws -> [Double] {
        let (raw, v) = try DenseLinearAlgebra.symmetricEigen(s, n: n, vectors: true)
        let lambda = resolvedEigenvalues(raw)
        var scaled = v   // V·diag(√λ): column k times √λₖ
        for i in 0..<n { for k in 0..<n { scaled[i * n + k] *= lambda[k].squareRoot() } }
        return DenseLinearAlgebra.matmul(scaled, v, m: n, n: n, k: n, transposeB: true)
    }

    /// The eigenvalues of a PSD matrix with those below its rounding level n·ε·λ_max set to 0.
    static func resolvedEigenvalues(_ lambda: [Double]) -> [Double] {
        let cutoff = Double(lambda.count) * Double.ulpOfOne * (lambda.map(abs).max() ?? 0)
        return lambda.map { $0 > cutoff ? $0 : 0 }
    }

    /// (M + Mᵀ)/2: removes the rounding asymmetry of a product that is symmetric in exact arithmetic.
    static func symmetrized(_ m: [Double], n: Int) -> [Double] {
        var s = m
        for i in 0..<n { for j in 0..<n { s[i * n + j] = 0.5 * (m[i * n + j] + m[j * n + i]) } }
        return s
    }
}

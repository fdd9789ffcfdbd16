import Testing
@testable import Metrics

@Suite struct FrechetDistanceTests {
    static let cases = MetricsReference.shared.frechet.map(\.name)

    /// From the features to the distance, against mpmath's 60-digit value for the same features,
    /// including covariances with condition number 1e10 and of rank 4 and 5 in 9 and 12 dimensions
    /// (where pytorch-fid's sqrtm is off by up to 2e-7; printed on failure for comparison).
    @Test(arguments: cases)
    func frechetDistanceMatchesHighPrecisionReference(name: String) throws {
        let c = MetricsReference.shared.frechet.first { $0.name == name }!
        let d = try FrechetDistance.between(GaussianStatistics(c.features1), GaussianStatistics(c.features2))
        #expect(abs(d - c.frechet_exact) <= 1e-9 + 1e-9 * c.frechet_exact,
                "\(name): ours \(d), exact \(c.frechet_exact), pytorch-fid \(c.frechet_pytorch_fid)")
    }

    @Test(arguments: cases)
    func statisticsMatchNumpyMeanAndCov(name: String) {
        let c = MetricsReference.shared.frechet.first { $0.name == name }!
        // The features went through Float in the FeatureMatrix; numpy saw the Doubles.
        let s = GaussianStatistics(FeatureMatrix(count: c.n1, dimension: c.d, values: c.x1.map(Float.init)))
        let scale = c.sigma1.map(abs).max()!
        for (a, b) in zip(s.mean, c.mu1) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name) mean \(a) vs \(b)") }
        for (a, b) in zip(s.covariance, c.sigma1) { #expect(abs(a - b) <= 1e-6 * scale, "\(name) cov \(a) vs \(b)") }
    }

    @Test func identicalFeatureSetsGiveZero() throws {
        let c = MetricsReference.shared.frechet[0]
        let s = GaussianStatistics(c.features1)
        let d = try FrechetDistance.between(s, s)
        #expect(abs(d) < 1e-9 * s.trace, "FID of a set with itself: \(d)")
    }

    @Test func symmetricInItsArguments() throws {
        for c in MetricsReference.shared.frechet {
            let ab = try FrechetDistance.between(c.statistics1, c.statistics2)
            let ba = try FrechetDistance.between(c.statistics2, c.statistics1)
            #expect(abs(ab - ba) <= 1e-8 * max(1, ab), "\(c.name): \(ab) vs \(ba)")
        }
    }

    /// One-dimensional Gaussians: d² = (μ₁ − μ₂)² + (σ₁ − σ₂)², by hand.
    @Test func oneDimensionalCaseIsClosedForm() throws {
        let a = GaussianStatistics(count: 10, mean: [1.5], covariance: [4])
        let b = GaussianStatistics(count: 10, mean: [-0.5], covariance: [0.25])
        #expect(abs(try FrechetDistance.between(a, b) - (4 + 1.5 * 1.5)) < 1e-12)
    }

    @Test func eigensolverRecoversKnownSpectrum() throws {
        // [[2,1,0,0],[1,2,0,0],[0,0,3,1],[0,0,1,3]]: eigenvalues 1, 3, 2, 4.
        let a: [Double] = [2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 3, 1, 0, 0, 1, 3]
        let (w, v) = try DenseLinearAlgebra.symmetricEigen(a, n: 4, vectors: true)
        for (x, e) in zip(w, [1.0, 2, 3, 4]) { #expect(abs(x - e) < 1e-12) }
        // A·v_k = λ_k v_k for each column k.
        let av = DenseLinearAlgebra.matmul(a, v, m: 4, n: 4, k: 4)
        for i in 0..<4 { for k in 0..<4 { #expect(abs(av[i * 4 + k] - w[k] * v[i * 4 + k]) < 1e-12) } }
    }
}

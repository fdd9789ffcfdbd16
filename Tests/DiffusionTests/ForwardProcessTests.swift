// The forward process q(x_t | x_0) as `NoiseTables.qSample` draws it: exact values for fixed noise,
// and the empirical moments of many draws against Ho et al. eq. 4.

import Testing
import TensorCore
import _TestSupport
@testable import Diffusion

struct ForwardProcessTests {
    // MARK: - Exact values

    /// β = [0.1, 0.2, 0.3, 0.4], so ᾱ = [0.9, 0.72, 0.504, 0.3024] by hand. Three images with
    /// indices out of order, so each image must use its own timestep.
    @Test func qSampleUsesEachImagesOwnTimestep() throws {
        let tables = try NoiseTables(betas: [0.1, 0.2, 0.3, 0.4])
        let x0 = Tensor(shape: [3, 1, 1, 2], values: [0.5, -0.25, 1.0, -1.0, 0.75, 0.1])
        let noise = Tensor(shape: [3, 1, 1, 2], values: [1.5, -0.5, 0.2, 2.0, -1.0, 0.3])
        let xt = tables.qSample(x0: x0, indices: [2, 0, 3], noise: noise)
        // float64 from the float32 inputs, √ᾱ_{t}·x_0 + √(1 − ᾱ_t)·ε with ᾱ = np.cumprod([0.9, 0.8, 0.7, 0.6])
        // (python3 + numpy 2.4.6, one line per element).
        let expected: [Double] = [
            1.4113737986855173, -0.5296187307261686,   // index 2, ᾱ = 0.504
            1.0119288521963135, -0.316227766016838,    // index 0, ᾱ = 0.9
            -0.42279270816681847, 0.3055582753294039,  // index 3, ᾱ = 0.3024
        ]
        #expect(xt.shape == [3, 1, 1, 2])
        // Two float32 products and a sum of O(1) values: a few ulps of 2^-23 ≈ 1.2e-7.
        let problem = mismatch(xt.scalars, expected, rtol: 1e-6, atol: 1e-6)
        #expect(problem == nil, "\(problem ?? "")")
    }

    // MARK: - Moments

    /// Four pixel values, including 0 (mean 0 at every t) and the data range's edge 1.
    static let pixels: [Float] = [0.5, -0.75, 1.0, 0.0]
    /// Early, middle and late indices (paper t = 1, 101, 501, 1000).
    static let indices = [0, 100, 500, 999]
    /// Draws per (index, pixel).
    static let draws = 20_000

    /// Draw `draws` images at each index in one batch (indices interleaved, so a mix-up between
    /// images would show) and compare each (index, pixel)'s sample mean and variance with
    /// q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I).
    ///
    /// Tolerance: for M independent N(μ, σ²) draws the sample mean has standard error σ/√M and
    /// the unbiased sample variance s² has Var(s²) = 2σ⁴/(M − 1), i.e. standard error
    /// σ²·√(2/(M − 1)). We allow 5 standard errors (two-sided false-alarm rate 5.7e-7 per check,
    /// 32 checks per schedule; the seed is fixed, so the outcome is deterministic anyway).
    /// float32 rounding of x_t is at most ~6e-8 absolute, below the smallest standard error here
    /// (σ/√M ≥ 0.01/141 ≈ 7e-5 at t = 1 of `linear`).
    @Test(arguments: [BetaSchedule.linear, .cosine])
    func qSampleMomentsMatchTheClosedForm(_ schedule: BetaSchedule) throws {
        let tables = try NoiseTables(schedule: schedule)
        let groups = Self.indices.count, perImage = Self.pixels.count
        let N = groups * Self.draws
        let x0 = Tensor(shape: [N, 1, 2, 2], values: (0..<N).flatMap { _ in Self.pixels })
        let imageIndices = (0..<N).map { Self.indices[$0 % groups] }
        var generator = RandomGenerator(seed: 2020, stream: 4)
        let noise = Tensor.randn([N, 1, 2, 2], using: &generator)
        let xt = tables.qSample(x0: x0, indices: imageIndices, noise: noise).scalars

        for (g, i) in Self.indices.enumerated() {
            let sigma2 = 1 - tables.alphaBar[i]
            let M = Double(Self.draws)
            for p in 0..<perImage {
                var sum = 0.0, sumSquares = 0.0
                for n in stride(from: g, to: N, by: groups) {
                    let v = Double(xt[n * perImage + p])
                    sum += v
                    sumSquares += v * v
                }
                let mean = sum / M
                let variance = (sumSquares - M * mean * mean) / (M - 1)
                let expectedMean = tables.alphaBar[i].squareRoot() * Double(Self.pixels[p])
                let meanTolerance = 5 * (sigma2 / M).squareRoot()
                let varianceTolerance = 5 * sigma2 * (2 / (M - 1)).squareRoot()
                #expect(abs(mean - expectedMean) <= meanTolerance,
                        "\(schedule) index \(i) pixel \(Self.pixels[p]): mean \(mean), expected \(expectedMean) ± \(meanTolerance)")
                #expect(abs(variance - sigma2) <= varianceTolerance,
                        "\(schedule) index \(i) pixel \(Self.pixels[p]): variance \(variance), expected \(sigma2) ± \(varianceTolerance)")
            }
        }
    }
}

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

// MARK: - The training objective built on qSample

/// `TrainingObjective` (Ho et al. Algorithm 1): the draw, what the model is shown, and the loss.
/// It lives here because its only diffusion arithmetic is `qSample`.
struct TrainingObjectiveTests {
    static let shape = [16, 3, 8, 8]   // N = 16 images of 3·8·8 = 192 values: n = 3072 in all

    static func objective(_ loss: LossKind) throws -> TrainingObjective {
        TrainingObjective(tables: try NoiseTables(schedule: .linear), loss: loss)
    }

    static func batch() throws -> (x0: Tensor, draw: TrainingObjective.Draw, objective: TrainingObjective) {
        var generator = RandomGenerator(seed: 99, stream: 1)
        let x0 = Tensor.uniform(shape, in: -1...1, using: &generator)
        let objective = try objective(.l2)
        return (x0, objective.draw(batch: shape[0], shape: shape, using: &generator), objective)
    }

    @Test func drawGivesOneIndexInRangePerImageAndNoiseOfTheBatchShape() throws {
        let (_, draw, objective) = try Self.batch()
        #expect(draw.indices.count == Self.shape[0])
        #expect(draw.indices.allSatisfy { (0..<objective.tables.timesteps).contains($0) })
        #expect(Set(draw.indices).count > 1, "indices \(draw.indices)")
        #expect(draw.noise.shape == Self.shape)
    }

    /// The model receives x_t = qSample(x_0, indices, ε) and the 0-based indices as timesteps.
    @Test func modelSeesTheNoisedImagesAndTheirIndices() throws {
        let (x0, draw, objective) = try Self.batch()
        var seen: (x: [Float], t: [Float])?
        _ = objective.evaluate(x0: x0, draw: draw) { x, t in
            seen = (x.scalars, t)
            return draw.noise
        }
        #expect(seen?.t == draw.indices.map { Float($0) })
        #expect(seen?.x == objective.tables.qSample(x0: x0, indices: draw.indices, noise: draw.noise).scalars)
    }

    @Test(arguments: LossKind.allCases)
    func predictingTheTrueNoiseGivesZeroLoss(_ kind: LossKind) throws {
        let (x0, draw, _) = try Self.batch()
        let (loss, perImage) = try Self.objective(kind).evaluate(x0: x0, draw: draw) { _, _ in draw.noise }
        #expect(loss.shape == [])
        #expect(loss.item() == 0)
        #expect(perImage == [Float](repeating: 0, count: Self.shape[0]))
    }

    /// With ε̂ = 0 the L2 loss is the mean of ε² over n = 3072 values: exactly that (up to float32),
    /// and near E[ε²] = 1 within 5 standard errors, √(Var(ε²)/n) = √(2/n) ≈ 0.0255. L1 likewise
    /// has mean E|ε| = √(2/π) and standard error √((1 − 2/π)/n).
    @Test func predictingZeroGivesTheNoiseMomentsAsLosses() throws {
        let (x0, draw, _) = try Self.batch()
        let noise = draw.noise.scalars.map { Double($0) }, n = Double(noise.count)
        let zero = Tensor.zeros(Self.shape)

        let l2 = try Self.objective(.l2).evaluate(x0: x0, draw: draw) { _, _ in zero }.loss.item()
        let meanSquare = noise.reduce(0) { $0 + $1 * $1 } / n
        #expect(abs(Double(l2) - meanSquare) <= 1e-6 * meanSquare, "l2 \(l2) vs mean ε² \(meanSquare)")
        #expect(abs(Double(l2) - 1) <= 5 * (2 / n).squareRoot(), "l2 \(l2)")

        let l1 = try Self.objective(.l1).evaluate(x0: x0, draw: draw) { _, _ in zero }.loss.item()
        let meanAbs = noise.reduce(0) { $0 + abs($1) } / n
        #expect(abs(Double(l1) - meanAbs) <= 1e-6 * meanAbs, "l1 \(l1) vs mean |ε| \(meanAbs)")
        #expect(abs(Double(l1) - (2 / Double.pi).squareRoot()) <= 5 * ((1 - 2 / Double.pi) / n).squareRoot(), "l1 \(l1)")
    }

    /// Per-image losses: one per image, each the mean of that image's own elementwise loss
    /// (recomputed here in Double), and, since every image has the same size, their average is the
    /// batch loss. The prediction error grows with the image (d = ε̂ − ε spans |d| < 1 and > 1, so
    /// Huber's two branches both occur) so that a mix-up between images would show.
    @Test(arguments: LossKind.allCases)
    func perImageLossesAreEachImagesMeanAndAverageToTheBatchLoss(_ kind: LossKind) throws {
        let (x0, draw, _) = try Self.batch()
        let N = Self.shape[0], per = draw.noise.count / N
        var generator = RandomGenerator(seed: 5, stream: 0)
        let offsets = Tensor.randn(Self.shape, using: &generator).scalars
        let d = offsets.indices.map { offsets[$0] * Float(1 + $0 / per) * 0.25 }   // image k: scale (k + 1)/4
        let predicted = Tensor(shape: Self.shape, values: zip(draw.noise.scalars, d).map { $0 + $1 })
        let (loss, perImage) = try Self.objective(kind).evaluate(x0: x0, draw: draw) { _, _ in predicted }
        #expect(perImage.count == N)

        // The elementwise loss of d = ε̂ − ε, from the float32 difference the code also forms.
        let p = predicted.scalars, e = draw.noise.scalars
        let elementwise: [Double] = p.indices.map { i in
            let v = Double(p[i] - e[i])
            switch kind {
            case .l2: return v * v
            case .l1: return abs(v)
            case .huber: return abs(v) <= 1 ? 0.5 * v * v : abs(v) - 0.5   // δ = 1
            }
        }
        let expected = (0..<N).map { k in elementwise[(k * per)..<((k + 1) * per)].reduce(0, +) / Double(per) }
        // Float32 sums of 192 positive terms: relative error ≲ 192·2^-24 ≈ 1.1e-5 in the worst case.
        let problem = mismatch(perImage, expected, rtol: 2e-5, atol: 0)
        #expect(problem == nil, "\(kind): \(problem ?? "")")
        let average = perImage.reduce(0.0) { $0 + Double($1) } / Double(N)
        #expect(abs(average - Double(loss.item())) <= 2e-5 * average, "\(kind): average \(average) vs loss \(loss.item())")
    }

    // MARK: - Forward strip

    /// `ddpm noise`: row r is every image at t = ts[r] (t = 0: x_0 unchanged), each image with one ε
    /// from its own stream of the seed. ᾱ here is the product of (1 − β) computed in this test.
    @Test func forwardStripIsTheClosedFormWithOneNoisePerImage() throws {
        let betas = [0.1, 0.2, 0.3, 0.4]
        let tables = try NoiseTables(betas: betas)
        let x0 = Tensor(shape: [2, 1, 1, 3], values: [0.5, -0.25, 1.0, -1.0, 0.75, 0.1])
        let ts = [0, 1, 4, 2]
        let strip = tables.forwardStrip(x0: x0, timesteps: ts, seed: 9)
        #expect(strip.shape == [8, 1, 1, 3])
        var generators = [RandomGenerator(seed: 9, stream: 0), RandomGenerator(seed: 9, stream: 1)]
        let eps = Tensor.standardNormal(imageShape: [1, 1, 3], generators: &generators).scalars
        var expected: [Double] = []
        for t in ts {
            let alphaBar = betas.prefix(t).reduce(1.0) { $0 * (1 - $1) }
            expected += x0.scalars.indices.map { i in alphaBar.squareRoot() * Double(x0.scalars[i]) + (1 - alphaBar).squareRoot() * Double(eps[i]) }
        }
        let problem = mismatch(strip.scalars, expected, rtol: 1e-6, atol: 1e-6)
        #expect(problem == nil, "\(problem ?? "")")
        #expect(Array(strip.scalars.prefix(6)) == x0.scalars, "t = 0 is x_0 itself")
        #expect(tables.forwardStrip(x0: x0, timesteps: ts, seed: 9).scalars == strip.scalars, "seeded")
        #expect(tables.forwardStrip(x0: x0, timesteps: ts, seed: 10).scalars != strip.scalars)
    }
}

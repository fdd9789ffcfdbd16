// The sampler end to end: which timesteps it visits, per-image reproducibility (batch size,
// seed, `first:`), callbacks, and the exact answer for a one-image data distribution.

import Foundation
import Testing
import TensorCore
import _TestSupport
@testable import Diffusion

/// A noise "model" that is a fixed function of its inputs, image by image: ε = 0.1·x_t + 0.01·t.
/// Any dependence of an image on its batch neighbours would have to come from the sampler.
private func affineModel(_ x: Tensor, _ timesteps: [Float]) -> Tensor {
    let values = x.scalars, per = x.count / timesteps.count
    return Tensor(shape: x.shape, values: values.indices.map { 0.1 * values[$0] + 0.01 * timesteps[$0 / per] })
}

/// The optimal noise prediction when the data distribution is a point mass at x*:
/// ```
/// ε_θ(x_t, t) = (x_t − √ᾱ_t x*) / √(1 − ᾱ_t)
/// ```
/// (x_0 = x* is certain, so eq. 4 gives ε exactly). Computed in Double from the float32 x_t with
/// the ORIGINAL schedule's tables and the timestep the sampler passes, so a sampler that passes one
/// index to the model and steps with another gets a wrong x̂_0. Records every call's t, x_t and ε.
private final class PointMassOracle {
    let xStar: [Float]
    let tables: NoiseTables
    private(set) var calls: [(t: Int, x: [Float], eps: [Float])] = []

    init(xStar: [Float], tables: NoiseTables) {
        self.xStar = xStar
        self.tables = tables
    }

    func predict(_ x: Tensor, _ timesteps: [Float]) -> Tensor {
        let per = xStar.count, values = x.scalars
        var eps = [Float](repeating: 0, count: values.count)
        for (b, timestep) in timesteps.enumerated() {
            let t = Int(timestep)
            #expect(Float(t) == timestep && timesteps.allSatisfy { $0 == timestep }, "timesteps \(timesteps)")
            for p in 0..<per {
                let residual = Double(values[b * per + p]) - tables.sqrtAlphaBar[t] * Double(xStar[p])
                eps[b * per + p] = Float(residual / tables.sqrtOneMinusAlphaBar[t])
            }
        }
        calls.append((Int(timesteps[0]), values, eps))
        return Tensor(shape: x.shape, values: eps)
    }
}

/// One sampler configuration for the point-mass checks.
struct OracleCase: Sendable, CustomTestStringConvertible {
    let label: String
    let settings: SamplerSettings
    /// Whether every x_t the sampler visits is distributed as q(x_t | x*). True for DDPM with
    /// σ² = β̃ (each step draws from the exact posterior q(x_{t−1} | x_t, x*)) and for DDIM at any η
    /// (Song et al. choose σ so that the marginals q_σ(x_t | x_0) equal DDPM's, their Lemma 1).
    /// False for σ² = β, whose extra variance β − β̃ piles up near t = 1.
    let preservesMarginals: Bool

    var testDescription: String { label }

    static let all: [OracleCase] = [
        OracleCase(label: "ddpm, beta, all 1000 steps",
                   settings: SamplerSettings(kind: .ddpm, variance: .beta), preservesMarginals: false),
        OracleCase(label: "ddpm, beta-tilde, all 1000 steps",
                   settings: SamplerSettings(kind: .ddpm, variance: .betaTilde), preservesMarginals: true),
        OracleCase(label: "ddpm, beta, respaced 50 of 1000",
                   settings: SamplerSettings(kind: .ddpm, steps: 50, variance: .beta), preservesMarginals: false),
        OracleCase(label: "ddpm, beta-tilde, respaced 50 of 1000",
                   settings: SamplerSettings(kind: .ddpm, steps: 50, variance: .betaTilde), preservesMarginals: true),
        OracleCase(label: "ddpm, beta-tilde, respaced 50 of 1000, trailing",
                   settings: SamplerSettings(kind: .ddpm, steps: 50, variance: .betaTilde, spacing: .trailing),
                   preservesMarginals: true),
    ] + TimestepSpacing.allCases.map { spacing in
        OracleCase(label: "ddim, eta 0, 50 steps, \(spacing.rawValue)",
                   settings: SamplerSettings(kind: .ddim, steps: 50, eta: 0, spacing: spacing), preservesMarginals: true)
    } + [0.5, 1.0].map { eta in
        OracleCase(label: "ddim, eta \(eta), 50 steps",
                   settings: SamplerSettings(kind: .ddim, steps: 50, eta: eta), preservesMarginals: true)
    }
}

struct SamplerTests {
    static let imageShape = [1, 3, 5]   // an odd number of pixels per image

    static func linear(_ T: Int) throws -> NoiseTables {
        try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: T))
    }

    // MARK: - Visited timesteps

    @Test(arguments: [2, 10, 1000])
    func ddpmByDefaultVisitsEveryTimestepDescending(_ T: Int) throws {
        let sampler = try Sampler(tables: try Self.linear(T), settings: SamplerSettings(kind: .ddpm))
        #expect(sampler.visited == Array((0..<T).reversed()))
        #expect(sampler.stepCount == T)
    }

    /// The lists of TimestepSpacing's doc comment, T = 10, steps = 5.
    @Test(arguments: [
        (TimestepSpacing.linspace, [9, 7, 4, 2, 0]),
        (TimestepSpacing.leading, [8, 6, 4, 2, 0]),
        (TimestepSpacing.trailing, [9, 7, 5, 3, 1]),
    ])
    func ddimWithFiveStepsVisitsTheSpacingsIndices(_ spacing: TimestepSpacing, _ expected: [Int]) throws {
        let sampler = try Sampler(tables: try Self.linear(10),
                                  settings: SamplerSettings(kind: .ddim, steps: 5, spacing: spacing))
        #expect(sampler.visited == expected)
        #expect(sampler.stepCount == 5)
    }

    @Test func ddimByDefaultTakesFiftyStepsOrTWhenSmaller() throws {
        let long = try Sampler(tables: try Self.linear(1000), settings: SamplerSettings(kind: .ddim))
        #expect(long.visited == (try TimestepSpacing.linspace.visitedIndices(steps: 50, of: 1000)))
        let short = try Sampler(tables: try Self.linear(20), settings: SamplerSettings(kind: .ddim))
        #expect(short.visited == Array((0..<20).reversed()))
    }

    /// Respaced DDPM steps on the subsequence's tables but must still tell the network the
    /// ORIGINAL index; DDIM likewise.
    @Test(arguments: [
        SamplerSettings(kind: .ddpm),
        SamplerSettings(kind: .ddpm, steps: 7, spacing: .trailing),
        SamplerSettings(kind: .ddim, steps: 6, eta: 0.5, spacing: .leading),
    ])
    func modelIsCalledAtTheVisitedIndicesInOrder(_ settings: SamplerSettings) throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: settings)
        var calls: [[Float]] = []
        _ = sampler.sample(count: 3, imageShape: Self.imageShape, seed: 1, batchSize: 2) { x, t in
            calls.append(t)
            return affineModel(x, t)
        }
        let expected = sampler.visited.map { [Float](repeating: Float($0), count: 2) }
            + sampler.visited.map { [Float($0)] }
        #expect(calls == expected)
    }

    /// `batchModel` is told which images of the seeded sequence each batch holds (for class labels):
    /// images 2 ..< 7 in batches of 2 are 2..<4, 4..<6 and 6..<7, at every step of that batch.
    @Test func batchModelIsToldEachBatchsImageRange() throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: SamplerSettings(kind: .ddim, steps: 3))
        var ranges: [Range<Int>] = []
        let images = sampler.sample(count: 5, imageShape: Self.imageShape, seed: 4, first: 2, batchSize: 2,
                                    batchModel: { x, t, range in
                                        #expect(x.shape[0] == range.count && t.count == range.count, "\(range)")
                                        ranges.append(range)
                                        return affineModel(x, t)
                                    })
        #expect(ranges == [2..<4, 2..<4, 2..<4, 4..<6, 4..<6, 4..<6, 6..<7, 6..<7, 6..<7])
        // The plain `model:` entry point is the same sampler.
        let plain = sampler.sample(count: 5, imageShape: Self.imageShape, seed: 4, first: 2, batchSize: 2, model: affineModel)
        #expect(images.scalars == plain.scalars)
    }

    // MARK: - Reproducibility

    static let reproducibilityCases: [SamplerSettings] = [
        SamplerSettings(kind: .ddpm, variance: .beta),
        SamplerSettings(kind: .ddpm, steps: 7, variance: .betaTilde),
        SamplerSettings(kind: .ddim, steps: 6, eta: 0.5, spacing: .trailing),
    ]

    @Test(arguments: reproducibilityCases)
    func imagesDoNotDependOnBatchSize(_ settings: SamplerSettings) throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: settings)
        let images = [5, 2, 1].map { batchSize in
            sampler.sample(count: 5, imageShape: Self.imageShape, seed: 7, batchSize: batchSize, model: affineModel)
        }
        #expect(images[0].shape == [5] + Self.imageShape)
        #expect(images[0].scalars == images[1].scalars, "batch 5 vs 2")
        #expect(images[0].scalars == images[2].scalars, "batch 5 vs 1")
        // The images differ from one another (each has its own noise stream) and were not all clamped flat.
        let per = Self.imageShape.reduce(1, *), all = images[0].scalars
        for k in 1..<5 { #expect(Array(all[(k * per)..<((k + 1) * per)]) != Array(all[0..<per]), "image \(k) = image 0") }
        #expect(all.contains { abs($0) < 1 })
    }

    @Test(arguments: reproducibilityCases)
    func sameSeedGivesTheSameImagesAndAnotherSeedDifferentOnes(_ settings: SamplerSettings) throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: settings)
        let run = { (seed: UInt64) in
            sampler.sample(count: 3, imageShape: Self.imageShape, seed: seed, batchSize: 2, model: affineModel).scalars
        }
        let first = run(42)
        #expect(run(42) == first)
        let other = run(43)
        let per = Self.imageShape.reduce(1, *)
        for k in 0..<3 {
            #expect(Array(other[(k * per)..<((k + 1) * per)]) != Array(first[(k * per)..<((k + 1) * per)]), "image \(k)")
        }
    }

    @Test(arguments: reproducibilityCases)
    func firstOffsetReproducesTheSameImagesOfALongerRun(_ settings: SamplerSettings) throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: settings)
        let per = Self.imageShape.reduce(1, *)
        let all = sampler.sample(count: 5, imageShape: Self.imageShape, seed: 9, batchSize: 3, model: affineModel)
        let slice = sampler.sample(count: 2, imageShape: Self.imageShape, seed: 9, first: 2, batchSize: 2, model: affineModel)
        #expect(slice.shape == [2] + Self.imageShape)
        #expect(slice.scalars == Array(all.scalars[(2 * per)..<(4 * per)]))
    }

    // MARK: - Callbacks

    @Test func progressCountsEveryStepOfEveryBatchAndTrajectoryEveryStepOfTheFirst() throws {
        let sampler = try Sampler(tables: try Self.linear(20), settings: SamplerSettings(kind: .ddim, steps: 4, eta: 0.5))
        var progress: [[Int]] = []
        var trajectory: [(j: Int, x: Tensor, x0: Tensor)] = []
        let images = sampler.sample(count: 5, imageShape: Self.imageShape, seed: 3, batchSize: 2, model: affineModel,
                                    progress: { progress.append([$0, $1]) },
                                    trajectory: { trajectory.append(($0, $1, $2)) })
        // ⌈5/2⌉ = 3 batches × 4 steps.
        #expect(progress == (1...12).map { [$0, 12] })
        #expect(trajectory.map(\.j) == [0, 1, 2, 3])
        #expect(trajectory.allSatisfy { $0.x.shape == [2] + Self.imageShape && $0.x0.shape == [2] + Self.imageShape })
        // The last trajectory x is the first batch's result before the final clamp to [-1, 1].
        let per = Self.imageShape.reduce(1, *)
        #expect(trajectory.last.map { $0.x.clamped(to: -1...1).scalars } == Array(images.scalars[0..<(2 * per)]))
    }

    // MARK: - A one-image data distribution

    /// x*: 16×16 values 0.9·sin(0.7·p), inside (−1, 1) so clipping x̂_0 leaves them alone.
    static let xStar: [Float] = (0..<256).map { Float(0.9 * sin(0.7 * Double($0))) }
    static let pointMassShape = [1, 16, 16]

    /// With the optimal ε_θ for data that is always x*, every sampler must return x*, and its x̂_0
    /// must be x* at every step. Where the sampler preserves the forward marginals, the oracle's
    /// ε at each step, (x_t − √ᾱ_t x*)/√(1 − ᾱ_t), must look like N(0, 1) over all pixels; that
    /// checks the intermediate steps (x̂_0 and the final image alone would not see a step that
    /// lands at the wrong noise level, since the oracle corrects any x_t).
    ///
    /// Tolerances:
    /// - x̂_0 = x_t/√ᾱ_t − ε·√(1 − ᾱ_t)/√ᾱ_t in float32: each term is rounded to within one ulp, so
    ///   |x̂_0 − x*| ≤ 4·2^-23·(|x_t| + |ε|)/√ᾱ_t (the four roundings: two coefficients, two
    ///   products, the difference), plus 1e-6 for ε's own rounding: about 5e-4 at t = T of `linear`
    ///   (√ᾱ = 0.0064). The worst error measured is under a fifth of this bound.
    /// - The final image is the last step's x̂_0, where √ᾱ ≥ 0.998 and √(1 − ᾱ)/√ᾱ ≤ 0.05 (the last
    ///   visited index is 0, or 19 for `trailing`): a few ulps of |x_t| ≤ 1. We allow 1e-6 (8 ulps at 1);
    ///   the worst error measured is 1.2e-7.
    /// - Moments over M = 16·256 = 4096 pixels at one step: 5 standard errors, 5/√M for the mean
    ///   and 5·√(2/(M − 1)) for the variance (see ForwardProcessTests). The start x_T ~ N(0, I)
    ///   is not exactly q(x_T | x*) = N(√ᾱ_T x*, (1 − ᾱ_T) I), which shifts the first steps' ε by
    ///   at most √ᾱ_T·0.9 ≈ 0.006 (0.015 for `leading`, which starts at index 900), against 5 SE = 0.078.
    @Test(arguments: OracleCase.all)
    func pointMassDataIsRecoveredExactly(_ testCase: OracleCase) throws {
        let tables = try Self.linear(1000)
        let sampler = try Sampler(tables: tables, settings: testCase.settings)
        let oracle = PointMassOracle(xStar: Self.xStar, tables: tables)
        let count = 16, batchSize = 5, per = Self.xStar.count
        var trajectory: [Tensor] = []
        let images = sampler.sample(count: count, imageShape: Self.pointMassShape, seed: 2024, batchSize: batchSize,
                                    model: oracle.predict, trajectory: { _, _, x0 in trajectory.append(x0) })

        // 1. The answer.
        let expected = (0..<count).flatMap { _ in Self.xStar }
        let final = mismatch(images.scalars, expected, rtol: 0, atol: 1e-6)
        #expect(final == nil, "\(testCase.label): final images: \(final ?? "")")

        // 2. x̂_0 = x* at every step of the first batch.
        #expect(trajectory.count == sampler.stepCount)
        let ulp = Float.ulpOfOne
        for (j, x0) in trajectory.enumerated() {
            let call = oracle.calls[j]
            let scale = (call.x.map(abs).max() ?? 0) + (call.eps.map(abs).max() ?? 0)
            let atol = 1e-6 + 4 * ulp * scale / Float(tables.sqrtAlphaBar[call.t])
            let problem = mismatch(x0.scalars, Array(expected[0..<(batchSize * per)]), rtol: 0, atol: atol)
            #expect(problem == nil, "\(testCase.label): step \(j) (index \(call.t)), x̂_0 within \(atol): \(problem ?? "")")
            if problem != nil { break }
        }

        // 3. The marginals of the visited x_t.
        guard testCase.preservesMarginals else { return }
        #expect(oracle.calls.count == 4 * sampler.stepCount)   // ⌈16/5⌉ batches
        let M = Double(count * per)
        for j in 0..<sampler.stepCount {
            let eps = stride(from: j, to: oracle.calls.count, by: sampler.stepCount).flatMap { oracle.calls[$0].eps }
            let mean = eps.reduce(0.0) { $0 + Double($1) } / M
            let variance = eps.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (M - 1)
            let t = sampler.visited[j]
            #expect(abs(mean) <= 5 / M.squareRoot(), "\(testCase.label): step \(j) (index \(t)): ε mean \(mean)")
            #expect(abs(variance - 1) <= 5 * (2 / (M - 1)).squareRoot(),
                    "\(testCase.label): step \(j) (index \(t)): ε variance \(variance)")
        }
    }

    /// DDIM with η = 0 and the exact oracle moves along one line: x_prev = √ᾱ_prev x* + √(1 − ᾱ_prev) ε
    /// with the same ε, so the oracle sees the same ε at every step. A sign error in the direction
    /// term would keep ε ~ N(0, 1), passing the marginal check above, but flips it here.
    ///
    /// Tolerance: ε_j = (x_t − √ᾱ_t x*)/√(1 − ᾱ_t) magnifies x_t's float32 error (a few ulps of
    /// |x_t| per step, carried along the steps) by 1/√(1 − ᾱ_t): we allow
    /// 16·2^-23·max(1, |x_t|)/√(1 − ᾱ_t), about 8e-6 at t = T and 2e-4 at index 0 (√(1 − ᾱ) = 0.01).
    /// The worst error measured is a third of that.
    @Test(arguments: TimestepSpacing.allCases)
    func ddimWithEtaZeroKeepsTheOraclesNoiseFixed(_ spacing: TimestepSpacing) throws {
        let tables = try Self.linear(1000)
        let sampler = try Sampler(tables: tables, settings: SamplerSettings(kind: .ddim, steps: 50, eta: 0, spacing: spacing))
        let oracle = PointMassOracle(xStar: Self.xStar, tables: tables)
        _ = sampler.sample(count: 2, imageShape: Self.pointMassShape, seed: 5, batchSize: 2, model: oracle.predict)
        let first = oracle.calls[0].eps
        for call in oracle.calls.dropFirst() {
            let scale = max(1, call.x.map(abs).max() ?? 0)
            let atol = 16 * Float.ulpOfOne * scale / Float(tables.sqrtOneMinusAlphaBar[call.t])
            let problem = mismatch(call.eps, first, rtol: 0, atol: atol)
            #expect(problem == nil, "\(spacing): index \(call.t), ε within \(atol): \(problem ?? "")")
            if problem != nil { break }
        }
    }
}

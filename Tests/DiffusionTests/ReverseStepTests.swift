// Single reverse steps (`ReverseStep.ddpm`, `.ddim`) against values computed by hand from the
// papers' own formulas, and the DDIM η = 1 ≡ ancestral β̃ identity.
//
// Goldens: float64 with numpy 2.4.6 from the float32-rounded inputs below, by the formula named
// next to each literal (the script is inlined in the comments; it shares no code with the step).

import Testing
import TensorCore
import _TestSupport
@testable import Diffusion

struct ReverseStepTests {
    /// β = [0.1, 0.2, 0.3, 0.4]: α = [0.9, 0.8, 0.7, 0.6], ᾱ = [0.9, 0.72, 0.504, 0.3024].
    static func tables() throws -> NoiseTables { try NoiseTables(betas: [0.1, 0.2, 0.3, 0.4]) }

    // Four elements; at index 2 the predicted x̂_0 = (x_t − √(1 − ᾱ) ε)/√ᾱ is
    // [-0.0734, -1.4423, 1.3291, 0.5664], so clipping moves the middle two and leaves the outer two.
    static let xt = Tensor(shape: [1, 1, 2, 2], values: [0.3, -1.2, 2.0, 0.05])
    static let eps = Tensor(shape: [1, 1, 2, 2], values: [0.5, -0.25, 1.5, -0.5])
    static let z = Tensor(shape: [1, 1, 2, 2], values: [1.0, -0.5, 0.25, 2.0])

    /// Every step is a handful of float32 operations on O(1) values (coefficients rounded to
    /// float32 once): a few ulps of 2^-23 ≈ 1.2e-7. A wrong coefficient moves results by 1e-2 or more.
    static let rtol: Float = 1e-6, atol: Float = 1e-6

    static func expectMatch(_ actual: Tensor, _ expected: [Double], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == [1, 1, 2, 2], "\(what): shape \(actual.shape)", sourceLocation: sourceLocation)
        let problem = mismatch(actual.scalars, expected, rtol: rtol, atol: atol)
        #expect(problem == nil, "\(what): \(problem ?? "")", sourceLocation: sourceLocation)
    }

    // MARK: - DDPM (ancestral) step

    /// Without clipping, the code's posterior form c1·x̂_0 + c2·x_t + σz must equal Ho et al.'s
    /// Algorithm 2, line 4, a different formula:
    /// ```
    /// x_{t−1} = 1/√α_t · (x_t − β_t/√(1 − ᾱ_t) · ε) + σ_t z,   t = 3 (index 2): α = 0.7, β = 0.3, ᾱ = 0.504
    /// ```
    /// with σ² = β_t = 0.3 or β̃_t = (1 − 0.72)/(1 − 0.504) · 0.3.
    /// `[1/np.sqrt(a) * (x - b/np.sqrt(1 - A) * e) + sigma * z for x, e, z in zip(xt, eps, z)]`
    @Test(arguments: [
        (VarianceKind.beta, [0.6517245670654205, -1.5808523732026472, 1.7636880955801815, 1.4097731338558654]),
        (VarianceKind.betaTilde, [0.5155294554368051, -1.5127548173883396, 1.7296393176730276, 1.1373829105986348]),
    ])
    func ddpmStepWithoutClippingMatchesAlgorithm2(_ variance: VarianceKind, _ expected: [Double]) throws {
        let step = ReverseStep.ddpm(xt: Self.xt, eps: Self.eps, index: 2, tables: try Self.tables(),
                                    variance: variance, clip: false, noise: Self.z)
        Self.expectMatch(step.previous, expected, "x_{t-1}, \(variance)")
        // x̂_0 unclipped: (x_t − √0.496 ε)/√0.504.
        Self.expectMatch(step.predictedX0!,
                         [-0.07343872860593194, -1.4423006402429104, 1.3291332308093657, 0.5664453950387547], "x̂_0")
    }

    /// With clipping, Algorithm 2 no longer applies; the expected values come from eq. 7 by hand:
    /// ```
    /// x̂_0 = clip((x_t − √(1 − ᾱ_t) ε)/√ᾱ_t, −1, 1)
    /// x_{t−1} = √ᾱ_{t−1} β_t/(1 − ᾱ_t) · x̂_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t + σ_t z
    /// ```
    /// Elements 0 and 3 are not clipped and so equal the unclipped case's.
    @Test(arguments: [
        (VarianceKind.beta, [0.6517245670654205, -1.3538536604324678, 1.5947694621308062, 1.4097731338558654]),
        (VarianceKind.betaTilde, [0.5155294554368051, -1.2857561046181603, 1.5607206842236523, 1.1373829105986348]),
    ])
    func ddpmStepWithClippingUsesThePosteriorMeanOfTheClippedX0(_ variance: VarianceKind, _ expected: [Double]) throws {
        let step = ReverseStep.ddpm(xt: Self.xt, eps: Self.eps, index: 2, tables: try Self.tables(),
                                    variance: variance, clip: true, noise: Self.z)
        Self.expectMatch(step.previous, expected, "x_{t-1}, \(variance)")
        Self.expectMatch(step.predictedX0!, [-0.07343872860593194, -1, 1, 0.5664453950387547], "clipped x̂_0")
    }

    /// At index 0 (t = 1) ᾱ_{t−1} = 1, so μ̃ = x̂_0 and no noise is added even when z is passed:
    /// x_0 = (x_t − √0.1 ε)/√0.9.
    @Test(arguments: VarianceKind.allCases, [false, true])
    func ddpmStepAtIndexZeroReturnsX0WithoutNoise(_ variance: VarianceKind, _ clip: Bool) throws {
        let tables = try Self.tables()
        let expected = clip
            ? [0.14956111191593374, -1.0, 1.0, 0.2193712951214998]
            : [0.14956111191593374, -1.1815777809970682, 1.6081851067789197, 0.2193712951214998]
        for noise in [Self.z, nil] {
            let step = ReverseStep.ddpm(xt: Self.xt, eps: Self.eps, index: 0, tables: tables,
                                        variance: variance, clip: clip, noise: noise)
            Self.expectMatch(step.previous, expected, "x_0, \(variance), clip \(clip), noise \(noise == nil ? "nil" : "z")")
            #expect(step.previous.scalars == step.predictedX0!.scalars)
        }
    }

    // MARK: - DDIM step

    /// Song et al. 2021, eq. 12 with eq. 16's σ, on a stride of two (ᾱ_t = 0.3024 → ᾱ_prev = 0.72):
    /// ```
    /// σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev)
    /// x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε + σ z
    /// ```
    /// η = 0: σ = 0 and z must be ignored. η = 0.5: σ = 0.24124581091576214.
    /// Unclipped x̂_0 = [-0.21387580599587244, -1.802468712439996, 1.3587031774749805, 0.8503446755503916].
    @Test(arguments: [
        (0.0, [0.08309549180475517, -1.661732984884717, 1.9466232698140986, 0.45696625260660884]),
        (0.5, [0.29524465190238325, -1.7678075649335314, 1.9196447700886372, 0.9685545252562672]),
    ])
    func ddimStepMatchesSongEquation12(_ eta: Double, _ expected: [Double]) throws {
        let tables = try Self.tables()
        let step = ReverseStep.ddim(xt: Self.xt, eps: Self.eps, alphaBar: tables.alphaBar[3],
                                    alphaBarPrev: tables.alphaBar[1], eta: eta, clip: false, noise: Self.z)
        Self.expectMatch(step.previous, expected, "x_prev, η = \(eta)")
        Self.expectMatch(step.predictedX0!,
                         [-0.21387580599587244, -1.802468712439996, 1.3587031774749805, 0.8503446755503916], "x̂_0")
    }

    /// With clipping, ε is recomputed from the clipped x̂_0 (ε' = (x_t − √ᾱ_t x̂_0)/√(1 − ᾱ_t)) before
    /// eq. 12, as the step documents; elements 0 and 3 are not clipped and match the unclipped case.
    @Test func ddimStepWithClippingRecomputesNoiseFromTheClippedX0() throws {
        let tables = try Self.tables()
        let step = ReverseStep.ddim(xt: Self.xt, eps: Self.eps, alphaBar: tables.alphaBar[3],
                                    alphaBarPrev: tables.alphaBar[1], eta: 0.5, clip: true, noise: Self.z)
        Self.expectMatch(step.previous, [0.29524465190238325, -1.335716986585826, 1.7265004630177077, 0.9685545252562672],
                         "x_prev")
        Self.expectMatch(step.predictedX0!, [-0.21387580599587244, -1, 1, 0.8503446755503916], "clipped x̂_0")
    }

    /// The last DDIM step goes to ᾱ_prev = 1, where σ = 0 for every η and x_prev = x̂_0, clipped.
    /// From ᾱ_t = 0.9: x̂_0 = (x_t − √0.1 ε)/√0.9, unclipped [0.1496, -1.1816, 1.6082, 0.2194].
    @Test(arguments: [0.0, 1.0])
    func finalDdimStepReturnsTheClippedX0Prediction(_ eta: Double) throws {
        let step = ReverseStep.ddim(xt: Self.xt, eps: Self.eps, alphaBar: 0.9, alphaBarPrev: 1, eta: eta,
                                    clip: true, noise: Self.z)
        Self.expectMatch(step.previous, [0.14956111191593374, -1.0, 1.0, 0.2193712951214998], "x_prev, η = \(eta)")
        #expect(step.previous.scalars == step.predictedX0!.scalars)
    }

    // MARK: - DDIM η = 1 ≡ ancestral β̃

    /// With η = 1 and ᾱ_prev = ᾱ_{t−1}, σ² = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t = β̃_t and
    /// √(1 − ᾱ_{t−1} − σ²)/√(1 − ᾱ_t) = c2, so the DDIM step is the ancestral step with σ² = β̃_t.
    /// Checked at every index of two T = 1000 schedules on realistic inputs: x_t = √ᾱ_t x_0 +
    /// √(1 − ᾱ_t) n with x_0 ∈ [−1.2, 1.2] and a noise prediction ε = n + 0.3·r that is off, so
    /// x̂_0 leaves [−1, 1] and clipping matters.
    ///
    /// Tolerance: both sides are float32 sums of three products of O(1) size (x̂_0 enters through
    /// nearly equal coefficients, √ᾱ_{t−1} and c1, so its size cancels out of the error), formed in
    /// different orders: a few ulps of 2^-23 ≈ 1.2e-7. We allow 1e-6 + 2e-6·|x|, about 8 ulps; the
    /// worst difference measured is 1.9e-7. A wrong σ (e.g. β_t for β̃_t) differs by ≥ 1e-3 at most indices.
    @Test(arguments: [BetaSchedule.linear, .cosine], [false, true])
    func ddimWithEtaOneMatchesAncestralStepWithBetaTilde(_ schedule: BetaSchedule, _ clip: Bool) throws {
        let tables = try NoiseTables(schedule: schedule)
        var generator = RandomGenerator(seed: 12, stream: 0)
        let shape = [2, 1, 3, 3]
        for i in 0..<tables.timesteps {
            let x0 = Tensor.uniform(shape, in: -1.2...1.2, using: &generator)
            let n = Tensor.randn(shape, using: &generator)
            let eps = n + Tensor.randn(shape, using: &generator) * 0.3
            let z = Tensor.randn(shape, using: &generator)
            let xt = tables.qSample(x0: x0, indices: [i, i], noise: n)
            let ancestral = ReverseStep.ddpm(xt: xt, eps: eps, index: i, tables: tables, variance: .betaTilde,
                                             clip: clip, noise: z)
            let ddim = ReverseStep.ddim(xt: xt, eps: eps, alphaBar: tables.alphaBar[i],
                                        alphaBarPrev: tables.alphaBarPrev[i], eta: 1, clip: clip, noise: z)
            let problem = mismatch(ddim.previous.scalars, ancestral.previous.scalars, rtol: 2e-6, atol: 1e-6)
            #expect(problem == nil, "\(schedule), clip \(clip), index \(i): \(problem ?? "")")
            if problem != nil { break }
        }
    }
}

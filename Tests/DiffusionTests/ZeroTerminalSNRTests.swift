// --rescale-zero-terminal-snr: the rescaled betas against numpy's Algorithm 1 (and diffusers'),
// and what ᾱ_T = 0 does to the tables and the samplers of an ε-predicting model.

import Testing
import TensorCore
@testable import Diffusion

@Suite struct ZeroTerminalSNRTests {
    @Test(arguments: ZeroTerminalSNRGoldens.cases.indices)
    func rescaledBetasMatchNumpy(_ k: Int) throws {
        let golden = ZeroTerminalSNRGoldens.cases[k]
        let betas = try rescaledToZeroTerminalSNR(golden.input())
        // β_{T−1}, β_T come from ratios of tiny ᾱ (1e-9): a few more ulps than the schedules' 1e-12.
        expectClose(betas, at: golden.indices, golden.betas, relativeTolerance: 1e-9, "\(golden.label): betas")
        let tables = try NoiseTables(betas: betas)
        expectClose(tables.alphaBar, at: golden.indices, golden.alphaBar, relativeTolerance: 1e-9, "\(golden.label): alphaBar")
        #expect(betas.last == 1 && tables.alphaBar.last == 0 && tables.hasZeroTerminalSNR)
    }

    @Test func rescalingKeepsTheFirstAlphaBar() throws {
        let raw = try BetaSchedule.linear.betas(ScheduleParameters(timesteps: 1000))
        let tables = try NoiseTables(betas: rescaledToZeroTerminalSNR(raw))
        #expect(abs(tables.alphaBar[0] - (1 - raw[0])) < 1e-15)
        #expect(try !NoiseTables(betas: raw).hasZeroTerminalSNR)
    }

    @Test func tablesStayFiniteWhereTheSamplersReadThem() throws {
        let tables = try NoiseTables(betas: rescaledToZeroTerminalSNR(BetaSchedule.cosine.betas(ScheduleParameters(timesteps: 10))))
        let last = tables.timesteps - 1
        #expect(tables.sqrtAlphaBar[last] == 0 && tables.sqrtOneMinusAlphaBar[last] == 1)
        for row in [tables.betaTilde, tables.posteriorLogVarianceClipped, tables.posteriorMeanCoef1, tables.posteriorMeanCoef2] {
            #expect(row.allSatisfy { $0.isFinite })
        }
        // μ̃_T ignores x_T (c2 = 0): at zero SNR x_T holds nothing of x_0.
        #expect(tables.posteriorMeanCoef2[last] == 0)
    }

    @Test func onlyTheLastBetaMayBeOne() {
        #expect(throws: ScheduleError.self) { try NoiseTables(betas: [0.1, 1, 0.2]) }
        #expect(throws: ScheduleError.self) { try rescaledToZeroTerminalSNR([0.5]) }
    }

    /// ε̂ at t = T is the input itself (what a trained model learns there): x̂_0 = 0, not 0/0.
    @Test func reverseStepsAtTEqualsTAreFinite() throws {
        let tables = try NoiseTables(betas: rescaledToZeroTerminalSNR(BetaSchedule.linear.betas(ScheduleParameters(timesteps: 20))))
        var g = RandomGenerator(seed: 3)
        let xT = Tensor.randn([2, 1, 4, 4], using: &g), z = Tensor.randn([2, 1, 4, 4], using: &g)
        let last = tables.timesteps - 1
        for clip in [false, true] {
            #expect(ReverseStep.predictX0(xt: xT, eps: xT, alphaBar: 0, clip: clip).scalars.allSatisfy { $0 == 0 })
            let ddpm = ReverseStep.ddpm(xt: xT, eps: xT, index: last, tables: tables, variance: .betaTilde, clip: clip, noise: z)
            // x̂_0 = 0 and c2 = 0: x_{T−1} = √β̃_T z, the forward marginal's spread with x_0 unknown.
            let sigma = Float(tables.betaTilde[last].squareRoot())
            #expect(zip(ddpm.previous.scalars, z.scalars).allSatisfy { abs($0 - sigma * $1) <= 1e-6 })
            let ddim = ReverseStep.ddim(xt: xT, eps: xT, alphaBar: 0, alphaBarPrev: tables.alphaBar[last - 1], eta: 0, clip: clip, noise: nil)
            #expect(ddim.previous.scalars.allSatisfy { $0.isFinite })
        }
    }

    /// With the exact ε of a one-point data distribution, both samplers still land on the point:
    /// only the first step (x̂_0 = 0) is uninformed, every later one recovers x* exactly.
    @Test(arguments: [SamplerKind.ddpm, .ddim])
    func samplersRecoverAPointMassFromPureNoise(_ kind: SamplerKind) throws {
        let tables = try NoiseTables(betas: rescaledToZeroTerminalSNR(BetaSchedule.linear.betas(ScheduleParameters(timesteps: 50))))
        let xStar: [Float] = [0.5, -0.25, 0.75, -1]
        let sampler = try Sampler(tables: tables, settings: SamplerSettings(kind: kind, steps: kind == .ddim ? 10 : nil))
        let out = sampler.sample(count: 3, imageShape: [1, 2, 2], seed: 7, batchSize: 3) { x, timesteps in
            let values = x.scalars
            let eps = values.indices.map { i -> Float in
                let a = tables.alphaBar[Int(timesteps[i / 4])]
                return Float((Double(values[i]) - a.squareRoot() * Double(xStar[i % 4])) / (1 - a).squareRoot())
            }
            return Tensor(shape: x.shape, values: eps)
        }
        #expect(out.scalars.allSatisfy { $0.isFinite })
        for (i, v) in out.scalars.enumerated() { #expect(abs(v - xStar[i % 4]) < 1e-3, "image \(i / 4): \(v) vs \(xStar[i % 4])") }
    }
}

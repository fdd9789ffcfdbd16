// RePaint: the jump schedule against the reference's get_schedule_jump and diffusers' timesteps;
// one reverse step and one re-noising step against diffusers' RePaintScheduler on the same inputs
// and noise (RePaintGoldens.swift, made by scripts/fixtures/repaint.py); the merge; and the whole
// policy under the driver: known pixels exact, seeded results independent of the batch size.

import Foundation
import Testing
import TensorCore
@testable import Diffusion

@Suite struct JumpScheduleTests {
    @Test func equalsTheReferenceScheduleAndDiffusersTimesteps() throws {
        for g in RePaintGoldens.schedules {
            let s = try JumpSchedule(steps: g.steps, jumpLength: g.jumpLength, resamplings: g.resamplings)
            #expect(s.times == g.reference, "S \(g.steps) J \(g.jumpLength) U \(g.resamplings)")
            // diffusers lists the timesteps without the final −1 (x_0).
            #expect(Array(s.times.dropLast()) == g.diffusers)
            #expect(s.modelEvaluations == zip(g.reference, g.reference.dropFirst()).filter { $1 < $0 }.count)
        }
    }

    @Test func repaintDefaultCostsAreKnownUpFront() throws {
        let s = try JumpSchedule(steps: 250, jumpLength: 10, resamplings: 10)
        #expect(s.moveCount == RePaintGoldens.default250.moves)
        #expect(s.modelEvaluations == RePaintGoldens.default250.reverse)
        // S + ⌈(S − J)/J⌉·(U − 1)·J = 250 + 24·9·10.
        #expect(s.modelEvaluations == 250 + 24 * 9 * 10)
        #expect(s.evaluations(afterMoves: 0) == 0 && s.evaluations(afterMoves: s.moveCount) == s.modelEvaluations)
        #expect((0..<s.moveCount).allSatisfy { s.evaluations(afterMoves: $0 + 1) - s.evaluations(afterMoves: $0) == (s.isReverse($0) ? 1 : 0) })
    }

    @Test func noResamplingIsPlainDescent() throws {
        for J in [1, 3, 10, 40] {
            let s = try JumpSchedule(steps: 12, jumpLength: J, resamplings: 1)
            #expect(s.times == Array((-1...11).reversed()))
            #expect(s.modelEvaluations == 12)
        }
    }

    @Test func rejectsNonPositiveParameters() {
        #expect(throws: ScheduleError.self) { try JumpSchedule(steps: 0, jumpLength: 1, resamplings: 1) }
        #expect(throws: ScheduleError.self) { try JumpSchedule(steps: 5, jumpLength: 0, resamplings: 1) }
        #expect(throws: ScheduleError.self) { try JumpSchedule(steps: 5, jumpLength: 1, resamplings: 0) }
    }
}

@Suite struct RePaintStepTests {
    typealias G = RePaintGoldens

    static func tensor(_ values: [Float]) -> Tensor { Tensor(shape: G.shape, values: values) }
    static let maskTensor = Tensor(shape: [2, 1, 3, 3], values: G.mask)

    /// The goldens' inputs as a policy over T = 20 with `steps` respaced steps (leading spacing,
    /// which is diffusers' `t · T/S` timesteps).
    static func policy(steps: Int, kind: SamplerKind, variance: VarianceKind = .beta) throws -> RePaintPolicy {
        let tables = try NoiseTables(betas: G.betas)
        let masks = (0..<2).map { InpaintMask(height: 3, width: 3, keep: Array(G.mask[($0 * 9)..<($0 * 9 + 9)])) }
        let inputs = InpaintingInputs(imageShape: [2, 3, 3], images: G.original, masks: masks, completionsPerInput: 1)
        let settings = SamplerSettings(kind: kind, steps: steps, eta: kind == .ddim ? 1 : 0, variance: variance,
                                       spacing: .leading, clipDenoised: false)
        return try RePaintPolicy(tables: tables, settings: settings, jumpLength: 3, resamplings: 2, inputs: inputs)
    }

    /// Our reverse move from visited position `position`, with diffusers' single noise draw used
    /// for both the reverse step's z and the known part's ε.
    static func reverseMove(_ p: RePaintPolicy, position: Int) -> [Float] {
        let noise = tensor(G.noise)
        let unknown = p.reverseStep(position, xt: tensor(G.sample), eps: tensor(G.modelOutput),
                                    noise: p.needsNoise(position) ? noise : nil)
        let to = p.visited.count - 2 - position  // step index after the move
        let known = RePaintPolicy.knownPart(x0: tensor(G.original), alphaBar: p.alphaBar(ofStepIndex: to), noise: noise)
        return RePaintPolicy.merge(known: known, unknown: unknown.previous, mask: maskTensor).scalars
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max()! }

    @Test func reverseStepEqualsDiffusersWithDDIMEtaOne() throws {
        let p = try Self.policy(steps: 10, kind: .ddim)
        #expect(p.visited == [18, 16, 14, 12, 10, 8, 6, 4, 2, 0])
        // diffusers' step(t = 8): visited position 5, to timestep 6.
        #expect(Self.maxDifference(Self.reverseMove(p, position: 5), G.stepAt8) < 2e-5)
        // Last step t = 0: no noise in the unknown part, the known part is the input itself.
        let last = Self.reverseMove(p, position: 9)
        #expect(Self.maxDifference(last, G.stepAt0) < 2e-5)
        for i in last.indices where G.mask[(i / 18) * 9 + i % 9] == 1 { #expect(last[i] == G.original[i]) }
    }

    @Test func ancestralBetaTildeIsTheSameStep() throws {
        // DDIM at η = 1 is the ancestral step with β̃ (on the respaced chain); diffusers uses the former.
        let p = try Self.policy(steps: 10, kind: .ddpm, variance: .betaTilde)
        #expect(Self.maxDifference(Self.reverseMove(p, position: 5), G.stepAt8) < 1e-4)
        #expect(Self.maxDifference(Self.reverseMove(p, position: 9), G.stepAt0) < 1e-4)
    }

    @Test func undoStepEqualsDiffusersAtRatioOne() throws {
        let p = try Self.policy(steps: 20, kind: .ddpm)
        let up = p.renoise(Self.tensor(G.sample), to: 5, noise: Self.tensor(G.noise))
        #expect(Self.maxDifference(up.scalars, G.undoTo5) < 2e-5)
    }

    @Test func renoisingOnARespacedChainUsesTheRespacedBeta() throws {
        // From visited index 8 (step index 4) up to 10 (step index 5): β' = 1 − ᾱ[10]/ᾱ[8], so
        // a sample at ᾱ[8] reaches exactly ᾱ[10] (variance of √ᾱ x_0 + noise adds up).
        let p = try Self.policy(steps: 10, kind: .ddpm)
        let t = p.tables
        let x = Tensor(shape: [1, 1, 1, 1], values: [1]), zero = Tensor(shape: [1, 1, 1, 1], values: [0])
        let mean = p.renoise(x, to: 5, noise: zero).scalars[0]
        #expect(abs(Double(mean) - (t.alphaBar[10] / t.alphaBar[8]).squareRoot()) < 1e-6)
        let spread = p.renoise(zero, to: 5, noise: x).scalars[0]
        #expect(abs(Double(spread * spread) - (1 - t.alphaBar[10] / t.alphaBar[8])) < 1e-6)
    }

    @Test func mergeCopiesEachPixelFromOneSideExactly() {
        let known = Tensor(shape: [2, 2, 1, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        let unknown = Tensor(shape: [2, 2, 1, 2], values: [-1, -2, -3, -4, -5, -6, -7, -8])
        let mask = Tensor(shape: [2, 1, 1, 2], values: [1, 0, 0, 1])
        #expect(RePaintPolicy.merge(known: known, unknown: unknown, mask: mask).scalars == [1, -2, 3, -4, -5, 6, -7, 8])
    }

    @Test func knownPartIsTheForwardProcess() {
        let x0 = Tensor(shape: [1, 1, 1, 2], values: [0.5, -1]), eps = Tensor(shape: [1, 1, 1, 2], values: [1, 2])
        let k = RePaintPolicy.knownPart(x0: x0, alphaBar: 0.64, noise: eps).scalars
        #expect(abs(k[0] - (0.8 * 0.5 + 0.6)) < 1e-6 && abs(k[1] - (-0.8 + 1.2)) < 1e-6)
        #expect(RePaintPolicy.knownPart(x0: x0, alphaBar: 1, noise: eps).scalars == x0.scalars)
    }
}

@Suite struct RePaintPolicyTests {
    static let shape = [2, 4, 4]

    /// ε̂ that depends on x, t and each image's index, so any mix-up between images shows.
    static func model(_ x: Tensor, _ t: [Float], _ images: Range<Int>) -> Tensor {
        let v = x.scalars, per = x.count / t.count
        let values: [Float] = v.indices.map { (i: Int) -> Float in
            let image = Float(images.lowerBound + i / per)
            return 0.3 * v[i] + 0.001 * t[i / per] + 0.01 * image
        }
        return Tensor(shape: x.shape, values: values)
    }

    static func policy(kind: SamplerKind = .ddpm, resamplings: Int = 2, completions: Int = 3) throws -> RePaintPolicy {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 50))
        let images: [Float] = (0..<(2 * 32)).map { (k: Int) -> Float in Float((k * 37) % 255) / 127.5 - 1 }
        let masks = [MaskSpec(kind: .upperHalf), MaskSpec(kind: .randomPixels, keepFraction: 0.4)].enumerated().map {
            $1.mask(height: 4, width: 4, input: $0, seed: 5)
        }
        let inputs = InpaintingInputs(imageShape: shape, images: images, masks: masks, completionsPerInput: completions)
        return try RePaintPolicy(tables: tables, settings: SamplerSettings(kind: kind, steps: 12, eta: kind == .ddim ? 0.5 : 0),
                                 jumpLength: 3, resamplings: resamplings, inputs: inputs)
    }

    @Test(arguments: [SamplerKind.ddpm, .ddim])
    func knownRegionEqualsTheInputExactly(_ kind: SamplerKind) throws {
        let p = try Self.policy(kind: kind)
        let out = SamplingDriver(imageShape: Self.shape, seed: 9, batchSize: 4).sampleAll(count: 6, policy: p, model: Self.model).scalars
        var kept = 0, generatedDiffer = 0
        for k in 0..<6 {
            let i = k / 3
            for c in 0..<2 { for q in 0..<16 {
                let value = out[k * 32 + c * 16 + q], truth = p.inputs.images[i * 32 + c * 16 + q]
                if p.inputs.masks[i].keep[q] == 1 { #expect(value == truth); kept += 1 } else if value != truth { generatedDiffer += 1 }
            } }
        }
        #expect(kept > 0 && generatedDiffer > 0)
        // Completions of the same input differ (own streams).
        #expect(out[0..<32] != out[32..<64])
    }

    @Test(arguments: [1, 2, 4, 5])
    func seededResultsDoNotDependOnBatchSize(_ batchSize: Int) throws {
        let p = try Self.policy()
        let reference = SamplingDriver(imageShape: Self.shape, seed: 3, batchSize: 6).sampleAll(count: 6, policy: p, model: Self.model)
        let images = SamplingDriver(imageShape: Self.shape, seed: 3, batchSize: batchSize).sampleAll(count: 6, policy: p, model: Self.model)
        #expect(images.scalars == reference.scalars)
    }

    @Test func modelIsEvaluatedOncePerReverseMoveAtTheVisitedTimestep() throws {
        let p = try Self.policy(resamplings: 3)
        var calls: [Float] = []
        _ = SamplingDriver(imageShape: Self.shape, seed: 1, batchSize: 6).sampleAll(count: 6, policy: p, model: { x, t, images in
            calls.append(t[0]); return Self.model(x, t, images)
        })
        #expect(calls.count == p.modelEvaluations)
        let expected = (0..<p.stepCount).filter(p.schedule.isReverse).map { Float(p.timestep(ofStepIndex: p.schedule.times[$0])) }
        #expect(calls == expected)
        #expect(p.timestep(after: p.stepCount - 1) == -1)
    }

    @Test func resamplingChangesTheResult() throws {
        let once = try Self.policy(resamplings: 1), twice = try Self.policy(resamplings: 2)
        #expect(once.modelEvaluations == 12 && twice.modelEvaluations > 12)
        let driver = SamplingDriver(imageShape: Self.shape, seed: 2, batchSize: 6)
        #expect(driver.sampleAll(count: 6, policy: once, model: Self.model).scalars
                != driver.sampleAll(count: 6, policy: twice, model: Self.model).scalars)
    }
}

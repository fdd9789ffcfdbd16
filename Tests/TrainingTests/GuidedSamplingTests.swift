// Classifier-free guidance with a real UNet: the batched conditional + unconditional pass equals two
// separate passes, guided sampling runs through the unchanged DDPM and DDIM policies, and
// training's label drop happens at the rate p_uncond.
import Diffusion
import NN
import TensorCore
import Testing
@testable import Training

@Suite struct GuidedSamplingTests {
    static func model() -> UNet {
        UNet(Tiny.config(seed: 3, classes: 3).model.unetConfig)
    }

    @Test func batchedPassEqualsTwoSeparatePasses() throws {
        let unet = Self.model()
        let null = try #require(unet.config.nullClassLabel)
        #expect(null == 3)
        var g = RandomGenerator(seed: 1, stream: 0)
        let x = Tensor.randn([3, 1, 8, 8], using: &g)
        let t: [Float] = [5, 20, 49], labels = [0, 2, 1]
        var calls = 0
        let conditional: ConditionalNoisePredictor = { x, t, y in
            calls += 1
            return unet.predict(x, timesteps: t, classLabels: y)
        }
        let guided = ClassifierFreeGuidance(weight: 2, nullLabel: null).predict(x, timesteps: t, classLabels: labels, model: conditional)
        #expect(calls == 1)
        let c = unet.predict(x, timesteps: t, classLabels: labels)
        let u = unet.predict(x, timesteps: t, classLabels: [null, null, null])
        let separate = ClassifierFreeGuidance.combine(conditional: c, unconditional: u, weight: 2)
        let worst = zip(guided.scalars, separate.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5, "batched vs separate passes differ by \(worst)")
        #expect(c.scalars != u.scalars, "the class must change the prediction, or the comparison proves little")
    }

    @Test(arguments: [SamplerKind.ddpm, .ddim])
    func guidedSamplingWorksWithBothSamplers(kind: SamplerKind) throws {
        let unet = Self.model()
        let tables = try Tiny.config().diffusion.noiseTables()
        func sample(_ w: Float, batchSize: Int) throws -> [Float] {
            try SamplingJob(model: unet, tables: tables, settings: SamplerSettings(kind: kind, steps: 5), seed: 4, batchSize: batchSize,
                            classLabels: [2], guidance: w, provenance: []).run(count: 3).scalars
        }
        let plain = try sample(0, batchSize: 3), guided = try sample(3, batchSize: 3)
        #expect(guided.allSatisfy { $0.isFinite && abs($0) <= 1 })
        #expect(plain != guided)
        // Each image keeps its own stream, so guidance does not tie images to their batch.
        let worst = zip(try sample(3, batchSize: 1), guided).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4)
    }

    @Test func labelsAreDroppedAtTheRatePUncond() {
        let labels = [Int](repeating: 4, count: 100_000)
        var rng = RandomGenerator(seed: 9, stream: 17)
        let dropped = Trainer.droppingLabels(labels, to: 10, probability: 0.1, using: &rng)
        let share = Double(dropped.filter { $0 == 10 }.count) / Double(labels.count)
        // Binomial(100000, 0.1): σ ≈ 0.00095; 0.005 is over 5σ.
        #expect(abs(share - 0.1) < 0.005, "dropped share \(share)")
        #expect(Set(dropped) == [4, 10])
        // The same step stream drops the same labels (what makes --resume exact).
        var again = RandomGenerator(seed: 9, stream: 17)
        #expect(Trainer.droppingLabels(labels, to: 10, probability: 0.1, using: &again) == dropped)
        var g0 = RandomGenerator(seed: 9, stream: 17), g1 = RandomGenerator(seed: 9, stream: 17)
        #expect(Trainer.droppingLabels(labels, to: 10, probability: 0, using: &g0) == labels)
        #expect(Trainer.droppingLabels(labels, to: 10, probability: 1, using: &g1).allSatisfy { $0 == 10 })
    }
}

// Classifier-free guidance: the combination against hand-computed values, the single batched
// pass ([x; x] with [c; ∅]) that a wrapped model sees, and w = 0 as the plain conditional model.
import Diffusion
import TensorCore
import Testing

@Suite struct GuidanceTests {
    @Test func combinationMatchesHandComputedValues() {
        let c = Tensor(shape: [1, 4], values: [1, 2, -3, 0.5])
        let u = Tensor(shape: [1, 4], values: [0.5, -1, 2, 0.5])
        // w = 2: 3·c − 2·u = [3 − 1, 6 + 2, −9 − 4, 1.5 − 1].
        #expect(ClassifierFreeGuidance.combine(conditional: c, unconditional: u, weight: 2).scalars == [2, 8, -13, 0.5])
        // w = 0.5: 1.5·c − 0.5·u = [1.5 − 0.25, 3 + 0.5, −4.5 − 1, 0.75 − 0.25].
        #expect(ClassifierFreeGuidance.combine(conditional: c, unconditional: u, weight: 0.5).scalars == [1.25, 3.5, -5.5, 0.5])
        // w = 0: the conditional prediction itself.
        #expect(ClassifierFreeGuidance.combine(conditional: c, unconditional: u, weight: 0).scalars == c.scalars)
    }

    @Test func diffusersScaleIsOnePlusW() {
        let g = ClassifierFreeGuidance(weight: 2, nullLabel: 10)
        #expect(g.diffusersGuidanceScale == 3)
        // diffusers: u + s·(c − u) with s = 1 + w is the same number.
        let c: Float = 0.7, u: Float = -0.2, s = g.diffusersGuidanceScale
        #expect(abs((u + s * (c - u)) - ((1 + g.weight) * c - g.weight * u)) < 1e-6)
    }

    /// A stand-in model whose output depends on x, t and the label in a known way, and that
    /// records every call it gets.
    final class Recorder {
        var calls: [(batch: Int, timesteps: [Float], labels: [Int])] = []
        lazy var model: ConditionalNoisePredictor = { [unowned self] x, t, y in
            calls.append((x.shape[0], t, y))
            let per = x.shape.dropFirst().reduce(1, *)
            let values = x.scalars.enumerated().map { i, v in v * Float(y[i / per] + 1) + t[i / per] / 100 }
            return Tensor(shape: x.shape, values: values)
        }
    }

    @Test func oneBatchedPassWithConditionalThenNullHalves() {
        let x = Tensor(shape: [2, 1, 1, 2], values: [1, -2, 0.5, 3])
        let recorder = Recorder()
        let guided = ClassifierFreeGuidance(weight: 1.5, nullLabel: 9)
            .predict(x, timesteps: [40, 40], classLabels: [2, 0], model: recorder.model)
        #expect(recorder.calls.count == 1)
        #expect(recorder.calls[0].batch == 4)
        #expect(recorder.calls[0].labels == [2, 0, 9, 9])
        #expect(recorder.calls[0].timesteps == [40, 40, 40, 40])
        // Image 0: ε_c = x·3 + 0.4, ε_∅ = x·10 + 0.4; image 1: ε_c = x·1 + 0.4.
        // ε̂ = 2.5·ε_c − 1.5·ε_∅ per value.
        let expected: [Float] = [2.5 * (1 * 3 + 0.4) - 1.5 * (1 * 10 + 0.4), 2.5 * (-2 * 3 + 0.4) - 1.5 * (-2 * 10 + 0.4),
                                 2.5 * (0.5 + 0.4) - 1.5 * (0.5 * 10 + 0.4), 2.5 * (3 + 0.4) - 1.5 * (3 * 10 + 0.4)]
        for (a, b) in zip(guided.scalars, expected) { #expect(abs(a - b) < 1e-5, "\(guided.scalars) vs \(expected)") }
    }

    @Test func zeroWeightIsThePlainConditionalModelInOnePass() {
        let x = Tensor(shape: [2, 1, 1, 2], values: [1, -2, 0.5, 3])
        let recorder = Recorder()
        let guided = ClassifierFreeGuidance(weight: 0, nullLabel: 9)
            .predict(x, timesteps: [5, 5], classLabels: [2, 0], model: recorder.model)
        #expect(recorder.calls.count == 1 && recorder.calls[0].batch == 2 && recorder.calls[0].labels == [2, 0])
        #expect(guided.scalars == recorder.model(x, [5, 5], [2, 0]).scalars)
    }

    @Test func noisePredictorLooksUpEachImagesLabel() {
        let recorder = Recorder()
        let predictor = ClassifierFreeGuidance(weight: 1, nullLabel: 7).noisePredictor(model: recorder.model) { $0 % 3 }
        _ = predictor(Tensor.zeros([3, 1, 1, 1]), [9, 9, 9], 4..<7)
        #expect(recorder.calls.map(\.labels) == [[1, 2, 0, 7, 7, 7]])
    }
}

import Testing
@testable import NN
import TensorCore
import Foundation

/// One scalar parameter in a flat set, for hand-checkable optimizer arithmetic.
private final class Scalar: Layer {
    let p = Parameter(Tensor(shape: [2], values: [1, -2]))
    func namedParameters() -> [(String, Parameter)] { [("p", p)] }
}

@Suite struct OptimTests {
    @Test func adamWFirstStepsMatchHandComputedValues() {
        let layer = Scalar()
        let set = ParameterSet(layer)
        let opt = AdamW(set, settings: .init(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1))
        // Step 1 with g = (0.5, −1): m̂ = g, v̂ = g², update = g/|g| = sign(g); θ −= lr·(sign + λθ).
        set.gradients.copy(from: Tensor(shape: [2], values: [0.5, -1]))
        opt.update(learningRate: 0.01)
        #expect(abs(set.values[flat: 0] - (1 - 0.01 * (1 + 0.1 * 1))) < 1e-6)
        #expect(abs(set.values[flat: 1] - (-2 - 0.01 * (-1 + 0.1 * -2))) < 1e-6)
        // Step 2 with g = (0.5, 0): computed in Double from the definitions.
        let theta1 = [Double(set.values[flat: 0]), Double(set.values[flat: 1])]
        set.gradients.copy(from: Tensor(shape: [2], values: [0.5, 0]))
        opt.update(learningRate: 0.01)
        let g1 = [0.5, -1.0], g2 = [0.5, 0.0]
        for i in 0..<2 {
            let m = 0.9 * (0.1 * g1[i]) + 0.1 * g2[i], v = 0.999 * (0.001 * g1[i] * g1[i]) + 0.001 * g2[i] * g2[i]
            let mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999)
            let expected = theta1[i] - 0.01 * (mh / (vh.squareRoot() + 1e-8) + 0.1 * theta1[i])
            #expect(abs(Double(set.values[flat: i]) - expected) < 1e-6)
        }
    }

    /// Adam's weight decay is L2 (λθ added to g before the moments): on the first step the
    /// update is sign(g + λθ), not sign(g) + λθ as in AdamW.
    @Test func adamAppliesWeightDecayThroughTheGradient() {
        let layer = Scalar()
        let set = ParameterSet(layer)
        let opt = AdamW(set, settings: .init(weightDecay: 0.1, kind: .adam))
        set.gradients.copy(from: Tensor(shape: [2], values: [0.05, 0.1]))   // g + λθ = (0.15, −0.1)
        opt.update(learningRate: 0.01)
        #expect(abs(set.values[flat: 0] - (1 - 0.01)) < 1e-6)
        #expect(abs(set.values[flat: 1] - (-2 + 0.01)) < 1e-6)
    }

    @Test func emaWarmsUpThenUsesTheConfiguredDecay() {
        let layer = Scalar()
        let set = ParameterSet(layer)
        let ema = EMA(of: set, decay: 0.999)
        #expect(ema.currentDecay == 0.1)   // (1 + 0) / (10 + 0)
        set.values.copy(from: Tensor(shape: [2], values: [3, 0]))
        ema.update(from: set)
        #expect(abs(ema.shadow[flat: 0] - (0.1 * 1 + 0.9 * 3)) < 1e-6)
        ema.updates = 100_000
        #expect(ema.currentDecay == 0.999)
    }

    @Test func gradientClippingScalesToTheMaximumNorm() {
        let layer = Scalar()
        let set = ParameterSet(layer)
        set.gradients.copy(from: Tensor(shape: [2], values: [3, 4]))
        #expect(clipGradientNorm(set, maxNorm: 1) == 5)
        #expect(abs(set.gradients[flat: 0] - 0.6) < 1e-5 && abs(set.gradients[flat: 1] - 0.8) < 1e-5)
        set.gradients.copy(from: Tensor(shape: [2], values: [0.3, 0.4]))
        clipGradientNorm(set, maxNorm: 1)
        #expect(set.gradients.scalars == [0.3, 0.4])
    }

    @Test func constantAndCosineSchedulesWarmUpAndDecay() {
        var s = LRScheduleSettings(kind: .constant, peak: 1e-3, warmupSteps: 10, totalSteps: 100)
        #expect(abs(s.learningRate(at: 0) - 1e-4) < 1e-9)
        #expect(s.learningRate(at: 9) == 1e-3 && s.learningRate(at: 50) == 1e-3)
        s.kind = .cosine
        #expect(s.learningRate(at: 10) == 1e-3)
        #expect(abs(s.learningRate(at: 55) - 5e-4) < 1e-6)
        #expect(s.learningRate(at: 100) < 1e-9)
    }

    @Test func oneCycleMatchesPyTorchOneCycleLR() {
        let s = LRScheduleSettings(kind: .oneCycle, peak: 1e-3, warmupSteps: 0, totalSteps: 100)
        // (step, lr, beta1) from torch 2.13.0+cpu, scripts/fixtures/onecycle.py
        let expected: [(Int, Double, Double)] = [
            (0, 3.9999999999999996e-05, 0.95),
            (1, 4.281378056590743e-05, 0.9497068978577179),
            (14, 0.0004940133238789995, 0.9027069454292709),
            (28, 0.0009971862194340926, 0.850293102142282),
            (29, 0.001, 0.85),
            (30, 0.0009994965352845243, 0.8500503466729342),
            (50, 0.0007938934505757319, 0.8706107373853763),
            (98, 5.074647154757879e-07, 0.9499496533270657),
            (99, 4e-09, 0.95),
        ]
        for (step, lr, beta1) in expected {
            // Float arithmetic against PyTorch's Double: a relative 1e-5 is a few Float ulps.
            #expect(abs(Double(s.learningRate(at: step)) - lr) <= 1e-5 * lr, "lr at step \(step)")
            #expect(abs(Double(s.momentum(at: step)!) - beta1) <= 1e-6, "beta1 at step \(step)")
        }
    }
}

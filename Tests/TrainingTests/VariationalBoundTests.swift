import DataIO
import Diffusion
import Foundation
import Testing
import TensorCore
@testable import Training

@Suite struct VariationalBoundTests {
    /// An oracle that knows x_0 predicts the exact noise, so with σ² = β̃ every denoising KL is 0
    /// and the bound is the prior L_T plus the decoder L_0, both written out here by hand:
    /// L_T = Σ ½(σ² + ᾱ_T x² − 1 − log σ²), σ² = 1 − ᾱ_T; L_0 = −Σ log P(bin ∋ x | N(x, β̃₁)) since
    /// μ_θ(x_1, 1) = x_0 exactly (c1 = 1, c2 = 0 at t = 1).
    @Test func oracleModelGivesPriorPlusDecoder() throws {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 10, betaMin: 1e-4, betaMax: 0.2))
        let bytes: [UInt8] = [0, 255, 128, 64, 3, 200, 17, 99]
        let images = ImageSet(bytes: bytes, labels: [0, 1], channels: 1, height: 2, width: 2)
        var x0Batch: [Float] = []
        let bound = VariationalBound(tables: tables, variance: .betaTilde) { x, t, _ in
            let k = Int(t[0]), a = Float(tables.sqrtAlphaBar[k]), s = Float(tables.sqrtOneMinusAlphaBar[k])
            return Tensor(shape: x.shape, values: zip(x.scalars, x0Batch).map { ($0 - a * $1) / s })
        }
        x0Batch = images.pixels
        let estimate = bound.estimate(images, batchSize: 2, seed: 3)

        let aT = tables.alphaBar[9], s2 = 1 - aT, sigma = Foundation.exp(0.5 * tables.posteriorLogVarianceClipped[0])
        func cdf(_ z: Double) -> Double { 0.5 * (1 + Foundation.erf(z / 2.0.squareRoot())) }
        var expected = 0.0
        for x in images.pixels.map(Double.init) {
            expected += 0.5 * (s2 + aT * x * x - 1 - Foundation.log(s2))
            let upper = x > 0.999 ? 1 : cdf(1 / 255 / sigma), lower = x < -0.999 ? 0 : cdf(-1 / 255 / sigma)
            expected -= Foundation.log(upper - lower)
        }
        expected /= Double(images.pixels.count) * Foundation.log(2)
        #expect(abs(estimate.bitsPerDimension - expected) < 1e-4 * expected, "bound \(estimate.bitsPerDimension), expected \(expected)")
        #expect(estimate.images == 2 && estimate.timesteps == 10)
    }

    /// A model that predicts zero noise pays a positive KL at every step: a worse (larger) bound.
    @Test func wrongModelGivesALargerBound() throws {
        let tables = try NoiseTables(schedule: .linear, parameters: ScheduleParameters(timesteps: 10, betaMin: 1e-4, betaMax: 0.2))
        let images = ImageSet(bytes: [0, 255, 128, 64], labels: [0], channels: 1, height: 2, width: 2)
        let zero = VariationalBound(tables: tables, variance: .beta) { x, _, _ in Tensor.zeros(x.shape) }.estimate(images, batchSize: 1, seed: 0)
        var x0: [Float] = images.pixels
        let oracle = VariationalBound(tables: tables, variance: .beta) { x, t, _ in
            let k = Int(t[0]), a = Float(tables.sqrtAlphaBar[k]), s = Float(tables.sqrtOneMinusAlphaBar[k])
            return Tensor(shape: x.shape, values: zip(x.scalars, x0).map { ($0 - a * $1) / s })
        }.estimate(images, batchSize: 1, seed: 0)
        x0 = []
        #expect(zero.bitsPerDimension > oracle.bitsPerDimension + 0.1, "zero-noise \(zero.bitsPerDimension) vs oracle \(oracle.bitsPerDimension)")
    }
}

import Foundation
import Testing
@testable import Tuning

/// The fixture `Fixtures/gp_reference.json` is written by scripts/fixtures/gp_reference.py
/// (numpy: Rasmussen & Williams Algorithm 2.1 with a Matérn 5/2 ARD kernel; scipy L-BFGS-B for
/// the maximum likelihood; EI from scipy.stats.norm).
struct GPReference: Decodable {
    struct Hyper: Decodable { let lengthScales: [Double]; let signalVariance: Double; let noiseVariance: Double }
    let inputs: [[Double]]
    let targets: [Double]
    let tests: [[Double]]
    let hyperparameters: Hyper
    let mean: [Double]
    let variance: [Double]
    let expectedImprovement: [Double]
    let best: Double
    let logMarginalLikelihood: Double
    let scipyMaxLogMarginalLikelihood: Double

    static func load() throws -> GPReference {
        let url = try #require(Bundle.module.url(forResource: "gp_reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(GPReference.self, from: Data(contentsOf: url))
    }

    var gpHyperparameters: GPHyperparameters {
        GPHyperparameters(lengthScales: hyperparameters.lengthScales, signalVariance: hyperparameters.signalVariance,
                          noiseVariance: hyperparameters.noiseVariance)
    }
}

func close(_ a: Double, _ b: Double, rtol: Double = 1e-9, atol: Double = 1e-12) -> Bool { abs(a - b) <= atol + rtol * abs(b) }

@Suite struct GaussianProcessTests {
    @Test func posteriorMeanVarianceAndEIMatchNumpy() throws {
        let ref = try GPReference.load()
        let gp = try GaussianProcess(inputs: ref.inputs, targets: ref.targets, hyperparameters: ref.gpHyperparameters)
        for (k, x) in ref.tests.enumerated() {
            let p = gp.predict(x)
            #expect(close(p.mean, ref.mean[k], rtol: 1e-9), "mean at test \(k): \(p.mean) vs \(ref.mean[k])")
            #expect(close(p.variance, ref.variance[k], rtol: 1e-7, atol: 1e-12), "variance at test \(k): \(p.variance) vs \(ref.variance[k])")
            let ei = ExpectedImprovement.value(mean: p.mean, variance: p.variance, best: ref.best)
            #expect(close(ei, ref.expectedImprovement[k], rtol: 1e-6, atol: 1e-15), "EI at test \(k): \(ei) vs \(ref.expectedImprovement[k])")
        }
        #expect(close(gp.logMarginalLikelihood, ref.logMarginalLikelihood, rtol: 1e-10))
    }

    @Test func posteriorInterpolatesNoiselessData() throws {
        let ref = try GPReference.load()
        var h = ref.gpHyperparameters
        h.noiseVariance = 1e-10
        let gp = try GaussianProcess(inputs: ref.inputs, targets: ref.targets, hyperparameters: h)
        for (x, y) in zip(ref.inputs, ref.targets) {
            let p = gp.predict(x)
            #expect(abs(p.mean - y) < 1e-5)
            #expect(p.variance < 1e-6)
        }
    }

    @Test func likelihoodGradientMatchesFiniteDifferences() throws {
        let ref = try GPReference.load()
        let fit = GPFit(inputs: ref.inputs, targets: ref.targets)
        let theta = [log(0.3), log(0.7), log(1.5), log(1.3), log(1e-3)]
        let g = try #require(fit.objective(theta)).gradient
        for i in theta.indices {
            var plus = theta, minus = theta
            plus[i] += 1e-5
            minus[i] -= 1e-5
            let numeric = (try #require(fit.objective(plus)).value - (try #require(fit.objective(minus)).value)) / 2e-5
            #expect(close(g[i], numeric, rtol: 1e-5, atol: 1e-6), "∂/∂θ\(i): analytic \(g[i]) vs numeric \(numeric)")
        }
    }

    @Test func fittedLikelihoodReachesScipyOptimum() throws {
        let ref = try GPReference.load()
        let gp = try GaussianProcess.fitted(inputs: ref.inputs, targets: ref.targets, seed: 1)
        #expect(gp.logMarginalLikelihood >= ref.scipyMaxLogMarginalLikelihood - 0.05,
                "fitted LML \(gp.logMarginalLikelihood) vs scipy's maximum \(ref.scipyMaxLogMarginalLikelihood)")
    }

    @Test func expectedImprovementLimits() {
        // No uncertainty: the plain improvement. Far worse mean: nothing. Mean at the best: σ φ(0).
        #expect(ExpectedImprovement.value(mean: 1, variance: 0, best: 3) == 2)
        #expect(ExpectedImprovement.value(mean: 10, variance: 1e-4, best: 0) == 0)
        #expect(close(ExpectedImprovement.value(mean: 2, variance: 4, best: 2), 2 / (2 * Double.pi).squareRoot(), rtol: 1e-12))
    }

    @Test func choleskySolvesAgainstAKnownSystem() throws {
        // A = [[4, 2], [2, 3]], L = [[2, 0], [1, √2]], A⁻¹ = [[3, -2], [-2, 4]] / 8.
        let c = try Cholesky(symmetric: [4, 2, 2, 3], n: 2)
        #expect(close(c.logDeterminant, log(8), rtol: 1e-14))
        let x = c.solve([1, 2])
        #expect(close(x[0], -1.0 / 8, atol: 1e-15) && close(x[1], 6.0 / 8, rtol: 1e-14))
        let y = c.solveLower([2, 1 + 2.0.squareRoot()])
        #expect(close(y[0], 1, rtol: 1e-14) && close(y[1], 1, rtol: 1e-14))
        let inv = c.inverse()
        for (a, b) in zip(inv, [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8]) { #expect(close(a, b, rtol: 1e-13)) }
        #expect(throws: TuningError.self) { try Cholesky(symmetric: [1, 2, 2, 1], n: 2) }
    }
}

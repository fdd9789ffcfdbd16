import Testing
@testable import Metrics

@Suite struct KIDAndInceptionScoreTests {
    @Test func unbiasedMMDMatchesNumpy() {
        let k = MetricsReference.shared.kid
        let x = FeatureMatrix(count: k.m, dimension: k.d, values: k.x.map(Float.init))
        let y = FeatureMatrix(count: k.n, dimension: k.d, values: k.y.map(Float.init))
        let ours = KernelInceptionDistance.unbiasedMMD2(x, y)
        #expect(abs(ours - k.mmd2) <= 1e-5 * max(1, abs(k.mmd2)), "ours \(ours), numpy \(k.mmd2)")
    }

    /// The estimator is unbiased, so two halves of one distribution average to about 0 (it can
    /// go negative), while a shifted set stays clearly positive.
    @Test func kidIsNearZeroForOneDistributionAndPositiveForAShift() {
        var g = RandomGeneratorFactory.make(seed: 5)
        let a = gaussian(400, 8, shift: 0, &g), b = gaussian(400, 8, shift: 0, &g), c = gaussian(400, 8, shift: 0.5, &g)
        let same = KernelInceptionDistance.estimate(real: a, generated: b, subsets: 20, subsetSize: 200, seed: 1)
        let shifted = KernelInceptionDistance.estimate(real: a, generated: c, subsets: 20, subsetSize: 200, seed: 1)
        #expect(abs(same.mean) < 3 * same.standardDeviation + 1e-3, "same distribution: \(same)")
        #expect(shifted.mean > 10 * max(same.standardDeviation, 1e-4), "shifted: \(shifted) vs \(same)")
        #expect(same.subsetSize == 200 && same.subsets == 20)
        // Reproducible for a seed.
        #expect(KernelInceptionDistance.estimate(real: a, generated: b, subsets: 20, subsetSize: 200, seed: 1) == same)
    }

    @Test func inceptionScoreMatchesNumpy() {
        let c = MetricsReference.shared.inception_score
        let s = InceptionScore.estimate(probabilities: c.p, classes: c.classes, splits: c.splits)
        #expect(abs(s.mean - c.mean) < 1e-12 && abs(s.standardDeviation - c.std) < 1e-12, "ours \(s), numpy \(c.mean) ± \(c.std)")
    }

    /// Bounds: confident predictions spread evenly over k classes give IS = k; identical rows give 1.
    @Test func inceptionScoreBounds() {
        let k = 4
        var confident: [Double] = []
        for i in 0..<40 { confident += (0..<k).map { $0 == i % k ? 1 : 0 } }
        #expect(abs(InceptionScore.estimate(probabilities: confident, classes: k, splits: 2).mean - Double(k)) < 1e-12)
        let flat = [Double](repeating: 0.25, count: 40 * k)
        #expect(abs(InceptionScore.estimate(probabilities: flat, classes: k, splits: 2).mean - 1) < 1e-12)
    }

    @Test func classHistogramCountsTopClassAndTotalVariation() {
        let h = ClassHistogram(probabilities: [0.1, 0.9, 0, 0.7, 0.2, 0.1, 0.2, 0.3, 0.5, 0.1, 0.8, 0.1], classes: 3)
        #expect(h.counts == [1, 2, 1] && h.coveredClasses == 3)
        let other = ClassHistogram(probabilities: [1, 0, 0, 1, 0, 0], classes: 3)
        #expect(abs(h.totalVariation(to: other) - 0.75) < 1e-12)
    }
}

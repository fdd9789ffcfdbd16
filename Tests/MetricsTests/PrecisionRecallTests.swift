import Testing
@testable import Metrics

/// Synthetic point clouds whose answers follow by hand.
@Suite struct PrecisionRecallTests {
    /// Points at x = positions on a line (2-d, y = 0).
    func line(_ xs: [Double]) -> FeatureMatrix {
        FeatureMatrix(count: xs.count, dimension: 2, values: xs.flatMap { [Float($0), 0] })
    }

    @Test func identicalSetsHavePerfectPrecisionAndRecall() {
        let a = line((0..<50).map(Double.init))
        let pr = PrecisionRecall(real: a, generated: a, k: 3)
        #expect(pr.precision == 1 && pr.recall == 1)
    }

    @Test func disjointSetsHaveNone() {
        let pr = PrecisionRecall(real: line((0..<50).map(Double.init)), generated: line((0..<50).map { 1000 + Double($0) }), k: 3)
        #expect(pr.precision == 0 && pr.recall == 0)
    }

    /// Real: integers 0…99 (k = 3: interior radius 2, the third other point; the end points'
    /// radius is 3). Generated: 0.5, 1.5, …, 29.5 (radius 2 inside, 3 at the ends) plus 30 points far away.
    /// Precision: the 30 on the line are within 0.5 of a real point, the 30 far ones are not → 1/2.
    /// Recall: real x is covered when |x − g| ≤ radius(g) for some g: 0…31 from the line's
    /// interior (29.5's radius is 3, reaching 32.5 → 32 is covered too) → 33 of 100.
    @Test func mixedCloudGivesHandComputedShares() {
        let real = line((0..<100).map(Double.init))
        let near: [Double] = (0..<30).map { Double($0) + 0.5 }
        let far: [Double] = (0..<30).map { 5000 + 10 * Double($0) }
        let generated = line(near + far)
        let pr = PrecisionRecall(real: real, generated: generated, k: 3)
        #expect(pr.precision == 0.5, "precision \(pr.precision)")
        #expect(pr.recall == 0.33, "recall \(pr.recall)")
    }

    /// Mode dropping lowers recall but not precision: samples from one of two real clusters.
    @Test func droppingAModeLowersRecallOnly() {
        var g = RandomGeneratorFactory.make(seed: 9)
        let left = gaussian(200, 4, shift: -20, &g), right = gaussian(200, 4, shift: 20, &g)
        let real = FeatureMatrix(count: 400, dimension: 4, values: left.values + right.values)
        let generated = gaussian(200, 4, shift: -20, &g)
        let pr = PrecisionRecall(real: real, generated: generated, k: 3)
        #expect(pr.precision > 0.9, "precision \(pr.precision)")
        #expect(pr.recall > 0.4 && pr.recall <= 0.5, "recall \(pr.recall)")
    }

    /// Memorization: copies of training points score a share of 1, fresh draws about the quantile.
    @Test func memorizationFlagsCopiesOfTrainingImages() {
        var g = RandomGeneratorFactory.make(seed: 11)
        let training = gaussian(300, 3, shift: 0, &g), heldOut = gaussian(300, 3, shift: 0, &g), fresh = gaussian(300, 3, shift: 0, &g)
        let copies = training.prefix(100)
        let copied = MemorizationCheck(samples: copies, heldOut: heldOut, training: training, quantile: 0.05)
        #expect(copied.share == 1 && copied.medianDistanceRatio == 0)
        let honest = MemorizationCheck(samples: fresh, heldOut: heldOut, training: training, quantile: 0.05)
        #expect(honest.share < 0.15, "fresh samples: \(honest)")
    }
}

// The sampling driver on its own: streaming order, per-image streams for a policy that draws a
// different amount of noise than DDPM, model evaluations, trajectory points, and a policy that
// moves back up in t (as RePaint does) plugging in without any change to the driver.

import Testing
import TensorCore
@testable import Diffusion

/// A policy that, at every step, asks the model once and then draws noise `draws` times and
/// adds their sum; every odd step is an "up" step that skips the model. Its output depends on
/// the per-image streams and on the model, so any mix-up between images shows.
private struct ZigZagPolicy: SamplingPolicy {
    let stepCount: Int
    let draws: Int
    var modelEvaluations: Int { (stepCount + 1) / 2 }
    func timestep(after j: Int) -> Int { j % 2 == 0 ? 10 - j : 11 - j }
    func step(_ j: Int, x: Tensor, batch: inout SamplingBatch, model: NoisePredictor) -> StepResult {
        var next = x
        if j % 2 == 0 { next = next - model(x, batch.timesteps(10 - j), batch.images) * 0.5 }
        for _ in 0..<draws { next = next + batch.standardNormal() * 0.1 }
        return StepResult(previous: next, predictedX0: j % 2 == 0 ? next * 0 : nil)
    }
}

@Suite struct SamplingDriverTests {
    static let imageShape = [2, 3, 3]

    /// ε = 0.1·x + 0.01·t + 0.001·(image index): depends on each image's own index.
    static func model(_ x: Tensor, _ t: [Float], _ images: Range<Int>) -> Tensor {
        let v = x.scalars, per = x.count / t.count
        return Tensor(shape: x.shape, values: v.indices.map { i in
            0.1 * v[i] + 0.01 * t[i / per] + 0.001 * Float(images.lowerBound + i / per)
        })
    }

    @Test(arguments: [1, 2, 3, 7])
    func customPolicyImagesDoNotDependOnBatchSize(_ batchSize: Int) {
        let policy = ZigZagPolicy(stepCount: 5, draws: 3)
        let reference = SamplingDriver(imageShape: Self.imageShape, seed: 11, batchSize: 7)
            .sampleAll(count: 7, policy: policy, model: Self.model)
        let images = SamplingDriver(imageShape: Self.imageShape, seed: 11, batchSize: batchSize)
            .sampleAll(count: 7, policy: policy, model: Self.model)
        #expect(images.scalars == reference.scalars)
        #expect(images.scalars.allSatisfy { (-1...1).contains($0) }, "finish clamps to the data range")
    }

    @Test func batchesStreamInOrderWithTheirImageIndices() {
        let driver = SamplingDriver(imageShape: Self.imageShape, seed: 3, batchSize: 3)
        let policy = ZigZagPolicy(stepCount: 3, draws: 1)
        var seen: [(Range<Int>, [Int])] = []
        driver.run(count: 8, first: 4, policy: policy, model: Self.model) { images, batch in
            seen.append((images, batch.shape))
        }
        #expect(seen.map(\.0) == [4..<7, 7..<10, 10..<12])
        #expect(seen.map(\.1) == [[3, 2, 3, 3], [3, 2, 3, 3], [2, 2, 3, 3]])
        // Streamed batches equal the same images drawn all at once.
        var streamed: [Float] = []
        driver.run(count: 8, first: 4, policy: policy, model: Self.model) { _, b in streamed += b.scalars }
        #expect(streamed == driver.sampleAll(count: 8, first: 4, policy: policy, model: Self.model).scalars)
    }

    @Test func modelIsCalledOnlyOnModelStepsAndProgressCountsEveryStep() {
        let driver = SamplingDriver(imageShape: Self.imageShape, seed: 1, batchSize: 2)
        let policy = ZigZagPolicy(stepCount: 5, draws: 0)
        var calls: [(Range<Int>, [Float])] = []
        var ticks: [[Int]] = []
        var points: [(Int, Int, Bool)] = []
        _ = driver.sampleAll(count: 3, policy: policy, model: { x, t, images in
            calls.append((images, t)); return Self.model(x, t, images)
        }, progress: { ticks.append([$0, $1]) }, trajectory: { points.append(($0.step, $0.timestep, $0.predictedX0 != nil)) })
        // 2 batches × 3 model steps (j = 0, 2, 4), at t = 10, 8, 6, with the batch's timesteps and images.
        #expect(calls.map(\.0) == [0..<2, 0..<2, 0..<2, 2..<3, 2..<3, 2..<3])
        #expect(calls.map(\.1) == [[10, 10], [8, 8], [6, 6], [10], [8], [6]])
        #expect(policy.modelEvaluations == 3)
        #expect(ticks == (1...10).map { [$0, 10] })
        #expect(driver.totalSteps(count: 3, policy: policy) == 10)
        // The trajectory covers the first batch only, with each step's timestep and x̂_0 when predicted.
        #expect(points.map(\.0) == [0, 1, 2, 3, 4])
        #expect(points.map(\.1) == [10, 10, 8, 8, 6])
        #expect(points.map(\.2) == [true, false, true, false, true])
    }

    @Test func zeroImagesRunNoBatch() {
        let driver = SamplingDriver(imageShape: Self.imageShape, seed: 1, batchSize: 2)
        var batches = 0
        driver.run(count: 0, policy: ZigZagPolicy(stepCount: 2, draws: 1), model: Self.model) { _, _ in batches += 1 }
        #expect(batches == 0)
        #expect(driver.sampleAll(count: 0, policy: ZigZagPolicy(stepCount: 2, draws: 1), model: Self.model).shape == [0, 2, 3, 3])
    }

    @Test func samplingBatchDrawsEachImageFromItsOwnStream() {
        var batch = SamplingBatch(images: 5..<8, imageShape: [4], seed: 9)
        let first = batch.standardNormal(), second = batch.standardNormal()
        var alone = SamplingBatch(images: 6..<7, imageShape: [4], seed: 9)
        let aloneFirst = alone.standardNormal(), aloneSecond = alone.standardNormal()
        #expect(Array(first.scalars[4..<8]) == aloneFirst.scalars)
        #expect(Array(second.scalars[4..<8]) == aloneSecond.scalars)
        #expect(first.scalars != second.scalars)
    }
}

// --grad-accumulation K: K micro-batches of B images give the gradient of one batch of K·B.
import Foundation
import Testing
import TensorCore
@testable import Training

@Suite struct GradAccumulationTests {
    /// Same seed, same effective batch of 16: one batch of 16, 2 × 8 and 4 × 4 draw the same
    /// images, t and ε (the step's draws are made for the whole effective batch and split), so
    /// the loss and every gradient agree up to float summation order. Dropout is 0: its masks are
    /// drawn per micro-batch and would differ.
    @Test func accumulatedGradientEqualsOneBigBatch() throws {
        let scratch = try Scratch()
        var results: [(loss: Double, gradients: [Float])] = []
        for (name, batch, k) in [("one", 16, 1), ("two", 8, 2), ("four", 4, 4)] {
            var config = Tiny.config(seed: 11, classes: 2)
            config.training.batchSize = batch
            config.training.gradAccumulation = k
            let trainer = try Tiny.trainer(config, in: scratch, name: name)
            trainer.state.parameters.zeroGradients()
            let loss = try trainer.firstEpochStepGradients(step: 1)
            results.append((loss, trainer.state.parameters.gradients.scalars))
        }
        let reference = results[0]
        let scale = reference.gradients.map(abs).max()!
        #expect(scale > 0)
        for other in results.dropFirst() {
            #expect(abs(other.loss - reference.loss) <= 1e-6 * reference.loss)
            let worst = zip(other.gradients, reference.gradients).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5 * scale, "largest gradient difference \(worst) for a largest gradient \(scale)")
        }
    }

    @Test func anEpochCountsOptimizerSteps() throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.batchSize = 8
        config.training.gradAccumulation = 4   // 32 images per step: 64 images are 2 steps
        config.training.epochs = 1
        let trainer = try Tiny.trainer(config, in: scratch)
        #expect(trainer.stepsPerEpoch == 2)
        try trainer.runLoop(shouldStop: { false })
        #expect(trainer.state.progress.step == 2)
    }

    @Test func effectiveBatchLargerThanTheDataIsRejectedNamingBothFlags() throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.gradAccumulation = 9   // 8 × 9 = 72 > 64
        let error = #expect(throws: ConfigError.self) { try Tiny.trainer(config, in: scratch) }
        #expect(error?.description.contains("--grad-accumulation 9") == true)
        #expect(error?.description.contains("72") == true)
    }

    @Test func accumulationBelowOneIsRejected() {
        var config = Tiny.config()
        config.training.gradAccumulation = 0
        #expect(throws: ConfigError.invalid("--grad-accumulation must be at least 1 (got 0).")) { try config.validate() }
    }
}

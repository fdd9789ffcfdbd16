// Validation bookkeeping: best.safetensors follows the best validation loss, and early stopping
// ends the run after `patience` validations without improvement.
import Foundation
import Testing
import TensorCore
@testable import Training

@Suite struct EarlyStoppingTests {
    /// With a learning rate of exactly 0 AdamW leaves every weight unchanged (θ − 0·u = θ), and the
    /// validation draws are fixed, so every validation loss equals the first one: no later
    /// validation improves, and the run must stop at the (patience + 1)-th validation.
    @Test(arguments: [1, 2])
    func runStopsAfterPatienceValidationsWithoutImprovement(patience: Int) throws {
        let scratch = try Scratch()
        var config = Tiny.config()
        config.training.learningRate = 0
        config.training.warmupSteps = 0
        config.training.steps = 50
        config.training.validateEvery = 2
        config.training.earlyStopping = patience
        var events: [(step: Int, improved: Bool)] = []
        let trainer = try Tiny.trainer(config, in: scratch, validation: Tiny.shapes(count: 16))
        trainer.onEvent = { if case let .validation(step, _, improved) = $0 { events.append((step, improved)) } }

        #expect(try trainer.runLoop(shouldStop: { false }) == .earlyStopping)
        let stopStep = 2 * (patience + 1)
        #expect(trainer.state.progress.step == stopStep)
        #expect(events.map(\.step) == Array(stride(from: 2, through: stopStep, by: 2)))
        #expect(events.map(\.improved) == [true] + Array(repeating: false, count: patience))

        let progress = trainer.state.checkpoint().progress
        #expect(progress.bestStep == 2 && progress.validationsWithoutImprovement == patience)
        let best = try Checkpoint.read(from: trainer.run.bestCheckpointPath)
        #expect(best.progress.step == 2)
        // The final checkpoint carries the bookkeeping, so a resumed run would stop at once too.
        let last = try Checkpoint.read(from: try #require(try trainer.run.latestCheckpoint()))
        #expect(last.progress == progress)

        let validation = try metricsLines(trainer.run).compactMap { $0["validationLoss"] as? Double }
        #expect(validation.count == patience + 1 && Set(validation).count == 1, "\(validation)")
    }

    /// With real training the validation loss moves; whatever the sequence, best.safetensors holds
    /// the step of the smallest value so far, and without a patience the run reaches its step bound.
    @Test func bestCheckpointFollowsTheSmallestValidationLoss() throws {
        let scratch = try Scratch()
        var config = Tiny.config(seed: 2)
        config.training.steps = 12
        config.training.validateEvery = 2
        let trainer = try Tiny.trainer(config, in: scratch, validation: Tiny.shapes(count: 16))
        var bestSeen: [Int] = []
        trainer.onEvent = { event in
            if case let .validation(step, _, improved) = event, improved {
                // best.safetensors is written before the event, so it must already hold this step.
                bestSeen.append((try? Checkpoint.read(from: trainer.run.bestCheckpointPath).progress.step) ?? -1)
                #expect(bestSeen.last == step)
            }
        }
        #expect(try trainer.runLoop(shouldStop: { false }) == .steps)

        let lines = try metricsLines(trainer.run).filter { $0["validationLoss"] != nil }
        let losses = lines.map { ($0["step"] as! Int, $0["validationLoss"] as! Double) }
        #expect(losses.map(\.0) == [2, 4, 6, 8, 10, 12])
        let argmin = try #require(losses.min { $0.1 < $1.1 })
        #expect(trainer.state.progress.bestStep == argmin.0)
        // The log is written exactly, but swift-corelibs JSONSerialization parses some doubles an ulp
        // or two off (e.g. 0.8084637820720673 → …669), so compare read-back values to 1e-12.
        let best = try #require(trainer.state.progress.bestValidationLoss)
        #expect(abs(best - argmin.1) <= 1e-12 * abs(best))
        #expect(try Checkpoint.read(from: trainer.run.bestCheckpointPath).progress.step == argmin.0)
        // Each improvement was strictly below everything before it.
        var running = Double.infinity, improvements: [Int] = []
        for (step, loss) in losses where loss < running { running = loss; improvements.append(step) }
        #expect(bestSeen == improvements)
    }

    @Test func validationLossUsesTheSameDrawsEveryTime() throws {
        let scratch = try Scratch()
        let trainer = try Tiny.trainer(Tiny.config(), in: scratch, validation: Tiny.shapes(count: 20))
        let a = try #require(trainer.validationLoss()), b = try #require(trainer.validationLoss())
        #expect(a == b)
        #expect(a.isFinite && a > 0)
        let none = try Tiny.trainer(Tiny.config(), in: scratch, name: "none", validation: nil)
        #expect(none.validationLoss() == nil)
    }
}
